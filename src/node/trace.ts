// A trace of every HTTP exchange of a run, as HAR 1.2 (browser devtools and HAR viewers open it): method, URL,
// status, timing, headers and bodies. Access and refresh tokens, private keys, JWT assertions, consumer secrets,
// the consumer key and certificate bodies are redacted before anything is kept.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { redact } from '../core/redact';

interface Exchange {
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  body?: unknown;
}
interface Answer {
  statusCode?: number;
  headers?: Record<string, string>;
  body?: unknown;
}
type Transport = { httpRequest: (req: Exchange, options?: unknown) => PromiseLike<Answer> };

/** Trace redaction: redact() plus what a trace holds that an error message does not. */
export function redactTrace(text: string): string {
  return redact(text)
    .replace(/3MVG9[A-Za-z0-9._]{20,}/g, '<consumer key>')
    .replace(/-----BEGIN CERTIFICATE-----[\s\S]*?(-----END CERTIFICATE-----|$)/g, '<certificate>')
    .replace(/(<(?:\w+:)?certificate>)[^<]*/g, '$1<certificate body>')
    .replace(/("certificate"\s*:\s*")[^"]*/g, '$1<certificate body>')
    .replace(/[A-Za-z0-9+/=\s]{400,}/g, m => (/^[\sA-Za-z]+$/.test(m) ? m : '<base64 data>'));
}

/** The URL as sent; if its decoded form holds a secret (a token's "!" is percent-encoded), that form redacted. */
const traceUrl = (u: string) => {
  let decoded = u;
  try {
    decoded = decodeURIComponent(u);
  } catch {
    /* keep it encoded */
  }
  const redacted = redactTrace(decoded);
  return redacted === decoded ? redactTrace(u) : redacted;
};

const text = (body: unknown): { text: string; size: number } => {
  if (body === undefined || body === null) return { text: '', size: 0 };
  if (Buffer.isBuffer(body)) {
    // The deploy's multipart body: its JSON part is kept, the zip (which holds the certificate) is not.
    const json = /Content-Type: application\/json\r\n\r\n([^\r]*)/.exec(body.toString('latin1'))?.[1];
    return {
      text: `${json ?? ''}\n<binary part: a zip of the app's metadata, ${body.length} bytes in all>`,
      size: body.length,
    };
  }
  const s = typeof body === 'string' ? body : JSON.stringify(body);
  return { text: s, size: Buffer.byteLength(s) };
};
const headers = (h: Record<string, string> | undefined) =>
  Object.entries(h ?? {}).map(([name, value]) => ({
    name,
    value: redactTrace(
      /^authorization$/i.test(name)
        ? String(value).replace(/\s.*$/, ' <redacted>')
        : /^(set-)?cookie$|secret|api-key$/i.test(name)
          ? '<redacted>'
          : String(value),
    ),
  }));

export class HttpTrace {
  private readonly entries: object[] = [];
  private readonly attached = new WeakSet<object>();

  /** Records every exchange of a jsforce transport (a Connection's or an OAuth2's). */
  attach(transport: Transport | undefined): void {
    if (!transport || this.attached.has(transport)) return;
    this.attached.add(transport);
    const send = transport.httpRequest.bind(transport);
    transport.httpRequest = (req, options) => {
      const started = new Date();
      const answer = send(req, options);
      answer.then(
        res => this.record(req, started, res),
        (e: Error) => this.record(req, started, undefined, e),
      );
      return answer;
    };
  }

  /** Records one exchange (jsforce's through attach; the BalkanID upload's fetch exchanges directly). */
  record(req: Exchange, started: Date, res?: Answer, error?: Error): void {
    const url = new URL(String(req.url ?? ''), 'http://unknown');
    const sent = text(req.body);
    const got = text(res?.body);
    this.entries.push({
      startedDateTime: started.toISOString(),
      time: Date.now() - started.getTime(),
      request: {
        method: String(req.method ?? 'GET').toUpperCase(),
        url: traceUrl(String(req.url ?? '')),
        httpVersion: 'HTTP/1.1',
        cookies: [],
        headers: headers(req.headers),
        queryString: [...url.searchParams].map(([name, value]) => ({ name, value: redactTrace(value) })),
        ...(sent.size
          ? {
              postData: {
                mimeType: req.headers?.['Content-Type'] ?? req.headers?.['content-type'] ?? '',
                text: redactTrace(sent.text),
              },
            }
          : {}),
        headersSize: -1,
        bodySize: sent.size,
      },
      response: {
        status: res?.statusCode ?? 0,
        statusText: error ? redactTrace(error.message) : '',
        httpVersion: 'HTTP/1.1',
        cookies: [],
        headers: headers(res?.headers),
        content: {
          size: got.size,
          mimeType: String(res?.headers?.['content-type'] ?? ''),
          text: redactTrace(got.text),
        },
        redirectURL: redactTrace(String(res?.headers?.location ?? '')),
        headersSize: -1,
        bodySize: got.size,
      },
      cache: {},
      timings: { send: 0, wait: Date.now() - started.getTime(), receive: 0 },
    });
  }

  get size(): number {
    return this.entries.length;
  }

  toHar(creator = 'balkanid-sf'): object {
    return { log: { version: '1.2', creator: { name: creator, version: '0.2.0' }, pages: [], entries: this.entries } };
  }

  /** Writes the HAR file: a fresh file readable by its owner only, never through a symbolic link (writeFresh). */
  async save(path: string): Promise<void> {
    await writeFresh(path, JSON.stringify(this.toHar(), null, 2));
  }
}

/** Why a trace cannot be written at `path` because of what is there: a symbolic link (even a dangling one). */
export async function linkProblem(path: string): Promise<string | undefined> {
  const st = await lstat(path).catch(() => undefined);
  return st?.isSymbolicLink() ? 'that is a symbolic link; the trace is never written through a link' : undefined;
}

/**
 * Writes `text` to `path` as a new file readable by its owner only (0600): a symbolic link at `path` is refused; the
 * file is created beside it with O_EXCL and O_NOFOLLOW, then renamed over `path` (a rename replaces the name, so an
 * existing file's mode, owner or other links are not inherited, and a link put there meanwhile is replaced, not
 * followed).
 */
export async function writeFresh(path: string, text: string): Promise<void> {
  const problem = await linkProblem(path);
  if (problem) throw new Error(`${path}: ${problem}`);
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
  const file = await open(temp, flags, 0o600);
  try {
    await file.writeFile(text);
    await file.close();
    await rename(temp, path);
  } catch (e) {
    await file.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw e;
  }
}

let active: HttpTrace | undefined;
/** Starts recording every exchange of the connections made from now on (and returns the trace). */
export function startTrace(): HttpTrace {
  return (active = new HttpTrace());
}
export function stopTrace(): HttpTrace | undefined {
  const t = active;
  active = undefined;
  return t;
}
export const activeTrace = () => active;
