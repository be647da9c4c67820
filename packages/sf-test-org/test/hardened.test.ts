// Contract tests of a hardened org (issue 19 §1): the Metadata API's secrets setting, the Connect REST credentials
// routes with the consumer ID from OauthLink, every request for a secret recorded, JWT-based access tokens refused
// by SOAP. Through jsforce and raw HTTP.
import assert from 'node:assert/strict';
import JSZip from 'jszip';
import { OAuth2 } from 'jsforce';
import { jwtAssertion } from '../../../src/core/jwt';
import { ecaFiles, ecaNames } from '../../../src/core/eca';
import { defaultManifest } from '../../../src/core/manifest';
import { jsforce, raw, testCert, useOrg } from './helpers';
import type { TestOrg } from '../src/server';
import type { OrgOptions } from '../src/options';

const v = '/services/data/v64.0';
const APP = 'BalkanID_Extractor';
const GLOBAL = `${APP}_glbloauth`;

async function zipOf(files: Record<string, string>): Promise<Buffer> {
  const z = new JSZip();
  for (const [k, val] of Object.entries(files)) z.file(k, val);
  return z.generateAsync({ type: 'nodebuffer' });
}
const certBody = () =>
  testCert()
    .certPem.replace(/-----[A-Z ]+-----/g, '')
    .trim();

/** The app's Id (SOQL) and its consumer Id (the end of OauthLink), as the product would find them. */
async function ids(org: TestOrg): Promise<{ appId: string; consumerId: string; link: string }> {
  const r = await jsforce(org).query<any>(
    `SELECT ExternalClientApplicationId, OauthLink FROM ExtlClntAppOauthSettings WHERE ExternalClientApplication.DeveloperName = '${APP}'`,
  );
  const row = r.records[0];
  return {
    appId: row.ExternalClientApplicationId,
    consumerId: String(row.OauthLink).split(':')[1],
    link: row.OauthLink,
  };
}

/** A session of a new user on the seeded "Delegated Admin" profile (View all External Client Apps, no secrets). */
function delegatedAdminToken(org: TestOrg): string {
  const profile = org.org.find('Profile', p => p.Name === 'Delegated Admin')!;
  const admin = org.org.find('User', u => u.Username === org.adminUsername)!;
  org.org.raw('User', {
    Username: 'delegate@acme.example',
    Email: 'delegate@acme.example',
    LastName: 'Delegate',
    Alias: 'dlg',
    ProfileId: profile.Id,
    IsActive: true,
    TimeZoneSidKey: admin.TimeZoneSidKey,
    LocaleSidKey: admin.LocaleSidKey,
    EmailEncodingKey: 'UTF-8',
    LanguageLocaleKey: admin.LanguageLocaleKey,
    UserType: 'Standard',
  });
  return org.tokenFor('delegate@acme.example');
}

describe('test org: a hardened org — the consumer key through the Metadata API (ExternalClientAppSettings)', () => {
  const t = useOrg({ scenario: 'done', deployMs: 20 });
  const reset = (options: OrgOptions) => t.org.reset('done', options);
  const readGlobal = async () =>
    ((await jsforce(t.org).metadata.read('ExtlClntAppGlobalOauthSettings' as any, [GLOBAL])) as any)[0];
  const retrieveGlobal = async () => {
    const r: any = await jsforce(t.org)
      .metadata.retrieve({
        apiVersion: '64.0',
        singlePackage: true,
        unpackaged: { types: [{ name: 'ExtlClntAppGlobalOauthSettings', members: [GLOBAL] }], version: '64.0' },
      } as any)
      .complete();
    const zip = await JSZip.loadAsync(Buffer.from(r.zipFile, 'base64'));
    return {
      xml: await zip.file(`extlClntAppGlobalOauthSets/${GLOBAL}.ecaGlblOauth`)?.async('string'),
      messages: r.messages,
    };
  };
  after(() => reset({}));

  it('by default (the setting On) readMetadata and retrieve return the consumer key, never the secret, and the settings say On', async () => {
    reset({});
    const g = await readGlobal();
    assert.match(g.consumerKey, /^3MVG9/);
    assert.equal(g.consumerSecret, undefined);
    const { xml } = await retrieveGlobal();
    assert.match(xml!, /<consumerKey>3MVG9/);
    assert.doesNotMatch(xml!, /consumerSecret/);
    const [s]: any = await jsforce(t.org).metadata.read('ExternalClientAppSettings' as any, ['ExternalClientApp']);
    assert.equal(s.enableConsumerSecretApiAccess, 'true');
    assert.equal(s.enableClientSecretInRestApiAccess, 'false');
  });

  it('with "Allow access to consumer secrets via Metadata API" Off, readMetadata and retrieve withhold the consumer key (and the secret); the certificate and the rest stay', async () => {
    reset({ consumerSecretsViaMetadata: false });
    const g = await readGlobal();
    assert.equal(g.consumerKey, undefined);
    assert.equal(g.consumerSecret, undefined);
    assert.equal(g.externalClientApplication, APP);
    assert.ok(g.certificate);
    const { xml } = await retrieveGlobal();
    assert.doesNotMatch(xml!, /consumerKey|consumerSecret/);
    assert.match(xml!, /<externalClientApplication>BalkanID_Extractor<\/externalClientApplication>/);
    const [s]: any = await jsforce(t.org).metadata.read('ExternalClientAppSettings' as any, ['ExternalClientApp']);
    assert.equal(s.enableConsumerSecretApiAccess, 'false');
  });

  it('…a deploy of the app still succeeds on such an org (the default reading) and the key it generates is withheld on read', async () => {
    reset({ consumerSecretsViaMetadata: false });
    const conn = jsforce(t.org);
    const res: any = await conn.metadata
      .deploy(
        await zipOf(
          ecaFiles(defaultManifest('x@example.test', 'x@example.test'), ecaNames('Second_App'), certBody(), '64.0', [
            'app',
            'global',
            'oauth',
          ]),
        ),
        { singlePackage: true },
      )
      .complete(true);
    assert.equal(res.status, 'Succeeded');
    assert.match(
      t.org.meta.getComponent('ExtlClntAppGlobalOauthSettings', 'Second_App_glbloauth')!.consumerKey,
      /^3MVG9/,
    );
    const [g]: any = await conn.metadata.read('ExtlClntAppGlobalOauthSettings' as any, ['Second_App_glbloauth']);
    assert.equal(g.consumerKey, undefined);
  });

  it('turning the setting On again (upsertMetadata of ExternalClientAppSettings, as in Setup) makes the key readable', async () => {
    reset({ consumerSecretsViaMetadata: false });
    const conn = jsforce(t.org);
    const r: any = await conn.metadata.upsert(
      'ExternalClientAppSettings' as any,
      {
        fullName: 'ExternalClientApp',
        enableConsumerSecretApiAccess: 'true',
      } as any,
    );
    assert.equal(String(r.success), 'true');
    assert.match((await readGlobal()).consumerKey, /^3MVG9/);
  });

  it("hardenedMetadataWithholds 'secret': Off withholds only the secret, the key is read", async () => {
    reset({ consumerSecretsViaMetadata: false, hardenedMetadataWithholds: 'secret' });
    const g = await readGlobal();
    assert.match(g.consumerKey, /^3MVG9/);
    assert.equal(g.consumerSecret, undefined);
  });

  it("hardenedMetadataWithholds 'plugin' (the literal Special Access Rules): the OAuth plugin types cannot be read, retrieved or deployed; the app itself can", async () => {
    reset({ consumerSecretsViaMetadata: false, hardenedMetadataWithholds: 'plugin' });
    const conn = jsforce(t.org);
    for (const type of ['ExtlClntAppGlobalOauthSettings', 'ExtlClntAppOauthSettings'])
      await assert.rejects(
        conn.metadata.read(type as any, [type === 'ExtlClntAppOauthSettings' ? `${APP}_oauth` : GLOBAL]),
        (e: any) =>
          e.errorCode === 'sf:INSUFFICIENT_ACCESS' &&
          /Allow access to External Client App consumer secrets via Metadata API/.test(e.message),
      );
    const [app]: any = await conn.metadata.read('ExternalClientApplication' as any, [APP]);
    assert.equal(app.fullName, APP);
    const { xml, messages } = await retrieveGlobal();
    assert.equal(xml, undefined);
    assert.match(JSON.stringify(messages), /requires the org setting Allow access/);
    const res: any = await conn.metadata
      .deploy(
        await zipOf(
          ecaFiles(defaultManifest('x@example.test', 'x@example.test'), ecaNames('Third_App'), certBody(), '64.0', [
            'app',
            'global',
          ]),
        ),
        { singlePackage: true, rollbackOnError: true },
      )
      .complete(true);
    assert.equal(res.status, 'Failed');
    assert.deepEqual(
      []
        .concat(res.details.componentFailures)
        .map((f: any) => f.componentType)
        .sort(),
      ['ExtlClntAppGlobalOauthSettings'],
    );
  });
});

describe('test org: ExtlClntAppOauthSettings.OauthLink (Metadata API: "combines the org ID and OAuth consumer ID")', () => {
  const t = useOrg({ scenario: 'done', deployMs: 20 });

  it('is "<15-character org Id>:<15-character consumer Id 888…>" on the sObject and in readMetadata, stable across a redeploy', async () => {
    const { link, consumerId } = await ids(t.org);
    assert.match(link, /^00D\w{12}:888\w{12}$/);
    assert.equal(link.split(':')[0], t.org.org.orgId.slice(0, 15));
    const [m]: any = await jsforce(t.org).metadata.read('ExtlClntAppOauthSettings' as any, [`${APP}_oauth`]);
    assert.equal(m.oauthLink, link);
    await jsforce(t.org)
      .metadata.deploy(
        await zipOf(ecaFiles(defaultManifest('x@example.test', 'x@example.test'), ecaNames(APP), certBody(), '64.0')),
        { singlePackage: true },
      )
      .complete(true);
    assert.equal((await ids(t.org)).consumerId, consumerId);
  });

  it('is empty for an app without global OAuth settings (no consumer yet)', async () => {
    await jsforce(t.org)
      .metadata.deploy(
        await zipOf(
          ecaFiles(defaultManifest('x@example.test', 'x@example.test'), ecaNames('Keyless_App'), certBody(), '64.0', [
            'app',
            'oauth',
          ]),
        ),
        { singlePackage: true },
      )
      .complete(true);
    const r = await jsforce(t.org).query<any>(
      "SELECT OauthLink FROM ExtlClntAppOauthSettings WHERE ExternalClientApplication.DeveloperName = 'Keyless_App'",
    );
    assert.equal(r.records[0].OauthLink, null);
  });
});

describe('test org: Connect REST "OAuth Credentials by App and Consumer ID" (apps/oauth/credentials, API 60.0+)', () => {
  const t = useOrg({ scenario: 'done' });
  const key = () => t.org.meta.getComponent('ExtlClntAppGlobalOauthSettings', GLOBAL)!.consumerKey as string;
  const get = (path: string, token = t.org.adminToken, version = 'v64.0') =>
    raw(t.org, 'GET', `/services/data/${version}/apps/oauth/credentials/${path}`, undefined, {
      Authorization: `Bearer ${token}`,
    });
  after(() => t.org.reset('done'));

  it('with the REST setting Off (the default) every read is refused FUNCTIONALITY_NOT_ENABLED — the key too, unless credentialsKeyNeedsRestSetting is off', async () => {
    t.org.reset('done');
    const { appId, consumerId } = await ids(t.org);
    const r = await get(`${appId}/${consumerId}`);
    assert.equal(r.status, 403);
    assert.equal(r.body[0].errorCode, 'FUNCTIONALITY_NOT_ENABLED');
    assert.equal(r.body[0].message, 'This feature is not currently enabled for this user.');
    assert.equal((await get(appId)).status, 403);
    t.org.reset('done', { credentialsKeyNeedsRestSetting: false });
    const again = await ids(t.org);
    const k = await jsforce(t.org).request<any>(`${v}/apps/oauth/credentials/${again.appId}/${again.consumerId}`);
    assert.equal(k.key, key());
    assert.equal(k.secret, undefined);
    const s = await get(`${again.appId}/${again.consumerId}?part=secret`);
    assert.equal(s.status, 403, 'the secret needs the REST setting (ExternalClientAppSettings, API 62.0+)');
    assert.equal(s.body[0].errorCode, 'FUNCTIONALITY_NOT_ENABLED');
  });

  it('answers the key by default and the secret only with part=secret or keyandsecret; the consumer Id is the end of OauthLink', async () => {
    t.org.reset('done', { consumerSecretsViaRest: true });
    const { appId, consumerId } = await ids(t.org);
    const conn = jsforce(t.org);
    const k = await conn.request<any>(`${v}/apps/oauth/credentials/${appId}/${consumerId}`);
    assert.deepEqual(Object.keys(k).sort(), ['id', 'key', 'name', 'url']);
    assert.equal(k.key, key());
    assert.equal(k.id.slice(0, 15), consumerId);
    assert.equal(k.name, 'BalkanID Extractor');
    assert.equal(k.url, `${v}/apps/oauth/credentials/${appId}/${k.id}`);
    assert.equal(
      (await conn.request<any>(`${v}/apps/oauth/credentials/${appId}/${consumerId}?part=key`)).secret,
      undefined,
    );
    const both = await conn.request<any>(`${v}/apps/oauth/credentials/${appId}/${consumerId}?part=keyandsecret`);
    assert.equal(both.key, key());
    assert.match(both.secret, /^[0-9A-F]{64}$/);
    const secret = await conn.request<any>(`${v}/apps/oauth/credentials/${appId}/${consumerId}?part=secret`);
    assert.equal(secret.key, undefined);
    assert.equal(secret.secret, both.secret);
    const list = await conn.request<any>(`${v}/apps/oauth/credentials/${appId}`);
    assert.deepEqual(
      list.consumers.map((c: any) => [c.id.slice(0, 15), c.key, c.secret]),
      [[consumerId, key(), undefined]],
    );
    const atV64 = await conn.request<any>(`/services/data/v64.0/apps/oauth/credentials/${appId}/${consumerId}`);
    assert.equal(atV64.stagedCredentialsUrl, undefined, 'stagedCredentialsUrl is API 65.0+');
  });

  it('refuses a version before 60.0, an unknown app or consumer, a bad part, and anything but GET', async () => {
    t.org.reset('done', { consumerSecretsViaRest: true });
    const { appId, consumerId } = await ids(t.org);
    assert.equal((await get(`${appId}/${consumerId}`, t.org.adminToken, 'v59.0')).status, 404);
    assert.equal((await get(`${consumerId}/${consumerId}`)).body[0].errorCode, 'NOT_FOUND');
    assert.equal((await get(`${appId}/888000000000001AAA`)).status, 404);
    const bad = await get(`${appId}/${consumerId}?part=everything`);
    assert.equal(bad.status, 400);
    assert.match(bad.body[0].message, /Valid values are key, secret, keyandsecret/);
    const post = await raw(t.org, 'POST', `${v}/apps/oauth/credentials/${appId}/${consumerId}`, {});
    assert.equal(post.status, 405);
  });

  it('needs a permission to view External Client Apps, and View External Client App Consumer Secrets for the secret', async () => {
    t.org.reset('done', { consumerSecretsViaRest: true });
    const { appId, consumerId } = await ids(t.org);
    const delegate = delegatedAdminToken(t.org);
    const k = await get(`${appId}/${consumerId}`, delegate);
    assert.equal(k.status, 200, 'View all External Client Apps reads the key');
    const s = await get(`${appId}/${consumerId}?part=secret`, delegate);
    assert.equal(s.status, 403);
    assert.equal(s.body[0].errorCode, 'INSUFFICIENT_ACCESS');
    const jane = await get(`${appId}/${consumerId}`, t.org.tokenFor('jane@acme.example'));
    assert.equal(jane.status, 403);
  });

  it('records every request for the secret — answered or refused, staged routes included — and no key-only read', async () => {
    t.org.reset('done', { consumerSecretsViaRest: true });
    const { appId, consumerId } = await ids(t.org);
    assert.deepEqual(t.org.secretRequests(), []);
    await get(`${appId}/${consumerId}`);
    await get(`${appId}/${consumerId}?part=key`);
    await get(appId);
    assert.deepEqual(t.org.secretRequests(), [], 'key reads are not secret requests');
    await get(`${appId}/${consumerId}?part=keyandsecret`);
    await get(`${appId}/${consumerId}?part=secret`, delegatedAdminToken(t.org));
    await raw(t.org, 'POST', `${v}/apps/oauth/credentials/${appId}/${consumerId}/staged`, {});
    const seen = t.org.secretRequests().map(r => r.request);
    assert.deepEqual(seen, [
      `GET /apps/oauth/credentials/${appId}/${consumerId}?part=keyandsecret`,
      `GET /apps/oauth/credentials/${appId}/${consumerId}?part=secret`,
      `POST /apps/oauth/credentials/${appId}/${consumerId}/staged`,
    ]);
    const control = await fetch(`${t.org.url}/__testorg/secret-requests`).then(r => r.json());
    assert.equal((control as any[]).length, 3);
  });
});

describe('test org: JWT-based access tokens (Salesforce Help: "can be used only to access REST APIs")', () => {
  const t = useOrg({ scenario: 'done' });
  const login = async () =>
    (await new OAuth2({ loginUrl: t.org.url }).requestToken({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: jwtAssertion(
        t.org.demo!.privateKey,
        {
          iss: t.org.meta.getComponent('ExtlClntAppGlobalOauthSettings', GLOBAL)!.consumerKey,
          sub: 'balkanid@example.test',
          aud: 'https://login.salesforce.com',
        },
        t.org.org.now(),
      ),
    })) as any;
  const soapRead = (token: string, version = '64.0') =>
    raw(
      t.org,
      'POST',
      `/services/Soap/m/${version}`,
      `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata"><soapenv:Header><SessionHeader><sessionId>${token}</sessionId></SessionHeader></soapenv:Header><soapenv:Body><readMetadata><type>ExternalClientApplication</type><fullNames>${APP}</fullNames></readMetadata></soapenv:Body></soapenv:Envelope>`,
      { 'Content-Type': 'text/xml', SOAPAction: '""' },
    );
  after(() => t.org.reset('done'));

  it('by default tokens are opaque ("00D…!AQ…") and SOAP takes them', async () => {
    t.org.reset('done');
    const res = await login();
    assert.match(res.access_token, /^00D\w{12}!AQ/);
    assert.equal(res.token_format, undefined);
    assert.equal((await soapRead(t.org.adminToken)).status, 200);
  });

  it('with jwtAccessTokens every token is a signed JWT (token_format "jwt"): REST answers it, SOAP refuses it with HTTP 500 sf:INVALID_SESSION_ID', async () => {
    t.org.reset('done', { jwtAccessTokens: true });
    const res = await login();
    assert.equal(res.token_format, 'jwt');
    const [head, body] = res.access_token
      .split('.')
      .slice(0, 2)
      .map((p: string) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    assert.equal(head.alg, 'RS256');
    assert.equal(head.tty, 'sfdc-core-token');
    assert.equal(
      body.sub.slice(4, 19),
      t.org.org.find('User', u => u.Username === 'balkanid@example.test')!.Id.slice(0, 15),
    );
    const conn = jsforce(t.org, '64.0', res.access_token);
    assert.equal((await conn.query('SELECT COUNT() FROM PermissionSet')).done, true);
    const soap = await soapRead(res.access_token);
    assert.equal(soap.status, 500);
    assert.match(soap.text, /<faultcode>sf:INVALID_SESSION_ID<\/faultcode>/);
    // The admin's own session is JWT-based too; jsforce (3.10) refuses SOAP with it before sending anything.
    assert.equal(t.org.adminToken.split('.').length, 3);
    assert.equal((await soapRead(t.org.adminToken)).status, 500);
    await assert.rejects(
      jsforce(t.org).metadata.read('ExternalClientApplication' as any, [APP]),
      /SOAP API does not support JWT-based access tokens/,
    );
  });

  it('an app with "Issue JWT-based access tokens for named users" (isNamedUserJwtEnabled) gets JWT tokens from its JWT bearer logins', async () => {
    t.org.reset('done');
    const g = t.org.meta.getComponent('ExtlClntAppGlobalOauthSettings', GLOBAL)!;
    g.isNamedUserJwtEnabled = 'true';
    const res = await login();
    assert.equal(res.token_format, 'jwt');
    assert.equal(res.access_token.split('.').length, 3);
    assert.match(t.org.adminToken, /^00D/, "the admin's own session stays opaque");
  });

  it('soapAcceptsJwtTokensFrom 67: SOAP takes a JWT token at 67.0 and still refuses it at 64.0', async () => {
    t.org.reset('done', { jwtAccessTokens: true, soapAcceptsJwtTokensFrom: 67, maxApiVersion: 67 });
    assert.equal((await soapRead(t.org.adminToken, '67.0')).status, 200);
    assert.equal((await soapRead(t.org.adminToken, '64.0')).status, 500);
  });
});
