// What the CLI prints: the checklist, the plan, the values for BalkanID, the JWT self-test, the preview and the export.
import { adminRequestText, remaining, runnable } from '../core/engine';
import { changesMade, describeWrites, Handoff, Report, Write } from '../core/types';
import type { RememberedLogin } from '../node/verify';
import type { Preview } from '../core/extract/preview';
import { exportNotes, SourceProgress } from '../core/extract/export';
import { leftOutText, USERS_LABELS } from '../core/extract/sources';
import type { ExportResult } from '../node/exportFiles';
import { SCIM_ENDPOINTS, SCIM_REFERENCE, scimAccess } from '../core/extract/scim';
import { inert } from '../core/inertText';
import { formatCount as n } from '../core/numbers';

const MARK: Record<string, string> = {
  done: '✔',
  todo: '○',
  drifted: '≠',
  blocked: '⊘',
  error: '✖',
  waiting: '◌',
};
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
        ? "Setup done; waiting for BalkanID's first login (check again later; verify --key <file> tests the login " +
          "yourself, and that test never counts as BalkanID's)."
        : `All ${r.steps.length} steps done.`,
  );
  return lines.join('\n');
}

export function renderPlan(writes: Write[], heading = 'Planned writes:'): string {
  if (!writes.length) return 'Nothing to write: the org matches the setup.';
  return [heading, ...describeWrites(writes).map(l => `  ${l}`)].join('\n');
}

/**
 * What apply would do now, by the rule Run All shows (runnable): the writes that can run, the steps that are blocked
 * and why, and — when the admin lacks permissions — the request to send to a System Administrator.
 */
export function renderRunnable(r: Report): string {
  const { writes, blockers } = runnable(r);
  if (!writes.length && !blockers.length) return 'Nothing to write: the org matches the setup.';
  const lines = writes.length
    ? [`Writes that can run now (${writes.length}):`, ...describeWrites(writes).map(l => `  ${l}`)]
    : ['Nothing can run now: apply would write nothing.'];
  if (blockers.length)
    lines.push(
      '',
      `Blocked, not run now (${blockers.length} step${blockers.length === 1 ? '' : 's'}):`,
      ...blockers.map(b => `  ⊘ ${b.title}: ${b.reason}`),
    );
  const request = adminRequestText(r);
  if (request)
    lines.push(
      '',
      'The request for a System Administrator (copy it and send it):',
      ...request.split('\n').map(l => `  ${l}`),
    );
  return lines.join('\n');
}

/** After apply: the changes made, counted as the plan counts them, and what stays blocked. */
export function renderApplied(r: Report, writes: Write[]): string {
  const { blockers } = runnable(r);
  const lines = [changesMade(writes)];
  if (blockers.length)
    lines.push(
      `Still blocked (${blockers.length} step${blockers.length === 1 ? '' : 's'}): ` +
        `${blockers.map(b => b.title).join(', ')} — balkanid-sf plan says why.`,
    );
  return lines.join('\n');
}

export function renderHandoff(r: Report): string {
  const h = r.handoff!;
  if (h.notReady)
    return [
      `Not ready for BalkanID: ${h.notReady}`,
      '',
      'Nothing to paste yet: BalkanID would log in as a user that cannot log in. Run `balkanid-sf plan` to see what ' +
        'is left, and `balkanid-sf apply` to do what can run.',
    ].join('\n');
  return [
    'Paste into BalkanID (Integrations → Add Integration → Salesforce → Direct integration):',
    `  Salesforce User Name : ${h.username}`,
    `  Consumer Key         : ${keyLine(h)}`,
    `  Login URL            : ${h.loginUrl}`,
    `  Sandbox              : ${h.isSandbox ? 'yes' : 'no'}`,
    '',
    'Other ways into BalkanID:',
    `  SCIM base URL        : ${h.scimUrl}`,
    `    ${scimAccess(h.username)}`,
    `    Endpoints: ${SCIM_ENDPOINTS.join('; ')}. Reference: ${SCIM_REFERENCE}`,
    '  Files                : balkanid-sf export --out <folder> ' +
      '(entities.csv, entity-relations.csv for a manual upload)',
    '  Bulk API             : balkanid-sf upload --dir <folder> ' +
      '(API key: $BALKANID_API_KEY_ID, $BALKANID_API_KEY_SECRET)',
  ].join('\n');
}

/** The consumer key for BalkanID, or where the admin finds it when the org gives it to this tool by no route. */
function keyLine(h: Handoff): string {
  if (h.consumerKey) return h.consumerKeySource === 'typed' ? `${h.consumerKey} (as you typed it)` : h.consumerKey;
  if (h.consumerKeyPage)
    return (
      `not readable here — open ${h.consumerKeyPage}, Settings → OAuth Settings → Consumer Key and Secret, and ` +
      'copy the Consumer Key (then pass it with --consumer-key to verify)'
    );
  return '(not available yet — run apply)';
}

/** The self-test's outcome, and whether its login is remembered as this tool's own (never BalkanID's). */
export function renderSelfTest(t: RememberedLogin): string {
  const memory = t.forgotten
    ? `\n  (Its login could not be remembered as this tool's own: ${t.forgotten}. It may be taken for BalkanID's.)`
    : t.remembered === undefined
      ? "\n  (Your login history is not visible to you, so this login could not be told apart from BalkanID's.)"
      : t.remembered.length
        ? `\n  (Remembered as this tool's own login${t.remembered.length > 1 ? 's' : ''}: never counted as BalkanID's.)`
        : '';
  if (t.failure)
    return (
      `JWT login failed after ${t.attempts} attempt(s): ${t.failure.error}: ${t.failure.description}\n  Cause: ` +
      `${t.failure.cause}\n  Fix: ${t.failure.fix}${memory}`
    );
  const lines = [
    `Self-test passed: JWT login as the integration user succeeded (attempt ${t.attempts} of at most ` +
      `${t.maxAttempts}). What BalkanID can read:`,
    ...t.reads.map(
      r =>
        `  ${r.error ? '✖' : '✔'} ${r.label.padEnd(28)} ` +
        `${r.error ? `${r.error} — ${r.cause}` : `${r.count} record(s)`}`,
    ),
  ];
  return lines.join('\n') + memory;
}

export function renderPreview(p: Preview, org: string): string {
  const who =
    p.reader.kind === 'integration'
      ? `as the integration user ${p.reader.username} (JWT login, exactly as BalkanID reads)`
      : `as you (${p.reader.username}). BalkanID reads as the integration user, which may see less: pass --key ` +
        `<private key> to read as it`;
  const lines = [`What BalkanID will read from ${org} — ${who}.`, ''];
  for (const s of p.sources) {
    if (s.unreadable) {
      lines.push(`✖ ${s.label.padEnd(28)} cannot be read (${s.unreadable.code}) — ${s.unreadable.fix}`);
      continue;
    }
    const active = s.active !== undefined ? ` (${n(s.active)} active)` : '';
    if (s.timedOut)
      lines.push(
        `✔ ${s.label.padEnd(28)} timed out (too many to count in Salesforce's query time; the export reads them)`,
      );
    else lines.push(`✔ ${s.label.padEnd(28)} ${n(s.count ?? 0)}${active}`);
    if (s.id === 'user') {
      const left = leftOutText(p.usersLeftOut, n);
      lines.push(`    ~ ${USERS_LABELS[p.users]} (--users ${p.users})${left ? `; left out: ${left}` : ''}`);
    }
    if (s.partial) lines.push(`    ~ ${s.partial}`);
    // One row per line whatever a name holds (a newline would print a row of its own).
    for (const row of s.sample) lines.push(`    ${inert(row)}`);
  }
  const bad = p.sources.filter(s => s.unreadable);
  lines.push(
    '',
    bad.length
      ? `${bad.length} of ${p.sources.length} lists cannot be read; BalkanID would miss them until that is fixed.`
      : p.sources.some(s => s.partial)
        ? `All ${p.sources.length} lists can be read; Users may be partial (see above).`
        : `All ${p.sources.length} lists can be read.`,
  );
  return lines.join('\n');
}

/** A note (a retry, a fallback) always; a progress line when a list is read to the end, and every 20,000 records of
 *  a long one (else nothing). */
export function progressLine(p: SourceProgress): string | undefined {
  if (p.note) return `  ~ ${p.note}`;
  const finished = p.total !== undefined && p.read >= p.total;
  if (!finished && (p.read === 0 || p.read % 20000 !== 0)) return undefined;
  return `  ${p.source.label}: ${n(p.read)}${p.total !== undefined ? ` of ${n(p.total)}` : ''}`;
}

export function renderExport(r: ExportResult, seconds: number): string {
  const e = r.entities;
  const identities = e.user ?? 0;
  const connections = Object.entries(e)
    .filter(([k]) => k !== 'user')
    .reduce((a, [, v]) => a + (v ?? 0), 0);
  const lines = [
    `Wrote ${r.files.entities} (App "${r.app}": ${n(identities)} identities, ${n(connections)} connections) and ` +
      `${r.files.relations} (${n(r.relations)} relations), from ${n(r.records)} records read in ` +
      `${seconds.toFixed(1)} s ` +
      `(${n(Math.round(r.records / Math.max(seconds, 0.001)))} records/s, ${r.requests} requests).`,
    ...exportNotes(r),
  ];
  if (r.rolledForward) lines.push('(An export that was stopped while putting its files in place was finished first.)');
  if (r.cleaned.length)
    lines.push(
      `(Removed ${r.cleaned.length} temporary file(s) of export(s) that were killed: ${r.cleaned.join(', ')}.)`,
    );
  for (const u of r.unreadable) lines.push(`✖ ${u.label} could not be read (${u.code}) — ${u.fix}`);
  lines.push(
    r.unreadable.length
      ? 'The files are incomplete until that is fixed.'
      : 'Upload them in BalkanID (manual file upload), or run: balkanid-sf upload --dir ' + r.dir,
  );
  return lines.join('\n');
}
