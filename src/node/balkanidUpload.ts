// Sends entities.csv and then entity-relations.csv to BalkanID's Bulk API: for each, ask the tenant for a pre-signed
// upload URL (with the API key) and PUT the file there, streamed from disk (without the API key). Retries, messages
// and the file checks live in src/core/extract/upload.ts; no message carries the secret or a URL's signature.
import { Clock, systemClock } from '../core/clock';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { registerSecret, redact } from '../core/redact';
import { codeOf, messageOf, SetupError } from '../core/types';
import { csvTable } from '../core/extract/csv';
import { pairProblem, readManifest } from './exportFiles';
import { formatCount } from '../core/numbers';
import { UPLOADS } from '../core/extract/format';
import { boundedFetch, FetchAnswer, FetchFailed, FetchProblem } from './boundedFetch';
import { REQUEST_TIMEOUT_MS } from './transport';
import {
  APPS_DEADLINE_MS,
  appsEndpoint,
  appsFromCsv,
  checkPresignedUrl,
  checkTenantUrl,
  describeUrl,
  errorDetail,
  MAX_APPS_BYTES,
  pickDownloadUrls,
  unknownAppError,
  firstLineOf,
  headerProblem,
  isExpiredPresignedUrl,
  MAX_ATTEMPTS,
  Phase,
  pickUploadUrl,
  retryDecision,
  RetryDecision,
  UploadFailure,
  uploadError,
  uploadUrlEndpoint,
} from '../core/extract/upload';

export interface UploadOptions {
  /** The BalkanID address (default https://app.balkan.id); http only to loopback. */
  tenantUrl?: string;
  keyId: string;
  secret: string;
  /** The folder holding entities.csv and entity-relations.csv. */
  dir: string;
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
  /** Retry-After dates and the waits before a retry (tests pass one that records the waits). */
  clock?: Clock;
  /** Upload without looking the App up in the tenant's apps (when the apps list cannot be had). */
  skipAppCheck?: boolean;
  /** How long the tenant may take to prepare its apps list (default 60 s). */
  appsDeadlineMs?: number;
  /** The deadline of each exchange (the PUT of a file: plus the time it takes at MIN_UPLOAD_RATE). */
  timeoutMs?: number;
}

/** The slowest upload speed a file's PUT is given time for, on top of the request timeout. */
export const MIN_UPLOAD_RATE = 256 * 1024;
/** The most an answer of BalkanID or the storage may hold (error answers included). */
export const UPLOAD_ANSWER_LIMIT = 1024 * 1024;
/** The deadline of a file's PUT: the request timeout plus one second per 256 KB of the file. */
export const putDeadlineMs = (timeoutMs: number, bytes: number) =>
  timeoutMs + Math.ceil(bytes / MIN_UPLOAD_RATE) * 1000;

export interface UploadResult {
  /** Per file: bytes sent, and the requests made for it (asking for upload URLs and sending it; 2 without retries). */
  uploaded: Array<{ file: string; bytes: number; requests: number }>;
  /** The files' App, and whether it was found among the tenant's apps (false: --skip-app-check, or no rows). */
  app?: { value: string; checked: boolean; requests: number };
}

interface Checked {
  file: string;
  resource: string;
  path: string;
  bytes: number;
}

/** Every file exists, is not empty and starts with its exact header row; otherwise nothing is sent. */
async function checkFiles(dir: string): Promise<Checked[]> {
  const problems: string[] = [];
  const checked: Checked[] = [];
  for (const u of UPLOADS) {
    const path = join(dir, u.file);
    const size = await stat(path).then(
      s => (s.isFile() ? s.size : -1),
      () => undefined,
    );
    if (size === undefined || size < 0) {
      problems.push(`${u.file} is missing from ${dir}`);
      continue;
    }
    if (size === 0) {
      problems.push(`${u.file} is empty`);
      continue;
    }
    const fh = await open(path, 'r');
    const head = Buffer.alloc(Math.min(size, 64 * 1024));
    try {
      await fh.read(head, 0, head.length, 0);
    } finally {
      await fh.close();
    }
    const problem = headerProblem(firstLineOf(head.toString('utf8')), u.header);
    if (problem) problems.push(`${u.file} ${problem}`);
    else checked.push({ file: u.file, resource: u.resource, path, bytes: size });
  }
  if (problems.length) throw new SetupError(`Nothing was sent to BalkanID: ${problems.join('; ')}.`, 'UPLOAD_INPUT');
  return checked;
}

export async function uploadToBalkanId(opts: UploadOptions): Promise<UploadResult> {
  const { keyId, secret, signal } = opts;
  registerSecret(secret);
  // registerSecret ignores short values; a short secret is still removed from this upload's own texts.
  const clean = (text: string) => {
    const out = redact(text);
    return secret && secret.length >= 6 ? out.split(secret).join('<redacted>') : out;
  };
  const progress = (m: string) => opts.onProgress?.(clean(m));
  const clock = opts.clock ?? systemClock;
  const timeoutMs = opts.timeoutMs ?? REQUEST_TIMEOUT_MS;
  if (!keyId?.trim() || !secret?.trim())
    throw new SetupError('Both the BalkanID API key ID and its secret are needed. Nothing was sent.', 'UPLOAD_INPUT');
  const tenant = checkTenantUrl(opts.tenantUrl);
  // The pair its manifest names, or nothing: never a new entities.csv beside an old entity-relations.csv.
  const mixed = await pairProblem(opts.dir);
  if (mixed)
    throw new SetupError(`Nothing was sent to BalkanID: ${mixed}. Run export again into ${opts.dir}.`, 'UPLOAD_INPUT');
  const files = await checkFiles(opts.dir);
  const app = await appOf(opts.dir);
  let appCheck: UploadResult['app'];
  if (app !== undefined) {
    if (opts.skipAppCheck) {
      progress(`Not checking the App "${app}" against the tenant's apps (--skip-app-check).`);
      appCheck = { value: app, checked: false, requests: 0 };
    } else {
      progress(`Looking the App "${app}" up in the tenant's apps…`);
      const { apps, requests } = await tenantApps({
        tenant,
        keyId,
        secret,
        signal,
        clock,
        clean,
        progress,
        deadlineMs: opts.appsDeadlineMs,
        timeoutMs,
      });
      if (!apps.some(a => a.id === app)) {
        const e = unknownAppError(app, apps, tenant);
        e.message = clean(e.message);
        throw e;
      }
      appCheck = { value: app, checked: true, requests };
    }
  }

  const done: string[] = [];
  const uploaded: UploadResult['uploaded'] = [];
  for (const f of files) {
    let requests = 0;
    const fail = (failure: UploadFailure) => {
      const e = uploadError(failure, f.file, tenant, done);
      e.message = clean(e.message);
      return e;
    };
    /** One exchange within its deadline and size cap; a failure before the answer becomes the upload's error. */
    const exchange = async (
      phase: Phase,
      url: URL | string,
      init: RequestInit,
      timeoutMs: number,
      traceBody?: string,
    ) => {
      try {
        return await boundedFetch(url, init, { timeoutMs, limit: UPLOAD_ANSWER_LIMIT, signal, traceBody });
      } catch (e) {
        const p = e instanceof FetchFailed ? e.problem : ({ kind: 'network', error: e } as FetchProblem);
        if (p.kind === 'aborted' || signal?.aborted) throw fail({ kind: 'aborted' });
        if (p.kind === 'timeout') throw fail({ kind: 'timeout', phase, seconds: p.seconds });
        if (p.kind === 'too-large') throw fail({ kind: 'too-large', phase, status: p.status, limit: '1 MB' });
        const cause = p.error as { cause?: unknown } | undefined;
        const code = codeOf(cause?.cause) ?? codeOf(p.error);
        throw fail({ kind: 'network', phase, reason: code && /^[A-Z_]+$/.test(code) ? code : 'connection failed' });
      }
    };
    /**
     * One request, tried again on 429 and 5xx; the final answer (read, within its cap) and how many times it was sent.
     */
    const withRetries = async (phase: Phase, send: () => Promise<FetchAnswer>) => {
      for (let attempt = 1; ; attempt++) {
        if (signal?.aborted) throw fail({ kind: 'aborted' });
        requests++;
        const res = await send();
        if (res.status >= 300 && res.status < 400)
          throw fail({ kind: 'redirect', phase, location: res.headers.get('location') ?? '(no location)' });
        const decision: RetryDecision = res.ok
          ? { retry: false }
          : retryDecision(res.status, attempt, res.headers.get('retry-after'), clock.now());
        if (!decision.retry) return { res, tries: attempt };
        progress(
          `${phase === 'ask' ? 'BalkanID' : 'The upload URL'} answered HTTP ${res.status} for ${f.file}; ` +
            `trying again in ${Math.ceil(decision.waitMs / 1000)} s (attempt ${attempt + 1} of ${MAX_ATTEMPTS}).`,
        );
        // A Cancel during the wait ends it; the loop's next turn reports the upload as cancelled.
        await clock.sleep(decision.waitMs, signal).catch(() => undefined);
      }
    };
    const refused = (phase: Phase, status: number, tries: number, body: string) =>
      fail({ kind: 'status', phase, status, attempts: tries, detail: errorDetail(body) });

    const askForUrl = async (): Promise<URL> => {
      progress(`Asking BalkanID for an upload URL for ${f.file}…`);
      const { res, tries } = await withRetries('ask', () =>
        exchange(
          'ask',
          uploadUrlEndpoint(tenant, f.resource),
          {
            method: 'POST',
            headers: {
              'X-Api-Key-ID': keyId,
              'X-Api-Key-Secret': secret,
              'Content-Type': 'application/json',
              Accept: 'application/json',
            },
            body: '{}',
          },
          timeoutMs,
          '{}',
        ),
      );
      const text = res.text;
      if (!res.ok) throw refused('ask', res.status, tries, text);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const raw = pickUploadUrl(json);
      if (!raw) throw fail({ kind: 'no-url', detail: errorDetail(text) });
      const url = checkPresignedUrl(raw, tenant);
      if (!url) throw fail({ kind: 'insecure-url', url: raw });
      return url;
    };

    // The file goes to the pre-signed URL with no API key: only Content-Type and Content-Length (S3 needs the length).
    // Its deadline: the request timeout plus the time the file takes at MIN_UPLOAD_RATE.
    const put = (url: URL) =>
      exchange(
        'send',
        url,
        {
          method: 'PUT',
          headers: { 'Content-Type': 'text/csv', 'Content-Length': String(f.bytes) },
          body: Readable.toWeb(createReadStream(f.path)) as ReadableStream<Uint8Array>,
          duplex: 'half',
        } as RequestInit & { duplex: 'half' },
        putDeadlineMs(timeoutMs, f.bytes),
        `<${f.file}, ${f.bytes} bytes: not kept in the trace>`,
      );

    let renewed = false;
    let url = await askForUrl();
    for (;;) {
      progress(`Uploading ${f.file} (${formatCount(f.bytes)} bytes)…`);
      const { res, tries } = await withRetries('send', () => put(url));
      if (res.ok) break;
      const body = res.text;
      if (isExpiredPresignedUrl(res.status, body)) {
        if (renewed) throw fail({ kind: 'expired' });
        renewed = true;
        progress(`The upload URL for ${f.file} expired before the file arrived; asking for a new one.`);
        url = await askForUrl();
        continue;
      }
      throw refused('send', res.status, tries, body);
    }
    done.push(f.file);
    uploaded.push({ file: f.file, bytes: f.bytes, requests });
    progress(`${f.file} uploaded (${formatCount(f.bytes)} bytes).`);
  }
  return { uploaded, ...(appCheck ? { app: appCheck } : {}) };
}

/** The files' App: the export's manifest says it; else the first row of entities.csv (files made by hand). */
async function appOf(dir: string): Promise<string | undefined> {
  const manifest = await readManifest(dir);
  if (manifest?.app) return manifest.app;
  const fh = await open(join(dir, UPLOADS[0].file), 'r');
  const head = Buffer.alloc(64 * 1024);
  let read = 0;
  try {
    read = (await fh.read(head, 0, head.length, 0)).bytesRead;
  } finally {
    await fh.close();
  }
  const lines = head.subarray(0, read).toString('utf8').split(/\r?\n/);
  if (lines.length < 3) return undefined; // no complete data row
  try {
    return csvTable(lines[1]!, { maxCell: 4096, maxColumns: 64 }).header[0];
  } catch {
    return undefined;
  }
}

interface AppsRequest {
  tenant: string;
  keyId: string;
  secret: string;
  signal?: AbortSignal;
  clock: Clock;
  clean: (text: string) => string;
  progress: (m: string) => void;
  deadlineMs?: number;
  /** The deadline of each exchange (--request-timeout). */
  timeoutMs: number;
}

/** The most the answer asking for the apps list's URLs, or its polling URL's, may hold. */
const APPS_ANSWER_LIMIT = 64 * 1024;

/**
 * The tenant's apps, by BalkanID's Bulk Apps Download API: POST for the URLs (with the API key; 429 and 5xx tried
 * again), HEAD the polling URL until 200 (404: not ready) within a deadline, GET the CSV (at most MAX_APPS_BYTES).
 * The pre-signed URLs get no API key. Any failure is UPLOAD_APPS, with nothing sent.
 */
async function tenantApps(r: AppsRequest): Promise<{ apps: Array<{ id: string; name: string }>; requests: number }> {
  let requests = 0;
  const fail = (why: string) =>
    new SetupError(
      r.clean(
        `Could not read your BalkanID tenant's apps to check the App (${why}). Nothing was uploaded. Try again; if ` +
          "BalkanID's apps list stays unavailable, upload with --skip-app-check (in VS Code: Upload Without Checking).",
      ),
      'UPLOAD_APPS',
    );
  /** One request within the deadline and its size cap (read as it arrives), traced; 429 and 5xx tried again. */
  const call = async (url: string | URL, init: RequestInit, limit = APPS_ANSWER_LIMIT): Promise<FetchAnswer> => {
    for (let attempt = 1; ; attempt++) {
      if (r.signal?.aborted) throw fail('cancelled');
      requests++;
      let res: FetchAnswer;
      try {
        res = await boundedFetch(url, init, {
          timeoutMs: r.timeoutMs,
          limit,
          signal: r.signal,
          traceBody: typeof init.body === 'string' ? init.body : undefined,
        });
      } catch (e) {
        const p = e instanceof FetchFailed ? e.problem : ({ kind: 'network', error: e } as FetchProblem);
        if (p.kind === 'aborted') throw fail('cancelled');
        if (p.kind === 'timeout')
          throw fail(`${describeUrl(String(url))} did not finish answering within ${p.seconds} s`);
        if (p.kind === 'too-large') throw fail(`the answer is more than the ${formatCount(p.limit)} bytes allowed`);
        const cause = p.error as { cause?: unknown } | undefined;
        const code = codeOf(cause?.cause) ?? codeOf(p.error);
        throw fail(
          `cannot reach ${describeUrl(String(url))}: ${code && /^[A-Z_]+$/.test(code) ? code : 'connection failed'}`,
        );
      }
      if (res.status >= 300 && res.status < 400)
        throw fail(`a redirect from ${describeUrl(String(url))}, not followed`);
      const d = res.ok
        ? { retry: false as const }
        : retryDecision(res.status, attempt, res.headers.get('retry-after'), r.clock.now());
      if (!d.retry) return res;
      await r.clock.sleep(d.waitMs, r.signal).catch(() => undefined);
    }
  };
  const res = await call(appsEndpoint(r.tenant), {
    method: 'POST',
    headers: {
      'X-Api-Key-ID': r.keyId,
      'X-Api-Key-Secret': r.secret,
      'Content-Type': 'application/json',
      Accept: 'application/json',
    },
    body: '{}',
  });
  const text = res.text;
  if (res.status === 401)
    throw new SetupError(
      "BalkanID refused the API key (HTTP 401) while asking for the tenant's apps: " +
        'the API key ID or secret is wrong, or the key was revoked. ' +
        'Check both values, or create a new API key in BalkanID and use its ID and secret. Nothing was uploaded.',
      'UPLOAD_AUTH',
    );
  if (res.status === 403)
    throw new SetupError(
      "BalkanID refused the request (HTTP 403) while asking for the tenant's apps: " +
        'the API key may not download apps. ' +
        'Ask a BalkanID administrator for a key that may download apps and upload entities and entity relations, or ' +
        'upload with --skip-app-check. Nothing was uploaded.',
      'UPLOAD_FORBIDDEN',
    );
  if (!res.ok) throw fail(`HTTP ${res.status}${errorDetail(text) ? `: ${errorDetail(text)}` : ''}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const urls = pickDownloadUrls(body);
  const get = urls && checkPresignedUrl(urls.url, r.tenant);
  const poll = urls && checkPresignedUrl(urls.pollingUrl, r.tenant);
  if (!get || !poll) throw fail('BalkanID answered without https download and polling URLs');
  const deadlineMs = r.deadlineMs ?? APPS_DEADLINE_MS;
  const deadline = r.clock.now() + deadlineMs;
  for (let wait = 1000; ; wait = Math.min(wait * 2, 5000)) {
    const head = await call(poll, { method: 'HEAD' });
    if (head.status === 200) break;
    if (head.status !== 404) throw fail(`the polling URL answered HTTP ${head.status}`);
    if (r.clock.now() + wait > deadline)
      throw fail(`BalkanID did not have the apps list ready within ${Math.round(deadlineMs / 1000)} s`);
    r.progress('The apps list is not ready yet; asking again…');
    await r.clock.sleep(wait, r.signal).catch(() => undefined);
  }
  const file = await call(get, { method: 'GET' }, MAX_APPS_BYTES);
  if (!file.ok) throw fail(`the apps list's URL answered HTTP ${file.status}`);
  try {
    return { apps: appsFromCsv(file.text), requests };
  } catch (e) {
    throw fail(`the apps list is not the CSV BalkanID documents: ${messageOf(e)}`);
  }
}
