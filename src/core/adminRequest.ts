// The request a limited admin sends to a System Administrator: every permission they lack for the work left, once
// each, in Setup's labels, with the steps that need it — one list to copy, from the checklist (Preflight), Run All's
// message, Show Plan, and `balkanid-sf plan`.
import { label } from './permissions';
import { adminNeeds, STEP_LABELS } from './steps';
import { Report } from './types';

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
