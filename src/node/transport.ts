// Every HTTP exchange with Salesforce (REST, SOAP, the Metadata API, OAuth) goes through this transport, which
// replaces jsforce's own on each Connection and OAuth2 object. jsforce 3.10.16 applies its timeout only until the
// headers arrive and then reads the body with no limit, retries on its own timers and copies the token to any
// redirect. Here an exchange has:
//  * ONE deadline covering connect, headers, body and any retry (--request-timeout means the whole exchange);
//  * a size cap per kind of answer (a query page, a batch answer, a metadata answer, an error answer, …), refused
//    with a message that names the request and the limit, the connection closed at once (memory stays bounded);
//  * no redirect followed (the token would go with it);
//  * retries only for reads (GET, HEAD), only for answers that may pass (429, 500, 502, 503, 504, a reset before the
//    answer), at most twice, waiting on the engine's clock and never past the deadline. A refused connection or an
//    unknown host fails at once: it is a wrong address, not a busy org.
//  * an abort signal (Ctrl+C, SIGTERM): the exchange in flight stops and says so.
import http from 'node:http';
import https from 'node:https';
import { PassThrough } from 'node:stream';
import zlib from 'node:zlib';
import type { Agent } from 'node:http';
import { Clock, systemClock } from '../core/clock';
import { codeOf, isSetupError, messageOf, SetupError } from '../core/types';
import { ConnectionError, RedirectRefused } from './httpErrors';

/** jsforce waits 30 minutes for a silent org by default; two minutes is plenty for any single exchange we make. */
export const REQUEST_TIMEOUT_MS = 120_000;

const MB = 1024 * 1024;
/** The most each kind of answer may hold (decoded). A query page holds at most 2,000 records (a few MB). */
export const ANSWER_LIMITS = {
  'query page': 32 * MB,
  'batch answer': 32 * MB,
  'metadata answer': 16 * MB,
  'token answer': 1 * MB,
  answer: 16 * MB,
  'error answer': 1 * MB,
} as const;
export type AnswerKind = keyof typeof ANSWER_LIMITS;

/** What kind of answer a request gets (its size cap), from its path; an error status makes it an error answer. */
export function answerKind(url: string): AnswerKind {
  const path = url.replace(/^[a-z]+:\/\/[^/]+/i, '').replace(/\?.*$/, '');
  if (/\/services\/oauth2\//.test(path)) return 'token answer';
  if (/\/services\/Soap\/|\/metadata\//.test(path)) return 'metadata answer';
  if (/\/query(All)?(\/|$)/.test(path)) return 'query page';
  if (/\/composite(\/|$)/.test(path)) return 'batch answer';
  return 'answer';
}

export const describeBytes = (n: number) => (n >= MB ? `${Math.round(n / MB)} MB` : `${Math.round(n / 1024)} KB`);

/** jsforce's redirect hook (its own transport, should one be used): a redirect is never followed. */
export const refuseRedirect = (location: string): never => {
  throw new RedirectRefused(location);
};

let requestTimeoutMs = REQUEST_TIMEOUT_MS;
/**
 * jsforce keeps request defaults per process for its own transport: a timeout instead of its 30 minutes, and
 * redirects refused. Every Connection and OAuth2 made here gets a BoundedTransport instead (bindTransport); these
 * defaults only matter for a jsforce object made elsewhere.
 */
export async function configureTransport(timeoutMs?: number): Promise<void> {
  requestTimeoutMs = timeoutMs ?? requestTimeoutMs; // a later call without one keeps the one set
  await import('jsforce');
  const { setDefaults } = await import('jsforce/lib/request');
  setDefaults({ httpProxy: proxyUrl(), timeout: requestTimeoutMs, followRedirect: refuseRedirect });
}

const proxyUrl = () =>
  process.env.https_proxy ?? process.env.http_proxy ?? process.env.HTTPS_PROXY ?? process.env.HTTP_PROXY ?? undefined;

/** A request as jsforce hands it to its transport. */
export interface TransportRequest {
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  body?: unknown;
}
/** An answer as jsforce reads it. */
export interface TransportResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface TransportOptions {
  /** The deadline of one exchange (connect, headers, body, retries). */
  timeoutMs?: number;
  /** Retry waits. */
  clock?: Clock;
  /** Stops every exchange (Ctrl+C, SIGTERM); its reason, a SetupError, says why. */
  signal?: AbortSignal;
}

/** jsforce's per-call options pass through to the transport. */
export interface ExchangeOptions {
  /** A shorter deadline for this exchange (the deploy poll). */
  budgetMs?: number;
  /** No retry here: the caller retries visibly, on its own clock, from where it was (the export's reader). */
  once?: boolean;
}

const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
const RETRY_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);
/** Tries after the first: at most two, 500 ms then 1 s (or what Retry-After asks, within the deadline). */
export const MAX_RETRIES = 2;
const BACKOFF_MS = 500;
const MAX_RETRY_AFTER_MS = 10_000;

/** What a failed attempt was, for the retry decision and the message. */
class Attempt extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

const origin = (u: URL) => `${u.protocol}//${u.host}`;
const what = (method: string, u: URL) => `${method} ${u.pathname}`;

function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export class BoundedTransport {
  private readonly timeoutMs: number;
  private readonly clock: Clock;
  private readonly agent?: Agent;

  constructor(private readonly o: TransportOptions = {}) {
    this.timeoutMs = o.timeoutMs ?? requestTimeoutMs;
    this.clock = o.clock ?? systemClock;
    const proxy = proxyUrl();
    if (proxy) {
      // jsforce's own dependency, as jsforce uses it for the same variables.
      const createAgent = require('https-proxy-agent') as (p: string) => Agent;
      this.agent = createAgent(proxy);
    }
  }

  /** jsforce's transport interface: a promise of the answer, with the stream jsforce pipes (unused here). */
  httpRequest(req: TransportRequest, options?: unknown): Promise<TransportResponse> & { stream(): PassThrough } {
    const o = options as ExchangeOptions | undefined;
    const promise = this.exchange(
      req,
      Math.min(this.timeoutMs, o?.budgetMs ?? Infinity),
      !!o?.once,
    ) as Promise<TransportResponse> & {
      stream(): PassThrough;
    };
    promise.stream = () => new PassThrough();
    return promise;
  }

  private async exchange(req: TransportRequest, timeoutMs: number, once = false): Promise<TransportResponse> {
    const method = String(req.method ?? 'GET').toUpperCase();
    const url = new URL(String(req.url ?? ''));
    const deadline = new AbortController();
    const started = this.clock.now();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    const stop = () => deadline.abort();
    this.o.signal?.addEventListener('abort', stop, { once: true });
    const fail = (e: unknown): never => {
      if (this.o.signal?.aborted) throw this.interrupted(method, url);
      if (deadline.signal.aborted)
        throw new ConnectionError(
          `${origin(url)} did not finish answering ${what(method, url)} within ${Math.round(timeoutMs / 1000)} s; ` +
            'the request was abandoned.',
          'TIMEOUT',
        );
      throw e;
    };
    try {
      if (this.o.signal?.aborted) throw this.interrupted(method, url);
      const canRetry = (method === 'GET' || method === 'HEAD') && !once;
      for (let retry = 0; ; retry++) {
        let res: TransportResponse;
        try {
          res = await this.once(method, url, req, deadline.signal);
        } catch (e) {
          if (deadline.signal.aborted) return fail(e);
          const attempt = e instanceof Attempt ? e : undefined;
          if (canRetry && attempt?.retryable && retry < MAX_RETRIES) {
            await this.clock.sleep(BACKOFF_MS * 2 ** retry, deadline.signal).catch(fail);
            continue;
          }
          if (attempt)
            throw new ConnectionError(
              `Cannot reach ${origin(url)} (${attempt.code}) during ${what(method, url)}.`,
              'UNREACHABLE',
              attempt.message,
            );
          throw e;
        }
        if (canRetry && RETRY_STATUSES.has(res.statusCode) && retry < MAX_RETRIES) {
          const asked = retryAfterMs(res.headers['retry-after'], this.clock.now());
          const wait = Math.min(asked ?? BACKOFF_MS * 2 ** retry, MAX_RETRY_AFTER_MS);
          // Only when the wait and another try fit in what is left of the deadline.
          if (this.clock.now() + wait < started + timeoutMs) {
            await this.clock.sleep(wait, deadline.signal).catch(fail);
            continue;
          }
        }
        return res;
      }
    } catch (e) {
      return fail(e);
    } finally {
      clearTimeout(timer);
      this.o.signal?.removeEventListener('abort', stop);
    }
  }

  private interrupted(method: string, url: URL): SetupError {
    const reason: unknown = this.o.signal?.reason;
    const why = isSetupError(reason) ? reason.message : 'Interrupted.';
    return new SetupError(
      `${why} ${origin(url)} had not answered ${what(method, url)} yet.`,
      isSetupError(reason) ? reason.code : 'INTERRUPTED',
    );
  }

  /** One attempt: the request sent, the answer read within the caps; rejects with an Attempt for network errors. */
  private once(method: string, url: URL, req: TransportRequest, signal: AbortSignal): Promise<TransportResponse> {
    return new Promise<TransportResponse>((resolve, reject) => {
      const lib = url.protocol === 'https:' ? https : http;
      const body =
        req.body === undefined || req.body === null
          ? undefined
          : Buffer.isBuffer(req.body)
            ? req.body
            : Buffer.from(typeof req.body === 'string' ? req.body : JSON.stringify(req.body));
      const headers: Record<string, string> = { 'Accept-Encoding': 'gzip, deflate', ...(req.headers ?? {}) };
      if (body && !Object.keys(headers).some(h => /^content-length$/i.test(h)))
        headers['Content-Length'] = String(body.length);
      let answered = false;
      const request = lib.request(url, { method, headers, agent: this.agent, signal }, res => {
        answered = true;
        const status = res.statusCode ?? 0;
        const h: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers))
          if (v !== undefined) h[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
        if (status >= 300 && status < 400 && h.location) {
          res.destroy();
          return reject(new RedirectRefused(h.location));
        }
        const kind: AnswerKind = status >= 400 ? 'error answer' : answerKind(url.toString());
        const limit = ANSWER_LIMITS[kind];
        const encoding = (h['content-encoding'] ?? '').toLowerCase();
        const decoded =
          encoding === 'gzip' || encoding === 'x-gzip'
            ? res.pipe(zlib.createGunzip())
            : encoding === 'deflate'
              ? res.pipe(zlib.createInflate())
              : res;
        const chunks: Buffer[] = [];
        let size = 0;
        const tooLarge = () => {
          res.destroy();
          decoded.destroy();
          reject(
            new SetupError(
              `${origin(url)} answered ${what(method, url)} with ` +
                `${status >= 400 ? `an HTTP ${status} error of ` : ''}more than ${describeBytes(limit)} (the limit ` +
                `for ${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}); the rest was not read.`,
              'TOO_LARGE',
            ),
          );
        };
        decoded.on('data', (c: Buffer) => {
          size += c.length;
          if (size > limit) return tooLarge();
          chunks.push(c);
        });
        decoded.on('end', () =>
          resolve({ statusCode: status, headers: h, body: Buffer.concat(chunks).toString('utf8') }),
        );
        decoded.on('error', e => reject(e));
        res.on('error', e => reject(e));
        res.on('close', () => {
          if (!res.complete) reject(new Attempt('the connection closed during the answer', 'ECONNRESET', false));
        });
      });
      request.on('error', e => {
        if (signal.aborted) return reject(e);
        const code = codeOf(e) ?? (/socket hang up/i.test(messageOf(e)) ? 'ECONNRESET' : 'connection failed');
        // Only a connection that broke before any answer may be tried again (a read; the caller decides).
        reject(new Attempt(messageOf(e), code, !answered && RETRY_ERRORS.has(code)));
      });
      request.end(body);
    });
  }
}

/** A jsforce object (Connection, OAuth2) whose exchanges go through a BoundedTransport. */
export function bindTransport<T extends object>(target: T, options: TransportOptions): T {
  (target as unknown as { _transport: BoundedTransport })._transport = new BoundedTransport(options);
  return target;
}
