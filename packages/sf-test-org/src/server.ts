// The test org's HTTP server: Salesforce's paths (OAuth, REST, Metadata SOAP) plus test controls under
// /__testorg (scenarios, latency, faults, request log, stats, secret requests). Loopback only.
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Org } from './state';
import { MetadataApi } from './metadata';
import { RawHttpError, SfError } from './errors';
import { QueryFault } from './queryFaults';
import { OAuth } from './oauth';
import { Rest } from './rest';
import { Soap, parseSoap, soapFault } from './soap';
import { Scenario, SeedOptions, Seeded, seed } from './scenarios';
import { KeyPairCert } from './x509';

export interface Fault {
  /** HTTP method, or '*' for any. */
  method?: string;
  /** A regular expression matched against the path and query (for SOAP also `#operation`, e.g. '#deploy'). */
  path: string;
  status?: number;
  body?: string | object;
  contentType?: string;
  /** Extra response headers (e.g. Location, for a redirect). */
  headers?: Record<string, string>;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** Let this many matching requests through first (to hit the Nth request of a run). */
  after?: number;
  /** Wait this long before answering (a slow response); with no status, the request then proceeds. */
  delayMs?: number;
  /** Destroy the connection instead of answering (connection reset). */
  reset?: boolean;
  /** Expire every session first, so the request fails with INVALID_SESSION_ID. */
  expireSessions?: boolean;
}

export interface Stats {
  total: number;
  byRoute: Record<string, number>;
  writes: number;
  bytesIn: number;
  bytesOut: number;
}
export interface LogEntry {
  method: string;
  route: string;
  status: number;
  ms: number;
}

export interface TestOrgOptions extends SeedOptions {
  port?: number;
  scenario?: Scenario;
  latencyMs?: number;
}

const REST_ERROR_HEADERS = { 'Content-Type': 'application/json;charset=UTF-8' };

export class TestOrg {
  private server!: http.Server;
  private seeded!: Seeded;
  private oauth!: OAuth;
  private rest!: Rest;
  private soap!: Soap;
  private faults: Array<Fault & { left: number; skip: number }> = [];
  private counts = new Map<string, number>();
  private total = 0;
  private bytesIn = 0;
  private bytesOut = 0;
  readonly log: LogEntry[] = [];
  latencyMs: number;
  url = '';
  scenario: Scenario;
  adminToken = '';

  constructor(private readonly options: TestOrgOptions = {}) {
    this.latencyMs = options.latencyMs ?? 0;
    this.scenario = options.scenario ?? 'fresh';
    this.reset(this.scenario);
  }

  get org(): Org {
    return this.seeded.org;
  }
  get meta(): MetadataApi {
    return this.seeded.meta;
  }
  get adminUsername(): string {
    return this.seeded.admin.Username;
  }
  /** The key pair whose certificate the `done` scenario's app holds (for JWT tests). */
  get demo(): KeyPairCert | undefined {
    return this.seeded.demo;
  }
  /** Exposed for tests that page through small result sets. */
  set queryBatchSize(n: number) {
    this.rest.batchSize = n;
  }

  reset(scenario: Scenario = this.scenario, options: SeedOptions = {}): void {
    this.scenario = scenario;
    this.seeded = seed(scenario, { ...this.options, ...options });
    this.oauth = new OAuth(this.org, this.meta);
    this.rest = new Rest(this.org, this.meta);
    this.soap = new Soap(this.meta);
    this.adminToken = this.org.issueToken(this.seeded.admin.Id, 'PlatformCLI');
    this.faults = [];
    this.resetStats();
  }

  /** A session for any user (test control; real orgs would need that user to log in). */
  tokenFor(username: string): string {
    const lower = username.toLowerCase();
    const u = [...this.org.table('User').values()].find(x => String(x.Username).toLowerCase() === lower);
    if (!u) throw new Error(`no user ${username}`);
    return this.org.issueToken(u.Id);
  }
  /** A refresh token for the admin, as `sf org login web` would have stored. */
  adminRefreshToken(clientId = 'PlatformCLI'): string {
    const token = `5Aep861${Math.random().toString(36).slice(2)}${Date.now()}`;
    this.org.refreshTokens.set(token, { userId: this.seeded.admin.Id, clientId });
    return token;
  }

  /** Every request for an OAuth consumer secret so far (tests assert the product never made one). */
  secretRequests(): ReadonlyArray<{ at: string; userId: string; request: string }> {
    return this.org.secretRequests;
  }

  addFault(f: Fault): void {
    this.faults.push({ ...f, left: f.times ?? 1, skip: f.after ?? 0 });
  }
  clearFaults(): void {
    this.faults = [];
    this.rest.queryFaults.clear();
  }
  /**
   * Fails page `page` of the next query whose SOQL matches `soql` (QUERY_TIMEOUT, INVALID_QUERY_LOCATOR, 500, 502,
   * 503; queryFaults.ts): page 1 is the query request, page 2 its first nextRecordsUrl, …
   */
  addQueryFault(f: QueryFault): void {
    this.rest.queryFaults.add(f);
  }
  /** The next Bulk API 2.0 query job whose SOQL matches ends Failed (bulk2.ts failJob). */
  failBulkJob(soql: string, errorMessage?: string): void {
    this.rest.bulk.failJob(soql, errorMessage);
  }
  /** Query faults not used up yet. */
  get pendingQueryFaults(): number {
    return this.rest.queryFaults.pending;
  }
  stats(): Stats {
    return {
      total: this.total,
      byRoute: Object.fromEntries(this.counts),
      writes: this.org.writes,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
    };
  }
  resetStats(): void {
    this.total = 0;
    this.bytesIn = 0;
    this.bytesOut = 0;
    this.counts.clear();
    this.log.length = 0;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      this.dispatch(req, res).catch(e => {
        if (!res.headersSent) {
          res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end(String(e?.stack ?? e));
        }
      });
    });
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>(resolve => this.server.listen(this.options.port ?? 0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections?.();
    await new Promise<void>(resolve => this.server.close(() => resolve()));
  }

  // ---- dispatch -----------------------------------------------------------------------------------

  /** Requests being answered now (a delayed fault keeps one open after its client gave up). */
  private inFlight = 0;
  private readonly idleWaiters: Array<() => void> = [];
  /** Resolves once no request is being answered and no deploy is running (tests wait on this, never on a sleep). */
  async idle(): Promise<void> {
    if (this.inFlight) await new Promise<void>(resolve => this.idleWaiters.push(resolve));
    await this.meta.settled();
    await this.rest.bulk.settled();
  }

  private async dispatch(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.inFlight++;
    try {
      await this.answer(req, res);
    } finally {
      if (--this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private async answer(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = Date.now();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    // The sf CLI stores instance URLs with a trailing slash and then requests //services/...
    const url = new URL((req.url ?? '/').replace(/^\/{2,}/, '/'), this.url);
    const path = url.pathname.replace(/^\/{2,}/, '/');
    const method = (req.method ?? 'GET').toUpperCase();
    let status = 0;
    const counted = !path.startsWith('/__testorg');
    if (counted) this.bytesIn += body.length;
    const send = (code: number, payload: string | Buffer | undefined, headers: Record<string, string> = {}) => {
      status = code;
      if (counted && payload) this.bytesOut += Buffer.byteLength(payload);
      res.writeHead(code, headers);
      res.end(payload);
    };
    if (path.startsWith('/__testorg')) return this.control(method, path, body, send);

    let soapCall: ReturnType<typeof parseSoap> | undefined;
    if (path.startsWith('/services/Soap/')) {
      try {
        soapCall = parseSoap(body.toString('utf8'));
      } catch {
        /* answered below */
      }
    }
    const route = `${method} ${path}${soapCall ? `#${soapCall.operation}` : ''}`;
    this.total++;
    this.counts.set(route, (this.counts.get(route) ?? 0) + 1);
    try {
      if (this.latencyMs) await new Promise(r => setTimeout(r, this.latencyMs));
      const target = `${path}${url.search}${soapCall ? `#${soapCall.operation}` : ''}`;
      const fault = this.faults.find(
        f =>
          f.left > 0 &&
          (!f.method || f.method === '*' || f.method.toUpperCase() === method) &&
          new RegExp(f.path).test(target),
      );
      if (fault && fault.skip > 0) fault.skip--;
      else if (fault) {
        fault.left--;
        if (fault.delayMs) await new Promise(r => setTimeout(r, fault.delayMs));
        if (fault.reset) {
          status = -1;
          req.socket.destroy();
          return;
        }
        if (fault.expireSessions) this.org.expireSessions();
        if (fault.status) {
          const payload =
            typeof fault.body === 'string'
              ? fault.body
              : JSON.stringify(fault.body ?? [{ message: 'Injected fault', errorCode: 'UNKNOWN_EXCEPTION' }]);
          return send(fault.status, payload, {
            'Content-Type':
              fault.contentType ??
              (typeof fault.body === 'string' && fault.body.trimStart().startsWith('<')
                ? 'text/html;charset=UTF-8'
                : 'application/json;charset=UTF-8'),
            ...(fault.headers ?? {}),
          });
        }
      }
      await this.route(method, path, url, req, body, soapCall, send);
    } finally {
      this.log.push({ method, route, status, ms: Date.now() - started });
      if (this.log.length > 2000) this.log.shift();
    }
  }

  private async route(
    method: string,
    path: string,
    url: URL,
    req: http.IncomingMessage,
    body: Buffer,
    soapCall: ReturnType<typeof parseSoap> | undefined,
    send: (code: number, payload: string | Buffer | undefined, headers?: Record<string, string>) => void,
  ): Promise<void> {
    const json = (code: number, payload: unknown, headers: Record<string, string> = {}) =>
      send(code, payload === undefined ? undefined : JSON.stringify(payload), {
        'Content-Type': 'application/json;charset=UTF-8',
        ...headers,
      });
    const bearer = /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];

    if (path === '/services/oauth2/authorize') {
      const html = { 'Content-Type': 'text/html;charset=UTF-8' };
      if (method === 'GET') {
        const page = this.oauth.web.page(url.searchParams);
        return send(page.status, page.html, html);
      }
      const r = this.oauth.web.submit(new URLSearchParams(body.toString('utf8')));
      return r.location ? send(302, undefined, { Location: r.location }) : send(r.status, r.html, html);
    }
    if (path === '/services/oauth2/token' && method === 'POST') {
      const header = (h: string) => (typeof req.headers[h] === 'string' ? (req.headers[h] as string) : undefined);
      const r = this.oauth.token(new URLSearchParams(body.toString('utf8')), this.url, {
        // Test control (not Salesforce): X-TestOrg-Client-Ip stands for the address another client logs in from.
        ip: header('x-testorg-client-ip') ?? req.socket.remoteAddress,
        userAgent: header('user-agent'),
        forwardedFor: header('x-forwarded-for'),
      });
      return json(r.status, r.body);
    }
    if (path === '/services/oauth2/userinfo' || path.startsWith('/id/')) {
      const s = this.org.session(bearer ?? url.searchParams.get('oauth_token') ?? undefined);
      if (!s)
        return path.startsWith('/id/')
          ? send(403, 'Bad_OAuth_Token', { 'Content-Type': 'text/plain' })
          : json(403, { error: 'invalid_token', error_description: 'Access token is invalid or expired' }); // [I]
      const user = this.org.get('User', path.startsWith('/id/') ? path.split('/')[3] : s.userId);
      if (!user) return json(404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
      return json(
        200,
        path.startsWith('/id/') ? this.oauth.identity(user, this.url) : this.oauth.userinfo(user, this.url),
      );
    }
    if (path === '/services/data' || path === '/services/data/') return json(200, this.rest.versions());

    if (path.startsWith('/services/Soap/m/')) {
      const version = Number(/^\/services\/Soap\/m\/(\d+\.\d)/.exec(path)?.[1] ?? 0);
      const xml = (code: number, payload: string) => send(code, payload, { 'Content-Type': 'text/xml;charset=UTF-8' });
      if (!soapCall) return xml(500, soapFault('INVALID_REQUEST', 'Could not parse the SOAP request'));
      const s = this.org.session(soapCall.sessionId);
      if (!s)
        return xml(500, soapFault('INVALID_SESSION_ID', 'Invalid Session ID found in SessionHeader: Illegal Session'));
      // "JWT-based access tokens can be used only to access REST APIs" (Salesforce Help, "JWT-Based Access Tokens"):
      // SOAP answers 500 INVALID_SESSION_ID (jsforce src/soap.ts, which refuses such tokens before sending); SOAP
      // from API 67.0 on when the switch says so (jsforce PR #1791). The faultstring is [I].
      const jwtFrom = this.org.options.soapAcceptsJwtTokensFrom;
      if (s.jwt && !(jwtFrom !== null && version >= jwtFrom))
        return xml(500, soapFault('INVALID_SESSION_ID', 'Invalid Session ID found in SessionHeader: Illegal Session'));
      if (!this.org.can(s.userId, 'ApiEnabled'))
        return xml(500, soapFault('API_DISABLED_FOR_ORG', 'API is not enabled for this Organization or Partner'));
      this.org.apiUsage++;
      try {
        return xml(200, await this.soap.handle(soapCall, s.userId, version));
      } catch (e: any) {
        return xml(500, soapFault(e instanceof SfError ? e.errorCode : 'UNKNOWN_EXCEPTION', e.message));
      }
    }
    if (path.startsWith('/services/data/')) {
      const s = this.org.session(bearer);
      if (!s) return json(401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
      if (!this.org.can(s.userId, 'ApiEnabled'))
        return json(403, [
          { message: 'The REST API is not enabled for this Organization.', errorCode: 'API_DISABLED_FOR_ORG' },
        ]);
      this.org.apiUsage++;
      // The usage after the request (a composite/batch counts each of its subrequests: rest.ts).
      const limit = () => ({ 'Sforce-Limit-Info': `api-usage=${this.org.apiUsage}/15000` });
      try {
        const r = await this.rest.handle({
          method,
          path,
          query: url.searchParams,
          headers: req.headers,
          body,
          userId: s.userId,
          baseUrl: this.url,
        });
        if (r.text !== undefined)
          return send(r.status, r.text, {
            'Content-Type': r.contentType ?? 'text/plain',
            ...limit(),
            ...(r.headers ?? {}),
          });
        return json(r.status, r.body, { ...limit(), ...(r.headers ?? {}) });
      } catch (e: any) {
        if (e instanceof RawHttpError) return send(e.status, e.text, { 'Content-Type': e.contentType });
        if (e instanceof SfError) return json(e.status, [e.toJSON()], limit());
        return json(500, [{ message: String(e?.message ?? e), errorCode: 'UNKNOWN_EXCEPTION' }], limit());
      }
    }
    return send(
      404,
      JSON.stringify([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]),
      REST_ERROR_HEADERS,
    );
  }

  // ---- controls -----------------------------------------------------------------------------------

  private control(method: string, path: string, body: Buffer, send: (code: number, payload: string) => void): void {
    const ok = (payload: unknown) => send(200, JSON.stringify(payload));
    const input = (() => {
      try {
        return body.length ? JSON.parse(body.toString('utf8')) : {};
      } catch {
        return {};
      }
    })();
    const action = path.replace(/^\/__testorg\/?/, '');
    try {
      if (action === 'stats' && method === 'GET') return ok(this.stats());
      if (action === 'stats' && method === 'DELETE') {
        this.resetStats();
        return ok({ reset: true });
      }
      if (action === 'log') return ok(this.log);
      if (action === 'secret-requests') return ok(this.org.secretRequests);
      if (action === 'reset') {
        this.reset(input.scenario ?? this.scenario, input.options ?? {});
        return ok(this.info());
      }
      if (action === 'faults' && method === 'POST') {
        this.addFault(input);
        return ok({ faults: this.faults.length });
      }
      if (action === 'query-faults' && method === 'POST') {
        this.addQueryFault(input);
        return ok({ pending: this.pendingQueryFaults });
      }
      if (action === 'query-faults' && method === 'DELETE') {
        this.rest.queryFaults.clear();
        return ok({ pending: 0 });
      }
      if (action === 'faults' && method === 'DELETE') {
        this.clearFaults();
        return ok({ faults: 0 });
      }
      if (action === 'latency') {
        this.latencyMs = Number(input.ms ?? 0);
        return ok({ latencyMs: this.latencyMs });
      }
      if (action === 'fail-next-deploy') {
        this.meta.failNextDeploy = String(input.problem ?? 'Injected deploy failure');
        return ok({ armed: true });
      }
      if (action === 'expire-sessions') return ok({ expired: this.org.expireSessions() });
      if (action === 'session')
        return ok({ accessToken: input.username ? this.tokenFor(input.username) : this.adminToken });
      if (action === '' || action === 'info') return ok(this.info());
      send(404, JSON.stringify({ error: `unknown control ${action}` }));
    } catch (e: any) {
      send(400, JSON.stringify({ error: e.message }));
    }
  }

  info(): Record<string, unknown> {
    return {
      instanceUrl: this.url,
      accessToken: this.adminToken,
      username: this.adminUsername,
      orgId: this.org.orgId,
      scenario: this.scenario,
      apiVersion: `${this.org.options.maxApiVersion}.0`,
    };
  }
}

export async function startTestOrg(options: TestOrgOptions = {}): Promise<TestOrg> {
  return new TestOrg(options).start();
}
