// The request a limited admin sends to a System Administrator: every permission they lack for the work left, once
// each, in Setup's labels, with the steps that need it — one list to copy, from the checklist (Preflight), Run All's
// message, Show Plan, and `balkanid-sf plan`.
import { label } from './permissions';
import { STEP_LABELS } from './steps/names';
import { Report, StepId, StepResult } from './types';

/** Whether a step still has work to do: writes planned, or what it creates missing. */
export const hasWork = (s: Pick<StepResult, 'plan' | 'exists'>) => s.plan.length > 0 || !s.exists;

/** A permission the connected admin lacks, with the permissions that would do instead and the steps that need it. */
export interface AdminNeed {
  permission: string;
  alternatives: string[];
  steps: StepId[];
}

/**
 * Every permission the admin lacks for the work left, once each, in the order the steps need them: the preflight's
 * own (without which the org cannot be read) and those of every step that still has work to do. A step with nothing
 * left to write needs none of its permissions now.
 */
export function adminNeeds(results: StepResult[]): AdminNeed[] {
  const needs: AdminNeed[] = [];
  for (const s of results) {
    if (s.id !== 'preflight' && !hasWork(s)) continue;
    for (const f of s.findings) {
      if (f.code !== 'admin-permission-missing' || !f.permission) continue;
      const known = needs.find(n => n.permission === f.permission);
      if (known) {
        if (!known.steps.includes(s.id)) known.steps.push(s.id);
      } else needs.push({ permission: f.permission, alternatives: f.alternatives ?? [], steps: [s.id] });
    }
  }
  return needs;
}

/** The permissions, one line each: `• "Label" (or "Other") — for: Step, Step`. */
export function adminNeedLines(r: Pick<Report, 'steps'>): string[] {
  return adminNeeds(r.steps).map(
    n =>
      `• ${label(n.permission)}` +
      (n.alternatives.length ? ` (or ${n.alternatives.map(label).join(' or ')})` : '') +
      ` — for: ${n.steps.map(s => STEP_LABELS[s]).join(', ')}`,
  );
}

/** The whole request, ready to send; undefined when the admin lacks nothing the setup still needs. */
export function adminRequestText(r: Pick<Report, 'steps' | 'org'>): string | undefined {
  const lines = adminNeedLines(r);
  if (!lines.length) return undefined;
  const org = r.org.name ? `"${r.org.name}" (${r.org.instanceUrl})` : r.org.instanceUrl;
  return [
    `Hello, I am connecting the Salesforce org ${org} to BalkanID (org ID ${r.org.orgId}). Please grant my user ` +
      `${r.org.username} these permissions — in Setup, in a permission set assigned to me or in my profile:`,
    '',
    ...lines,
    '',
    `(${lines.length === 1 ? 'It is' : 'They are'} listed with the setup steps that need ` +
      `${lines.length === 1 ? 'it' : 'them'}; a System Administrator has them all. I can also hand the setup to you.)`,
  ].join('\n');
}
