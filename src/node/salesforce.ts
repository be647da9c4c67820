// The Node adapter: an OrgClient over jsforce 3.10.16 (the last release on node-fetch, which runs on Node 20
// and on VS Code's extension host alike; 3.10.19+ needs Node >= 22.19). jsforce is loaded on first use.
import type { Connection } from 'jsforce';
import { DeployOutcome, OrgClient, SubResult } from '../core/client';
import { MIN_API_VERSION } from '../core/engine';
import { SetupError } from '../core/types';
import { checkInstanceUrl } from '../core/url';
import { redact } from '../core/redact';

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

export class ConnectionError extends SetupError {
  constructor(message: string, code: 'SESSION_EXPIRED' | 'UNREACHABLE' | 'API_DISABLED' | 'API_TOO_OLD' | 'AUTH', public readonly detail?: string) { super(message, code); }
}

/** Turns transport errors into typed ones the UI can show, and never lets a token into a message. */
export function classify(e: any, instanceUrl: string): Error {
  if (e instanceof SetupError) return e;
  const code = e?.errorCode ?? e?.name ?? e?.code;
  const msg = redact(String(e?.message ?? e));
  if (code === 'INVALID_SESSION_ID' || code === 'sf:INVALID_SESSION_ID') return new ConnectionError('The Salesforce session has expired. Log in again (sf org login web) or switch org.', 'SESSION_EXPIRED');
  if (code === 'API_DISABLED_FOR_ORG') return new ConnectionError('The API is not enabled for your user or this org ("API Enabled" permission).', 'API_DISABLED');
  if (e?.name === 'AbortError' || /aborted due to timeout/i.test(msg)) return new ConnectionError(`${instanceUrl} did not answer in time. Check the connection and run again; nothing after the last completed call was written.`, 'UNREACHABLE', msg);
  if (/ECONNREFUSED|ENOTFOUND|ECONNRESET|EAI_AGAIN|socket hang up|fetch failed|network/i.test(`${code} ${msg}`)) return new ConnectionError(`Cannot reach ${instanceUrl} (${code ?? msg}).`, 'UNREACHABLE', msg);
  if (/html content/i.test(msg) || /^ERROR_HTTP_5/.test(String(code))) return new SetupError(`Salesforce answered with a server error (${code}). Try again in a minute.`, 'SERVER_ERROR');
  return new SetupError(`${code ? `${code}: ` : ''}${msg}`, String(code ?? 'ERROR'));
}

export class JsforceClient implements OrgClient {
  constructor(private readonly conn: Connection, readonly apiVersion: string, readonly userId: string, readonly orgId: string) {}
  get instanceUrl(): string { return this.conn.instanceUrl; }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try { return await fn(); } catch (e) { throw classify(e, this.instanceUrl); }
  }
  request(method: string, url: string, body?: unknown): Promise<any> {
    return this.call(() => this.conn.request({ method: method as any, url, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }));
  }

  async batch(requests: Array<{ ref: string; url: string }>): Promise<Record<string, SubResult>> {
    const out: Record<string, SubResult> = {};
    for (let i = 0; i < requests.length; i += 25) {
      const chunk = requests.slice(i, i + 25);
      const res = await this.request('POST', `/services/data/v${this.apiVersion}/composite/batch`, { haltOnError: false, batchRequests: chunk.map(r => ({ method: 'GET', url: r.url })) });
      chunk.forEach((r, j) => { const x = res.results[j]; out[r.ref] = { status: x.statusCode, body: x.result }; });
    }
    return out;
  }

  async composite(requests: Array<{ referenceId: string; method: string; url: string; body?: unknown }>, allOrNone: boolean): Promise<Record<string, SubResult>> {
    const res = await this.request('POST', `/services/data/v${this.apiVersion}/composite`, { allOrNone, compositeRequest: requests });
    return Object.fromEntries(res.compositeResponse.map((r: any) => [r.referenceId, { status: r.httpStatusCode, body: r.body }]));
  }

  async readMetadata(type: string, fullNames: string[]): Promise<Array<Record<string, any> | undefined>> {
    const res: any = await this.call(() => this.conn.metadata.read(type as any, fullNames));
    return (Array.isArray(res) ? res : [res]).map((r: any) => (r && r.fullName ? r : undefined));
  }

  /** Metadata REST deployRequest (works with JWT-format tokens, unlike SOAP), polled until done. */
  async deploy(files: Record<string, string>, options: { checkOnly?: boolean }, onProgress?: (status: string) => void, signal?: AbortSignal): Promise<DeployOutcome> {
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
    const started: any = await this.call(() => this.conn.request({ method: 'POST', url: base, body: body as any, headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` } }));
    let delay = 250;
    for (;;) {
      if (signal?.aborted) throw new SetupError(`Cancelled while deploy ${started.id} was running; it finishes on its own. Run again to continue.`, 'CANCELLED', 'app');
      await new Promise(r => setTimeout(r, delay));
      delay = Math.min(delay * 2, 2000);
      const st: any = await this.request('GET', `${base}/${started.id}?includeDetails=true`);
      const r = st.deployResult;
      onProgress?.(`${r.status}${r.numberComponentsTotal ? ` (${r.numberComponentsDeployed}/${r.numberComponentsTotal})` : ''}`);
      if (r.done) {
        const failures = ([] as any[]).concat(r.details?.componentFailures ?? []).map(f => ({ componentType: f.componentType ?? '', fullName: f.fullName, problem: f.problem }));
        return { id: started.id, status: r.status, success: r.status === 'Succeeded', failures };
      }
    }
  }
}

/** Opens a connection: negotiates the API version from /services/data and identifies the user (2 requests). */
export async function connect(creds: Credentials): Promise<JsforceClient> {
  const instanceUrl = checkInstanceUrl(creds.instanceUrl);
  const { Connection } = await import('jsforce');
  // jsforce keeps request defaults per process (set by its transport from the proxy variables); add a timeout.
  const { setDefaults } = await import('jsforce/lib/request');
  setDefaults({ httpProxy: process.env.https_proxy ?? process.env.http_proxy ?? process.env.HTTPS_PROXY ?? process.env.HTTP_PROXY ?? undefined,
    timeout: creds.timeoutMs ?? REQUEST_TIMEOUT_MS, followRedirect: true });
  const refreshFn = creds.refresh && ((_c: unknown, cb: (err: Error | null, token?: string) => void) => { creds.refresh!().then(t => cb(null, t), e => cb(e)); });
  const conn = new Connection({ instanceUrl, accessToken: creds.accessToken, version: `${MIN_API_VERSION}.0`, ...(refreshFn ? { refreshFn } : {}) } as any);
  try {
    const versions: Array<{ version: string }> = await conn.request('/services/data');
    const best = versions.map(v => v.version).sort((a, b) => Number(b) - Number(a))[0];
    if (!best || Number(best) < MIN_API_VERSION) throw new ConnectionError(`The org offers API ${best ?? 'none'}; this setup needs ${MIN_API_VERSION}.0 or later.`, 'API_TOO_OLD');
    conn.version = best;
    // The version root answers 401 INVALID_SESSION_ID like every REST call (so jsforce refreshes through it)
    // and names the user: identity = <host>/id/<orgId>/<userId>.
    const root: any = await conn.request(`/services/data/v${best}`);
    const [orgId, userId] = String(root.identity ?? '').split('/').slice(-2);
    if (!/^00D/.test(orgId) || !/^005/.test(userId)) throw new ConnectionError('The org did not say who is connected (no identity URL).', 'AUTH');
    return new JsforceClient(conn, best, userId, orgId);
  } catch (e) {
    throw classify(e, instanceUrl);
  }
}
