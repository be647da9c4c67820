// A stand-in for BalkanID's Bulk Upload API on loopback (port 0): POST /api/rest/v0/<resource>/upload-url checks
// the API key headers and answers { url } with a pre-signed URL on this same server (/__s3/…?X-Amz-Signature=…),
// which takes one PUT of the CSV and answers like S3 (403 "Request has expired" after its expiry). Faults are
// queued per endpoint. The secret is never stored: the request log says which headers came and whether the key
// matched. An invalid key is answered with a body that echoes the secret received, as a careless server might.
// The Bulk Apps Download API as developer.balkan.id documents it ("Bulk Apps Download API (Early Access)"): POST
// /api/rest/v0/apps/download-url answers a pre-signed `url` and a `pollingUrl`; HEAD the polling URL until 200 (404:
// not ready yet), then GET the CSV of the tenant's apps: Tenant ID, Tenant Name, Tenant Status, Tenant Created At,
// ID, Name, Description, Logo. The body of the answer is [I] (the page names `url` and `pollingUrl` only).
// Switches for what the audit suggests (real-org-audit.md part 2, rows 11 and 12): `requireSyncedEntities` (relations
// "must exist in the last synced entities", entity-relations upload documentation: refused until the entities
// file has synced, and relations to unknown Source IDs refused) and `signedContentType` (a URL signed for one
// Content-Type answers 403 SignatureDoesNotMatch to a PUT with another, as S3 does with content-type among the
// signed headers). Both off by default; on is the stricter, likely real, setting [I].
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { UPLOADS, csvField } from '../../src/core/extract/format';
import { parse } from 'csv-parse/sync';

export type Resource = (typeof UPLOADS)[number]['resource'];
/** The upload-url endpoint of a resource, the PUT to a pre-signed URL issued for it, or the apps download's steps. */
export type Endpoint = Resource | `upload:${Resource}` | 'apps' | 'apps:poll' | 'apps:file';

/** One app of the tenant, as the Bulk Apps Download CSV lists it. */
export interface App {
  id: string;
  name: string;
  description?: string;
  logo?: string;
}
export const APPS_HEADER = [
  'Tenant ID',
  'Tenant Name',
  'Tenant Status',
  'Tenant Created At',
  'ID',
  'Name',
  'Description',
  'Logo',
] as const;

export interface Fault {
  status: number;
  /** Retry-After header: seconds, or an HTTP-date. */
  retryAfter?: number | string;
  /**
   * The response body (default: a JSON error; for 401/403 one that echoes the secret received). `$URL` becomes the
   * requested path and query (a pre-signed URL's signature), `$SECRET` the X-Api-Key-Secret received.
   */
  body?: string;
  headers?: Record<string, string>;
}
export interface RequestRecord {
  method: string;
  /** The path without its query. */
  path: string;
  endpoint?: Endpoint;
  /** Lower-case names of the headers received among those that matter here. */
  headers: string[];
  /** Whether X-Api-Key-ID and X-Api-Key-Secret both matched the configured key (the secret itself is not kept). */
  keyMatched: boolean;
  status: number;
}
export interface ReceivedFile {
  resource: Resource;
  bytes: number;
  header: string;
  /** Records after the header row, counted by RFC 4180 (a quoted line break does not start a record). */
  rows: number;
  text: string;
  contentType: string;
}
interface Issued {
  resource: Resource;
  signature: string;
  expiresAt: number;
  /** The Content-Type the URL was signed for (signedContentType), if any. */
  contentType?: string;
}
interface Download {
  /** Signature of the GET URL and of the HEAD (polling) URL. */
  get: string;
  head: string;
  /** HEADs still answered 404 before the file is ready. */
  notReady: number;
  csv: string;
}

const WATCHED = ['x-api-key-id', 'x-api-key-secret', 'content-type', 'content-length', 'transfer-encoding'];
const s3Error = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>` +
  `<RequestId>${randomBytes(8).toString('hex').toUpperCase()}</RequestId></Error>`;

/** RFC 4180 records in a text (quotes may hold commas, doubled quotes and line breaks). */
export function countRecords(text: string): number {
  let records = 0;
  let quoted = false;
  let any = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) {
      if (c === '\r' && text[i + 1] === '\n') i++;
      records++;
      any = false;
      continue;
    }
    any = true;
  }
  return records + (any ? 1 : 0);
}

/** The Source ID column of an entities file. */
function entityIds(text: string): string[] {
  const rows = parse(text, { relax_column_count: true }) as string[][];
  const at = rows[0]?.findIndex(h => h.replace(/\*$/, '') === 'Source ID') ?? -1;
  return at < 0 ? [] : rows.slice(1).map(r => r[at]!);
}
/** The parent and child Source IDs of an entity relations file. */
function relationIds(text: string): string[] {
  const rows = parse(text, { relax_column_count: true }) as string[][];
  const h = (rows[0] ?? []).map(x => x.replace(/\*$/, ''));
  const cols = [h.indexOf('Parent Entity Source ID'), h.indexOf('Entity Source ID')].filter(i => i >= 0);
  return rows.slice(1).flatMap(r => cols.map(i => r[i]!));
}

export class BalkanIdStandIn {
  url = '';
  keyId = 'bid-key-0123456789';
  secret = randomBytes(24).toString('base64url');
  /** Milliseconds a pre-signed URL stays valid (S3's X-Amz-Expires). */
  urlTtlMs = 15 * 60_000;
  /** The valid key lacks the permission for bulk uploads: 403. */
  permissionDenied = false;
  /** The tenant (the apps CSV's first four columns). */
  tenant = { id: '01XB', name: 'default', status: 'active', createdAt: '2022-01-11' };
  /** The tenant's apps, with their ids in BalkanID's catalogue. */
  apps: App[] = [
    { id: 'asana', name: 'Asana', description: 'Work management platform', logo: 'https://logo_link/' },
    { id: 'aws', name: 'Amazon Web Services', description: 'Cloud computing platform', logo: 'https://logo_link/' },
    { id: 'okta', name: 'Okta', description: 'Identity provider', logo: 'https://logo_link/' },
    { id: 'salesforce', name: 'Salesforce', description: 'CRM platform', logo: 'https://logo_link/' },
  ];
  /** How many HEADs of the polling URL answer 404 before the apps file is ready (default 1). */
  appsNotReadyPolls = 1;
  /** Relations are refused until an entities file has synced, and when they name Source IDs it did not hold. */
  requireSyncedEntities = false;
  /** While true, an entities file received is not synced yet (completeEntitySync() syncs it). */
  holdEntitySync = false;
  /** Pre-signed upload URLs are signed for this Content-Type: a PUT with another answers 403 (S3). */
  signedContentType: string | undefined = undefined;
  /** Source IDs of the last synced entities file (undefined: none has synced). */
  private synced?: Set<string>;
  private pendingSync?: Set<string>;
  private downloads = new Map<string, Download>();
  readonly requests: RequestRecord[] = [];
  readonly received: ReceivedFile[] = [];
  /** Every signature put in a pre-signed URL, so tests can look for it in output. */
  readonly signatures: string[] = [];
  private server!: http.Server;
  private faults = new Map<Endpoint, Fault[]>();
  private issued = new Map<string, Issued>();
  private expireNext = 0;

  /** Queues `times` responses (default 1) for the next requests to an endpoint. */
  fail(endpoint: Endpoint, status: number, opts: Omit<Fault, 'status'> & { times?: number } = {}): this {
    const queue = this.faults.get(endpoint) ?? [];
    for (let i = 0; i < (opts.times ?? 1); i++) queue.push({ status, ...opts });
    this.faults.set(endpoint, queue);
    return this;
  }

  /** The next pre-signed URL issued is already expired. */
  expireNextUrl(): this {
    this.expireNext++;
    return this;
  }

  get count(): number {
    return this.requests.length;
  }
  countOf(endpoint: Endpoint): number {
    return this.requests.filter(r => r.endpoint === endpoint).length;
  }

  /** Forgets requests, files, faults, issued URLs, synced entities and the switches; keeps the key and the apps. */
  reset(): void {
    this.requests.length = 0;
    this.received.length = 0;
    this.signatures.length = 0;
    this.faults.clear();
    this.issued.clear();
    this.downloads.clear();
    this.expireNext = 0;
    this.permissionDenied = false;
    this.appsNotReadyPolls = 1;
    this.requireSyncedEntities = false;
    this.holdEntitySync = false;
    this.signedContentType = undefined;
    this.synced = undefined;
    this.pendingSync = undefined;
  }

  /** Syncs the entities file held back by holdEntitySync. */
  completeEntitySync(): void {
    if (this.pendingSync) this.synced = this.pendingSync;
    this.pendingSync = undefined;
  }

  /** The apps CSV as the download serves it (RFC 4180, CRLF). */
  appsCsv(): string {
    const row = (xs: readonly string[]) => xs.map(csvField).join(',') + '\r\n';
    const t = this.tenant;
    return (
      row(APPS_HEADER) +
      this.apps
        .map(a => row([t.id, t.name, t.status, t.createdAt, a.id, a.name, a.description ?? '', a.logo ?? '']))
        .join('')
    );
  }

  async start(port = 0): Promise<this> {
    this.server = http.createServer((req, res) => {
      this.dispatch(req, res).catch(e => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(String(e?.message ?? e));
      });
    });
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>(resolve => this.server.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections?.();
    await new Promise<void>(resolve => this.server.close(() => resolve()));
  }

  private async dispatch(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const u = new URL(req.url ?? '/', this.url);
    const record: RequestRecord = {
      method: req.method ?? 'GET',
      path: u.pathname,
      headers: WATCHED.filter(h => req.headers[h] !== undefined),
      keyMatched: req.headers['x-api-key-id'] === this.keyId && req.headers['x-api-key-secret'] === this.secret,
      status: 0,
    };
    this.requests.push(record);
    const send = (status: number, text: string, headers: Record<string, string> = {}) => {
      record.status = status;
      const type = text.startsWith('<?xml') ? 'application/xml' : 'application/json';
      res.writeHead(status, { 'Content-Type': type, ...headers });
      res.end(text);
    };
    const json = (status: number, value: unknown) => send(status, JSON.stringify(value));

    const ask = /^\/api\/rest\/v0\/([a-z-]+)\/upload-url$/.exec(u.pathname);
    const resource = UPLOADS.find(x => x.resource === ask?.[1])?.resource;
    const issued = this.issued.get(u.pathname);
    const download = this.downloads.get(u.pathname);
    record.endpoint =
      resource ??
      (issued ? `upload:${issued.resource}` : undefined) ??
      (u.pathname === '/api/rest/v0/apps/download-url' ? 'apps' : undefined) ??
      (download ? (req.method === 'HEAD' ? 'apps:poll' : 'apps:file') : undefined);
    if (!record.endpoint) return json(404, { message: `No route for ${req.method} ${u.pathname}` });

    const echoed = `API key ${String(req.headers['x-api-key-id'])} with secret ${String(req.headers['x-api-key-secret'])}`;
    const fault = this.faults.get(record.endpoint)?.shift();
    if (fault) {
      const headers = {
        ...fault.headers,
        ...(fault.retryAfter !== undefined && { 'Retry-After': String(fault.retryAfter) }),
      };
      const text =
        fault.body?.replace(/\$URL/g, req.url ?? '').replace(/\$SECRET/g, String(req.headers['x-api-key-secret'])) ??
        JSON.stringify({
          message: fault.status === 401 || fault.status === 403 ? `${echoed} refused` : `Injected HTTP ${fault.status}`,
        });
      return send(fault.status, text, headers);
    }

    if (resource) {
      if (req.method !== 'POST') return json(405, { message: 'Use POST' });
      if (!record.keyMatched) return json(401, { message: `Unauthorized: ${echoed} is not valid` });
      if (this.permissionDenied) return json(403, { message: `Forbidden: ${echoed} may not upload ${resource}` });
      if (resource === 'entity-relations' && this.requireSyncedEntities && !this.synced)
        return json(409, {
          message:
            'Entity relations refer to the last synced entities, and no entities have synced yet: upload the entities first and wait for their sync.',
        }); // [I] status and text
      return json(200, { url: this.issue(resource) });
    }
    if (record.endpoint === 'apps') {
      if (req.method !== 'POST') return json(405, { message: 'Use POST' });
      if (!record.keyMatched) return json(401, { message: `Unauthorized: ${echoed} is not valid` });
      if (this.permissionDenied) return json(403, { message: `Forbidden: ${echoed} may not download apps` });
      return json(200, this.issueDownload());
    }
    if (download) return this.serveDownload(req, u, download, send);
    return this.receive(req, issued!, u, body, send);
  }

  private issue(resource: Resource): string {
    const signature = randomBytes(32).toString('hex');
    this.signatures.push(signature);
    const path = `/__s3/balkanid-uploads/${resource}/${randomBytes(8).toString('hex')}.csv`;
    const expired = this.expireNext > 0;
    if (expired) this.expireNext--;
    this.issued.set(path, {
      resource,
      signature,
      expiresAt: expired ? Date.now() - 1000 : Date.now() + this.urlTtlMs,
      contentType: this.signedContentType,
    });
    return `${this.url}${path}?${this.presign(signature, this.signedContentType ? 'content-type;host' : 'host')}`;
  }

  private presign(signature: string, signedHeaders: string): URLSearchParams {
    return new URLSearchParams({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': `AKIASTANDIN${randomBytes(4).toString('hex').toUpperCase()}/20250101/us-east-1/s3/aws4_request`,
      'X-Amz-Date': new Date().toISOString().replace(/[-:]|\.\d+/g, ''),
      'X-Amz-Expires': String(Math.round(this.urlTtlMs / 1000)),
      'X-Amz-SignedHeaders': signedHeaders,
      'X-Amz-Signature': signature,
    });
  }

  /** The apps file's pre-signed GET URL and its polling URL (the same object, signed for HEAD). */
  private issueDownload(): { url: string; pollingUrl: string } {
    const path = `/__s3/balkanid-downloads/apps/${randomBytes(8).toString('hex')}.csv`;
    const d: Download = {
      get: randomBytes(32).toString('hex'),
      head: randomBytes(32).toString('hex'),
      notReady: this.appsNotReadyPolls,
      csv: this.appsCsv(),
    };
    this.signatures.push(d.get, d.head);
    this.downloads.set(path, d);
    return {
      url: `${this.url}${path}?${this.presign(d.get, 'host')}`,
      pollingUrl: `${this.url}${path}?${this.presign(d.head, 'host')}`,
    };
  }

  /** HEAD on the polling URL: 404 until ready, then 200; GET on the file URL: the CSV once ready (S3's answers). */
  private serveDownload(
    req: http.IncomingMessage,
    u: URL,
    d: Download,
    send: (status: number, text: string, headers?: Record<string, string>) => void,
  ): void {
    const signature = u.searchParams.get('X-Amz-Signature');
    const method = req.method ?? 'GET';
    if (
      (method === 'HEAD' && signature !== d.head) ||
      (method === 'GET' && signature !== d.get) ||
      !['HEAD', 'GET'].includes(method)
    )
      return send(403, s3Error('SignatureDoesNotMatch', 'The request signature we calculated does not match'));
    if (method === 'HEAD') {
      if (d.notReady > 0) {
        d.notReady--;
        return send(404, '');
      }
      return send(200, '', { 'Content-Length': String(Buffer.byteLength(d.csv)), 'Content-Type': 'text/csv' });
    }
    if (d.notReady > 0) return send(404, s3Error('NoSuchKey', 'The specified key does not exist.'));
    send(200, d.csv, { 'Content-Type': 'text/csv' });
  }

  /** A PUT to a pre-signed URL: S3's checks, then BalkanID's (Content-Type, UTF-8, the documented header row). */
  private receive(
    req: http.IncomingMessage,
    issued: Issued,
    u: URL,
    body: Buffer,
    send: (status: number, text: string, headers?: Record<string, string>) => void,
  ): void {
    if (req.method !== 'PUT') return send(405, s3Error('MethodNotAllowed', 'Use PUT'));
    if (u.searchParams.get('X-Amz-Signature') !== issued.signature)
      return send(403, s3Error('SignatureDoesNotMatch', 'The request signature we calculated does not match'));
    if (Date.now() > issued.expiresAt) return send(403, s3Error('AccessDenied', 'Request has expired'));
    if (req.headers['content-length'] === undefined)
      return send(411, s3Error('MissingContentLength', 'You must provide the Content-Length HTTP header.'));
    const contentType = String(req.headers['content-type'] ?? '');
    if (issued.contentType !== undefined && contentType !== issued.contentType)
      return send(
        403,
        s3Error(
          'SignatureDoesNotMatch',
          'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
        ),
      );
    if (!/^text\/csv(;|$)/i.test(contentType)) return send(400, `{"message":"Content-Type must be text/csv"}`);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      return send(400, `{"message":"The file is not valid UTF-8"}`);
    }
    const spec = UPLOADS.find(x => x.resource === issued.resource)!;
    const header = text.split(/\r?\n/, 1)[0] ?? '';
    if (header !== spec.header.join(','))
      return send(400, JSON.stringify({ message: `Header row must be "${spec.header.join(',')}"` }));
    if (this.requireSyncedEntities && issued.resource === 'entity-relations') {
      const unknown = relationIds(text).filter(id => !this.synced?.has(id));
      if (unknown.length)
        return send(
          400,
          JSON.stringify({
            message: `${unknown.length} Source IDs are not in the last synced entities (e.g. ${unknown.slice(0, 3).join(', ')})`,
          }),
        ); // [I] status and text
    }
    if (issued.resource === 'entities') {
      const ids = new Set(entityIds(text));
      if (this.holdEntitySync) this.pendingSync = ids;
      else this.synced = ids;
    }
    this.issued.delete(u.pathname); // one PUT per URL
    this.received.push({
      resource: issued.resource,
      bytes: body.length,
      header,
      rows: countRecords(text) - 1,
      text,
      contentType,
    });
    send(200, '', { ETag: `"${randomBytes(16).toString('hex')}"` });
  }
}

export async function startBalkanIdStandIn(opts: { keyId?: string; secret?: string } = {}): Promise<BalkanIdStandIn> {
  const s = new BalkanIdStandIn();
  if (opts.keyId) s.keyId = opts.keyId;
  if (opts.secret) s.secret = opts.secret;
  return s.start();
}
