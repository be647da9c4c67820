// Bulk API 2.0 query jobs, as the Bulk API 2.0 and Bulk API Developer Guide documents them:
// - POST /services/data/vXX.X/jobs/query {operation: query | queryAll, query, contentType: CSV, columnDelimiter,
//   lineEnding} creates a job in state UploadComplete ("Create a Query Job"; API 47.0 and later); the SOQL may not use
//   GROUP BY, OFFSET, TYPEOF, aggregate functions such as COUNT(), FIELDS() or parent-to-child subqueries (ORDER BY
//   and LIMIT are allowed but turn PK chunking off).
// - GET /jobs/query/{id}: the job's state, UploadComplete → InProgress → JobComplete (or Aborted, Failed), with
//   numberRecordsProcessed ("Get Information About a Query Job"); GET /jobs/query lists the jobs; PATCH {state:
//   Aborted} aborts; DELETE deletes.
// - GET /jobs/query/{id}/results?locator=&maxRecords=: CSV, header row first, one set of results per request;
//   Sforce-NumberOfRecords the rows of this set, Sforce-Locator the next set's locator or the string "null"; a
//   locator stays valid as long as the job exists; the same API version as the job's, else 409; before JobComplete
//   412 JOB_NOT_COMPLETE ("Get Results for a Query Job").
// - Limits: 10,000 query jobs per rolling 24 hours (DailyBulkV2QueryJobs in /limits); jobs deleted 7 days after they
//   end (Limits and Allocations).
// Every request counts against the API requests like any other REST call (server.ts). Inferred [I]: the error codes
// and texts other than JOB_NOT_COMPLETE, the locator's form (base64 of the next row's offset, as "MTAwMDA" in the
// documentation's example decodes to 10000), "" for null values, datetimes with a Z, and how many rows a set holds
// when maxRecords is not given (bulkDefaultMaxRecords: "the server uses a default value based on the service").
import { SfError } from './errors';
import { resolvePath, runQuery } from './soql';
import { OBJECT_BY_LOWER } from './sobjects';
import { removeExpiredAssignments } from './sobjects/permissionSetAssignment';
import type { Org, Rec } from './state';
import type { RestRequest, RestResponse } from './rest';

const DELIMITERS: Record<string, string> = {
  BACKQUOTE: '`',
  CARET: '^',
  COMMA: ',',
  PIPE: '|',
  SEMICOLON: ';',
  TAB: '\t',
};
const LINE_ENDINGS: Record<string, string> = { LF: '\n', CRLF: '\r\n' };
/** Query jobs per rolling 24 hours (Limits and Allocations, DailyBulkV2QueryJobs). */
export const DAILY_QUERY_JOBS = 10000;
const DAY = 86400000;

interface Job {
  id: string;
  operation: 'query' | 'queryAll';
  object: string;
  createdById: string;
  createdDate: string;
  apiVersion: number;
  lineEnding: string;
  columnDelimiter: string;
  state: 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Aborted' | 'Failed';
  rows: Rec[];
  shape: (r: Rec) => any;
  /** The CSV header's columns and where each value sits in a shaped record. */
  columns: Array<{ name: string; path: string[] }>;
  createdAt: number;
  doneAt?: number;
  timers: NodeJS.Timeout[];
  /** Set when the job is to end Failed (failJob). */
  errorMessage?: string;
}

const badRequest = (code: string, message: string, status = 400) => new SfError(code, message, status);

export class Bulk2 {
  private readonly jobs = new Map<string, Job>();
  /** Jobs to fail: the next job whose query matches ends Failed with this errorMessage (failJob). */
  private failing: Array<{ re: RegExp; message: string }> = [];
  /** Creation times of the last 24 hours' jobs (the daily allocation). */
  private readonly created: number[] = [];

  constructor(private readonly org: Org) {}

  /**
   * The next query job whose SOQL matches `soql` (a regular expression) ends in state Failed with `errorMessage`, as a
   * job Salesforce retried too often does ("If you receive a message that the API retried more than 15 times, apply a
   * filter criteria and try again", Understanding Bulk API 2.0 Query). The message text is [I].
   */
  failJob(
    soql: string,
    message = 'Retried more than 15 times. QUERY_TIMEOUT: Your query request was running for too long.',
  ): void {
    this.failing.push({ re: new RegExp(soql, 'i'), message });
  }

  /** Jobs created in the rolling 24 hours up to now. */
  jobsToday(): number {
    const since = this.org.now() - DAY;
    while (this.created.length && this.created[0] <= since) this.created.shift();
    return this.created.length;
  }

  /** Resolves once no job is UploadComplete or InProgress. */
  async settled(): Promise<void> {
    while ([...this.jobs.values()].some(j => j.state === 'UploadComplete' || j.state === 'InProgress'))
      await new Promise(r => setTimeout(r, 10));
  }

  handle(req: RestRequest, seg: string[], version: number): RestResponse {
    if (version < 47) throw badRequest('NOT_FOUND', 'The requested resource does not exist', 404);
    if (seg.length === 0 && req.method === 'POST') return this.create(req, version);
    if (seg.length === 0 && req.method === 'GET') return this.list(version);
    const job = this.jobs.get(seg[0]);
    if (!job || job.createdById !== req.userId)
      throw badRequest('NOT_FOUND', 'The requested resource does not exist', 404); // [I]
    if (seg.length === 1 && req.method === 'GET') return { status: 200, body: this.info(job, true) };
    if (seg.length === 1 && req.method === 'PATCH') return this.abort(req, job);
    if (seg.length === 1 && req.method === 'DELETE') return this.remove(job);
    if (seg.length === 2 && seg[1] === 'results' && req.method === 'GET') return this.results(req, job, version);
    throw badRequest('NOT_FOUND', 'The requested resource does not exist', 404);
  }

  private create(req: RestRequest, version: number): RestResponse {
    let body: any;
    try {
      body = JSON.parse(req.body.toString('utf8') || '{}');
    } catch {
      throw badRequest('JSON_PARSER_ERROR', 'Unexpected character in request body');
    }
    const operation = body.operation;
    if (operation !== 'query' && operation !== 'queryAll')
      throw badRequest('INVALIDJOB', `Invalid operation: ${String(operation)}. Use query or queryAll.`); // [I]
    if (typeof body.query !== 'string' || !body.query.trim()) throw badRequest('INVALIDJOB', 'A query is required.'); // [I]
    if (body.contentType !== undefined && body.contentType !== 'CSV')
      throw badRequest('INVALIDJOB', `Invalid contentType: ${String(body.contentType)}. The only value is CSV.`); // [I]
    const columnDelimiter = body.columnDelimiter ?? 'COMMA';
    const lineEnding = body.lineEnding ?? 'LF';
    if (!(columnDelimiter in DELIMITERS))
      throw badRequest('INVALIDJOB', `Invalid columnDelimiter: ${String(columnDelimiter)}`); // [I]
    if (!(lineEnding in LINE_ENDINGS)) throw badRequest('INVALIDJOB', `Invalid lineEnding: ${String(lineEnding)}`); // [I]
    if (this.jobsToday() >= DAILY_QUERY_JOBS)
      throw badRequest('EXCEEDED_QUOTA', 'You have exceeded the limit of query jobs in a 24-hour period.', 403); // [I]

    removeExpiredAssignments(this.org);
    const ctx = { org: this.org, userId: req.userId, api: 'data' as const, apiVersion: version };
    const res = runQuery(ctx, body.query);
    const unsupported = (res.ast.fields ?? [])
      .map((f: any) =>
        f.type === 'FieldSubquery'
          ? 'parent-to-child relationship queries'
          : f.type === 'FieldTypeof'
            ? 'TYPEOF'
            : f.type === 'FieldFunctionExpression'
              ? `${String(f.functionName).toUpperCase()}()`
              : undefined,
      )
      .concat(res.countOnly ? ['COUNT()'] : [], res.ast.groupBy ? ['GROUP BY'] : [], res.ast.offset ? ['OFFSET'] : [])
      .find(Boolean);
    if (unsupported) throw badRequest('API_ERROR', `${unsupported} is not supported by Bulk API 2.0 query.`); // [I]

    const def = OBJECT_BY_LOWER.get(String(res.ast.sObject).toLowerCase())!;
    const columns = (res.ast.fields as any[]).map(f => {
      const rawName = f.type === 'Field' ? f.field : f.rawValue;
      const r = resolvePath(ctx, def, rawName, body.query, 0);
      return { name: r.canonical.join('.'), path: r.canonical };
    });
    const now = this.org.now();
    const job: Job = {
      id: this.org.ids.next('750'),
      operation,
      object: def.name,
      createdById: req.userId,
      createdDate: this.org.iso(now),
      apiVersion: version,
      lineEnding,
      columnDelimiter,
      state: 'UploadComplete',
      rows: res.rows,
      shape: res.shape,
      columns,
      createdAt: now,
      timers: [],
    };
    const fail = this.failing.findIndex(f => f.re.test(body.query));
    if (fail >= 0) job.errorMessage = this.failing.splice(fail, 1)[0]!.message;
    this.jobs.set(job.id, job);
    this.created.push(now);
    const ms = this.org.options.bulkQueryMs;
    job.timers.push(
      setTimeout(() => job.state === 'UploadComplete' && (job.state = 'InProgress'), Math.floor(ms / 2)),
      setTimeout(() => {
        if (job.state !== 'InProgress' && job.state !== 'UploadComplete') return;
        job.state = job.errorMessage ? 'Failed' : 'JobComplete';
        job.doneAt = this.org.now();
      }, ms),
    );
    return { status: 200, body: this.info(job, false) };
  }

  private info(job: Job, detail: boolean): Record<string, unknown> {
    const base: Record<string, unknown> = {
      id: job.id,
      operation: job.operation,
      object: job.object,
      createdById: job.createdById,
      createdDate: job.createdDate,
      systemModstamp: this.org.iso(job.doneAt ?? job.createdAt),
      state: job.state,
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: job.apiVersion,
      lineEnding: job.lineEnding,
      columnDelimiter: job.columnDelimiter,
    };
    if (!detail) return base;
    return {
      ...base,
      jobType: 'V2Query',
      numberRecordsProcessed: job.state === 'JobComplete' ? job.rows.length : 0,
      retries: job.state === 'Failed' ? 15 : 0,
      totalProcessingTime: job.doneAt ? job.doneAt - job.createdAt : 0,
      isPkChunkingSupported: true,
      ...(job.state === 'Failed' ? { errorMessage: job.errorMessage } : {}),
    };
  }

  private list(version: number): RestResponse {
    return {
      status: 200,
      body: {
        done: true,
        records: [...this.jobs.values()].filter(j => j.apiVersion <= version).map(j => this.info(j, true)),
        nextRecordsUrl: null,
      },
    };
  }

  private abort(req: RestRequest, job: Job): RestResponse {
    let state: unknown;
    try {
      state = JSON.parse(req.body.toString('utf8') || '{}').state;
    } catch {
      throw badRequest('JSON_PARSER_ERROR', 'Unexpected character in request body');
    }
    if (state !== 'Aborted')
      throw badRequest('INVALIDJOB', `A query job can only be set to Aborted, not ${String(state)}.`); // [I]
    if (job.state !== 'UploadComplete' && job.state !== 'InProgress')
      throw badRequest('INVALIDJOBSTATE', `Job is already in a terminal state: ${job.state}`); // [I]
    job.state = 'Aborted';
    job.doneAt = this.org.now();
    for (const t of job.timers) clearTimeout(t);
    return { status: 200, body: this.info(job, false) };
  }

  private remove(job: Job): RestResponse {
    if (job.state === 'UploadComplete' || job.state === 'InProgress')
      throw badRequest('INVALIDJOBSTATE', 'A job can be deleted only once it is complete, aborted or failed.'); // [I]
    this.jobs.delete(job.id);
    return { status: 204 };
  }

  private results(req: RestRequest, job: Job, version: number): RestResponse {
    if (version !== job.apiVersion)
      throw badRequest(
        'INVALIDJOB',
        `The job was created with API version ${job.apiVersion.toFixed(1)}; get its results with the same version.`,
        409,
      ); // status documented, code and text [I]
    if (job.state !== 'JobComplete')
      throw badRequest(
        'JOB_NOT_COMPLETE',
        `can only download query results of successfully completed bulk job with status: JOB_COMPLETE. Current status: ${job.state === 'InProgress' ? 'IN_PROGRESS' : job.state.toUpperCase()}`,
        412,
      );
    const locator = req.query.get('locator');
    let offset = 0;
    if (locator !== null) {
      const decoded = Buffer.from(locator, 'base64').toString('utf8');
      offset = /^\d+$/.test(decoded) ? Number(decoded) : -1;
      if (offset < 0 || offset > job.rows.length) throw badRequest('INVALIDLOCATOR', `Invalid locator: ${locator}`); // [I]
    }
    const maxParam = req.query.get('maxRecords');
    let max = this.org.options.bulkDefaultMaxRecords > 0 ? this.org.options.bulkDefaultMaxRecords : job.rows.length;
    if (maxParam !== null) {
      max = Number(maxParam);
      if (!Number.isInteger(max) || max < 1) throw badRequest('INVALIDREQUEST', `Invalid maxRecords: ${maxParam}`); // [I]
    }
    const end = Math.min(job.rows.length, offset + Math.max(1, max));
    const d = DELIMITERS[job.columnDelimiter];
    const eol = LINE_ENDINGS[job.lineEnding];
    const header = offset === 0 || this.org.options.bulkHeaderOnEverySet;
    const lines = header ? [job.columns.map(c => quote(c.name)).join(d)] : [];
    for (let i = offset; i < end; i++) {
      const shaped = job.shape(job.rows[i]);
      lines.push(job.columns.map(c => quote(csvValue(valueAt(shaped, c.path)))).join(d));
    }
    const next = end < job.rows.length ? Buffer.from(String(end)).toString('base64').replace(/=+$/, '') : 'null';
    return {
      status: 200,
      text: lines.join(eol) + eol,
      contentType: 'text/csv',
      headers: { 'Sforce-NumberOfRecords': String(end - offset), 'Sforce-Locator': next },
    };
  }
}

function valueAt(shaped: any, path: string[]): unknown {
  let cur = shaped;
  for (const p of path) {
    if (cur === null || cur === undefined) return null;
    cur = cur[p];
  }
  return cur ?? null;
}

/** A value as the CSV holds it: text as is, booleans true/false, datetimes in UTC with a Z, null empty. */
function csvValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string')
    return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/.test(v) ? v.replace('+0000', 'Z') : v;
  return String(v);
}

const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
