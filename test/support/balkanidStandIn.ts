// A stand-in for BalkanID's Bulk Upload API on loopback (port 0): POST /api/rest/v0/<resource>/upload-url checks
// the API key headers and answers { url } with a pre-signed URL on this same server (/__s3/…?X-Amz-Signature=…),
// which takes one PUT of the CSV and answers like S3 (403 "Request has expired" after its expiry). Faults are
// queued per endpoint. The secret is never stored: the request log says which headers came and whether the key
// matched. An invalid key is answered with a body that echoes the secret received, as a careless server might.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { UPLOADS } from '../../src/core/extract/format';

export type Resource = (typeof UPLOADS)[number]['resource'];
/** The upload-url endpoint of a resource, or the PUT to a pre-signed URL issued for it. */
export type Endpoint = Resource | `upload:${Resource}`;

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

export class BalkanIdStandIn {
  url = '';
  keyId = 'bid-key-0123456789';
  secret = randomBytes(24).toString('base64url');
  /** Milliseconds a pre-signed URL stays valid (S3's X-Amz-Expires). */
  urlTtlMs = 15 * 60_000;
  /** The valid key lacks the permission for bulk uploads: 403. */
  permissionDenied = false;
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

  /** Forgets requests, files, faults and issued URLs; keeps the key. */
  reset(): void {
    this.requests.length = 0;
    this.received.length = 0;
    this.signatures.length = 0;
    this.faults.clear();
    this.issued.clear();
    this.expireNext = 0;
    this.permissionDenied = false;
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
    record.endpoint = resource ?? (issued ? `upload:${issued.resource}` : undefined);
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
      return json(200, { url: this.issue(resource) });
    }
    return this.receive(req, issued!, u, body, send);
  }

  private issue(resource: Resource): string {
    const signature = randomBytes(32).toString('hex');
    this.signatures.push(signature);
    const path = `/__s3/balkanid-uploads/${resource}/${randomBytes(8).toString('hex')}.csv`;
    const expired = this.expireNext > 0;
    if (expired) this.expireNext--;
    this.issued.set(path, { resource, signature, expiresAt: expired ? Date.now() - 1000 : Date.now() + this.urlTtlMs });
    const q = new URLSearchParams({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': `AKIASTANDIN${randomBytes(4).toString('hex').toUpperCase()}/20250101/us-east-1/s3/aws4_request`,
      'X-Amz-Date': new Date().toISOString().replace(/[-:]|\.\d+/g, ''),
      'X-Amz-Expires': String(Math.round(this.urlTtlMs / 1000)),
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Signature': signature,
    });
    return `${this.url}${path}?${q}`;
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
