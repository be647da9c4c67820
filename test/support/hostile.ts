// A hostile server on loopback, for the tests of issue 18: in front of a test org (a forwarding proxy) or alone, it
// answers the requests a rule picks the way an unlucky network or a malicious org would — headers and then a body
// that stalls, a body that never ends, a giant body, a malformed page, a reset, or the org's own answer with control
// sequences planted in every text field. Everything else is passed to the org unchanged. It counts what it sent, so a
// test can check that a client stopped reading (bounded memory) without measuring the client.
import http from 'node:http';
import { AddressInfo } from 'node:net';

/** Control sequences a user could plant in their own name: a screen clear, an OSC 52 clipboard write, an OSC 8 link,
 *  a carriage-return overwrite, a right-to-left override, a zero-width space, C1's CSI and a newline. */
export const PAYLOAD =
  '\x1b[2J\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\\rOVERWRITTEN' +
  '\u202etxt.exe\u200b\u009b31m\nFAKE LINE';

/** What the server does with a request a rule picked. */
export type Behaviour =
  /** The status line and headers, a first chunk of the body, then nothing (the connection stays open). */
  | { kind: 'stall-after-headers'; status?: number; contentType?: string; first?: string }
  /** Nothing at all: no status line (the connection stays open). */
  | { kind: 'stall-before-headers' }
  /** Headers, then the body one byte every `intervalMs` (never idle long, never done: a slow loris). */
  | { kind: 'trickle'; intervalMs: number; status?: number; contentType?: string }
  /** A body that never ends: `prefix`, then `filler` for as long as the client reads. */
  | { kind: 'endless-body'; status?: number; contentType?: string; prefix?: string; filler?: string }
  /** A body of `bytes` bytes: `prefix`, `filler` repeated, `suffix` (valid JSON when they make it so). */
  | {
      kind: 'giant-body';
      bytes: number;
      status?: number;
      contentType?: string;
      prefix?: string;
      filler?: string;
      suffix?: string;
    }
  /** A body of the test's choosing (a malformed page, an HTML page with 200, …). */
  | { kind: 'body'; status: number; body: string; contentType?: string; headers?: Record<string, string> }
  /** The connection destroyed before any answer. */
  | { kind: 'reset' }
  /** The org's own answer with `payload` appended to every text field of a JSON body (names, labels, messages). */
  | { kind: 'poison'; payload?: string };

export interface Rule {
  /** HTTP method, or any when left out. */
  method?: string;
  /** Matched against the path and query. */
  path: RegExp;
  /** How many matching requests it takes (default: all). */
  times?: number;
  /** Let this many matching requests through first. */
  after?: number;
  do: Behaviour;
  /** Called when the rule takes a request (a test may act then: send a signal, stop an org). */
  onHit?: (method: string, path: string) => void;
}

export interface Hostile {
  url: string;
  add(rule: Rule): void;
  clear(): void;
  /** Every request seen: method, path and query, and the kind of the rule that took it (undefined: passed on). */
  readonly seen: Array<{ method: string; path: string; rule?: Behaviour['kind'] }>;
  /** Bytes of body the server wrote for the requests its rules took (a client that stops reading stops this). */
  readonly bytesSent: () => number;
  /** Requests taken by a stalling rule that are still open. */
  readonly open: () => number;
  stop(): Promise<void>;
}

/** The keys of JSON answers that carry text a person reads (what `poison` plants the payload in). */
const TEXT_KEYS = new Set([
  'Name',
  'Label',
  'MasterLabel',
  'FirstName',
  'LastName',
  'Title',
  'Description',
  'Alias',
  'Username',
  'Email',
  'message',
  'problem',
]);

function poisonJson(value: unknown, payload: string): unknown {
  if (Array.isArray(value)) return value.map(v => poisonJson(v, payload));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        typeof v === 'string' && TEXT_KEYS.has(k) ? `${v}${payload}` : poisonJson(v, payload),
      ]),
    );
  return value;
}

export async function startHostile(upstream?: string): Promise<Hostile> {
  const rules: Array<Rule & { taken: number; skipped: number }> = [];
  const seen: Hostile['seen'] = [];
  const stalled = new Set<http.ServerResponse>();
  let sent = 0;

  const pick = (method: string, path: string) => {
    for (const r of rules) {
      if (r.method && r.method.toUpperCase() !== method) continue;
      if (!r.path.test(path)) continue;
      if (r.times !== undefined && r.taken >= r.times) continue;
      if (r.skipped < (r.after ?? 0)) {
        r.skipped++;
        return undefined;
      }
      r.taken++;
      return r;
    }
    return undefined;
  };

  const forward = (
    req: http.IncomingMessage,
    body: Buffer,
    onAnswer: (status: number, h: http.IncomingHttpHeaders, b: Buffer) => void,
    res: http.ServerResponse,
  ) => {
    if (!upstream) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('no upstream');
      return;
    }
    const target = new URL(req.url ?? '/', upstream);
    const out = http.request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, up => {
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => onAnswer(up.statusCode ?? 502, up.headers, Buffer.concat(chunks)));
    });
    out.on('error', () => res.destroy());
    out.end(body);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = (req.method ?? 'GET').toUpperCase();
      const path = req.url ?? '/';
      const body = Buffer.concat(chunks);
      const rule = pick(method, path);
      seen.push({ method, path, rule: rule?.do.kind });
      rule?.onHit?.(method, path);
      const b = rule?.do;
      const passOn = () =>
        forward(
          req,
          body,
          (status, headers, answer) => {
            const h = { ...headers };
            delete h['content-length'];
            delete h['transfer-encoding'];
            res.writeHead(status, h).end(answer);
          },
          res,
        );
      if (!b) return passOn();
      const write = (chunk: string | Buffer) => {
        sent += Buffer.byteLength(chunk);
        return res.write(chunk);
      };
      const hold = () => {
        stalled.add(res);
        res.on('close', () => stalled.delete(res));
      };
      switch (b.kind) {
        case 'stall-before-headers':
          hold();
          return;
        case 'stall-after-headers':
          res.writeHead(b.status ?? 200, { 'Content-Type': b.contentType ?? 'application/json;charset=UTF-8' });
          res.flushHeaders();
          write(b.first ?? '{"totalSize":1,"done":true,"records":[');
          hold();
          return;
        case 'trickle': {
          res.writeHead(b.status ?? 200, { 'Content-Type': b.contentType ?? 'application/json;charset=UTF-8' });
          hold();
          const timer = setInterval(() => write(' '), b.intervalMs);
          res.on('close', () => clearInterval(timer));
          return;
        }
        case 'endless-body':
        case 'giant-body': {
          res.writeHead(b.status ?? 200, { 'Content-Type': b.contentType ?? 'application/json;charset=UTF-8' });
          const filler = Buffer.from(b.filler ?? 'A'.repeat(64 * 1024));
          let left = b.kind === 'giant-body' ? b.bytes : Infinity;
          const prefix = b.prefix ?? '{"totalSize":1,"done":true,"records":[{"attributes":{"type":"User"},"Name":"';
          const suffix = b.kind === 'giant-body' ? (b.suffix ?? '"}]}') : '';
          write(prefix);
          left -= Buffer.byteLength(prefix) + Buffer.byteLength(suffix);
          hold();
          const pump = () => {
            while (left > 0 && !res.destroyed) {
              const piece = left >= filler.length ? filler : filler.subarray(0, left);
              left -= piece.length;
              if (!write(piece)) return void res.once('drain', pump);
            }
            if (left <= 0 && !res.destroyed) {
              write(suffix);
              res.end();
            }
          };
          pump();
          return;
        }
        case 'body':
          sent += Buffer.byteLength(b.body);
          res
            .writeHead(b.status, { 'Content-Type': b.contentType ?? 'application/json;charset=UTF-8', ...b.headers })
            .end(b.body);
          return;
        case 'reset':
          req.socket.destroy();
          return;
        case 'poison':
          return forward(
            req,
            body,
            (status, headers, answer) => {
              let out: string = answer.toString('utf8');
              if (/json/.test(String(headers['content-type'])))
                try {
                  out = JSON.stringify(poisonJson(JSON.parse(out), b.payload ?? PAYLOAD));
                } catch {
                  /* not JSON after all: as it came */
                }
              const h = { ...headers };
              delete h['content-length'];
              delete h['transfer-encoding'];
              res.writeHead(status, h).end(out);
            },
            res,
          );
      }
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    add: rule => rules.push({ ...rule, taken: 0, skipped: 0 }),
    clear: () => void rules.splice(0),
    seen,
    bytesSent: () => sent,
    open: () => stalled.size,
    stop: async () => {
      for (const res of stalled) res.destroy();
      server.closeAllConnections();
      await new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}
