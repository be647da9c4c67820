// The export: every list read to the end (read.ts: REST pages, or Bulk API 2.0 for large lists; a failed page
// resumed from the last Id), each checked row written at once as CSV rows to a sink. Only names, the roles, the
// groups in groups and a compact set of the users written are kept (so that every relation refers to an entity in
// the file), never the org's records. Each list's rows are reconciled with its COUNT(); a list that cannot be, says
// why. Progress after each page; an abort between pages.
import { Clock, systemClock } from '../clock';
import { OrgClient } from '../client';
import { salesforceCode } from '../errorCodes';
import { formatCount as n } from '../numbers';
import { codeOf, isSetupError, messageOf, SetupError } from '../types';
import { DEFAULT_APP, ExportIndex, rowsOf, settleRoleGroups, SkipReason } from './entities';
import { FormulaCells } from './format';
import { cancelled, readList, ReadTuning, TUNING } from './read';
import { id18 } from './records';
import {
  Count,
  countFrom,
  counted,
  countOf,
  countSources,
  DEFAULT_USERS,
  readFix,
  Source,
  SOURCES,
  SourceId,
  UNREADABLE,
  UsersChoice,
  USERS_LABELS,
  leftOutText,
  usersLeftOut,
  UsersLeftOut,
  usersMayBePartial,
  VISIBILITY_SOQL,
} from './sources';

export { cancelled };

export interface ExportSink {
  entity(row: string[]): void | Promise<void>;
  relation(row: string[]): void | Promise<void>;
}

export interface SourceProgress {
  source: Source;
  read: number;
  total?: number;
  /** A retry or a fallback, said as it happens. */
  note?: string;
}

export interface Unreadable {
  source: SourceId;
  label: string;
  code: string;
  fix: string;
}

/** How one list was read, and whether its rows add up. */
export interface ListReport {
  source: SourceId;
  label: string;
  rows: number;
  /** Its COUNT() before the read (undefined: it timed out). */
  count?: number;
  /** `matches COUNT()`, or why it could not be reconciled. */
  reconciled: string;
  via: string;
  requests: number;
  retries: number;
}

export interface ExportSummary {
  /** The App column's value. */
  app: string;
  /** Which users were kept (--users). */
  users: UsersChoice;
  /** Entities written per source type (user, profile, role, permission_set, …). */
  entities: Record<string, number>;
  relations: number;
  /** Relations not written, by reason (see SkipReason). */
  skippedRelations: Partial<Record<SkipReason, number>>;
  /** Groups inside public groups and queues of a kind the export leaves out, by Group.Type. */
  groupKindsLeftOut: Record<string, number>;
  /** Users left out by the users chosen, by why. */
  usersLeftOut: UsersLeftOut;
  /** Permission set assignments of users left out (from the counts; undefined when a count timed out). */
  assignmentsLeftOut?: number;
  /** Groups of other kinds in the org (territories, managers, …), not read. */
  otherGroups?: number;
  /** Records read from Salesforce, and the API requests it took (counts, pages, jobs). */
  records: number;
  requests: number;
  lists: ListReport[];
  unreadable: Unreadable[];
  /** Why the users may be fewer than the org has (the reader lacks View All Users), if they may. */
  usersPartial?: string;
  /** Cells that start like a spreadsheet formula (=, +, -, @, TAB, CR), and whether they were neutralized. */
  formulaCells: number;
  neutralized: boolean;
}

export interface ExportOptions {
  app?: string;
  /** Which users (default: internal users, active and deactivated). */
  users?: UsersChoice;
  /** Cells that start like a formula get a leading single quote (OWASP); default: only counted. */
  neutralizeFormulas?: boolean;
  /** Who reads ("The integration user", "You"), for the fixes of unreadable objects. */
  reader: string;
  onProgress?: (p: SourceProgress) => void;
  signal?: AbortSignal;
  /** The waits between retries and polls (tests: a ManualClock). */
  clock?: Clock;
  /** REST or Bulk, retries and backoff (tests make them small). */
  tuning?: Partial<ReadTuning>;
}

/** The kinds of group left out, named: their types, read for the few members found (a query by Id). */
async function nameOtherGroups(client: OrgClient, ids: string[], summary: ExportSummary): Promise<void> {
  for (let i = 0; i < ids.length; i += 200) {
    const chunk = ids.slice(i, i + 200);
    const soql = `SELECT Id, Type FROM Group WHERE Id IN (${chunk.map(x => `'${x}'`).join(', ')})`;
    summary.requests++;
    const res = (await client
      .request('GET', `/services/data/v${client.apiVersion}/query?q=${encodeURIComponent(soql)}`)
      .catch(() => undefined)) as { records?: Array<{ Id?: unknown; Type?: unknown }> } | undefined;
    const types = new Map((res?.records ?? []).map(r => [id18(String(r.Id)), String(r.Type ?? 'unknown')]));
    for (const x of chunk) {
      const type = types.get(x) ?? 'unknown';
      summary.groupKindsLeftOut[type] = (summary.groupKindsLeftOut[type] ?? 0) + 1;
    }
  }
}

export async function exportOrg(client: OrgClient, sink: ExportSink, o: ExportOptions): Promise<ExportSummary> {
  const app = o.app ?? DEFAULT_APP;
  const users = o.users ?? DEFAULT_USERS;
  const clock = o.clock ?? systemClock;
  const tuning: ReadTuning = { ...TUNING, ...o.tuning };
  const index = new ExportIndex(app, id18(client.orgId));
  const formulas = new FormulaCells(!!o.neutralizeFormulas);
  const summary: ExportSummary = {
    app,
    users,
    entities: {},
    relations: 0,
    skippedRelations: {},
    groupKindsLeftOut: {},
    usersLeftOut: {},
    records: 0,
    requests: 0,
    lists: [],
    unreadable: [],
    formulaCells: 0,
    neutralized: !!o.neutralizeFormulas,
  };
  const before = await countSources(client, users, [{ ref: 'visibility', soql: VISIBILITY_SOQL }]);
  summary.requests += before.requests;
  const { counts, others } = before;
  summary.usersPartial = usersMayBePartial(before.extra.visibility, o.reader);
  summary.usersLeftOut = usersLeftOut(users, others, counts.user);
  const allAssignments = counted(others.assignmentsAll);
  const keptAssignments = counted(counts.permissionSetAssignment);
  if (users !== 'all' && allAssignments !== undefined && keptAssignments !== undefined)
    summary.assignmentsLeftOut = allAssignments - keptAssignments;
  summary.otherGroups = counted(others.groupsOther);

  for (const source of SOURCES) {
    const total = counted(counts[source.id]);
    let read = 0;
    const progress = (note?: string) =>
      o.onProgress?.({ source, read, ...(total !== undefined ? { total } : {}), ...(note ? { note } : {}) });
    progress();
    try {
      const r = await readList(
        { client, clock, signal: o.signal, tuning, note: t => progress(t), onRequest: () => summary.requests++ },
        source,
        users,
        total,
        async rows => {
          for (const rec of rows) {
            const out = rowsOf(source, rec, index);
            for (const e of out.entities) {
              await sink.entity(formulas.apply(e));
              summary.entities[e[5]!] = (summary.entities[e[5]!] ?? 0) + 1;
            }
            for (const rel of out.relations) await sink.relation(formulas.apply(rel));
            summary.relations += out.relations.length;
            for (const why of out.skipped) summary.skippedRelations[why] = (summary.skippedRelations[why] ?? 0) + 1;
          }
          read += rows.length;
          summary.records += rows.length;
          progress();
        },
      );
      summary.lists.push({
        source: source.id,
        label: source.label,
        rows: r.rows,
        ...(total !== undefined ? { count: total } : {}),
        reconciled: '',
        via: r.via,
        requests: r.requests,
        retries: r.retries,
      });
    } catch (e) {
      // Only a refusal before the first row means "cannot read this object"; anything later is a failure.
      const code = codeOf(e);
      if (code === 'CANCELLED') throw e;
      if (read > 0 || !code || !UNREADABLE.has(code)) {
        throw new SetupError(
          `Export stopped while reading ${source.label} (${n(read)}${total !== undefined ? ` of ${n(total)}` : ''} ` +
            `read): ${messageOf(e)}`,
          isSetupError(e) ? e.code : code ? salesforceCode(code) : 'EXPORT_FAILED',
        );
      }
      summary.unreadable.push({ source: source.id, label: source.label, code, fix: readFix(source, code, o.reader) });
    }
    if (source.id === 'groupNesting') {
      settleRoleGroups(index);
      if (index.otherGroups.size) await nameOtherGroups(client, [...index.otherGroups.keys()], summary);
    }
  }
  summary.formulaCells = formulas.count;
  await reconcile(client, users, counts, summary);
  return summary;
}

/**
 * Each list's rows against its COUNT(): equal, or the org changed while it was read (a second COUNT() after the read
 * differs from the first), or the count timed out (then the list was checked only against its own query's total). A
 * list with other rows than both counts say is a short (or long) answer: an error, and nothing is written.
 */
async function reconcile(
  client: OrgClient,
  users: UsersChoice,
  counts: Record<SourceId, Count>,
  summary: ExportSummary,
): Promise<void> {
  const differing = summary.lists.filter(l => l.count !== undefined && l.count !== l.rows);
  let after: Record<string, Count> = {};
  if (differing.length) {
    summary.requests++;
    const url = (soql: string) => `v${client.apiVersion}/query?q=${encodeURIComponent(soql)}`;
    const res = await client.batch(
      differing.map(l => ({
        ref: l.source,
        url: url(
          countOf(
            SOURCES.find(s => s.id === l.source)!,
            users,
          ),
        ),
      })),
    );
    after = Object.fromEntries(differing.map(l => [l.source, countFrom(res[l.source])]));
  }
  for (const l of summary.lists) {
    if (l.count === undefined) {
      const c = counts[l.source];
      const why =
        'code' in c
          ? `its COUNT() failed (${c.code})`
          : 'its COUNT() timed out (Salesforce could not count it in time)';
      l.reconciled =
        `not reconciled: ${why}; ` +
        `its rows add up to what its ${l.via === 'REST' ? 'queries' : 'job and queries'} announced`;
      continue;
    }
    if (l.count === l.rows) {
      l.reconciled = 'matches COUNT()';
      continue;
    }
    const second = counted(after[l.source]);
    if (second === l.rows) {
      l.reconciled = `matches COUNT() after the read (${n(l.count)} before: the org changed meanwhile)`;
      continue;
    }
    if (second === undefined || second !== l.count) {
      l.reconciled =
        `not reconciled: the org changed while it was read (COUNT() ${n(l.count)} before, ` +
        `${second === undefined ? 'not counted' : n(second)} after, ${n(l.rows)} rows read)`;
      continue;
    }
    throw new SetupError(
      `Salesforce sent ${n(l.rows)} rows of ${l.label} where COUNT() says ${n(l.count)}, before and after the read: ` +
        `${l.rows < l.count ? 'a short' : 'a long'} answer. ` +
        'Run the export again; if it repeats, send a trace (--trace).',
      'EXPORT_SHORT',
    );
  }
}

/** What was left out and why, in words (CLI and extension say the same). */
export function skippedText(s: ExportSummary): string[] {
  const out: string[] = [];
  const sk = s.skippedRelations;
  const kinds = Object.entries(s.groupKindsLeftOut)
    .map(([t, c]) => `${n(c)} ${t}`)
    .join(', ');
  if (sk.groupKind)
    out.push(
      `${n(sk.groupKind)} membership(s) of groups of other kinds inside public groups or queues left out (${kinds}): ` +
        'the export holds public groups, queues, role groups and All Internal Users.',
    );
  if (sk.inactiveAssignment)
    out.push(
      `${n(sk.inactiveAssignment)} permission set assignment(s) past their expiration date left out: they grant ` +
        'nothing (Salesforce keeps them, inactive, until it removes them).',
    );
  if (sk.user) {
    const whose =
      s.users === 'all'
        ? 'users the reader cannot see'
        : `users left out by --users ${s.users}, or users the reader cannot see`;
    out.push(`${n(sk.user)} relation(s) to users not in the file left out (${whose}).`);
  }
  if (sk.unreadable) out.push(`${n(sk.unreadable)} relation(s) to records of a list that could not be read left out.`);
  return out;
}

/** The lines every way of exporting says after the count line: users, lists, what was left out, formulas. */
export function exportNotes(r: ExportSummary): string[] {
  const lines: string[] = [];
  const left = leftOutText(r.usersLeftOut, n);
  lines.push(
    `Users: ${USERS_LABELS[r.users]} (--users ${r.users})` +
      (left
        ? `; left out: ${left}${r.assignmentsLeftOut ? `, with ${n(r.assignmentsLeftOut)} assignments` : ''}`
        : '') +
      '.',
  );
  const off = r.lists.filter(l => l.reconciled !== 'matches COUNT()');
  lines.push(
    off.length
      ? `Every list checked against its count; ${off.map(l => `${l.label}: ${l.reconciled}`).join('; ')}.`
      : `Every list matches its COUNT() (${r.lists.length} lists).`,
  );
  const bulk = r.lists.filter(l => l.via !== 'REST');
  if (bulk.length) lines.push(`Read with Bulk API 2.0: ${bulk.map(l => `${l.label} (${l.via})`).join(', ')}.`);
  const retried = r.lists.filter(l => l.retries);
  if (retried.length)
    lines.push(`Resumed after failed pages: ${retried.map(l => `${l.label} (${l.retries} retries)`).join(', ')}.`);
  for (const t of skippedText(r)) lines.push(`~ ${t}`);
  if (r.formulaCells)
    lines.push(
      r.neutralized
        ? `~ ${n(r.formulaCells)} cell(s) starting with = + - @ TAB or CR were neutralized with a leading '.`
        : `~ ${n(r.formulaCells)} cell(s) start with = + - @ TAB or CR (a spreadsheet would take them for formulas); ` +
            "they are written as Salesforce holds them: --neutralize-formulas prefixes them with '.",
    );
  if (r.usersPartial) lines.push(`~ ${r.usersPartial}`);
  return lines;
}
