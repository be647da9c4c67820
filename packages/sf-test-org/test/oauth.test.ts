// Contract tests of OAuth: the JWT bearer grant with each of Salesforce's failures, refresh, sessions.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Connection, OAuth2 } from 'jsforce';
import { jwtAssertion } from '../../../src/core/jwt';
import { jsforce, raw, useOrg } from './helpers';
import { selfSignedCert } from '../src/x509';

describe('test org: OAuth and sessions', () => {
  const t = useOrg({ scenario: 'done' });
  const key = () => t.org.meta.all('ExtlClntAppGlobalOauthSettings')[0].consumerKey as string;
  const token = (
    claims: Partial<{ iss: string; sub: string; aud: string }> = {},
    privateKey = t.org.demo!.privateKey,
    now = Date.now(),
  ) =>
    new OAuth2({ loginUrl: t.org.url }).requestToken({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: jwtAssertion(
        privateKey,
        { iss: key(), sub: 'balkanid@example.test', aud: 'https://login.salesforce.com', ...claims },
        now,
      ),
    });
  const fails = async (p: Promise<unknown>, name: string, message: string) =>
    assert.rejects(p, (e: any) => e.name === name && e.message === message);

  it('grants a JWT bearer login for the pre-authorized integration user, and records it', async () => {
    const res: any = await token();
    assert.match(res.access_token, /^00D\w{12}!AQ/);
    assert.equal(res.instance_url, t.org.url);
    assert.equal(res.refresh_token, undefined);
    const c = new Connection({ instanceUrl: t.org.url, accessToken: res.access_token, version: '64.0' });
    assert.equal((await c.query('SELECT COUNT() FROM UserRole')).totalSize, 2);
    const last = t.org.org.all('LoginHistory').at(-1)!;
    assert.equal(last.Status, 'Success');
  });

  it("accepts the audience as the org's own URL (with or without /) and exp in milliseconds, as the sf CLI sends", async () => {
    await token({ aud: `${t.org.url}/` });
    const now = Date.now();
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const head = `${b64({ alg: 'RS256' })}.${b64({ iss: key(), sub: 'balkanid@example.test', aud: t.org.url, exp: now + 300 })}`;
    const sig = require('node:crypto').sign('sha256', Buffer.from(head), t.org.demo!.privateKey).toString('base64url');
    const res: any = await new OAuth2({ loginUrl: t.org.url }).requestToken({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: `${head}.${sig}`,
    });
    assert.ok(res.access_token);
  });

  it("answers every misconfiguration with Salesforce's error pair", async () => {
    await fails(token({ iss: '3MVG9unknown' }), 'invalid_client_id', 'client identifier invalid');
    await fails(token({}, selfSignedCert().privateKey), 'invalid_grant', 'invalid assertion');
    await fails(token({ aud: 'https://test.salesforce.com' }), 'invalid_grant', 'audience is invalid');
    await fails(token({}, undefined, Date.now() - 10 * 60_000), 'invalid_grant', 'expired authorization code');
    await fails(token({ sub: 'nobody@example.test' }), 'invalid_grant', 'authentication failure');
    const user = t.org.org.find('User', u => u.Username === 'balkanid@example.test')!;
    const ip = user.ProfileId.slice(0, 15);
    t.org.org.ipRestrictedProfiles.add(ip);
    await fails(token(), 'invalid_grant', 'ip restricted');
    t.org.org.ipRestrictedProfiles.delete(ip);
    const sea = t.org.org.all('SetupEntityAccess')[0];
    t.org.org.table('SetupEntityAccess').delete(sea.Id.slice(0, 15));
    await fails(token(), 'invalid_app_access', 'user is not admin approved to access this app');
    t.org.org.table('SetupEntityAccess').set(sea.Id.slice(0, 15), sea);
    const policy = t.org.meta.all('ExtlClntAppOauthConfigurablePolicies')[0];
    policy.permittedUsersPolicyType = 'AllSelfAuthorized';
    await fails(token(), 'invalid_grant', "user hasn't approved this consumer");
    policy.permittedUsersPolicyType = 'AdminApprovedPreAuthorized';
    t.org.org.table('User').get(user.Id.slice(0, 15))!.IsActive = false;
    await fails(token(), 'invalid_grant', 'inactive user');
    t.org.org.table('User').get(user.Id.slice(0, 15))!.IsActive = true;
    const statuses = t.org.org
      .all('LoginHistory')
      .filter(l => l.UserId === user.Id)
      .map(l => l.Status);
    assert.ok(
      statuses.includes('Failed: Not Admin Approved') &&
        statuses.includes('Restricted IP') &&
        statuses.includes('Failed: Invalid Assertion'),
      statuses.join(', '),
    );
    await token();
  });

  it('expires sessions: REST 401 INVALID_SESSION_ID, SOAP HTTP 500 sf:INVALID_SESSION_ID, and jsforce refreshes through both', async () => {
    const refreshToken = t.org.adminRefreshToken('PlatformCLI');
    const conn = new Connection({
      oauth2: { loginUrl: t.org.url, clientId: 'PlatformCLI' },
      instanceUrl: t.org.url,
      accessToken: t.org.adminToken,
      refreshToken,
      version: '64.0',
    });
    let refreshed = 0;
    conn.on('refresh', () => refreshed++);
    t.org.org.expireSessions();
    const rest = await raw(t.org, 'GET', '/services/data/v64.0/limits');
    assert.deepEqual([rest.status, rest.body[0].errorCode], [401, 'INVALID_SESSION_ID']);
    const soap = await fetch(`${t.org.url}/services/Soap/m/64.0`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml', SOAPAction: '""' },
      body: '<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header><SessionHeader><sessionId>bad</sessionId></SessionHeader></soapenv:Header><soapenv:Body><describeMetadata/></soapenv:Body></soapenv:Envelope>',
    });
    assert.equal(soap.status, 500);
    assert.match(await soap.text(), /<faultcode>sf:INVALID_SESSION_ID<\/faultcode>/);
    assert.equal((await conn.query('SELECT COUNT() FROM User')).totalSize > 0, true);
    t.org.org.expireSessions();
    await conn.metadata.read('ExternalClientApplication' as any, ['BalkanID_Extractor']);
    assert.equal(refreshed, 2);
    await assert.rejects(
      async () => jsforce(t.org, '64.0', 'bogus').query('SELECT Id FROM User'),
      (e: any) => e.errorCode === 'INVALID_SESSION_ID',
    );
    t.org.adminToken = t.org.org.issueToken(t.org.org.find('User', u => u.Alias === 'aadmin')!.Id);
  });

  it('serves userinfo and the identity URL for a valid token only', async () => {
    const info: any = await (
      await fetch(`${t.org.url}/services/oauth2/userinfo`, { headers: { Authorization: `Bearer ${t.org.adminToken}` } })
    ).json();
    assert.equal(info.preferred_username, 'admin@acme.example');
    assert.match(info.user_id, /^005/);
    assert.equal((await fetch(`${t.org.url}/id/${t.org.org.orgId}/${info.user_id}?oauth_token=nope`)).status, 403);
  });
});

describe('test org: the web server flow refuses a PKCE downgrade (RFC 9700 §2.1.1)', () => {
  const t = useOrg({ scenario: 'fresh' });
  const callback = 'http://localhost:1717/OauthRedirect';
  /** A code from the login form, issued with the given PKCE parameters (or none). */
  async function codeWith(pkce: Record<string, string>): Promise<string> {
    const admin = t.org.org.find('User', u => /^admin@acme\.example/.test(u.Username))!.Username as string;
    const form = new URLSearchParams({
      response_type: 'code',
      client_id: 'PlatformCLI',
      redirect_uri: callback,
      state: 's',
      username: admin,
      approve: 'allow',
      ...pkce,
    });
    const res = await fetch(`${t.org.url}/services/oauth2/authorize`, {
      method: 'POST',
      body: form,
      redirect: 'manual',
    });
    return new URL(res.headers.get('location')!).searchParams.get('code')!;
  }
  const redeem = async (code: string, verifier?: string) => {
    const res = await fetch(`${t.org.url}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        client_id: 'PlatformCLI',
        redirect_uri: callback,
        ...(verifier === undefined ? {} : { code_verifier: verifier }),
      }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  };
  const verifier = 'v'.repeat(50);
  const challenge = createHash('sha256').update(verifier).digest('base64url');

  it('a code issued without a challenge, redeemed with a verifier, is refused (a downgrade a client could never detect)', async () => {
    const r = await redeem(await codeWith({}), verifier);
    assert.deepEqual([r.status, r.body], [400, { error: 'invalid_grant', error_description: 'invalid code verifier' }]);
  });

  it('a code issued with a challenge, redeemed without a verifier, is refused', async () => {
    const r = await redeem(await codeWith({ code_challenge: challenge, code_challenge_method: 'S256' }));
    assert.deepEqual([r.status, r.body], [400, { error: 'invalid_grant', error_description: 'invalid code verifier' }]);
  });

  it('with the challenge and its verifier, or with neither, the code is redeemed', async () => {
    const a = await redeem(await codeWith({ code_challenge: challenge, code_challenge_method: 'S256' }), verifier);
    assert.equal(a.status, 200, JSON.stringify(a.body));
    const b = await redeem(await codeWith({}));
    assert.equal(b.status, 200, JSON.stringify(b.body));
  });
});
