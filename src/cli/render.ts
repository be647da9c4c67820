// What the CLI prints: the checklist, the plan, the values for BalkanID, the JWT self-test.
import { remaining } from '../core/engine';
import { describeWrites, Report, Write } from '../core/types';
import type { SelfTestResult } from '../node/verify';
import { SCIM_ENDPOINTS, SCIM_REFERENCE, scimAccess } from '../core/extract/scim';

const MARK: Record<string, string> = { done: '✔', todo: '○', drifted: '≠', blocked: '⊘', error: '✖', waiting: '◌' };
const STATE: Record<string, string> = {
  done: 'done',
  todo: 'to do',
  drifted: 'drifted',
  blocked: 'blocked',
  error: 'error',
  waiting: 'waiting for the first login',
};

export function renderReport(r: Report): string {
  const lines = [
    `BalkanID setup — ${r.org.username} @ ${r.org.instanceUrl} (${r.org.isSandbox ? 'sandbox' : 'production'}, API ` +
      `${r.org.apiVersion})`,
    '',
  ];
  for (const s of r.steps) {
    lines.push(`${MARK[s.state]} ${s.title.padEnd(48)} ${STATE[s.state]}`);
    for (const f of s.findings)
      lines.push(
        `    ${f.severity === 'error' ? '!' : f.severity === 'warning' ? '~' : '·'} ` +
          `${f.message}${f.fix ? `\n      → ${f.fix}` : ''}`,
      );
  }
  const left = remaining(r);
  const waiting = r.steps.some(s => s.state === 'waiting');
  lines.push(
    '',
    left
      ? `${r.steps.length - left}/${r.steps.length} steps done.`
      : waiting
        ? `Setup done; waiting for BalkanID's first login (check again later, or verify --key <file> to log in now).`
        : `All ${r.steps.length} steps done.`,
  );
  return lines.join('\n');
}

export function renderPlan(writes: Write[], heading = 'Planned writes:'): string {
  if (!writes.length) return 'Nothing to write: the org matches the setup.';
  return [heading, ...describeWrites(writes).map(l => `  ${l}`)].join('\n');
}

export function renderHandoff(r: Report): string {
  const h = r.handoff!;
  return [
    'Paste into BalkanID (Integrations → Add Integration → Salesforce → Direct integration):',
    `  Salesforce User Name : ${h.username}`,
    `  Consumer Key         : ${h.consumerKey ?? '(not available yet — run apply)'}`,
    `  Login URL            : ${h.loginUrl}`,
    `  Sandbox              : ${h.isSandbox ? 'yes' : 'no'}`,
    '',
    'Other ways into BalkanID:',
    `  SCIM base URL        : ${h.scimUrl}`,
    `    ${scimAccess(h.username)}`,
    `    Endpoints: ${SCIM_ENDPOINTS.join('; ')}. Reference: ${SCIM_REFERENCE}`,
    '  Files                : balkanid-sf export --out <folder> (entities.csv, entity-relations.csv for a manual upload)',
    '  Bulk API             : balkanid-sf upload --dir <folder> (API key: $BALKANID_API_KEY_ID, $BALKANID_API_KEY_SECRET)',
  ].join('\n');
}

export function renderSelfTest(t: SelfTestResult): string {
  if (t.failure)
    return (
      `JWT login failed after ${t.attempts} attempt(s): ${t.failure.error}: ${t.failure.description}\n  Cause: ` +
      `${t.failure.cause}\n  Fix: ${t.failure.fix}`
    );
  return [
    `JWT login as the integration user succeeded (attempt ${t.attempts} of at most ${t.maxAttempts}). What BalkanID ` +
      `can read:`,
    ...t.reads.map(
      r =>
        `  ${r.error ? '✖' : '✔'} ${r.object.padEnd(24)} ` +
        `${r.error ? `${r.error} — ${r.cause}` : `${r.count} record(s)`}`,
    ),
  ].join('\n');
}
