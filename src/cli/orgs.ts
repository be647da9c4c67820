// Several orgs in one run: each runs on its own (one org's failure never stops the others), at most `limit` at
// once, and the run ends with one table. The exit code is the worst of them.
import { inert } from '../core/inertText';
import { SfOrg } from '../node/sfcli';
import type { Outcome } from './command';

/** One org's result in a several-orgs run. */
export interface OrgOutcome extends Outcome {
  org: string;
  /** What the command printed for this org (text, or its JSON document). */
  output: string;
}

/** Runs `task` over `items`, at most `limit` at once, keeping the order of `items` in the results. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Orgs the Salesforce CLI knows, without expired scratch orgs; alias when there is one. */
export function liveOrgs(orgs: SfOrg[]): string[] {
  return orgs.filter(o => !o.isExpired).map(o => o.alias ?? o.username);
}

/**
 * A folder name for an org (export and upload with several orgs use one folder each): other characters are
 * percent-encoded, so two orgs never share a folder and "." or ".." never leave --out.
 */
export const orgFolder = (org: string) =>
  org
    .replace(/[^A-Za-z0-9@._-]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
    .replace(/^\.+$/, d => '%2E'.repeat(d.length));

export function renderTable(outcomes: OrgOutcome[]): string {
  // Each cell on one line, whatever an alias or a message holds (a newline, an escape sequence): shown, not obeyed.
  const cell = (s: string) => inert(s);
  const all = [
    ['Org', ...outcomes.map(o => cell(o.org))],
    ['Steps done', ...outcomes.map(o => o.steps ?? '—')],
    ['Writes', ...outcomes.map(o => o.writes ?? '—')],
    [
      'Result',
      ...outcomes.map(o => (o.error ? `✖ ${cell(o.error.split('\n')[0]!).slice(0, 140)}` : cell(o.result ?? 'ok'))),
    ],
    ['Exit', ...outcomes.map(o => String(o.code))],
  ];
  // A column no org has anything in (steps for export, writes for check) is left out.
  const columns = all.filter(([, ...cells]) => cells.some(c => c !== '—'));
  const head = columns.map(c => c[0]!);
  const rows = outcomes.map((_, i) => columns.map(c => c[i + 1]!));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map(r => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const failed = outcomes.filter(o => o.error);
  return [
    line(head),
    line(widths.map(w => '─'.repeat(w))),
    ...rows.map(line),
    '',
    `${outcomes.length} org(s): the command ran on ${outcomes.length - failed.length}` +
      (failed.length ? `, and failed on ${failed.length} (below).` : '.'),
    ...failed.map(o => `\n${cell(o.org)}: ${o.error}`),
  ].join('\n');
}
