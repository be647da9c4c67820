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
}

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
    /** One request, tried again on 429 and 5xx; the final response (body unread) and how many times it was sent. */
    const withRetries = async (phase: Phase, send: () => Promise<Response>) => {
      for (let attempt = 1; ; attempt++) {
        if (signal?.aborted) throw fail({ kind: 'aborted' });
        requests++;
        let res: Response;
        try {
          res = await send();
        } catch (e) {
          if (signal?.aborted || (e as Error)?.name === 'AbortError') throw fail({ kind: 'aborted' });
          const code = codeOf((e as { cause?: unknown })?.cause) ?? codeOf(e);
          throw fail({ kind: 'network', phase, reason: code && /^[A-Z_]+$/.test(code) ? code : 'connection failed' });
        }
        if (res.status >= 300 && res.status < 400)
          throw fail({ kind: 'redirect', phase, location: res.headers.get('location') ?? '(no location)' });
        const decision: RetryDecision = res.ok
          ? { retry: false }
          : retryDecision(res.status, attempt, res.headers.get('retry-after'), clock.now());
        if (!decision.retry) return { res, tries: attempt };
        await res.body?.cancel().catch(() => undefined);
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
        fetch(uploadUrlEndpoint(tenant, f.resource), {
          method: 'POST',
          headers: {
            'X-Api-Key-ID': keyId,
            'X-Api-Key-Secret': secret,
            'Content-Type': 'application/json',
            Accept: 'application/json',
          },
          body: '{}',
          redirect: 'manual',
          signal,
        }),
      );
      const text = await res.text().catch(() => '');
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
    const put = (url: URL) =>
      fetch(url, {
        method: 'PUT',
        headers: { 'Content-Type': 'text/csv', 'Content-Length': String(f.bytes) },
        body: Readable.toWeb(createReadStream(f.path)) as ReadableStream<Uint8Array>,
        duplex: 'half',
        redirect: 'manual',
        signal,
      } as RequestInit & { duplex: 'half' });

    let renewed = false;
    let url = await askForUrl();
    for (;;) {
      progress(`Uploading ${f.file} (${formatCount(f.bytes)} bytes)…`);
      const { res, tries } = await withRetries('send', () => put(url));
      if (res.ok) {
        await res.body?.cancel().catch(() => undefined);
        break;
      }
      const body = await res.text().catch(() => '');
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
