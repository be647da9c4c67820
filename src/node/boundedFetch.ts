// fetch (undici) with what every exchange of this product has (see transport.ts for Salesforce's): one deadline for
// the whole exchange — connect, request body, headers and answer — a size cap on the answer (an error answer's
// too), no redirect followed, and a record in the trace (--trace, Record Trace…). Used by the BalkanID upload.
import { activeTrace } from './trace';

export interface FetchAnswer {
  status: number;
  ok: boolean;
  headers: Headers;
  text: string;
}

/** Why an exchange failed before its answer was read: the deadline, the size cap, the caller's cancel, the network. */
export type FetchProblem =
  | { kind: 'timeout'; seconds: number }
  | { kind: 'too-large'; limit: number; status: number }
  | { kind: 'aborted' }
  | { kind: 'network'; error: unknown };

export class FetchFailed extends Error {
  constructor(readonly problem: FetchProblem) {
    super(problem.kind);
  }
}

export interface BoundedFetchOptions {
  timeoutMs: number;
  /** The most the answer may hold, in bytes (error answers included). */
  limit: number;
  signal?: AbortSignal;
  /** What the trace shows of the request body (a file's name and size, never its content). */
  traceBody?: string;
}

const headerRecord = (h: Headers) => {
  const out: Record<string, string> = {};
  h.forEach((value, name) => (out[name] = value));
  return out;
};

export async function boundedFetch(url: URL | string, init: RequestInit, o: BoundedFetchOptions): Promise<FetchAnswer> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), o.timeoutMs);
  const stop = () => deadline.abort();
  o.signal?.addEventListener('abort', stop, { once: true });
  const started = new Date();
  const method = String(init.method ?? 'GET').toUpperCase();
  const sentHeaders = headerRecord(new Headers(init.headers));
  const record = (answer?: FetchAnswer, error?: Error) =>
    activeTrace()?.record(
      { method, url: String(url), headers: sentHeaders, body: o.traceBody },
      started,
      answer && { statusCode: answer.status, headers: headerRecord(answer.headers), body: answer.text },
      error,
    );
  const problem = (e: unknown): FetchFailed => {
    if (e instanceof FetchFailed) return e;
    if (o.signal?.aborted) return new FetchFailed({ kind: 'aborted' });
    if (deadline.signal.aborted) return new FetchFailed({ kind: 'timeout', seconds: Math.round(o.timeoutMs / 1000) });
    return new FetchFailed({ kind: 'network', error: e });
  };
  try {
    const res = await fetch(url, { ...init, redirect: 'manual', signal: deadline.signal });
    const chunks: Uint8Array[] = [];
    let size = 0;
    if (res.body) {
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > o.limit) {
          await reader.cancel().catch(() => undefined);
          throw new FetchFailed({ kind: 'too-large', limit: o.limit, status: res.status });
        }
        chunks.push(value);
      }
    }
    const answer = {
      status: res.status,
      ok: res.ok,
      headers: res.headers,
      text: Buffer.concat(chunks).toString('utf8'),
    };
    record(answer);
    return answer;
  } catch (e) {
    const failed = problem(e);
    record(undefined, new Error(failed.problem.kind));
    throw failed;
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', stop);
  }
}
