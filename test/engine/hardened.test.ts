// The engine on a hardened org (issue 19 §1): the consumer key through the Connect REST API when the Metadata API
// withholds it, or the admin led to the app's page in Setup; the OAuth settings closed to the Metadata API; JWT-based
// access tokens, which Salesforce takes for REST only; the app deployed at the pinned API version. Every full flow:
// check, apply, apply again with no writes, the self-test, BalkanID's login, teardown — and never a secret asked for.
import assert from 'node:assert/strict';
import { apply, check, runnable } from '../../src/core/engine';
import { ECA_DEPLOY_API_VERSION } from '../../src/core/eca';
import { OrgOptions } from '../../packages/sf-test-org/src/options';
import { adminClient, engineInput, guideManifest, jsforce, recorded, useOrg } from '../support/helpers';
import { fullFlow, keyInSetup } from '../support/flow';

const HARDENED: Array<[string, OrgOptions, 'org' | 'typed']> = [
  [
    'the key withheld by the Metadata API, readable through the Connect REST API',
    { consumerSecretsViaMetadata: false, hardenedMetadataWithholds: 'key', credentialsKeyNeedsRestSetting: false },
    'org',
  ],
  [
    'the key withheld by the Metadata API and the Connect route closed (both settings Off, as Salesforce advises)',
    { consumerSecretsViaMetadata: false, hardenedMetadataWithholds: 'key' },
    'typed',
  ],
  [
    'the Metadata API withholds only the secret',
    { consumerSecretsViaMetadata: false, hardenedMetadataWithholds: 'secret' },
    'org',
  ],
  [
    'every access token JWT-based (SOAP refuses them), the key through the Connect REST API',
    { jwtAccessTokens: true, credentialsKeyNeedsRestSetting: false },
    'org',
  ],
  ['every access token JWT-based and the Connect route closed', { jwtAccessTokens: true }, 'typed'],
  [
    'JWT-based tokens, SOAP said to take them from 67.0 (jsforce 3.10 still refuses them), the org at 67.0',
    { jwtAccessTokens: true, soapAcceptsJwtTokensFrom: 67, maxApiVersion: 67 },
    'typed',
  ],
  [
    'all of it: the Metadata setting Off, JWT-based tokens, the REST secret setting On (the key read, the secret never)',
    { consumerSecretsViaMetadata: false, jwtAccessTokens: true, consumerSecretsViaRest: true },
    'org',
  ],
];

describe('engine: the full flow on a hardened org', function () {
  this.timeout(120000);
  const t = useOrg({ scenario: 'fresh', deployMs: 20 });
  for (const [name, options, key] of HARDENED)
    it(`${name}: check, apply, apply again (no writes), self-test (Verify still waits), BalkanID's login (done), teardown; the key ${key === 'org' ? 'read from the org' : "copied from the app's page in Setup"}; no secret requested`, async () => {
      t.org.reset('fresh', options);
      const flow = await fullFlow(t.org);
      assert.equal(flow.key, key);
    });
});

describe('engine: the consumer key on a hardened org', function () {
  this.timeout(60000);
  const t = useOrg({ scenario: 'done' });

  it('reads the key with GET apps/oauth/credentials/{app Id}/{consumer Id from OauthLink}?part=key, after readMetadata gave none', async () => {
    t.org.reset('done', { consumerSecretsViaMetadata: false, credentialsKeyNeedsRestSetting: false });
    const spy = recorded(await adminClient(t.org));
    const { report } = await check({ ...engineInput(spy.client as never), manifest: guideManifest() });
    const app = t.org.org.find('ExternalClientApplication', a => a.DeveloperName === 'BalkanID_Extractor')!;
    const link = t.org.org.find('ExtlClntAppOauthSettings', s => s.ExternalClientApplicationId === app.Id)!.OauthLink;
    assert.match(link, /^00D\w{12}:888\w{12}$/);
    const connect = spy.sent.filter(s => s.includes('/apps/oauth/credentials/'));
    assert.deepEqual(connect, [
      `GET /services/data/v64.0/apps/oauth/credentials/${app.Id}/${link.split(':')[1]}?part=key`,
    ]);
    assert.equal(report.handoff!.consumerKey, keyInSetup(t.org));
    assert.equal(report.handoff!.consumerKeySource, 'org');
    assert.equal(report.steps.find(s => s.id === 'consumerKey')!.state, 'done');
    assert.deepEqual(t.org.secretRequests(), []);
  });

  it("with both routes closed: the finding names each route, its answer and the setting that closes it; the key box leads to the app's page in Setup; nothing asks for the secret", async () => {
    t.org.reset('done', { consumerSecretsViaMetadata: false });
    const { report } = await check(engineInput(await adminClient(t.org)));
    const step = report.steps.find(s => s.id === 'consumerKey')!;
    assert.equal(step.state, 'error');
    const f = step.findings.find(x => x.code === 'consumer-key-unreadable')!;
    assert.match(
      f.message,
      /the Metadata API did not give it \(NO_KEY: readMetadata returned the settings without their consumer key\)/,
    );
    assert.match(f.message, /"Allow access to External Client App consumer secrets via Metadata API" is Off/);
    assert.match(
      f.message,
      /the Connect REST API refused it \(FUNCTIONALITY_NOT_ENABLED: This feature is not currently enabled for this user\.\)/,
    );
    assert.match(f.message, /"Allow access to External Client App consumer secrets via REST API"/);
    assert.match(f.fix!, /Settings → OAuth Settings → Consumer Key and Secret/);
    assert.match(f.fix!, /--consumer-key/);
    const app = t.org.org.find('ExternalClientApplication', a => a.DeveloperName === 'BalkanID_Extractor')!;
    assert.equal(
      report.handoff!.consumerKeyPage,
      `${t.org.url}/lightning/setup/ManageExternalClientApplication/${app.Id}/detail`,
    );
    assert.equal(report.handoff!.consumerKey, undefined);
    // The admin's copy from Setup completes the step; a key typed elsewhere is only proved by a JWT login.
    const typed = await check({ ...engineInput(await adminClient(t.org)), typedConsumerKey: keyInSetup(t.org) });
    const done = typed.report.steps.find(s => s.id === 'consumerKey')!;
    assert.equal(done.state, 'done');
    assert.deepEqual(
      done.findings.map(x => x.code),
      ['consumer-key-typed'],
    );
    assert.equal(typed.report.handoff!.consumerKeySource, 'typed');
    assert.deepEqual(t.org.secretRequests(), []);
  });
});

describe('engine: the OAuth settings closed to the Metadata API (hardenedMetadataWithholds "plugin")', function () {
  this.timeout(60000);
  const t = useOrg({ scenario: 'fresh', deployMs: 20 });
  const options: OrgOptions = { consumerSecretsViaMetadata: false, hardenedMetadataWithholds: 'plugin' };

  it('the app step is blocked before any write and names the org setting (alone, it refuses); apply and Run All write the records and say what was written; with the setting On the app is made; Off again, a second apply writes nothing', async () => {
    t.org.reset('fresh', options);
    const input = engineInput(await adminClient(t.org));
    const { report } = await check(input);
    const app = report.steps.find(s => s.id === 'app')!;
    assert.equal(app.state, 'blocked');
    const f = app.findings.find(x => x.code === 'oauth-metadata-closed')!;
    assert.match(
      f.message,
      /Salesforce refuses the app's OAuth settings through the Metadata API \(INSUFFICIENT_ACCESS:/,
    );
    assert.match(
      f.fix!,
      /"Allow access to External Client App consumer secrets via Metadata API" \(Setup → External Client App Settings\)/,
    );
    // The app step alone refuses before writing, naming the step and the setting.
    await assert.rejects(
      apply(input, { steps: ['app'] }),
      (e: any) =>
        e.code === 'oauth-metadata-closed' &&
        e.step === 'app' &&
        /Allow access to External Client App consumer secrets via Metadata API/.test(e.message) &&
        /Nothing was written/.test(e.message),
    );
    assert.equal(t.org.org.writes, 0);
    // apply of everything does what can run, by Run All's rule (runnable, issue 20): the records; the app stays
    // blocked and its finding names the setting.
    const can = runnable(report);
    assert.deepEqual(can.steps, ['profile', 'user', 'permissionSet']);
    assert.deepEqual(
      can.blockers.map(b => b.step),
      ['app', 'link', 'consumerKey'],
    );
    const partial = await apply({ ...input, client: await adminClient(t.org) });
    assert.deepEqual([...new Set(partial.writes.map(w => w.step))], ['profile', 'user', 'permissionSet']);
    const blocked = partial.report.steps.find(s => s.id === 'app')!;
    assert.equal(blocked.state, 'blocked');
    assert.ok(blocked.findings.some(x => x.code === 'oauth-metadata-closed'));
    // The admin turns the setting On (Setup → External Client App Settings), as the finding says.
    await jsforce(t.org).metadata.upsert(
      'ExternalClientAppSettings' as never,
      {
        fullName: 'ExternalClientApp',
        enableConsumerSecretApiAccess: 'true',
      } as never,
    );
    const done = await apply({ ...input, client: await adminClient(t.org) });
    assert.ok(done.writes.some(w => w.step === 'app'));
    assert.equal(done.report.handoff!.consumerKey, keyInSetup(t.org));
    // …and Off again: the app's settings are unchecked, never drift; the key is typed; nothing is written again.
    await jsforce(t.org).metadata.upsert(
      'ExternalClientAppSettings' as never,
      {
        fullName: 'ExternalClientApp',
        enableConsumerSecretApiAccess: 'false',
      } as never,
    );
    const writes = t.org.org.writes;
    const again = await apply({ ...input, client: await adminClient(t.org), typedConsumerKey: keyInSetup(t.org) });
    assert.deepEqual(again.writes, []);
    assert.equal(t.org.org.writes, writes);
    const appNow = again.report.steps.find(s => s.id === 'app')!;
    assert.equal(appNow.state, 'done');
    assert.deepEqual(
      appNow.findings.map(x => x.code),
      ['app-partly-unchecked'],
    );
    assert.deepEqual(t.org.secretRequests(), []);
  });
});

describe('engine: JWT-based access tokens (Salesforce takes them for REST only)', function () {
  this.timeout(60000);
  const t = useOrg({ scenario: 'done' });

  it('no SOAP request is sent: the preflight says so plainly, the certificate and PKCE are unchecked (not drifted) and nothing is planned', async () => {
    t.org.reset('done', { jwtAccessTokens: true, credentialsKeyNeedsRestSetting: false });
    t.org.resetStats();
    const spy = recorded(await adminClient(t.org));
    const { report } = await check(engineInput(spy.client as never));
    assert.ok(
      Object.keys(t.org.stats().byRoute).every(r => !r.includes('/services/Soap/')),
      JSON.stringify(t.org.stats().byRoute),
    );
    const preflight = report.steps.find(s => s.id === 'preflight')!;
    const said = preflight.findings.find(f => f.code === 'jwt-session-rest-only')!;
    assert.match(said.message, /JWT-based: Salesforce accepts those for REST APIs only/);
    const app = report.steps.find(s => s.id === 'app')!;
    assert.equal(app.state, 'done');
    assert.deepEqual(app.plan, []);
    assert.match(
      app.findings.find(f => f.code === 'app-partly-unchecked')!.message,
      /unchecked \(never taken for drift\): callback URL, certificate and PKCE \(global OAuth settings\): your session is JWT-based/,
    );
    assert.ok(report.steps.find(s => s.id === 'profile')!.findings.some(f => f.code === 'profile-ip-ranges-unchecked'));
    assert.equal(report.handoff!.consumerKeySource, 'org', 'the key through REST');
  });

  it('a SOAP call on such a session is refused by the client with its own code, never sent', async () => {
    t.org.reset('done', { jwtAccessTokens: true });
    t.org.resetStats();
    const client = await adminClient(t.org);
    assert.equal(client.jwtSession, true);
    await assert.rejects(
      client.readMetadata('ExternalClientApplication', ['BalkanID_Extractor']),
      (e: any) =>
        e.code === 'SOAP_REFUSES_JWT_TOKEN' &&
        /readMetadata ExternalClientApplication was not sent: this session's access token is JWT-based/.test(e.message),
    );
    assert.equal(Object.keys(t.org.stats().byRoute).filter(r => r.includes('Soap')).length, 0);
  });
});

describe('engine: the app is deployed at the pinned API version', function () {
  this.timeout(60000);
  const t = useOrg({ scenario: 'fresh', deployMs: 20 });

  it(`on an org at 67.0 the deploy goes to v${ECA_DEPLOY_API_VERSION}; reads stay at the org's newest`, async () => {
    t.org.reset('fresh', { maxApiVersion: 67 });
    t.org.resetStats();
    const client = await adminClient(t.org);
    assert.equal(client.apiVersion, '67.0');
    await apply(engineInput(client));
    const routes = Object.keys(t.org.stats().byRoute);
    assert.ok(
      routes.includes(`POST /services/data/v${ECA_DEPLOY_API_VERSION}/metadata/deployRequest`),
      routes.join('\n'),
    );
    assert.ok(!routes.some(r => r === 'POST /services/data/v67.0/metadata/deployRequest'));
    assert.ok(routes.includes('POST /services/data/v67.0/composite/batch'));
  });
});
