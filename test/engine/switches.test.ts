// The engine whichever way Salesforce answers: the full flow (apply, apply again, a real JWT login) against every
// setting of every switch where Salesforce's behaviour is uncertain (packages/sf-test-org/FIDELITY.md).
import assert from 'node:assert/strict';
import { apply, check } from '../../src/core/engine';
import { readPrivateKey } from '../../src/core/certificate';
import { jwtSelfTest } from '../../src/node/verify';
import { OrgOptions } from '../../packages/sf-test-org/src/state';
import {
  adminClient,
  assertNoDuplicates,
  engineInput,
  guideManifest,
  setUp,
  testCert,
  useOrg,
} from '../support/helpers';

const SETTINGS: Array<[string, OrgOptions]> = [
  ['the defaults (the strictest reading)', {}],
  [
    'the former defaults: straight apostrophes, no object-permission dependency',
    { curlyApostrophes: false, objectPermissionDependency: false },
  ],
  ['the policy deploy does not make the link', { policyPermissionSetsCreateLinks: false }],
  ['composite/batch refuses a whole batch with an undocumented resource', { batchRefusal: 'request' }],
  ['no PermissionDependency rows for View All Data (yet enforced)', { dependencyRowsForViewAllData: false }],
  [
    '…and refusals name API names with empty fields',
    { dependencyRowsForViewAllData: false, permissionErrorsByName: true },
  ],
  ['PermissionDependency in pages of 2 that repeat a row', { dependencyPageSize: 2, repeatDependencyBatch: true }],
  ['PermissionDependency in pages of 2 without repeats', { dependencyPageSize: 2, repeatDependencyBatch: false }],
  ['reads do not return the certificate', { readReturnsCertificate: false }],
  ['policy values read back as deployed', { policyValuesInOrgCase: false }],
  ['inserts enable the permissions they depend on', { autoEnableDependencies: true }],
  ["users without their profile's own assignment (older test data)", { profileAssignments: false }],
  ['query cursors without the old 10-per-user limit (API 56.0 and later)', { queryCursorLimit: 0 }],
  ['Digital Experiences on (every role has a RoleAndSubordinatesInternal group too)', { digitalExperiences: true }],
  ['expired permission set assignments removed at once', { expiredAssignments: 'removed' }],
  [
    'all the uncertain answers at once',
    {
      dependencyRowsForViewAllData: false,
      readReturnsCertificate: false,
      batchRefusal: 'request',
      dependencyPageSize: 2,
      policyPermissionSetsCreateLinks: false,
    },
  ],
];

describe('engine: the full flow under every setting of the test org', function () {
  this.timeout(120000);
  const t = useOrg({ scenario: 'fresh', deployMs: 20 });
  for (const [name, options] of SETTINGS) {
    for (const ipRelaxation of ['Bypass', 'Enforce_RelaxRefresh'] as const) {
      it(`${name}, IP relaxation ${ipRelaxation}: apply reaches every step (Verify waits for a login), a second apply writes nothing, the JWT login works and only then is Verify done`, async () => {
        t.org.reset('fresh', options);
        const manifest = guideManifest();
        manifest.app = { ...manifest.app, ipRelaxation };
        const input = { ...engineInput(await adminClient(t.org)), manifest };
        const first = await apply(input);
        assert.deepEqual(
          first.report.steps.filter(s => s.state !== 'done').map(s => [s.id, s.state, s.findings.map(f => f.code)]),
          [['verify', 'waiting', ['awaiting-login']]],
        );
        const writes = t.org.org.writes;
        const again = await apply({ ...input, client: await adminClient(t.org) });
        assert.deepEqual(again.writes, [], 'no redeploy loop, no repeated write');
        assert.equal(t.org.org.writes, writes);
        const { report } = await check(input);
        const login = await jwtSelfTest({
          instanceUrl: t.org.url,
          consumerKey: report.handoff!.consumerKey!,
          username: manifest.user.username,
          key: readPrivateKey(testCert().keyPem),
          audience: report.handoff!.loginUrl,
          attempts: 1,
        });
        assert.equal(login.ok, true, JSON.stringify(login.failure));
        const after = (await check({ ...input, client: await adminClient(t.org) })).report;
        assert.equal(after.steps.find(s => s.id === 'verify')!.state, 'done');
        assert.equal(after.login?.status, 'connected');
        assertNoDuplicates(t.org);
      });
    }
  }
});

describe('engine: an app another tool made', () => {
  const t = useOrg({ scenario: 'adopted' });
  it('is adopted under its own component names: the drift (PKCE on) is repaired without a second policy or settings', async () => {
    const before = t.org.meta.all('ExtlClntAppGlobalOauthSettings').map(g => g.fullName);
    const { report } = await check(engineInput(await adminClient(t.org)));
    assert.match(
      report.steps
        .find(s => s.id === 'app')!
        .findings.map(f => f.message)
        .join(' '),
      /PKCE is required/,
    );
    const { report: after, writes } = await apply(engineInput(await adminClient(t.org)));
    assert.ok(writes.some(w => w.step === 'app'));
    assert.ok(setUp(after), JSON.stringify(after.steps.map(s => [s.id, s.state])));
    assert.deepEqual(
      t.org.meta.all('ExtlClntAppGlobalOauthSettings').map(g => g.fullName),
      before,
    );
    assert.deepEqual(
      t.org.meta.all('ExtlClntAppOauthConfigurablePolicies').map(p => p.fullName),
      ['BalkanID_Extractor_Policies'],
    );
    assert.equal(after.handoff!.consumerKey, t.org.meta.all('ExtlClntAppGlobalOauthSettings')[0]!.consumerKey);
  });
});

describe('engine: running one step out of order', () => {
  const t = useOrg({ scenario: 'fresh' });
  it('--step app on an org without the permission set explains the order and writes nothing', async () => {
    await assert.rejects(
      apply(engineInput(await adminClient(t.org)), { steps: ['app'] }),
      (e: any) =>
        e.code === 'NEEDS_PERMSET' &&
        e.step === 'app' &&
        /Run the permission set step first/.test(e.message) &&
        /Nothing was written/.test(e.message),
    );
    assert.equal(t.org.org.writes, 0);
  });
});
