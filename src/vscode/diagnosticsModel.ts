// Which findings become Problems, anchored where in the setup manifest. Pure (jsonc-parser only).
import { findNodeAtLocation, Node, parseTree } from 'jsonc-parser';
import { Finding, Report, StepId } from '../core/types';

export interface DiagnosticModel {
  offset: number;
  length: number;
  severity: 'error' | 'warning';
  message: string;
  code: string;
  step: StepId;
}

const NOT_PROBLEMS = new Set(['pending', 'waits-for', 'login-ok', 'login-history-unreadable']);

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
      if (f.severity === 'info' || NOT_PROBLEMS.has(f.code)) continue;
      // One problem once: a missing admin permission that several steps need is listed under the first.
      const key = `${f.code}\u0000${f.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const at = anchor(root, f.manifestPath ?? fallbackPath(f));
      out.push({
        ...at,
        severity: f.severity,
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

/** Findings that running their step repairs (drift and what the step creates). */
const RUN_FIXES = new Set([
  'app-drift',
  'link-missing-drift',
  'policy-self-authorized',
  'permset-permission-drift',
  'permset-unassigned-drift',
  'profile-permission-drift',
  'user-profile-drift',
  'user-role-drift',
]);

export function quickFixFor(code: string, step: StepId): QuickFix {
  // Only another admin can grant a permission: open the connected admin's user record in Setup.
  if (code === 'admin-permission-missing') return { kind: 'openAdminUser' };
  if (code === 'cert-unverified') return undefined; // only a JWT login (Verify) settles it
  if (code.startsWith('cert-')) return { kind: 'chooseCertificate' };
  if (RUN_FIXES.has(code) && step !== 'preflight' && step !== 'verify') return { kind: 'runStep', step };
  return undefined;
}
