// The browser login (OAuth 2.0 web server flow with PKCE) against the test org's authorize page: a stand-in for the
// browser fetches the page, submits its form as the admin and follows the redirect to the extension's loopback server.
import assert from 'node:assert/strict';
import { webLogin } from '../../src/node/webLogin';
import { createServer } from 'node:net';
import { useOrg } from '../support/helpers';
import { Hostile, startHostile } from '../support/hostile';
import { TestOrg, TestOrgOptions } from '../../packages/sf-test-org/src/server';

/** A free loopback port for the login's callback: suites run side by side (the clock-shifted passes) never share 1717. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** The test org with the CLI app's callback on a port of this suite's own; `port()` is it. */
function useOrgWithCallback() {
  const options: TestOrgOptions = { scenario: 'fresh' };
  before(async () => {
    options.cliCallbackPort = await freePort();
  });
  const t = useOrg(options);
  return { t, port: () => options.cliCallbackPort! };
}

/** A browser: opens the authorize URL, fills in the username, chooses Allow or Deny, posts the form where its action
 *  says (resolved against the page's address, as a browser does), follows the redirect; `shown` gets the last page. */
function browser(
  org: TestOrg,
  username: string,
  approve = 'allow',
  tamper?: (form: URLSearchParams) => void,
  shown?: (html: string) => void,
) {
  return async (url: string) => {
    const page = await fetch(url);
    assert.equal(page.status, 200, await page.clone().text());
    const html = await page.text();
    const form = new URLSearchParams(
      [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(m => [
        m[1]!,
        m[2]!.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))),
      ]),
    );
    form.set('username', username);
    form.set('approve', approve);
    tamper?.(form);
    const action = /<form method="POST" action="([^"]+)">/.exec(html)?.[1];
    assert.ok(action, html);
    const posted = await fetch(new URL(action, url), { method: 'POST', body: form, redirect: 'manual' });
    // The form posts back to the page's own address, whatever host served it (the org, or a proxy in front of it).
    assert.equal(new URL(action, url).href, new URL('/services/oauth2/authorize', url).href);
    const location = posted.headers.get('location');
    if (!location) return;
    const redirected = await fetch(location);
    if (shown) shown(await redirected.text());
  };
}

describe('browser login (OAuth 2.0 web server flow with PKCE)', function () {
  this.timeout(20000);
  const { t, port } = useOrgWithCallback();
  const admin = () => t.org.org.find('User', u => /^admin@acme\.example/.test(u.Username))!.Username as string;

  it('logs in through the authorize page: the token works for the org and a login is recorded; the page after says Connected and closes its tab', async () => {
    let after = '';
    const { instanceUrl, accessToken } = await webLogin({
      loginUrl: t.org.url,
      port: port(),
      open: browser(t.org, admin(), 'allow', undefined, html => (after = html)),
    });
    assert.equal(instanceUrl, t.org.url);
    assert.match(after, /<h1>Connected<\/h1>.*<script>window\.close\(\)<\/script>/s);
    const res = await fetch(`${instanceUrl}/services/data/v64.0/query?q=SELECT+Id+FROM+Organization`, {
      headers: { Authorization: `Bearer ${accessToken}` },
    });
    assert.equal(res.status, 200);
    assert.ok(t.org.org.all('LoginHistory').some(l => l.Application === 'PlatformCLI' && l.Status === 'Success'));
  });

  it('Deny in the browser: a plain error, nothing connected; the page after stays open and says Not connected', async () => {
    let after = '';
    await assert.rejects(
      webLogin({
        loginUrl: t.org.url,
        port: port(),
        open: browser(t.org, admin(), 'deny', undefined, html => (after = html)),
      }),
      /The browser login did not complete: end-user denied authorization\. Nothing was stored\./,
    );
    assert.match(after, /<h1>Not connected<\/h1>/);
    assert.ok(!after.includes('window.close'), after);
  });

  it('a wrong code verifier is refused by the org (PKCE), so a stolen code is useless', async () => {
    let code = '';
    const steal = async (url: string) => {
      const page = await fetch(url);
      const form = new URLSearchParams(
        [...(await page.text()).matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(m => [
          m[1]!,
          m[2]!,
        ]),
      );
      form.set('username', admin());
      form.set('approve', 'allow');
      const posted = await fetch(`${t.org.url}/services/oauth2/authorize`, {
        method: 'POST',
        body: form,
        redirect: 'manual',
      });
      code = new URL(posted.headers.get('location')!).searchParams.get('code')!;
      const token = await fetch(`${t.org.url}/services/oauth2/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          client_id: 'PlatformCLI',
          redirect_uri: `http://localhost:${port()}/OauthRedirect`,
          code_verifier: 'not-the-verifier',
        }),
      });
      assert.deepEqual(await token.json(), { error: 'invalid_grant', error_description: 'invalid code verifier' });
      await fetch(posted.headers.get('location')!); // the code is spent: the extension's exchange fails too
    };
    await assert.rejects(
      webLogin({ loginUrl: t.org.url, port: port(), open: steal }),
      /Salesforce refused the login: invalid authorization code/,
    );
    assert.ok(code.startsWith('aPr'));
  });

  it('the authorize page refuses another redirect URI or client (no redirect to an unknown address)', async () => {
    const base = `${t.org.url}/services/oauth2/authorize?response_type=code&client_id=PlatformCLI&redirect_uri=`;
    const evil = await fetch(`${base}${encodeURIComponent('https://evil.example/cb')}`);
    assert.deepEqual([evil.status, await evil.text()], [400, '<h1>error=redirect_uri_mismatch</h1>']);
    const other = await fetch(
      `${t.org.url}/services/oauth2/authorize?response_type=code&client_id=Other&redirect_uri=x`,
    );
    assert.equal(other.status, 400);
  });

  it('the port already in use is said plainly, and a browser that never answers times out', async () => {
    const blocker = require('node:http').createServer();
    const busy = await freePort();
    await new Promise<void>(r => blocker.listen(busy, '127.0.0.1', r));
    try {
      await assert.rejects(
        webLogin({ loginUrl: t.org.url, port: busy, open: async () => undefined }),
        new RegExp(`Port ${busy} is in use`),
      );
    } finally {
      blocker.close();
    }
    await assert.rejects(
      webLogin({ loginUrl: t.org.url, port: await freePort(), timeoutMs: 200, open: async () => undefined }),
      /no answer from the browser/,
    );
  });

  it('an http login URL to a real host is refused before anything is opened', async () => {
    let opened = false;
    await assert.rejects(
      webLogin({ loginUrl: 'http://login.salesforce.com', port: port(), open: async () => (opened = true) }),
      /https only/,
    );
    assert.equal(opened, false);
  });
});

describe('browser login: a deadline on the token exchange, Cancel, and a callback that takes one GET', function () {
  this.timeout(20000);
  const { t, port } = useOrgWithCallback();
  let h: Hostile;
  before(async () => {
    h = await startHostile(t.org.url);
  });
  after(() => h.stop());
  beforeEach(() => h.clear());
  const admin = () => t.org.org.find('User', u => /^admin@acme\.example/.test(u.Username))!.Username as string;
  const portFree = (port: number) =>
    new Promise<boolean>(resolve => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });

  it('a token endpoint that stalls after its headers fails at the exchange deadline, and the port is released', async () => {
    h.add({ path: /\/services\/oauth2\/token/, do: { kind: 'stall-after-headers' } });
    await assert.rejects(
      webLogin({ loginUrl: h.url, port: port(), exchangeTimeoutMs: 1000, open: browser(t.org, admin()) }),
      /did not finish answering the login \(the token exchange\) within 1 s\. Nothing was stored\./,
    );
    assert.equal(await portFree(port()), true);
  });

  it('Cancel during the token exchange stops it at once and releases the port', async () => {
    const cancel = new AbortController();
    h.add({
      path: /\/services\/oauth2\/token/,
      do: { kind: 'stall-before-headers' },
      onHit: () => setImmediate(() => cancel.abort()),
    });
    await assert.rejects(
      webLogin({ loginUrl: h.url, port: port(), signal: cancel.signal, open: browser(t.org, admin()) }),
      /The browser login was cancelled\. Nothing was stored\./,
    );
    assert.equal(await portFree(port()), true);
  });

  it('the callback answers GET only (405 otherwise) and only once: a second redirect with another code is refused and not used', async () => {
    const seen: Array<[string, number]> = [];
    const r = await webLogin({
      loginUrl: t.org.url,
      port: port(),
      open: async url => {
        const state = new URL(url).searchParams.get('state')!;
        const callback = `http://localhost:${port()}/OauthRedirect?state=${state}&code=forged`;
        const post = await fetch(callback, { method: 'POST' });
        seen.push(['POST', post.status]);
        assert.equal(post.headers.get('allow'), 'GET');
        await browser(t.org, admin())(url); // the real redirect, with the org's code
        const again = await fetch(callback);
        seen.push(['GET again', again.status]);
      },
    });
    assert.deepEqual(seen, [
      ['POST', 405],
      ['GET again', 404],
    ]);
    assert.equal(r.instanceUrl, t.org.url);
  });
});
