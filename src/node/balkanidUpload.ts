// Sends entities.csv and then entity-relations.csv to BalkanID's Bulk API: for each, ask the tenant for a pre-signed
// upload URL (with the API key) and PUT the file there, streamed from disk (without the API key). Retries, messages
// and the file checks live in src/core/extract/upload.ts; no message carries the secret or a URL's signature.
import { Clock, systemClock } from '../core/clock';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { registerSecret, redact } from '../core/redact';
import { codeOf, SetupError } from '../core/types';
import { formatCount } from '../core/numbers';
import { UPLOADS } from '../core/extract/format';
import { boundedFetch, FetchAnswer, FetchFailed, FetchProblem } from './boundedFetch';
import { REQUEST_TIMEOUT_MS } from './transport';
import {
  checkPresignedUrl,
  checkTenantUrl,
  errorDetail,
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
  const files = await checkFiles(opts.dir);

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
    /** One request, tried again on 429 and 5xx; the final answer (read, within its cap) and how many times it was sent. */
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
  return { uploaded };
}
