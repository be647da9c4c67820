// Logging in through the browser, as `sf org login web` does: the OAuth 2.0 web server flow with PKCE against
// Salesforce's CLI app (client id PlatformCLI, callback http://localhost:1717/OauthRedirect). A loopback server
// waits for the redirect; the code is exchanged with the code verifier at the login host's token endpoint. Only the
// access token is kept (the refresh token is dropped: nothing long-lived is stored).
import { createHash, randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { checkInstanceUrl, myDomainUrl } from '../core/url';
import { codeOf, messageOf, SetupError } from '../core/types';
import { boundedFetch, FetchFailed } from './boundedFetch';
import { REQUEST_TIMEOUT_MS } from './transport';

const cancelled = () => new SetupError('The browser login was cancelled. Nothing was stored.', 'CANCELLED');

export const CLI_APP = { clientId: 'PlatformCLI', port: 1717, path: '/OauthRedirect' };

export interface WebLoginOptions {
  /** https://login.salesforce.com, https://test.salesforce.com or the org's My Domain URL. */
  loginUrl: string;
  /** Opens the authorize URL in the admin's browser. */
  open(url: string): Promise<unknown>;
  signal?: AbortSignal;
  /** How long to wait for the browser (default 5 minutes). */
  timeoutMs?: number;
  /** The deadline of the token exchange once the browser answered (default REQUEST_TIMEOUT_MS). */
  exchangeTimeoutMs?: number;
  port?: number;
}

/** The most the token endpoint's answer may hold. */
const TOKEN_ANSWER_LIMIT = 1024 * 1024;

/** The page the browser shows after the redirect. Connected, it closes its tab where the browser allows it (a tab
 *  VS Code opened, as in a browser-based VS Code), so the admin is back in VS Code without a click. */
const page = (title: string, text: string, close = false) =>
  `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title></head>` +
  '<body style="font-family:sans-serif">' +
  `<h1>${title}</h1><p>${text}</p>${close ? '<script>window.close()</script>' : ''}</body></html>`;

/** Listens on both loopback addresses ("localhost" may resolve to either). */
async function listen(port: number, handler: Parameters<typeof createServer>[1]): Promise<Server[]> {
  const servers: Server[] = [];
  for (const host of ['127.0.0.1', '::1']) {
    const server = createServer(handler);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
      });
      servers.push(server);
    } catch (e) {
      const code = codeOf(e);
      if (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT') continue; // no IPv6 loopback
      for (const s of servers) s.close();
      throw new SetupError(
        code === 'EADDRINUSE'
          ? `Port ${port} is in use (another "sf org login web" may be waiting): close it, or connect with an ` +
              'access token.'
          : `Cannot wait for the browser on port ${port} (${code ?? messageOf(e)}).`,
        'WEB_LOGIN',
      );
    }
  }
  return servers;
}

export async function webLogin(o: WebLoginOptions): Promise<{ instanceUrl: string; accessToken: string }> {
  const loginUrl = myDomainUrl(o.loginUrl);
  const port = o.port ?? CLI_APP.port;
  const redirectUri = `http://localhost:${port}${CLI_APP.path}`;
  const verifier = randomBytes(48).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const authorize = new URL(`${loginUrl}/services/oauth2/authorize`);
  for (const [k, v] of Object.entries({
    response_type: 'code',
    client_id: CLI_APP.clientId,
    redirect_uri: redirectUri,
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }))
    authorize.searchParams.set(k, v);

  let done!: (r: { code?: string; error?: string }) => void;
  const answered = new Promise<{ code?: string; error?: string }>(r => (done = r));
  let answeredOnce = false;
  const servers = await listen(port, (req, res) => {
    // The browser's redirect is a GET; anything else is refused before it is read.
    if (req.method !== 'GET') {
      res.writeHead(405, { Allow: 'GET' }).end();
      return;
    }
    const u = new URL(req.url ?? '/', redirectUri);
    // Only the first redirect of this login (its state) counts; anything else gets a 404 and is ignored.
    if (answeredOnce || u.pathname !== CLI_APP.path || u.searchParams.get('state') !== state) {
      res.writeHead(404).end();
      return;
    }
    answeredOnce = true;
    const error = u.searchParams.get('error');
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(
      error
        ? page('Not connected', 'Salesforce did not grant access. Return to VS Code.')
        : page('Connected', 'You can close this tab and return to VS Code.', true),
    );
    done(
      error ? { error: u.searchParams.get('error_description') ?? error } : { code: u.searchParams.get('code') ?? '' },
    );
  });
  const timer = setTimeout(
    () => done({ error: 'no answer from the browser within the time allowed' }),
    o.timeoutMs ?? 300_000,
  );
  const abort = () => done({ error: 'cancelled' });
  o.signal?.addEventListener('abort', abort);
  if (o.signal?.aborted) abort();
  try {
    await o.open(authorize.toString());
    const r = await answered;
    if (r.error === 'cancelled') throw cancelled();
    if (r.error || !r.code)
      throw new SetupError(
        `The browser login did not complete: ${r.error ?? 'no code'}. Nothing was stored.`,
        'WEB_LOGIN',
      );
    if (o.signal?.aborted) throw cancelled();
    const exchangeMs = o.exchangeTimeoutMs ?? REQUEST_TIMEOUT_MS;
    const res = await boundedFetch(
      `${loginUrl}/services/oauth2/token`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: r.code,
          client_id: CLI_APP.clientId,
          redirect_uri: redirectUri,
          code_verifier: verifier,
        }),
      },
      { timeoutMs: exchangeMs, limit: TOKEN_ANSWER_LIMIT, signal: o.signal, traceBody: '<authorization code>' },
    ).catch((e: unknown) => {
      const p = e instanceof FetchFailed ? e.problem : undefined;
      if (p?.kind === 'aborted') throw cancelled();
      if (p?.kind === 'timeout')
        throw new SetupError(
          `${loginUrl} did not finish answering the login (the token exchange) within ${p.seconds} s. Nothing was ` +
            'stored.',
          'WEB_LOGIN',
        );
      if (p?.kind === 'too-large')
        throw new SetupError(
          `${loginUrl} answered the login with more than 1 MB (the limit for a token answer). Nothing was stored.`,
          'WEB_LOGIN',
        );
      const cause = p?.kind === 'network' ? (p.error as { cause?: unknown } | undefined)?.cause : undefined;
      throw new SetupError(
        `Cannot reach ${loginUrl} to finish the login (${codeOf(cause) ?? 'connection failed'}). Nothing was stored.`,
        'WEB_LOGIN',
      );
    });
    let body: Record<string, string> = {};
    try {
      body = JSON.parse(res.text) as Record<string, string>;
    } catch {
      body = {};
    }
    if (!res.ok || !body.access_token || !body.instance_url)
      throw new SetupError(
        `Salesforce refused the login: ${body.error_description ?? body.error ?? `HTTP ${res.status}`}.`,
        'WEB_LOGIN',
      );
    return { instanceUrl: checkInstanceUrl(body.instance_url), accessToken: body.access_token };
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', abort);
    // The port is released at once: no connection (a browser's keep-alive) holds it.
    for (const s of servers) {
      s.close();
      s.closeAllConnections();
    }
  }
}
