// Which findings become Problems (the findings' table says: core/findings.ts), anchored where in the setup manifest,
// and the quick fix each can have. Pure (jsonc-parser only).
import { findNodeAtLocation, Node, parseTree } from 'jsonc-parser';
import { Finding, FindingCode, findingSpec, isFindingCode } from '../core/findings';
import { Report, StepId } from '../core/types';

export interface DiagnosticModel {
  offset: number;
  length: number;
  severity: 'error' | 'warning';
  message: string;
  code: FindingCode;
  step: StepId;
}

function fallbackPath(f: Finding): Array<string | number> {
  switch (f.subject) {
    case 'integration-user':
      return ['user', 'username'];
    case 'certificate':
      return ['certificate'];
    case 'app':
      return ['app'];
    default:
      // The admin and the org are no key of the manifest: the problem is anchored on the manifest as a whole.
      return [];
  }
}

/**
 * The range of a property's value (a key for an object), or of the closest enclosing property that exists in the
 * file; for the manifest as a whole (an empty path, or nothing of the path in the file), its opening brace.
 */
export function anchor(root: Node | undefined, path: Array<string | number>): { offset: number; length: number } {
  if (!path.length) return root ? { offset: root.offset, length: 1 } : { offset: 0, length: 1 };
  for (let n = path.length; n > 0 && root; n--) {
    const node = findNodeAtLocation(root, path.slice(0, n));
    if (node) {
      // A value ("balkanid@yourcompany.com") is underlined itself; an object or array by its key.
      const leaf = node.type !== 'object' && node.type !== 'array';
      const key = (!leaf && node.parent?.type === 'property' ? node.parent.children?.[0] : undefined) ?? node;
      return { offset: key.offset, length: key.length };
    }
  }
  // Nothing on the path is in the file (a default is in use): the manifest as a whole.
  return root ? { offset: root.offset, length: 1 } : { offset: 0, length: 1 };
}

export function diagnosticsFor(report: Report, manifestText: string): DiagnosticModel[] {
  const root = parseTree(manifestText);
  const out: DiagnosticModel[] = [];
  const seen = new Set<string>();
  for (const step of report.steps) {
    for (const f of step.findings) {
      const spec = findingSpec(f.code);
      if (!spec.problem) continue;
      // One problem once: a missing admin permission that several steps need is listed under the first.
      const key = `${f.code}\u0000${f.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const at = anchor(root, f.manifestPath ?? fallbackPath(f));
      out.push({
        ...at,
        severity: spec.severity,
        message: f.fix ? `${f.message} ${f.fix}` : f.message,
        code: f.code,
        step: step.id,
      });
    }
  }
  return out;
}

/** What a quick fix can do about a problem. Only fixes that can work are offered. */
export type QuickFix =
  { kind: 'runStep'; step: StepId } | { kind: 'openAdminUser' } | { kind: 'chooseCertificate' } | undefined;

/** The quick fix a Problem of `code` offers, if one can repair it (a code VS Code hands back as text is checked). */
export function quickFixFor(code: string | number | undefined, step: StepId): QuickFix {
  if (!isFindingCode(code)) return undefined;
  const fix = findingSpec(code).quickFix;
  if (fix === 'runStep') return step === 'preflight' || step === 'verify' ? undefined : { kind: 'runStep', step };
  return fix && { kind: fix };
}
