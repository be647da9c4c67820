// The browser login (OAuth 2.0 web server flow with PKCE) against the test org's authorize page: a stand-in for the
// browser fetches the page, submits its form as the admin and follows the redirect to the extension's loopback server.
import assert from 'node:assert/strict';
import { webLogin } from '../../src/node/webLogin';
import { createServer } from 'node:net';
import { useOrg } from '../support/helpers';
import { Hostile, startHostile } from '../support/hostile';
import { TestOrg } from '../../packages/sf-test-org/src/server';

/** A browser: opens the authorize URL, fills in the username, chooses Allow or Deny, follows the redirect. */
function browser(org: TestOrg, username: string, approve = 'allow', tamper?: (form: URLSearchParams) => void) {
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
    const posted = await fetch(`${org.url}/services/oauth2/authorize`, {
      method: 'POST',
      body: form,
      redirect: 'manual',
    });
    const location = posted.headers.get('location');
    if (location) await fetch(location);
  };
}

describe('browser login (OAuth 2.0 web server flow with PKCE)', function () {
  this.timeout(20000);
  const t = useOrg({ scenario: 'fresh' });
  const admin = () => t.org.org.find('User', u => /^admin@acme\.example/.test(u.Username))!.Username as string;

  it('logs in through the authorize page: the token works for the org and a login is recorded', async () => {
    const { instanceUrl, accessToken } = await webLogin({ loginUrl: t.org.url, open: browser(t.org, admin()) });
    assert.equal(instanceUrl, t.org.url);
    const res = await fetch(`${instanceUrl}/services/data/v64.0/query?q=SELECT+Id+FROM+Organization`, {
      headers: { Authorization: `Bearer ${accessToken}` },
    });
    assert.equal(res.status, 200);
    assert.ok(t.org.org.all('LoginHistory').some(l => l.Application === 'PlatformCLI' && l.Status === 'Success'));
  });

  it('Deny in the browser: a plain error, nothing connected', async () => {
    await assert.rejects(
      webLogin({ loginUrl: t.org.url, open: browser(t.org, admin(), 'deny') }),
      /The browser login did not complete: end-user denied authorization\. Nothing was stored\./,
    );
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
          redirect_uri: 'http://localhost:1717/OauthRedirect',
          code_verifier: 'not-the-verifier',
        }),
      });
      assert.deepEqual(await token.json(), { error: 'invalid_grant', error_description: 'invalid code verifier' });
      await fetch(posted.headers.get('location')!); // the code is spent: the extension's exchange fails too
    };
    await assert.rejects(
      webLogin({ loginUrl: t.org.url, open: steal }),
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
    await new Promise<void>(r => blocker.listen(17171, '127.0.0.1', r));
    try {
      await assert.rejects(
        webLogin({ loginUrl: t.org.url, port: 17171, open: async () => undefined }),
        /Port 17171 is in use/,
      );
    } finally {
      blocker.close();
    }
    await assert.rejects(
      webLogin({ loginUrl: t.org.url, port: 17172, timeoutMs: 200, open: async () => undefined }),
      /no answer from the browser/,
    );
  });

  it('an http login URL to a real host is refused before anything is opened', async () => {
    let opened = false;
    await assert.rejects(
      webLogin({ loginUrl: 'http://login.salesforce.com', open: async () => (opened = true) }),
      /https only/,
    );
    assert.equal(opened, false);
  });
});

describe('browser login: a deadline on the token exchange, Cancel, and a callback that takes one GET', function () {
  this.timeout(20000);
  const t = useOrg({ scenario: 'fresh' });
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
      webLogin({ loginUrl: h.url, exchangeTimeoutMs: 1000, open: browser(t.org, admin()) }),
      /did not finish answering the login \(the token exchange\) within 1 s\. Nothing was stored\./,
    );
    assert.equal(await portFree(1717), true);
  });

  it('Cancel during the token exchange stops it at once and releases the port', async () => {
    const cancel = new AbortController();
    h.add({
      path: /\/services\/oauth2\/token/,
      do: { kind: 'stall-before-headers' },
      onHit: () => setImmediate(() => cancel.abort()),
    });
    await assert.rejects(
      webLogin({ loginUrl: h.url, signal: cancel.signal, open: browser(t.org, admin()) }),
      /The browser login was cancelled\. Nothing was stored\./,
    );
    assert.equal(await portFree(1717), true);
  });

  it('the callback answers GET only (405 otherwise) and only once: a second redirect with another code is refused and not used', async () => {
    const seen: Array<[string, number]> = [];
    const r = await webLogin({
      loginUrl: t.org.url,
      open: async url => {
        const state = new URL(url).searchParams.get('state')!;
        const callback = `http://localhost:1717/OauthRedirect?state=${state}&code=forged`;
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
