// Reading one list to the end, whatever a long read meets on a real org.
//
// REST query (REST API Developer Guide, "Query", "Query More Results"): the first page, then each nextRecordsUrl
// until done, one page in memory. A failed page is not a failed list: on QUERY_TIMEOUT, INVALID_QUERY_LOCATOR (an
// expired cursor) and 5xx the list is queried again from the last Id received (`WHERE Id > '…' ORDER BY Id`: nothing
// lost, nothing twice), after a wait that doubles (on the injectable clock), at most `maxAttempts` times in a row
// and `maxRetriesPerList` times a list; then it gives up with a message that names the list, the rows read and what
// to try. Each query's pages must add up to the totalSize it announced (a short answer is an error).
//
// Bulk API 2.0 query jobs (Bulk API 2.0 and Bulk API Developer Guide: "Create a Query Job", "Get Information About a
// Query Job", "Get Results for a Query Job"), for large lists: one job, polled until JobComplete, its results read a
// set at a time (maxRecords, Sforce-Locator) as CSV — parsed here within bounds, a header row skipped at the start of
// every set that has one (jsforce 3.10's bulk2.query reads later headers as records: docs/research/export-2026.md §4)
// — each set's rows counted against Sforce-NumberOfRecords and the whole against the job's numberRecordsProcessed. A
// set that fails is asked for again with the same locator; a job that fails, is refused or outlasts its deadline, or
// a set that keeps failing, hands the list to REST from the last Id received.
import type { Clock } from '../clock';
import type { OrgClient } from '../client';
import { formatCount as n } from '../numbers';
import { codeOf, messageOf, SetupError } from '../types';
import { csvRecords, CsvError } from './csv';
import { Flat, fromCsv, fromJson, MalformedRow, MAX_TEXT, shown } from './records';
import { selectAll, Source, UNREADABLE, UsersChoice } from './sources';

export interface ReadTuning {
  /** Large lists with at least this many rows (by COUNT()) are read by Bulk API 2.0; Infinity: never. */
  bulkFromRows: number;
  /** Rows per set of Bulk API 2.0 results (bounds what one answer holds). */
  bulkMaxRecords: number;
  /** The first wait between polls of a job (then 1.5 times longer each time, at most 15 s). */
  bulkPollMs: number;
  /** How long a job may take before the list is read by REST instead. */
  bulkDeadlineMs: number;
  /** Tries of one request in a row before giving up. */
  maxAttempts: number;
  /** Retries of all a list's requests together. */
  maxRetriesPerList: number;
  /** The first wait before a retry (doubling). */
  backoffMs: number;
}

/**
 * REST for small lists, Bulk API 2.0 from 50,000 rows, in sets of 10,000 (docs/research/export-2026.md §5, measured
 * by npm run bench): at a million users Bulk takes a fifth of REST's API calls (417 against 1,950); below a few REST
 * pages a job's create, polls and delete cost more calls than they save. 10,000 rows a set because each answer is held
 * whole (the transport reads it within its 32 MB cap, jsforce keeps its text): 50,000-row sets take 107 calls but peak
 * at 367 MB, over the 256 MB budget. Once Bulk results are read as a stream, raise it.
 */
export const TUNING: ReadTuning = {
  bulkFromRows: 50_000,
  bulkMaxRecords: 10_000,
  bulkPollMs: 1000,
  bulkDeadlineMs: 30 * 60_000,
  maxAttempts: 5,
  maxRetriesPerList: 20,
  backoffMs: 1000,
};

/** The answers after which a list is read again from the last Id received. */
export const RESUMABLE = new Set([
  'QUERY_TIMEOUT',
  'INVALID_QUERY_LOCATOR',
  'UNKNOWN_EXCEPTION',
  'SERVER_UNAVAILABLE',
  'SERVER_ERROR',
  'TIMEOUT',
  'UNREACHABLE',
]);
/** Salesforce's REST pages hold at most 2,000 records (Query Options Header). */
const MAX_PAGE = 2000;
/** A Bulk API 2.0 results locator as Salesforce writes them (an opaque token). */
const LOCATOR = /^[A-Za-z0-9+/=_-]{1,200}$/;

export interface ReadContext {
  client: OrgClient;
  clock: Clock;
  signal?: AbortSignal;
  tuning: ReadTuning;
  /** A line for the progress: a retry, a fallback. */
  note: (text: string) => void;
  /** Called for every request made (an API call). */
  onRequest?: () => void;
}

export interface ListRead {
  rows: number;
  requests: number;
  retries: number;
  via: 'REST' | 'Bulk API 2.0' | 'Bulk API 2.0, then REST';
}

/** What to try when a list keeps failing with this code. */
function advice(code: string): string {
  if (code === 'QUERY_TIMEOUT')
    return 'Salesforce ran out of query time each time: run the export again when the org is less busy.';
  if (code === 'INVALID_QUERY_LOCATOR')
    return (
      "Salesforce kept dropping the query's cursor: run the export again, with fewer tools reading the org at the " +
      'same time.'
    );
  if (code === 'TIMEOUT' || code === 'UNREACHABLE')
    return 'The org stopped answering: check the network connection, then run the export again.';
  return (
    'Salesforce (or a proxy in front of it) kept failing: check https://status.salesforce.com, then run the export ' +
    'again later.'
  );
}

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

const malformed = (s: Source, what: string) =>
  new SetupError(`Salesforce answered ${s.label} with ${what}.`, 'EXPORT_MALFORMED');

/** Reads a list to the end, handing each page (or set) of checked rows to `onRows`. */
export async function readList(
  ctx: ReadContext,
  source: Source,
  users: UsersChoice,
  /** The list's COUNT(): decides REST or Bulk; undefined when it timed out (then the list is large). */
  count: number | undefined,
  onRows: (rows: Flat[]) => Promise<void>,
): Promise<ListRead> {
  const state: ReadState = { rows: 0, requests: 0, retries: 0, lastId: undefined };
  try {
    return await readAll(ctx, source, users, count, onRows, state);
  } catch (e) {
    // A field the reader may not see through a relationship (Related.Name without access to roles): read the list
    // without the optional fields rather than not at all.
    const optional = source.fields.filter(f => f.optional);
    if (codeOf(e) !== 'INVALID_FIELD' || state.rows > 0 || !optional.length) throw e;
    ctx.note(
      `${source.label}: read without ${optional.map(f => f.name).join(', ')} ` +
        `(${codeOf(e)}: not visible to the reader).`,
    );
    const fewer: Source = { ...source, fields: source.fields.filter(f => !f.optional) };
    return readAll(ctx, fewer, users, count, onRows, state);
  }
}

async function readAll(
  ctx: ReadContext,
  source: Source,
  users: UsersChoice,
  count: number | undefined,
  onRows: (rows: Flat[]) => Promise<void>,
  state: ReadState,
): Promise<ListRead> {
  const useBulk = !!source.large && (count === undefined || count >= ctx.tuning.bulkFromRows);
  if (useBulk && (await viaBulk(ctx, source, users, state, onRows)))
    return { rows: state.rows, requests: state.requests, retries: state.retries, via: 'Bulk API 2.0' };
  await viaRest(ctx, source, users, state, onRows);
  return {
    rows: state.rows,
    requests: state.requests,
    retries: state.retries,
    via: useBulk ? 'Bulk API 2.0, then REST' : 'REST',
  };
}

const spend = (ctx: ReadContext, st: ReadState) => {
  st.requests++;
  ctx.onRequest?.();
};

interface ReadState {
  rows: number;
  requests: number;
  retries: number;
  /** The Id of the last row handed on (where a resumed read starts after). */
  lastId: string | undefined;
}

/** Waits before the next try, or gives up: the list, the rows read, the answer, what to try. */
async function retryOrGiveUp(
  ctx: ReadContext,
  s: Source,
  st: ReadState,
  e: unknown,
  inARow: number,
  doing: string,
): Promise<void> {
  const code = codeOf(e) ?? 'UNKNOWN';
  st.retries++;
  const tooManyInARow = inARow >= ctx.tuning.maxAttempts;
  if (tooManyInARow || st.retries > ctx.tuning.maxRetriesPerList)
    throw new SetupError(
      `Salesforce answered ${code} ${tooManyInARow ? `${inARow} times in a row` : `${st.retries} times`} ` +
        `while ${doing} (the last: ${messageOf(e).slice(0, 200)}). ${advice(code)}`,
      'EXPORT_FAILED',
    );
  const wait = ctx.tuning.backoffMs * 2 ** (inARow - 1);
  const next = doing.startsWith('reading') ? 'resuming after the last Id received' : 'trying again';
  const waitText = wait >= 1000 ? `${Math.round(wait / 1000)} s` : `${wait} ms`;
  ctx.note(
    `${s.label}: Salesforce answered ${code} after ${n(st.rows)} rows; ${next} in ` +
      `${waitText} (attempt ${inARow + 1} of ${ctx.tuning.maxAttempts}).`,
  );
  await ctx.clock.sleep(wait, ctx.signal).catch(() => cancelled(ctx.signal, 'Export'));
  cancelled(ctx.signal, 'Export');
}

async function viaRest(
  ctx: ReadContext,
  s: Source,
  users: UsersChoice,
  st: ReadState,
  onRows: (rows: Flat[]) => Promise<void>,
): Promise<void> {
  const { client } = ctx;
  const queryUrl = () =>
    `/services/data/v${client.apiVersion}/query?q=${encodeURIComponent(selectAll(s, users, st.lastId))}`;
  let url: string | undefined = queryUrl();
  /** This query's announced total and what it delivered so far. */
  let announced = -1;
  let delivered = 0;
  let inARow = 0;
  while (url) {
    cancelled(ctx.signal, 'Export');
    let page: { done?: unknown; records?: unknown; nextRecordsUrl?: unknown; totalSize?: unknown };
    try {
      spend(ctx, st);
      page = ((await client.request('GET', url, undefined, { once: true })) ?? {}) as typeof page;
    } catch (e) {
      const code = codeOf(e);
      // Before the first row, "cannot read this object" is the caller's to report (the export goes on without it).
      if (!code || !RESUMABLE.has(code) || (st.rows === 0 && UNREADABLE.has(code))) throw e;
      await retryOrGiveUp(ctx, s, st, e, ++inARow, `reading ${s.label} after ${n(st.rows)} rows`);
      url = queryUrl();
      announced = -1;
      delivered = 0;
      continue;
    }
    inARow = 0;
    if (!Array.isArray(page.records) || typeof page.done !== 'boolean')
      throw malformed(s, 'a query page without records');
    const next = page.done ? undefined : nextPage(page.nextRecordsUrl);
    if (announced < 0) {
      if (typeof page.totalSize !== 'number' || !Number.isSafeInteger(page.totalSize) || page.totalSize < 0)
        throw malformed(s, 'a query without its total (totalSize)');
      announced = page.totalSize;
    }
    if (page.records.length > MAX_PAGE)
      throw malformed(s, `a page of ${n(page.records.length)} records (at most 2,000)`);
    if (!page.done && page.records.length === 0) throw malformed(s, 'an empty page that is not the last');
    const rows: Flat[] = [];
    try {
      for (const rec of page.records) rows.push(fromJson(s, rec, st.rows + rows.length + 1));
    } catch (e) {
      if (e instanceof MalformedRow) throw malformed(s, `a row that is not a record: ${e.message}`);
      throw e;
    }
    delivered += rows.length;
    if (delivered > announced)
      throw malformed(s, `more rows than the query announced (${n(delivered)} of ${n(announced)})`);
    if (page.done && delivered !== announced)
      throw new SetupError(
        `Salesforce announced ${n(announced)} rows of ${s.label} and sent ${n(delivered)} before saying it was done: ` +
          'a short answer.',
        'EXPORT_SHORT',
      );
    await onRows(rows);
    st.rows += rows.length;
    if (rows.length) st.lastId = String(rows[rows.length - 1]!.Id);
    url = next;
  }
}

/** A Bulk API 2.0 job's state (Get Information About a Query Job). */
interface JobInfo {
  id?: unknown;
  state?: unknown;
  numberRecordsProcessed?: unknown;
  errorMessage?: unknown;
}

/**
 * Reads a list by a Bulk API 2.0 query job. True when every row came that way; false when the list is to be read by
 * REST from `st.lastId` (the job was refused, failed, outlasted its deadline, or a set kept failing), said in a note.
 */
async function viaBulk(
  ctx: ReadContext,
  s: Source,
  users: UsersChoice,
  st: ReadState,
  onRows: (rows: Flat[]) => Promise<void>,
): Promise<boolean> {
  const { client, tuning } = ctx;
  const base = `/services/data/v${client.apiVersion}/jobs/query`;
  const fallBack = (why: string) => {
    ctx.note(`${s.label}: ${why}; reading ${st.rows ? `the rest (after ${n(st.rows)} rows)` : 'it'} by REST instead.`);
    return false;
  };
  let job: JobInfo;
  try {
    spend(ctx, st);
    job = ((await client.request('POST', base, {
      operation: 'query',
      query: selectAll(s, users, st.lastId),
      contentType: 'CSV',
      columnDelimiter: 'COMMA',
      lineEnding: 'LF',
    })) ?? {}) as JobInfo;
  } catch (e) {
    return fallBack(`Bulk API 2.0 refused the query job (${codeOf(e) ?? messageOf(e).slice(0, 80)})`);
  }
  const jobId = typeof job.id === 'string' && /^750[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/.test(job.id) ? job.id : '';
  if (!jobId) return fallBack('Bulk API 2.0 answered the query job without its Id');
  const jobUrl = `${base}/${jobId}`;
  const drop = async () => {
    // A job's results stay 7 days: delete them (best effort; each request is an API call).
    spend(ctx, st);
    await client.request('DELETE', jobUrl).catch(() => undefined);
  };
  try {
    // Poll until the job is done.
    const deadline = ctx.clock.now() + tuning.bulkDeadlineMs;
    let wait = tuning.bulkPollMs;
    let polled = 0;
    for (;;) {
      cancelled(ctx.signal, 'Export');
      if (ctx.clock.now() > deadline) {
        spend(ctx, st);
        await client.request('PATCH', jobUrl, { state: 'Aborted' }).catch(() => undefined);
        return fallBack(
          `the Bulk API 2.0 job ${jobId} was still running after ${Math.round(tuning.bulkDeadlineMs / 60000)} minutes`,
        );
      }
      await ctx.clock.sleep(wait, ctx.signal).catch(() => cancelled(ctx.signal, 'Export'));
      wait = Math.min(wait * 1.5, 15_000);
      try {
        spend(ctx, st);
        job = ((await client.request('GET', jobUrl, undefined, { once: true })) ?? {}) as JobInfo;
        polled = 0;
      } catch (e) {
        const code = codeOf(e);
        if (!code || !RESUMABLE.has(code)) return fallBack(`checking the Bulk API 2.0 job ${jobId} failed (${code})`);
        if (++polled >= tuning.maxAttempts)
          return fallBack(`checking the Bulk API 2.0 job ${jobId} kept failing (${code})`);
        continue;
      }
      if (job.state === 'JobComplete') break;
      if (job.state === 'Failed' || job.state === 'Aborted')
        return fallBack(
          `the Bulk API 2.0 job ended ${job.state}` +
            (typeof job.errorMessage === 'string' ? ` (${job.errorMessage.slice(0, 200)})` : ''),
        );
      if (job.state !== 'UploadComplete' && job.state !== 'InProgress')
        return fallBack(`the Bulk API 2.0 job is in an unknown state ${shown(job.state)}`);
    }
    const processed = job.numberRecordsProcessed;
    // The results, a set at a time.
    const header = s.fields.map(f => f.name.toLowerCase());
    let locator = '';
    let fromJob = 0;
    let inARow = 0;
    type SetAnswer = { text: string; headers: Record<string, string> };
    const ask = (at: string): Promise<SetAnswer> => {
      spend(ctx, st);
      const asked = client.requestText(
        `${jobUrl}/results?maxRecords=${tuning.bulkMaxRecords}${at ? `&locator=${encodeURIComponent(at)}` : ''}`,
      );
      // Awaited below; one asked ahead and then not wanted (this set was malformed, the export stopped) fails unseen.
      asked.catch(() => undefined);
      return asked;
    };
    /** The next set, asked for while this one is checked and written (the org prepares it meanwhile). */
    let ahead: Promise<SetAnswer> | undefined;
    for (;;) {
      cancelled(ctx.signal, 'Export');
      let answer: SetAnswer;
      try {
        answer = await (ahead ?? ask(locator));
        ahead = undefined;
        inARow = 0;
      } catch (e) {
        ahead = undefined;
        const code = codeOf(e);
        if (!code || !RESUMABLE.has(code))
          return fallBack(`a set of Bulk API 2.0 results failed (${code ?? messageOf(e)})`);
        if (inARow + 1 >= tuning.maxAttempts)
          return fallBack(`a set of Bulk API 2.0 results kept failing (${code}, ${inARow + 1} times)`);
        await retryOrGiveUp(ctx, s, st, e, ++inARow, `fetching a set of Bulk API 2.0 results of ${s.label}`);
        continue;
      }
      const next = answer.headers['sforce-locator'];
      const more = !!next && next !== 'null';
      // At most two sets held: this one's text, and the next one's as it arrives.
      if (more && LOCATOR.test(next)) ahead = ask(next);
      // The set's rows are handed on a page at a time, as REST's are: the set's text is the one large thing held.
      let rows: Flat[] = [];
      let inSet = 0;
      const flush = async () => {
        await onRows(rows);
        st.rows += rows.length;
        fromJob += rows.length;
        inSet += rows.length;
        if (rows.length) st.lastId = String(rows[rows.length - 1]!.Id);
        rows = [];
      };
      try {
        let first = true;
        for (const cells of csvRecords(answer.text, { maxCell: MAX_TEXT * 2, maxColumns: header.length + 1 })) {
          // Every set may start with the header row (the documentation's examples), or only the first one.
          if (first && cells.length === header.length && cells.every((c, i) => c.toLowerCase() === header[i])) {
            first = false;
            continue;
          }
          if (first && !locator) throw new MalformedRow('the first set of results has no header row');
          first = false;
          rows.push(fromCsv(s, cells, st.rows + rows.length + 1));
          if (rows.length >= MAX_PAGE) await flush();
        }
      } catch (e) {
        if (e instanceof MalformedRow || e instanceof CsvError)
          throw malformed(s, `Bulk API 2.0 results that are not its records: ${e.message}`);
        throw e;
      }
      await flush();
      const said = Number(answer.headers['sforce-numberofrecords']);
      if (answer.headers['sforce-numberofrecords'] !== undefined && said !== inSet)
        throw malformed(s, `a set of Bulk API 2.0 results of ${n(inSet)} rows that said it held ${n(said)}`);
      if (!more) break;
      if (!LOCATOR.test(next) || !inSet)
        throw malformed(s, `a Bulk API 2.0 results locator ${shown(next)} after ${n(inSet)} rows`);
      locator = next;
    }
    if (typeof processed === 'number' && processed !== fromJob)
      throw new SetupError(
        `The Bulk API 2.0 job ${jobId} processed ${n(processed)} rows of ${s.label} and its results held ` +
          `${n(fromJob)}: a short answer.`,
        'EXPORT_SHORT',
      );
    return true;
  } finally {
    await drop();
  }
}
