// apply's paths against the test org (src/core/apply.ts) that the full flows do not take: the gate that refuses a
// step in error or blocked (or one that needs it) before anything is written, a deploy Salesforce refuses, the
// two-phase deploy when only a new app's satellites failed, the link whose insert answer was lost, and the check
// afterwards failing once every write was made.
import assert from 'node:assert/strict';
import { apply } from '../../src/core/engine';
import { OrgClient } from '../../src/core/client';
import { SetupError, isSetupError, Write } from '../../src/core/types';
import { adminClient, engineInput, setUp, useOrg } from '../support/helpers';
import { TestOrg } from '../../packages/sf-test-org/src/server';

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => {
      assert.ok(isSetupError(e), String(e));
      return e;
    },
  );

/** Freezes the integration user of the `done` scenario (Setup → Users → Freeze). */
function freeze(org: TestOrg): void {
  const o = org.org;
  const user = o.find('User', u => u.Username === 'balkanid@example.test')!;
  const login = o.find('UserLogin', l => l.UserId === user.Id)!;
  o.table('UserLogin').set(login.Id, { ...login, IsFrozen: true });
}

/** A client whose calls `intercept` sees first (the org still answers every request it makes over HTTP). */
function around(real: OrgClient, intercept: Partial<OrgClient>): OrgClient {
  return Object.assign(Object.create(real) as OrgClient, intercept);
}

const deployResult = (failures: Array<{ componentType: string; fullName: string; problem: string }>) => ({
  deployResult: {
    status: 'Failed',
    done: true,
    numberComponentsTotal: 5,
    numberComponentsDeployed: 5 - failures.length,
    details: { componentFailures: failures },
  },
});

describe('apply: the gate, a refused deploy, the link, the check afterwards', function () {
  this.timeout(30000);
  const t = useOrg({ scenario: 'fresh', deployMs: 20 });
  afterEach(() => t.org.clearFaults());

  it('a wanted step in error with nothing to write (a frozen user): "needs attention", its finding and fix, nothing written', async () => {
    t.org.reset('done', { deployMs: 20 });
    freeze(t.org);
    const before = t.org.org.writes;
    const e = await failure(apply(engineInput(await adminClient(t.org)), { steps: ['user'] }));
    assert.deepEqual([e.code, e.step, e.writes], ['user-frozen', 'user', []]);
    assert.equal(
      e.message,
      'Step "Integration user" needs attention: User balkanid@example.test is frozen; JWT logins will fail. Unfreeze ' +
        'the user in Setup → Users. Nothing was written.',
    );
    assert.equal(t.org.org.writes, before);
  });
  it('a step that needs a step in error: "cannot run: it needs …, which needs attention"', async () => {
    t.org.reset('done', { deployMs: 20 });
    freeze(t.org);
    const ps = t.org.org.find('PermissionSet', p => p.Name === 'BalkanID_Extractor')!;
    t.org.org.table('PermissionSet').set(ps.Id, { ...ps, PermissionsViewAllData: false });
    const e = await failure(apply(engineInput(await adminClient(t.org)), { steps: ['permissionSet'] }));
    assert.deepEqual([e.code, e.step], ['user-frozen', 'permissionSet']);
    assert.equal(
      e.message,
      'Step "Permission set BalkanID Extractor, assigned" cannot run: it needs "Integration user", which needs ' +
        'attention: User balkanid@example.test is frozen; JWT logins will fail. Unfreeze the user in Setup → Users. ' +
        'Nothing was written.',
    );
  });
  it("a step in error that the run does not want stops nothing else: the app's drift (another certificate) is repaired", async () => {
    t.org.reset('done', { deployMs: 20 });
    freeze(t.org);
    const { writes } = await apply(engineInput(await adminClient(t.org)), { steps: ['profile', 'app'] });
    assert.deepEqual(
      writes.map(w => [w.step, w.action]),
      [['app', 'deploy']],
    );
  });
  it('a blocked step asked for, with writes to make (no licence free): "cannot run", with the finding\'s code; nothing written', async () => {
    t.org.reset('no-licenses', { deployMs: 20 });
    const e = await failure(apply(engineInput(await adminClient(t.org)), { steps: ['profile', 'user'] }));
    assert.deepEqual([e.code, e.step, e.writes], ['license-exhausted', 'user', []]);
    assert.match(e.message, /^Step "Integration user" cannot run: No Salesforce Platform licence is free \(/);
    assert.match(e.message, /Free or buy a Salesforce Platform licence, then run this step\. Nothing was written\.$/);
    assert.equal(
      t.org.org.find('Profile', p => p.Name === 'BalkanID Integration'),
      undefined,
    );
  });

  it("a deploy Salesforce refuses: DEPLOY_FAILED naming each failed component and its problem, the records' writes listed", async () => {
    t.org.reset('fresh', { deployMs: 20 });
    const client = await adminClient(t.org);
    t.org.addFault({
      method: 'GET',
      path: '/metadata/deployRequest/0Af',
      status: 200,
      body: deployResult([
        { componentType: 'ExternalClientApplication', fullName: 'BalkanID_Extractor', problem: 'Not allowed.' },
        { componentType: '', fullName: 'package.xml', problem: 'Bad package.' },
      ]),
    });
    // The status says Failed, so (rollbackOnError) nothing of it stays: the test org's deploy is undone to match.
    // Nothing else changed the org meanwhile, so no other run is named: the deploy's failure is reported as it is.
    const real = client.deploy.bind(client);
    let deploys = 0;
    const counting = around(client, {
      deploy: async (...args: Parameters<OrgClient['deploy']>) => {
        deploys++;
        const out = await real(...args);
        t.org.meta.remove('ExternalClientApplication', 'BalkanID_Extractor');
        return out;
      },
    });
    const e = await failure(apply({ ...engineInput(client), client: counting }));
    assert.deepEqual([e.code, e.step], ['DEPLOY_FAILED', 'app']);
    assert.equal(deploys, 1, 'an app component failed: no second phase');
    assert.match(
      e.message,
      /^Step "External Client App with JWT bearer" failed: the deploy 0Af\w+ ended Failed: ExternalClientApplication BalkanID_Extractor: Not allowed\.; package package\.xml: Bad package\. Written before the failure: /,
    );
    assert.deepEqual(
      e.writes!.map((w: Write) => [w.step, w.action]),
      [
        ['profile', 'create'],
        ['user', 'create'],
        ['permissionSet', 'create'],
        ['permissionSet', 'create'],
      ],
    );
  });
  it("only a new app's satellites failed: the app is deployed first, then its satellites, and the setup completes", async () => {
    t.org.reset('fresh', { deployMs: 20 });
    const client = await adminClient(t.org);
    t.org.addFault({
      method: 'GET',
      path: '/metadata/deployRequest/0Af',
      status: 200,
      body: deployResult([
        {
          componentType: 'ExtlClntAppOauthSettings',
          fullName: 'BalkanID_Extractor_oauth',
          problem: 'The External Client App does not exist yet.',
        },
      ]),
    });
    const said: string[] = [];
    const { report, writes } = await apply(engineInput(client), { onProgress: s => said.push(s) });
    assert.ok(said.includes('Deploying in two phases (app first)…'), said.join('\n'));
    assert.deepEqual(
      writes.filter(w => w.step === 'app').map(w => w.detail.replace(/^deploy 0Af\w+ /, '')),
      ['(app)', '(global, oauth, policy, appPolicy)'],
    );
    assert.deepEqual(
      writes.map(w => [w.step, w.by]),
      [
        ['profile', undefined],
        ['user', undefined],
        ['permissionSet', undefined],
        ['permissionSet', undefined],
        ['app', undefined],
        ['app', undefined],
        ['link', 'deploy'],
      ],
      "the policy's deploy made the link (the test org's default): nothing inserted",
    );
    assert.ok(setUp(report), JSON.stringify(report.steps.map(s => [s.id, s.state])));
  });
  it('a failed deploy of an app that already exists is not split in two phases', async () => {
    t.org.reset('done', { deployMs: 20 });
    const client = await adminClient(t.org);
    // The finished org's app has another certificate than this run's: the app step redeploys it.
    t.org.addFault({
      method: 'GET',
      path: '/metadata/deployRequest/0Af',
      status: 200,
      body: deployResult([
        { componentType: 'ExtlClntAppOauthConfigurablePolicies', fullName: 'x', problem: 'Refused.' },
      ]),
    });
    const e = await failure(apply(engineInput(client), { steps: ['app'] }));
    assert.deepEqual([e.code, e.step, e.writes], ['DEPLOY_FAILED', 'app', []]);
    assert.match(e.message, /ended Failed: ExtlClntAppOauthConfigurablePolicies x: Refused\. Nothing was written\.$/);
  });

  it('the link insert whose answer was lost: the link is read again, found, and counted as written', async () => {
    t.org.reset('fresh', { deployMs: 20, policyPermissionSetsCreateLinks: false });
    const client = await adminClient(t.org);
    const lost = around(client, {
      request: async (method: string, url: string, body?: unknown) => {
        const out = await client.request(method, url, body);
        if (method === 'POST' && /\/sobjects\/SetupEntityAccess$/.test(url))
          throw new SetupError('The org did not answer in time.', 'TIMEOUT');
        return out;
      },
    });
    const { report, writes } = await apply({ ...engineInput(client), client: lost });
    assert.deepEqual(writes.at(-1), {
      step: 'link',
      action: 'create',
      target: 'External Client App "BalkanID Extractor" policies',
      detail: 'Select Permission Sets: add "BalkanID Extractor"',
    });
    assert.ok(setUp(report));
    assert.equal(t.org.org.all('SetupEntityAccess').length, 1);
  });
  it('the link insert refused: the error stands, naming the link step, the writes before it listed', async () => {
    t.org.reset('fresh', { deployMs: 20, policyPermissionSetsCreateLinks: false });
    const client = await adminClient(t.org);
    t.org.addFault({
      method: 'POST',
      path: '/sobjects/SetupEntityAccess$',
      status: 400,
      body: [{ errorCode: 'INSUFFICIENT_ACCESS', message: 'No access.' }],
    });
    const e = await failure(apply(engineInput(client)));
    assert.equal(e.step, 'link');
    assert.equal(t.org.org.all('SetupEntityAccess').length, 0);
    assert.deepEqual(
      e.writes!.map((w: Write) => w.step),
      ['profile', 'user', 'permissionSet', 'permissionSet', 'app'],
    );
  });
  it('the link alone on an org without the app: NEEDS_APP, nothing written', async () => {
    t.org.reset('fresh', { deployMs: 20, policyPermissionSetsCreateLinks: false });
    const before = t.org.org.writes;
    const e = await failure(apply(engineInput(await adminClient(t.org)), { steps: ['link'] }));
    assert.deepEqual([e.code, e.step, e.writes], ['NEEDS_APP', 'link', []]);
    assert.match(
      e.message,
      /^Step "Permission set linked to the app" needs the External Client App first: run the app step\./,
    );
    assert.equal(t.org.org.writes, before);
  });

  it('every write made, the check afterwards fails: RECHECK_FAILED on Verify, with all the writes and the reason', async () => {
    t.org.reset('done', { deployMs: 20 });
    const ps = t.org.org.find('PermissionSet', p => p.Name === 'BalkanID_Extractor')!;
    t.org.org.table('PermissionSet').set(ps.Id, { ...ps, PermissionsViewAllData: false });
    const client = await adminClient(t.org);
    // The check afterwards reads the facts again in one batch: that batch fails.
    t.org.addFault({
      method: 'POST',
      path: '/composite/batch$',
      after: 1,
      status: 500,
      body: [{ errorCode: 'UNKNOWN_EXCEPTION', message: 'Down.' }],
      times: 5,
    });
    const e = await failure(apply(engineInput(client), { steps: ['permissionSet'] }));
    assert.deepEqual([e.code, e.step], ['RECHECK_FAILED', 'verify']);
    assert.deepEqual(
      e.writes!.map((w: Write) => [w.step, w.action, w.target]),
      [['permissionSet', 'update', 'permission set']],
    );
    assert.match(
      e.message,
      /^All 1 write\(s\) were made \(Update permission set — BalkanID Extractor\), but the check afterwards failed: .+ Run check to see the result\.$/,
    );
  });
});
