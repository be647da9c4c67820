// The export: every source streamed page by page through query locators (Salesforce hands out at most 2,000
// records per page and keeps the cursor), each record written at once as CSV rows to a sink. Only names and the
// IDs of entities already written are kept (so that every relation refers to an entity in the file), never the
// org's records. Progress after each page; an abort between pages.
import { OrgClient } from '../client';
import { SetupError } from '../types';
import { ExportIndex, rowsOf } from './entities';
import { countOf, readFix, selectAll, Source, SOURCES, SourceId } from './sources';

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
  /** Entities written per source (users, profiles, ...). */
  entities: Partial<Record<SourceId, number>>;
  relations: number;
  /** Relations not written because the other end is not in the file (an unreadable object). */
  skippedRelations: number;
  /** Records read from Salesforce, and the requests it took (counts, pages). */
  records: number;
  requests: number;
  unreadable: Unreadable[];
}

export interface ExportOptions {
  app?: string;
  /** Who reads ("The integration user", "You"), for the fixes of unreadable objects. */
  reader: string;
  onProgress?: (p: SourceProgress) => void;
  signal?: AbortSignal;
}

interface Page {
  totalSize?: number;
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
  onPage: (records: Array<Record<string, unknown>>, totalSize: number) => Promise<void> | void,
  signal?: AbortSignal,
  what = 'Export',
): Promise<number> {
  let url: string | undefined = queryUrl(client, soql);
  let requests = 0;
  while (url) {
    cancelled(signal, what);
    const page = (await client.request('GET', url)) as Page;
    requests++;
    if (!page || !Array.isArray(page.records))
      throw new SetupError(`Salesforce answered a query page without records (${soql.slice(0, 60)}…).`, 'UNEXPECTED');
    await onPage(page.records, Number(page.totalSize ?? 0));
    url = page.done === false ? nextPage(page.nextRecordsUrl) : undefined;
  }
  return requests;
}

/** Counts of every source in one round trip (for progress totals); an unreadable source has no count. */
export async function countAll(client: OrgClient): Promise<Partial<Record<SourceId, number>>> {
  const v = `v${client.apiVersion}`;
  const res = await client.batch(
    SOURCES.map(s => ({ ref: s.id, url: `${v}/query?q=${encodeURIComponent(countOf(s))}` })),
  );
  const out: Partial<Record<SourceId, number>> = {};
  for (const s of SOURCES) {
    const r = res[s.id];
    if (r && r.status < 300) out[s.id] = Number((r.body as { totalSize?: number }).totalSize ?? 0);
  }
  return out;
}

export async function exportOrg(client: OrgClient, sink: ExportSink, o: ExportOptions): Promise<ExportSummary> {
  const app = o.app ?? 'salesforce';
  const index = new ExportIndex();
  const summary: ExportSummary = {
    entities: {},
    relations: 0,
    skippedRelations: 0,
    records: 0,
    requests: 1,
    unreadable: [],
  };
  const totals = await countAll(client);
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
            summary.skippedRelations += rows.skipped;
          }
          read += records.length;
          summary.records += records.length;
          o.onProgress?.({ source, read, total: totals[source.id] });
        },
        o.signal,
      );
    } catch (e: any) {
      // Only a refusal before the first page means "cannot read this object"; anything later is a failure.
      if (read > 0 || !UNREADABLE.has(String(e?.code))) {
        if (e?.code === 'CANCELLED') throw e;
        const total = totals[source.id];
        throw new SetupError(
          `Export stopped while reading ${source.label} (${read}${total !== undefined ? ` of ${total}` : ''} read): ` +
            String(e?.message ?? e),
          String(e?.code ?? 'EXPORT_FAILED'),
        );
      }
      summary.requests++;
      summary.unreadable.push({
        source: source.id,
        label: source.label,
        code: e.code,
        fix: readFix(source, e.code, o.reader),
      });
    }
  }
  return summary;
}
