// The export: every source streamed page by page through query locators (Salesforce hands out at most 2,000
// records per page and keeps the cursor), each record written at once as CSV rows to a sink. Only names and the
// IDs of entities already written are kept (so that every relation refers to an entity in the file), never the
// org's records. Progress after each page; an abort between pages.
import { OrgClient } from '../client';
import { salesforceCode } from '../errorCodes';
import { codeOf, isSetupError, messageOf, SetupError } from '../types';
import { defaultApp, ExportIndex, rowsOf, SkipReason } from './entities';
import {
  countSources,
  readFix,
  selectAll,
  Source,
  SOURCES,
  SourceId,
  usersMayBePartial,
  VISIBILITY_SOQL,
} from './sources';

export interface ExportSink {
  entity(row: string[]): void | Promise<void>;
  relation(row: string[]): void | Promise<void>;
}

export interface SourceProgress {
  source: Source;
  read: number;
  total?: number;
}

export interface Unreadable {
  source: SourceId;
  label: string;
  code: string;
  fix: string;
}

export interface ExportSummary {
  /** The App column's value. */
  app: string;
  /** Entities written per source (users, profiles, ...). */
  entities: Partial<Record<SourceId, number>>;
  relations: number;
  /** Relations not written because an end is not in the file, by reason (see SkipReason). */
  skippedRelations: Partial<Record<SkipReason, number>>;
  /** Records read from Salesforce, and the requests it took (counts, pages). */
  records: number;
  requests: number;
  unreadable: Unreadable[];
  /** Why the users may be fewer than the org has (the reader lacks View All Users), if they may. */
  usersPartial?: string;
}

export interface ExportOptions {
  app?: string;
  /** Who reads ("The integration user", "You"), for the fixes of unreadable objects. */
  reader: string;
  onProgress?: (p: SourceProgress) => void;
  signal?: AbortSignal;
}

interface Page {
  done?: boolean;
  records?: Array<Record<string, unknown>>;
  nextRecordsUrl?: string;
}

const queryUrl = (client: OrgClient, q: string) =>
  `/services/data/v${client.apiVersion}/query?q=${encodeURIComponent(q)}`;

/** The codes that mean "this user cannot read that object" (the export goes on without it). */
const UNREADABLE = new Set(['INVALID_TYPE', 'INSUFFICIENT_ACCESS', 'INSUFFICIENT_ACCESS_OR_READONLY', 'NOT_FOUND']);

export function cancelled(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new SetupError(`${what} cancelled.`, 'CANCELLED');
}

/**
 * The next page's locator, only as a path on the org itself: the session's token goes with the request, so an
 * address elsewhere (another host, another resource) is refused, never followed.
 */
function nextPage(next: unknown): string {
  if (typeof next === 'string' && /^\/services\/data\/v\d+\.\d\/query\/[A-Za-z0-9-]+$/.test(next)) return next;
  throw new SetupError(
    `Salesforce answered a query with a next page at ${JSON.stringify(String(next).slice(0, 80))}, which is not a ` +
      "query locator of this org; it was not followed (the session's token would go with it).",
    'UNEXPECTED_RESPONSE',
  );
}

/**
 * Streams one query: the first page, then each `nextRecordsUrl` (the locator) until `done`. One page in memory.
 * Returns how many requests it made.
 */
export async function streamQuery(
  client: OrgClient,
  soql: string,
  onPage: (records: Array<Record<string, unknown>>) => Promise<void> | void,
  signal?: AbortSignal,
): Promise<number> {
  let url: string | undefined = queryUrl(client, soql);
  let requests = 0;
  while (url) {
    cancelled(signal, 'Export');
    const page = (await client.request('GET', url)) as Page;
    requests++;
    if (!page || !Array.isArray(page.records))
      throw new SetupError(
        `Salesforce answered a query page without records (${soql.slice(0, 60)}…).`,
        'UNEXPECTED_RESPONSE',
      );
    await onPage(page.records);
    url = page.done === false ? nextPage(page.nextRecordsUrl) : undefined;
  }
  return requests;
}

export async function exportOrg(client: OrgClient, sink: ExportSink, o: ExportOptions): Promise<ExportSummary> {
  const app = o.app ?? defaultApp(client.instanceUrl, client.orgId);
  const index = new ExportIndex();
  const summary: ExportSummary = {
    app,
    entities: {},
    relations: 0,
    skippedRelations: {},
    records: 0,
    requests: 1,
    unreadable: [],
  };
  const { counts, extra } = await countSources(client, [{ ref: 'visibility', soql: VISIBILITY_SOQL }]);
  const totals: Partial<Record<SourceId, number>> = {};
  for (const s of SOURCES) if ('count' in counts[s.id]) totals[s.id] = (counts[s.id] as { count: number }).count;
  summary.usersPartial = usersMayBePartial(extra.visibility, o.reader);
  for (const source of SOURCES) {
    let read = 0;
    o.onProgress?.({ source, read, total: totals[source.id] });
    try {
      summary.requests += await streamQuery(
        client,
        selectAll(source),
        async records => {
          for (const rec of records) {
            const rows = rowsOf(source, rec, index, app);
            if (rows.entity) {
              await sink.entity(rows.entity);
              summary.entities[source.id] = (summary.entities[source.id] ?? 0) + 1;
            }
            for (const r of rows.relations) await sink.relation(r);
            summary.relations += rows.relations.length;
            for (const why of rows.skipped) summary.skippedRelations[why] = (summary.skippedRelations[why] ?? 0) + 1;
          }
          read += records.length;
          summary.records += records.length;
          o.onProgress?.({ source, read, total: totals[source.id] });
        },
        o.signal,
      );
    } catch (e) {
      // Only a refusal before the first page means "cannot read this object"; anything later is a failure.
      const code = codeOf(e);
      if (read > 0 || !code || !UNREADABLE.has(code)) {
        if (code === 'CANCELLED') throw e;
        const total = totals[source.id];
        throw new SetupError(
          `Export stopped while reading ${source.label} (${read}${total !== undefined ? ` of ${total}` : ''} read): ` +
            messageOf(e),
          isSetupError(e) ? e.code : code ? salesforceCode(code) : 'EXPORT_FAILED',
        );
      }
      summary.requests++;
      summary.unreadable.push({ source: source.id, label: source.label, code, fix: readFix(source, code, o.reader) });
    }
  }
  return summary;
}

/** What the left-out relations were, in words (CLI and extension say the same). */
export function skippedText(s: ExportSummary['skippedRelations']): string[] {
  const out: string[] = [];
  if (s.group)
    out.push(
      `${s.group} public group membership(s) of a role or another kind of group (role groups, queues) left out: ` +
        'the export holds public groups only.',
    );
  if (s.user) out.push(`${s.user} relation(s) to users the reader cannot see left out.`);
  if (s.unreadable) out.push(`${s.unreadable} relation(s) to records of a list that could not be read left out.`);
  return out;
}
