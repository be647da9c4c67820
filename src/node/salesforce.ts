// The Node adapter: an OrgClient over jsforce 3.10.16 (the last release on node-fetch, which runs on Node 20
// and on VS Code's extension host alike; 3.10.19+ needs Node >= 22.19). jsforce is loaded on first use.
import type { Connection, ConnectionConfig } from 'jsforce';
import type { MetadataType } from 'jsforce/lib/api/metadata';
import type { HttpMethods } from 'jsforce/lib/types/common';
import { Clock, systemClock } from '../core/clock';
import { DeployOptions, DeployOutcome, OrgClient, SubResult } from '../core/client';
import { MIN_API_VERSION } from '../core/steps/preflight';
import { codeOf, SetupError, isSetupError, messageOf } from '../core/types';
import { checkInstanceUrl } from '../core/url';
import { registerSecret } from '../core/redact';
import { isJwtAccessToken } from '../core/jwt';
import { classify, ConnectionError, expect, soapRefusesJwtToken } from './httpErrors';
import { bindTransport, configureTransport, ExchangeOptions, REQUEST_TIMEOUT_MS } from './transport';
import { activeTrace, HttpTrace } from './trace';

export { classify, ConnectionError, RedirectRefused } from './httpErrors';
export { configureTransport, refuseRedirect, REQUEST_TIMEOUT_MS } from './transport';

export { checkInstanceUrl };

export interface Credentials {
  instanceUrl: string;
  accessToken: string;
  /** Called when the session expired; returns a fresh access token (sf CLI refresh, JWT re-login). */
  refresh?: () => Promise<string>;
  /** Alias or username this came from, for display. */
  label?: string;
  /** The deadline of each exchange, body included (default REQUEST_TIMEOUT_MS). */
  timeoutMs?: number;
  /** The deploy poll's deadline and waits, and the waits between retries. */
  clock?: Clock;
  /** Stops every exchange of this connection (Ctrl+C, SIGTERM); its reason says why. */
  signal?: AbortSignal;
}

/** The most names one readMetadata call takes (Metadata API Developer Guide, readMetadata(): "Limit: 10"). */
export const READ_METADATA_LIMIT = 10;

/** How long a deploy may run before the engine stops waiting (it goes on in Salesforce). */
export const DEPLOY_TIMEOUT_MS = 10 * 60_000;

/** A component the deploy could not make, as the Metadata REST API reports it. */
interface ComponentFailureJson {
  componentType?: string;
  fullName?: string;
  problem?: string;
}
/** The deploy's status (GET deployRequest/<id>?includeDetails=true). */
interface DeployResultJson {
  status: string;
  done?: boolean;
  numberComponentsTotal?: number;
  numberComponentsDeployed?: number;
  details?: { componentFailures?: ComponentFailureJson | ComponentFailureJson[] };
}

/** An exchange without the transport's retries (the caller retries, visibly, on its own clock). */
const ONCE: ExchangeOptions = { once: true };

export class JsforceClient implements OrgClient {
  constructor(
    private readonly conn: Connection,
    readonly apiVersion: string,
    readonly userId: string,
    readonly orgId: string,
    private readonly clock: Clock = systemClock,
    /** The deadline of one exchange (the deploy poll shortens it to what is left of the deploy's). */
    private readonly timeoutMs: number = REQUEST_TIMEOUT_MS,
  ) {}
  get instanceUrl(): string {
    return this.conn.instanceUrl;
  }
  /** Records this connection's exchanges in a trace started after it was made. */
  attachTrace(trace: HttpTrace): void {
    trace.attach((this.conn as unknown as { _transport?: never })._transport);
  }

  private async call<T>(fn: () => Promise<T>, what: string): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw classify(e, this.instanceUrl, what);
    }
  }
  /**
   * `once`: no retry in the transport (the caller retries, visibly); `budgetMs`: a shorter deadline for this exchange.
   */
  request(
    method: string,
    url: string,
    body?: unknown,
    options?: { once?: boolean; budgetMs?: number },
  ): Promise<unknown> {
    const what = `${method} ${url.replace(/\?.*$/, '')}`;
    return this.call(
      () =>
        this.conn.request<unknown>(
          {
            method: method as HttpMethods,
            url,
            body: body === undefined ? undefined : JSON.stringify(body),
            headers: { 'Content-Type': 'application/json' },
          },
          // Passed through jsforce to the transport (ExchangeOptions).
          {
            ...(options?.once ? ONCE : {}),
            ...(options?.budgetMs === undefined ? {} : { budgetMs: options.budgetMs }),
          } satisfies ExchangeOptions as object,
        ),
      what,
    );
  }

  async requestText(url: string): Promise<{ text: string; headers: Record<string, string> }> {
    const { default: HttpApi } = await import('jsforce/lib/http-api');
    // jsforce parses text/csv into records (all of them at once): ask for the text as it came, and keep the headers
    // (Sforce-Locator, Sforce-NumberOfRecords), as jsforce's own Bulk API 2.0 client does.
    const api = new HttpApi(this.conn, { responseType: 'text/plain', ...ONCE });
    const headers: Record<string, string> = {};
    api.on('response', (r: { headers?: Record<string, unknown> }) => {
      for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
    });
    const text = await this.call(
      () => api.request<unknown>({ method: 'GET', url: this.instanceUrl + url, headers: { Accept: 'text/csv' } }),
      `GET ${url.replace(/\?.*$/, '')}`,
    );
    if (typeof text !== 'string') throw classify(new Error('not text'), this.instanceUrl, `GET ${url}`);
    return { text, headers };
  }

  async batch(requests: Array<{ ref: string; url: string }>): Promise<Record<string, SubResult>> {
    const out: Record<string, SubResult> = {};
    for (let i = 0; i < requests.length; i += 25) {
      const chunk = requests.slice(i, i + 25);
      const url = `/services/data/v${this.apiVersion}/composite/batch`;
      const res = expect<{ results: Array<{ statusCode: number; result: unknown }> }>(
        await this.request('POST', url, {
          haltOnError: false,
          batchRequests: chunk.map(r => ({ method: 'GET', url: r.url })),
        }),
        b =>
          Array.isArray(b?.results) &&
          b.results.length === chunk.length &&
          b.results.every(x => typeof x?.statusCode === 'number'),
        this.instanceUrl,
        `POST ${url}`,
      );
      chunk.forEach((r, j) => {
        const x = res.results[j]!;
        out[r.ref] = { status: x.statusCode, body: x.result };
      });
    }
    return out;
  }

  async composite(
    requests: Array<{ referenceId: string; method: string; url: string; body?: unknown }>,
    allOrNone: boolean,
  ): Promise<Record<string, SubResult>> {
    const url = `/services/data/v${this.apiVersion}/composite`;
    const res = expect<{ compositeResponse: Array<{ referenceId: string; httpStatusCode: number; body: unknown }> }>(
      await this.request('POST', url, { allOrNone, compositeRequest: requests }),
      b =>
        Array.isArray(b?.compositeResponse) &&
        b.compositeResponse.every(x => typeof x?.httpStatusCode === 'number' && typeof x?.referenceId === 'string'),
      this.instanceUrl,
      `POST ${url}`,
    );
    return Object.fromEntries(
      res.compositeResponse.map(r => [r.referenceId, { status: r.httpStatusCode, body: r.body }]),
    );
  }

  /** Whether this session's token is JWT-based: Salesforce takes those for REST APIs only, never for SOAP. */
  get jwtSession(): boolean {
    return isJwtAccessToken(String(this.conn.accessToken ?? ''));
  }

  /** SOAP calls are not even tried with a JWT-based token (jsforce refuses them too, less plainly). */
  private soap<T>(what: string, fn: () => Promise<T>): Promise<T> {
    if (this.jwtSession) return Promise.reject(soapRefusesJwtToken(what));
    return this.call(fn, what);
  }

  async readMetadata(type: string, fullNames: string[]): Promise<Array<Record<string, unknown> | undefined>> {
    const out: Array<Record<string, unknown> | undefined> = [];
    // readMetadata takes at most 10 names (Metadata API Developer Guide, readMetadata(): "Limit: 10").
    for (let i = 0; i < fullNames.length; i += READ_METADATA_LIMIT) {
      const names = fullNames.slice(i, i + READ_METADATA_LIMIT);
      const res: unknown = await this.soap(`readMetadata ${type}`, () =>
        this.conn.metadata.read(type as MetadataType, names),
      );
      // One name may come back as one object, not an array; a missing component as an object without fullName.
      out.push(
        ...([] as unknown[])
          .concat(res)
          .map(r =>
            r && typeof r === 'object' && 'fullName' in r && r.fullName ? (r as Record<string, unknown>) : undefined,
          ),
      );
    }
    return out;
  }

  async listMetadata(type: string): Promise<string[]> {
    const res = await this.soap(`listMetadata ${type}`, () => this.conn.metadata.list([{ type }]));
    return ([] as Array<{ fullName?: string }>)
      .concat((res as never) ?? [])
      .map(r => String(r?.fullName ?? ''))
      .filter(Boolean);
  }

  /** Metadata REST deployRequest (works with JWT-format tokens, unlike SOAP), polled until done. */
  async deploy(
    files: Record<string, string>,
    options: DeployOptions,
    onProgress?: (status: string) => void,
    signal?: AbortSignal,
  ): Promise<DeployOutcome> {
    const JSZip = (await import('jszip')).default;
    const zip = new JSZip();
    for (const [name, content] of Object.entries(files)) zip.file(name, content);
    const zipData = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    const boundary = `----balkanid${Date.now().toString(16)}`;
    const json = JSON.stringify({
      deployOptions: {
        checkOnly: !!options.checkOnly,
        rollbackOnError: true,
        singlePackage: true,
        ignoreWarnings: false,
      },
    });
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="json"\r\nContent-Type: ` +
          `application/json\r\n\r\n${json}\r\n`,
      ),
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="deploy.zip"\r\nContent-Type: ` +
          `application/zip\r\n\r\n`,
      ),
      zipData,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    // At the version its package.xml names (a pinned one: eca.ts deployVersion), not the org's newest.
    const base = `/services/data/v${options.apiVersion ?? this.apiVersion}/metadata/deployRequest`;
    const started = expect<{ id: string }>(
      await this.call(
        () =>
          this.conn.request({
            method: 'POST',
            url: base,
            body,
            headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
          }),
        `POST ${base}`,
      ),
      b => typeof b?.id === 'string' && /^0Af/.test(b.id),
      this.instanceUrl,
      `POST ${base}`,
    );
    // From here on the deploy runs in Salesforce whatever happens to this process: a failure while checking on it
    // means the app may land, and the error says so.
    try {
      return await this.pollDeploy(base, started.id, options.timeoutMs ?? DEPLOY_TIMEOUT_MS, onProgress, signal);
    } catch (e) {
      const err = isSetupError(e) ? e : new SetupError(messageOf(e), 'UNKNOWN');
      const out =
        err.code === 'DEPLOY_STILL_RUNNING' || err.code === 'CANCELLED'
          ? err
          : new SetupError(
              `The deploy ${started.id} was started, but checking on it failed: ${err.message} The deploy goes on ` +
                `in Salesforce.`,
              err.code,
              err.step,
            );
      out.uncertain = `the deploy ${started.id}`;
      throw out;
    }
  }

  private async pollDeploy(
    base: string,
    id: string,
    timeoutMs: number,
    onProgress?: (status: string) => void,
    signal?: AbortSignal,
  ): Promise<DeployOutcome> {
    const deadline = this.clock.now() + timeoutMs;
    let delay = 250;
    let deadlinePassed = false;
    for (;;) {
      if (signal?.aborted)
        throw new SetupError(
          `Cancelled while deploy ${id} was running; it finishes on its own. Run again to continue.`,
          'CANCELLED',
          'app',
        );
      if (deadlinePassed || this.clock.now() > deadline)
        throw new SetupError(
          `The deploy ${id} is still running in Salesforce after ${Math.round(timeoutMs / 1000)} s; it goes on ` +
            `there by itself (Setup → Deployment Status). ` +
            'Run again in a few minutes: the next run checks whether it landed.',
          'DEPLOY_STILL_RUNNING',
          'app',
        );
      await this.clock.sleep(delay, signal).catch(() => undefined); // a Cancel is reported at the loop's top
      delay = Math.min(delay * 2, 2000);
      if (signal?.aborted) continue;
      // The status request may take only what is left of the deploy's deadline, whatever the server does.
      const left = deadline - this.clock.now();
      if (left <= 0) continue;
      const answer = await this.request('GET', `${base}/${id}?includeDetails=true`, undefined, {
        budgetMs: left,
      }).catch((e: unknown) => {
        if (codeOf(e) === 'TIMEOUT' && left < this.timeoutMs) return undefined; // the deploy's deadline passed
        throw e;
      });
      if (answer === undefined) {
        deadlinePassed = true; // (also when the engine's clock stands still, as in tests)
        continue;
      }
      const st = expect<{ deployResult: DeployResultJson }>(
        answer,
        b => typeof b?.deployResult?.status === 'string',
        this.instanceUrl,
        `GET ${base}/${id}`,
      );
      const r = st.deployResult;
      onProgress?.(
        `${r.status}${r.numberComponentsTotal ? ` (${r.numberComponentsDeployed}/${r.numberComponentsTotal})` : ''}`,
      );
      if (r.done) {
        const failures = ([] as ComponentFailureJson[]).concat(r.details?.componentFailures ?? []).map(f => ({
          componentType: String(f?.componentType ?? ''),
          fullName: String(f?.fullName ?? ''),
          problem: String(f?.problem ?? ''),
        }));
        return { id, status: r.status, success: r.status === 'Succeeded', failures };
      }
    }
  }
}

/** Opens a connection: negotiates the API version from /services/data and identifies the user (2 requests). */
export async function connect(creds: Credentials): Promise<JsforceClient> {
  if (!/^[\x21-\x7e]+$/.test(creds.accessToken))
    throw new ConnectionError(
      'The access token contains spaces, line breaks or other characters a token does not have: paste it again.',
      'AUTH',
    );
  const instanceUrl = checkInstanceUrl(creds.instanceUrl);
  const { Connection } = await import('jsforce');
  await configureTransport();
  registerSecret(creds.accessToken);
  const refreshFn =
    creds.refresh &&
    ((_c: unknown, cb: (err: Error | null, token?: string) => void) => {
      creds.refresh!().then(
        t => {
          registerSecret(t);
          cb(null, t);
        },
        e => cb(e),
      );
    });
  const conn = new Connection({
    instanceUrl,
    accessToken: creds.accessToken,
    version: `${MIN_API_VERSION}.0`,
    ...(refreshFn ? { refreshFn } : {}),
  } as ConnectionConfig);
  const timeoutMs = creds.timeoutMs ?? REQUEST_TIMEOUT_MS;
  bindTransport(conn, { timeoutMs, clock: creds.clock, signal: creds.signal });
  activeTrace()?.attach((conn as unknown as { _transport?: never })._transport);
  try {
    const versions = expect<Array<{ version: string }>>(
      await conn.request('/services/data'),
      b => Array.isArray(b) && b.every(x => typeof x?.version === 'string'),
      instanceUrl,
      'GET /services/data',
    );
    const best = versions.map(v => v.version).sort((a, b) => Number(b) - Number(a))[0];
    if (!best || Number(best) < MIN_API_VERSION)
      throw new ConnectionError(
        `The org offers API ${best ?? 'none'}; this setup needs ${MIN_API_VERSION}.0 or later.`,
        'API_TOO_OLD',
      );
    conn.version = best;
    // The version root answers 401 INVALID_SESSION_ID like every REST call (so jsforce refreshes through it)
    // and names the user: identity = <host>/id/<orgId>/<userId>.
    const root = await conn.request<{ identity?: string } | undefined>(`/services/data/v${best}`);
    const [orgId = '', userId = ''] = String(root?.identity ?? '')
      .split('/')
      .slice(-2);
    if (!/^00D/.test(orgId) || !/^005/.test(userId))
      throw new ConnectionError('The org did not say who is connected (no identity URL).', 'AUTH');
    return new JsforceClient(conn, best, userId, orgId, creds.clock, timeoutMs);
  } catch (e) {
    throw classify(e, instanceUrl);
  }
}
