// The full flow the engine must pass under every setting of the test org (issue 19): check, apply, apply again with
// no writes, the self-test (remembered as the tool's own login, so Verify still waits), a login by another client
// (then Verify is done), and teardown — with no request for the consumer secret at any point.
import assert from 'node:assert/strict';
import { apply, check, teardown } from '../../src/core/engine';
import { readPrivateKey } from '../../src/core/certificate';
import { OwnLogin, rememberLogins } from '../../src/core/ownLogins';
import { Report, Write } from '../../src/core/types';
import { rememberedJwtLogin } from '../../src/node/verify';
import { TestOrg } from '../../packages/sf-test-org/src/server';
import { adminClient, assertNoDuplicates, engineInput, guideManifest, loginFromElsewhere, testCert } from './helpers';

/** The consumer key as an admin reads it on the app's page in Setup (the test org's own record of it). */
export const keyInSetup = (org: TestOrg) =>
  String(
    org.meta
      .all('ExtlClntAppGlobalOauthSettings')
      .find(g => String(g.externalClientApplication).toLowerCase() === 'balkanid_extractor')!.consumerKey,
  );

export interface FlowResult {
  /** The report right after the first apply, and its writes. */
  applied: { report: Report; writes: Write[] };
  /** Where the consumer key came from: the org (Metadata API or Connect REST API) or the admin's copy from Setup. */
  key: 'org' | 'typed';
  /** The report after the self-test, and after BalkanID's login. */
  afterSelfTest: Report;
  connected: Report;
}

export async function fullFlow(org: TestOrg): Promise<FlowResult> {
  const manifest = guideManifest();
  const base = { ...engineInput(await adminClient(org)), manifest };
  const applied = await apply(base);
  let typedConsumerKey: string | undefined;
  if (!applied.report.handoff!.consumerKey) {
    // The org gives the key to this tool by no route: the admin copies it from the app's page in Setup.
    const step = applied.report.steps.find(s => s.id === 'consumerKey')!;
    assert.deepEqual(
      step.findings.map(f => f.code),
      ['consumer-key-unreadable'],
    );
    assert.match(
      applied.report.handoff!.consumerKeyPage!,
      new RegExp(`^${org.url}/lightning/setup/ManageExternalClientApplication/0xI\\w{15}/detail$`),
    );
    typedConsumerKey = keyInSetup(org);
  }
  const input = { ...base, typedConsumerKey };
  const checked = (await check({ ...input, client: await adminClient(org) })).report;
  assert.deepEqual(
    checked.steps.filter(s => s.state !== 'done').map(s => [s.id, s.state]),
    [['verify', 'waiting']],
    JSON.stringify(checked.steps.map(s => [s.id, s.state, s.findings.map(f => f.message)])),
  );
  assert.equal(checked.handoff!.consumerKey, keyInSetup(org));
  const writes = org.org.writes;
  const again = await apply({ ...input, client: await adminClient(org) });
  assert.deepEqual(again.writes, [], 'a second apply writes nothing');
  assert.equal(org.org.writes, writes);

  // The self-test: a real JWT login, remembered as this tool's own.
  let own: OwnLogin[] = [];
  const admin = await adminClient(org);
  const selfTest = await rememberedJwtLogin(
    admin,
    {
      instanceUrl: org.url,
      consumerKey: checked.handoff!.consumerKey!,
      username: manifest.user.username,
      key: readPrivateKey(testCert().keyPem),
      audience: checked.handoff!.loginUrl,
      attempts: 1,
    },
    async fresh => {
      own = rememberLogins(own, fresh);
    },
    'self-test',
  );
  assert.equal(selfTest.ok, true, JSON.stringify(selfTest.failure ?? selfTest.reads));
  assert.equal(own.length, 1, 'its one login remembered');
  const afterSelfTest = (await check({ ...input, ownLogins: own, client: admin })).report;
  const waiting = afterSelfTest.steps.find(s => s.id === 'verify')!;
  assert.equal(waiting.state, 'waiting', 'the self-test is not BalkanID');
  assert.deepEqual(
    waiting.findings.map(f => f.code),
    ['self-test-passed', 'awaiting-login'],
  );
  assert.equal(afterSelfTest.login?.status, 'waiting');
  assert.equal(afterSelfTest.login?.selfTest?.ok, true);

  // BalkanID logs in from its own servers.
  assert.equal(await loginFromElsewhere(org, checked.handoff!.consumerKey!), 200);
  const connected = (await check({ ...input, ownLogins: own, client: admin })).report;
  assert.equal(connected.steps.find(s => s.id === 'verify')!.state, 'done');
  assert.equal(connected.login?.status, 'connected');
  assertNoDuplicates(org);
  assert.deepEqual(org.secretRequests(), [], 'the consumer secret was never asked for');

  await teardown({ ...input, client: await adminClient(org) });
  assert.equal(
    org.org.find('PermissionSet', p => p.Name === 'BalkanID_Extractor'),
    undefined,
  );
  assert.equal(
    org.org.find('ExternalClientApplication', a => a.DeveloperName === 'BalkanID_Extractor'),
    undefined,
  );
  assert.deepEqual(org.secretRequests(), []);
  return { applied, key: typedConsumerKey ? 'typed' : 'org', afterSelfTest, connected };
}
