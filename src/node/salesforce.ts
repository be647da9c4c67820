// The Node adapter: an OrgClient over jsforce 3.10.16 (the last release on node-fetch, which runs on Node 20
// and on VS Code's extension host alike; 3.10.19+ needs Node >= 22.19). jsforce is loaded on first use.
import type { Connection } from 'jsforce';
import { DeployOptions, DeployOutcome, OrgClient, SubResult } from '../core/client';
import { MIN_API_VERSION } from '../core/steps/preflight';
import { SetupError, isSetupError } from '../core/types';
import { checkInstanceUrl } from '../core/url';
import { redact, registerSecret } from '../core/redact';

export { checkInstanceUrl };

export interface Credentials {
  instanceUrl: string;
  accessToken: string;
  /** Called when the session expired; returns a fresh access token (sf CLI refresh, JWT re-login). */
  refresh?: () => Promise<string>;
  /** Alias or username this came from, for display. */
  label?: string;
  /** Per-request timeout (default REQUEST_TIMEOUT_MS). */
  timeoutMs?: number;
}

/** jsforce waits 30 minutes for a silent org by default; two minutes is plenty for any single call we make. */
export const REQUEST_TIMEOUT_MS = 120_000;
/** How long a deploy may run before the engine stops waiting (it goes on in Salesforce). */
export const DEPLOY_TIMEOUT_MS = 10 * 60_000;

export class ConnectionError extends SetupError {
  constructor(message: string, code: 'SESSION_EXPIRED' | 'UNREACHABLE' | 'TIMEOUT' | 'API_DISABLED' | 'API_TOO_OLD' | 'AUTH', public readonly detail?: string) { super(message, code); }
}

/** A redirect is never followed: the token would go with it (jsforce copies the Authorization header). */
export class RedirectRefused extends Error {
  constructor(readonly location: string) { super(`redirect to ${location}`); this.name = 'RedirectRefused'; }
}

const looksHtml = (s: string) => /^\s*<(!doctype|html|head|body)/i.test(s) || /<html[\s>]/i.test(s.slice(0, 2000));

/** Turns transport errors into typed ones the UI can show, and never lets a token into a message. */
export function classify(e: any, instanceUrl: string, what = 'a request'): Error {
  if (isSetupError(e)) return e;
  if (e instanceof RedirectRefused || e?.name === 'RedirectRefused') {
    let where = String(e.location);
    try { const u = new URL(where, instanceUrl); where = `${u.protocol}//${u.host}${u.pathname}`; } catch { /* keep as is */ }
    return new ConnectionError(`${instanceUrl} answered ${what} with a redirect to ${where}. The access token was not sent there: redirects are not followed. `
      + 'Connect with the org\'s own My Domain URL (https://yourcompany.my.salesforce.com).', 'UNREACHABLE');
  }
  const code = e?.errorCode ?? e?.name ?? e?.code;
  const msg = redact(String(e?.message ?? e));
  if (code === 'INVALID_SESSION_ID' || code === 'sf:INVALID_SESSION_ID') return new ConnectionError('The Salesforce session has expired. Log in again (sf org login web) or switch org.', 'SESSION_EXPIRED');
  if (code === 'API_DISABLED_FOR_ORG') return new ConnectionError('The API is not enabled for your user or this org ("API Enabled" permission).', 'API_DISABLED');
  if (e?.name === 'AbortError' || /aborted due to timeout/i.test(msg)) return new ConnectionError(`${instanceUrl} did not answer ${what} in time.`, 'TIMEOUT', msg);
  if (/ECONNREFUSED|ENOTFOUND|ECONNRESET|EAI_AGAIN|socket hang up|fetch failed|network/i.test(`${code} ${msg}`)) return new ConnectionError(`Cannot reach ${instanceUrl} (${/^[A-Z_]+$/.test(String(code)) ? code : 'connection failed'}) during ${what}.`, 'UNREACHABLE', msg);
  const status = /^ERROR_HTTP_(\d+)/.exec(String(code))?.[1];
  if (/html content/i.test(msg) || looksHtml(msg)) return new SetupError(`Salesforce answered ${what} with an HTML page${status ? ` (HTTP ${status})` : ''} instead of data. ${Number(status) >= 500 ? 'Try again in a minute.' : 'Check that the instance URL is the org\'s My Domain URL and that no proxy or login page is in between.'}`, status && Number(status) >= 500 ? 'SERVER_ERROR' : 'UNEXPECTED_RESPONSE');
  if (status && Number(status) >= 500) return new SetupError(`Salesforce answered ${what} with a server error (HTTP ${status}). Try again in a minute.`, 'SERVER_ERROR');
  return new SetupError(`${code ? `${code}: ` : ''}${msg}`.slice(0, 2000), String(code ?? 'ERROR'));
}

/** The body must be what the API documents; anything else (an HTML page, `{}`, text) gets a plain message. */
function expect<T>(body: unknown, ok: (b: any) => boolean, instanceUrl: string, what: string): T {
  if (ok(body)) return body as T;
  const text = typeof body === 'string' ? body : JSON.stringify(body ?? null);
  if (typeof body === 'string' && looksHtml(body)) throw new SetupError(`Salesforce answered ${what} with an HTML page at ${instanceUrl} instead of data. Check that the instance URL is the org's My Domain URL and that no proxy or login page is in between.`, 'UNEXPECTED_RESPONSE');
  throw new SetupError(`Salesforce answered ${what} with ${text === '{}' || text === '""' || text === 'null' ? 'an empty response' : 'something that is not the expected data'} (${redact(text.slice(0, 120))}). Run again; if it repeats, check the instance URL.`, 'UNEXPECTED_RESPONSE');
}

export class JsforceClient implements OrgClient {
  constructor(private readonly conn: Connection, readonly apiVersion: string, readonly userId: string, readonly orgId: string) {}
  get instanceUrl(): string { return this.conn.instanceUrl; }

  private async call<T>(fn: () => Promise<T>, what: string): Promise<T> {
    try { return await fn(); } catch (e) { throw classify(e, this.instanceUrl, what); }
  }
  request(method: string, url: string, body?: unknown): Promise<any> {
    const what = `${method} ${url.replace(/\?.*$/, '')}`;
    return this.call(() => this.conn.request({ method: method as any, url, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }), what);
  }

  async batch(requests: Array<{ ref: string; url: string }>): Promise<Record<string, SubResult>> {
    const out: Record<string, SubResult> = {};
    for (let i = 0; i < requests.length; i += 25) {
      const chunk = requests.slice(i, i + 25);
      const url = `/services/data/v${this.apiVersion}/composite/batch`;
      const res = expect<{ results: Array<{ statusCode: number; result: unknown }> }>(await this.request('POST', url, { haltOnError: false, batchRequests: chunk.map(r => ({ method: 'GET', url: r.url })) }),
        b => Array.isArray(b?.results) && b.results.length === chunk.length && b.results.every((x: any) => typeof x?.statusCode === 'number'), this.instanceUrl, `POST ${url}`);
      chunk.forEach((r, j) => { const x = res.results[j]!; out[r.ref] = { status: x.statusCode, body: x.result }; });
    }
    return out;
  }

  async composite(requests: Array<{ referenceId: string; method: string; url: string; body?: unknown }>, allOrNone: boolean): Promise<Record<string, SubResult>> {
    const url = `/services/data/v${this.apiVersion}/composite`;
    const res = expect<{ compositeResponse: Array<{ referenceId: string; httpStatusCode: number; body: unknown }> }>(await this.request('POST', url, { allOrNone, compositeRequest: requests }),
      b => Array.isArray(b?.compositeResponse) && b.compositeResponse.every((x: any) => typeof x?.httpStatusCode === 'number' && typeof x?.referenceId === 'string'), this.instanceUrl, `POST ${url}`);
    return Object.fromEntries(res.compositeResponse.map(r => [r.referenceId, { status: r.httpStatusCode, body: r.body }]));
  }

  async readMetadata(type: string, fullNames: string[]): Promise<Array<Record<string, any> | undefined>> {
    const res: any = await this.call(() => this.conn.metadata.read(type as any, fullNames), `readMetadata ${type}`);
    return (Array.isArray(res) ? res : [res]).map((r: any) => (r && r.fullName ? r : undefined));
  }

  /** Metadata REST deployRequest (works with JWT-format tokens, unlike SOAP), polled until done. */
  async deploy(files: Record<string, string>, options: DeployOptions, onProgress?: (status: string) => void, signal?: AbortSignal): Promise<DeployOutcome> {
    const JSZip = (await import('jszip')).default;
    const zip = new JSZip();
    for (const [name, content] of Object.entries(files)) zip.file(name, content);
    const zipData = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    const boundary = `----balkanid${Date.now().toString(16)}`;
    const json = JSON.stringify({ deployOptions: { checkOnly: !!options.checkOnly, rollbackOnError: true, singlePackage: true, ignoreWarnings: false } });
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="json"\r\nContent-Type: application/json\r\n\r\n${json}\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="deploy.zip"\r\nContent-Type: application/zip\r\n\r\n`), zipData,
      Buffer.from(`\r\n--${boundary}--\r\n`)]);
    const base = `/services/data/v${this.apiVersion}/metadata/deployRequest`;
    const started = expect<{ id: string }>(await this.call(() => this.conn.request({ method: 'POST', url: base, body: body as any, headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` } }), `POST ${base}`),
      b => typeof b?.id === 'string' && /^0Af/.test(b.id), this.instanceUrl, `POST ${base}`);
    // From here on the deploy runs in Salesforce whatever happens to this process: a failure while checking on it
    // means the app may land, and the error says so.
    try {
      return await this.pollDeploy(base, started.id, options.timeoutMs ?? DEPLOY_TIMEOUT_MS, onProgress, signal);
    } catch (e) {
      const err = isSetupError(e) ? e : new SetupError(String((e as Error)?.message ?? e), 'ERROR');
      const out = err.code === 'DEPLOY_STILL_RUNNING' || err.code === 'CANCELLED' ? err
        : new SetupError(`The deploy ${started.id} was started, but checking on it failed: ${err.message} The deploy goes on in Salesforce.`, err.code, err.step);
      out.uncertain = `the deploy ${started.id}`;
      throw out;
    }
  }

  private async pollDeploy(base: string, id: string, timeoutMs: number, onProgress?: (status: string) => void, signal?: AbortSignal): Promise<DeployOutcome> {
    const deadline = Date.now() + timeoutMs;
    let delay = 250;
    for (;;) {
      if (signal?.aborted) throw new SetupError(`Cancelled while deploy ${id} was running; it finishes on its own. Run again to continue.`, 'CANCELLED', 'app');
      if (Date.now() > deadline)
        throw new SetupError(`The deploy ${id} is still running in Salesforce after ${Math.round(timeoutMs / 1000)} s; it goes on there by itself (Setup → Deployment Status). `
          + 'Run again in a few minutes: the next run checks whether it landed.', 'DEPLOY_STILL_RUNNING', 'app');
      await new Promise(r => setTimeout(r, delay));
      delay = Math.min(delay * 2, 2000);
      const st = expect<{ deployResult: any }>(await this.request('GET', `${base}/${id}?includeDetails=true`), b => typeof b?.deployResult?.status === 'string', this.instanceUrl, `GET ${base}/${id}`);
      const r = st.deployResult;
      onProgress?.(`${r.status}${r.numberComponentsTotal ? ` (${r.numberComponentsDeployed}/${r.numberComponentsTotal})` : ''}`);
      if (r.done) {
        const failures = ([] as any[]).concat(r.details?.componentFailures ?? []).map(f => ({ componentType: String(f?.componentType ?? ''), fullName: String(f?.fullName ?? ''), problem: String(f?.problem ?? '') }));
        return { id, status: r.status, success: r.status === 'Succeeded', failures };
      }
    }
  }
}

/** jsforce's redirect hook: throwing here stops the redirect before any request (and token) goes out. */
export const refuseRedirect = (location: string): never => { throw new RedirectRefused(location); };

/**
 * jsforce keeps request defaults per process (its transport sets them from the proxy variables on import): a
 * timeout instead of its 30 minutes, and redirects refused. Called before any request, OAuth ones included.
 */
let requestTimeoutMs = REQUEST_TIMEOUT_MS;
export async function configureTransport(timeoutMs?: number): Promise<void> {
  requestTimeoutMs = timeoutMs ?? requestTimeoutMs; // a later call without one keeps the one set
  await import('jsforce');
  const { setDefaults } = await import('jsforce/lib/request');
  setDefaults({ httpProxy: process.env.https_proxy ?? process.env.http_proxy ?? process.env.HTTPS_PROXY ?? process.env.HTTP_PROXY ?? undefined, timeout: requestTimeoutMs, followRedirect: refuseRedirect });
}

/** Opens a connection: negotiates the API version from /services/data and identifies the user (2 requests). */
export async function connect(creds: Credentials): Promise<JsforceClient> {
  const instanceUrl = checkInstanceUrl(creds.instanceUrl);
  const { Connection } = await import('jsforce');
  await configureTransport(creds.timeoutMs);
  registerSecret(creds.accessToken);
  const refreshFn = creds.refresh && ((_c: unknown, cb: (err: Error | null, token?: string) => void) => { creds.refresh!().then(t => { registerSecret(t); cb(null, t); }, e => cb(e)); });
  const conn = new Connection({ instanceUrl, accessToken: creds.accessToken, version: `${MIN_API_VERSION}.0`, ...(refreshFn ? { refreshFn } : {}) } as any);
  try {
    const versions = expect<Array<{ version: string }>>(await conn.request('/services/data'), b => Array.isArray(b) && b.every((x: any) => typeof x?.version === 'string'), instanceUrl, 'GET /services/data');
    const best = versions.map(v => v.version).sort((a, b) => Number(b) - Number(a))[0];
    if (!best || Number(best) < MIN_API_VERSION) throw new ConnectionError(`The org offers API ${best ?? 'none'}; this setup needs ${MIN_API_VERSION}.0 or later.`, 'API_TOO_OLD');
    conn.version = best;
    // The version root answers 401 INVALID_SESSION_ID like every REST call (so jsforce refreshes through it)
    // and names the user: identity = <host>/id/<orgId>/<userId>.
    const root: any = await conn.request(`/services/data/v${best}`);
    const [orgId = '', userId = ''] = String(root.identity ?? '').split('/').slice(-2);
    if (!/^00D/.test(orgId) || !/^005/.test(userId)) throw new ConnectionError('The org did not say who is connected (no identity URL).', 'AUTH');
    return new JsforceClient(conn, best, userId, orgId);
  } catch (e) {
    throw classify(e, instanceUrl);
  }
}
