// The setup engine against the test org, over HTTP through jsforce, scenario by scenario.
import assert from 'node:assert/strict';
import { apply, check, planOf, remaining, runnable } from '../../src/core/engine';
import { readPrivateKey } from '../../src/core/certificate';
import { SetupError, StepId } from '../../src/core/types';
import { jwtSelfTest } from '../../src/node/verify';
import { adminClient, assertNoDuplicates, engineInput, guideManifest, testCert, useOrg } from '../support/helpers';
import { TestOrg } from '../../packages/sf-test-org/src/server';
import { selfSignedCert } from '../../packages/sf-test-org/src/x509';

const states = (r: { steps: Array<{ id: StepId; state: string }> }) =>
  Object.fromEntries(r.steps.map(s => [s.id, s.state]));
const ALL_DONE = {
  preflight: 'done',
  profile: 'done',
  user: 'done',
  permissionSet: 'done',
  app: 'done',
  link: 'done',
  consumerKey: 'done',
  verify: 'waiting',
};

async function selfTest(org: TestOrg, overrides: { key?: string; audience?: string; username?: string } = {}) {
  const client = await adminClient(org);
  const { report } = await check(engineInput(client));
  return jwtSelfTest({
    instanceUrl: org.url,
    consumerKey: report.handoff!.consumerKey!,
    username: overrides.username ?? 'balkanid@example.test',
    key: readPrivateKey(overrides.key ?? testCert().keyPem),
    audience: overrides.audience ?? report.handoff!.loginUrl,
    attempts: 2,
    baseDelayMs: 10,
  });
}

describe('engine: fresh → apply → done', () => {
  const t = useOrg({ scenario: 'fresh' });

  it('checks a fresh org: every step to do, nothing written', async () => {
    const { report } = await check(engineInput(await adminClient(t.org)));
    assert.deepEqual(states(report), {
      preflight: 'done',
      profile: 'todo',
      user: 'todo',
      permissionSet: 'todo',
      app: 'todo',
      link: 'todo',
      consumerKey: 'todo',
      verify: 'todo',
    });
    assert.deepEqual(
      planOf(report).map(w => `${w.step}:${w.action}`),
      ['profile:create', 'user:create', 'permissionSet:create', 'permissionSet:create', 'app:deploy', 'link:create'],
    );
    assert.equal(t.org.org.writes, 0);
  });

  it('applies the whole guide in at most 9 requests with connect (deploy status polls apart), then a second apply writes nothing', async () => {
    t.org.resetStats();
    const input = engineInput(await adminClient(t.org));
    const first = await apply(input);
    assert.deepEqual(states(first.report), ALL_DONE);
    const s = t.org.stats();
    const polls = Object.entries(s.byRoute)
      .filter(([k]) => /deployRequest\/0Af/.test(k))
      .reduce((n, [, v]) => n + v, 0);
    // Issue 20's budget is 10 with connect and polls; how many polls a deploy needs depends on its time, so the
    // budget counted here is without them (npm run bench counts them, at 100 ms latency).
    assert.ok(s.total - polls <= 9, `connect + apply made ${s.total - polls} requests besides deploy polls`);
    // What the guide asks for, read back from the org.
    const o = t.org.org;
    const profile = o.find('Profile', p => p.Name === 'BalkanID Integration')!;
    assert.ok(profile.PermissionsViewSetup && profile.PermissionsViewRoles && profile.PermissionsApiEnabled);
    assert.equal(o.get('UserLicense', profile.UserLicenseId)!.LicenseDefinitionKey, 'AUL');
    const user = o.find('User', u => u.Username === 'balkanid@example.test')!;
    assert.deepEqual(
      [user.ProfileId, user.UserRoleId, user.Alias, user.TimeZoneSidKey],
      [profile.Id, null, 'BalkanID', 'America/Los_Angeles'],
    );
    const ps = o.find('PermissionSet', p => p.Name === 'BalkanID_Extractor')!;
    assert.deepEqual(
      [ps.Label, ps.LicenseId, ps.PermissionsApiEnabled, ps.PermissionsViewAllData],
      ['BalkanID Extractor', null, true, true],
    );
    const g = t.org.meta.getComponent('ExtlClntAppGlobalOauthSettings', 'BalkanID_Extractor_glbloauth')!;
    assert.deepEqual([g.isPkceRequired, g.callbackUrl], ['false', 'https://app.balkan.id']);
    assert.equal(first.report.handoff!.consumerKey, g.consumerKey);
    const writes = t.org.org.writes;
    t.org.resetStats();
    const second = await apply(engineInput(await adminClient(t.org)));
    assert.deepEqual(second.writes, []);
    assert.equal(t.org.org.writes, writes, 'zero writes on a finished org');
    // Connect (2) and check (4, in parallel: the data batch, the Tooling query and two metadata reads).
    assert.ok(t.org.stats().total <= 6, `re-run made ${t.org.stats().total} requests (2 to connect, 4 to check)`);
    assertNoDuplicates(t.org);
  });

  it('verifies with a real JWT login and reads what the extractor reads', async () => {
    const r = await selfTest(t.org);
    assert.equal(r.ok, true, JSON.stringify(r.failure));
    assert.deepEqual(
      r.reads.map(x => x.object),
      [
        'UserLicense',
        'Profile',
        'UserRole',
        'PermissionSet',
        'PermissionSetGroup',
        'PermissionSetGroupComponent',
        'Group',
        'UserLogin',
        'User',
        'PermissionSetAssignment',
        'GroupMember',
      ],
    );
    assert.equal(
      r.reads.find(x => x.object === 'User')!.count,
      t.org.org.all('User').filter(u => u.UserType === 'Standard').length,
      'the internal users, as the export reads them by default',
    );
    const { report } = await check(engineInput(await adminClient(t.org)));
    assert.equal(
      report.steps.find(s => s.id === 'verify')!.findings.find(f => f.code === 'login-ok')?.severity,
      'info',
    );
  });

  it('maps each JWT misconfiguration to its cause', async () => {
    const o = t.org.org;
    const expect = async (mutate: () => () => void, error: string, cause: RegExp, overrides = {}) => {
      const undo = mutate();
      try {
        const r = await selfTest(t.org, overrides);
        assert.equal(r.ok, false);
        assert.equal(r.failure!.error, error);
        assert.match(r.failure!.cause, cause);
      } finally {
        undo();
      }
    };
    await expect(() => () => undefined, 'invalid_grant', /signature does not match/, { key: selfSignedCert().keyPem });
    await expect(
      () => {
        const s = o.all('SetupEntityAccess')[0];
        o.table('SetupEntityAccess').delete(s.Id.slice(0, 15));
        return () => o.table('SetupEntityAccess').set(s.Id.slice(0, 15), s);
      },
      'invalid_app_access',
      /no permission set or profile linked/,
    );
    await expect(
      () => {
        const p = t.org.meta.all('ExtlClntAppOauthConfigurablePolicies')[0];
        p.permittedUsersPolicyType = 'AllSelfAuthorized';
        return () => {
          p.permittedUsersPolicyType = 'AdminApprovedPreAuthorized';
        };
      },
      'invalid_grant',
      /Permitted Users/,
    );
    await expect(() => () => undefined, 'invalid_grant', /audience/, { audience: 'https://test.salesforce.com' });
    await expect(
      () => {
        const u = o.table('User').get(o.find('User', x => x.Username === 'balkanid@example.test')!.Id.slice(0, 15))!;
        u.IsActive = false;
        return () => {
          u.IsActive = true;
        };
      },
      'invalid_grant',
      /inactive or frozen/,
    );
  });

  it('warns about Login IP Ranges on the integration profile, which JWT logins always enforce', async () => {
    const profile = t.org.org.find('Profile', p => p.Name === 'BalkanID Integration')!;
    t.org.org.ipRestrictedProfiles.add(profile.Id.slice(0, 15));
    try {
      const { report } = await check(engineInput(await adminClient(t.org)));
      const f = report.steps.find(s => s.id === 'profile')!.findings.find(x => x.code === 'profile-ip-ranges');
      assert.match(f?.message ?? '', /Login IP Ranges \(10\.0\.0\.1–10\.0\.0\.1\)/);
      assert.equal((await selfTest(t.org)).failure?.error, 'invalid_grant');
      const after = (await check(engineInput(await adminClient(t.org)))).report.steps.find(s => s.id === 'verify')!;
      assert.equal(after.state, 'error', 'the latest login failed');
      assert.match(after.findings.find(x => x.code === 'login-failing')!.message, /failed: Restricted IP/);
    } finally {
      t.org.org.ipRestrictedProfiles.delete(profile.Id.slice(0, 15));
    }
    assert.equal((await selfTest(t.org)).ok, true);
    assert.equal(
      states((await check(engineInput(await adminClient(t.org)))).report).verify,
      'done',
      'a successful login clears it',
    );
  });

  it('detects drift and repairs it', async () => {
    const g = t.org.meta.getComponent('ExtlClntAppGlobalOauthSettings', 'BalkanID_Extractor_glbloauth')!;
    g.isPkceRequired = 'true';
    const ps = t.org.org
      .table('PermissionSet')
      .get(t.org.org.find('PermissionSet', p => p.Name === 'BalkanID_Extractor')!.Id.slice(0, 15))!;
    ps.PermissionsViewAllData = false;
    const sea = t.org.org.all('SetupEntityAccess')[0];
    t.org.org.table('SetupEntityAccess').delete(sea.Id.slice(0, 15));
    const input = engineInput(await adminClient(t.org));
    const { report } = await check(input);
    const st = states(report);
    assert.deepEqual([st.permissionSet, st.app, st.link], ['drifted', 'drifted', 'drifted']);
    assert.match(
      report.steps
        .find(s => s.id === 'app')!
        .findings.map(f => f.message)
        .join(' '),
      /PKCE is required/,
    );
    const fixed = await apply(input);
    assert.deepEqual(states(fixed.report), { ...ALL_DONE, verify: 'done' }); // the self-test above logged in
    assert.equal((await selfTest(t.org)).ok, true);
    assertNoDuplicates(t.org);
  });
});

describe('engine: half-done org converges', () => {
  const t = useOrg({ scenario: 'half' });
  it('reports the drifted permission set and finishes the rest', async () => {
    const input = engineInput(await adminClient(t.org));
    const { report } = await check(input);
    const st = states(report);
    assert.deepEqual([st.profile, st.user, st.permissionSet, st.app], ['done', 'done', 'drifted', 'todo']);
    assert.ok(
      report.steps
        .find(s => s.id === 'permissionSet')!
        .findings.some(f => f.code === 'permset-permission-drift' && f.permission === 'ViewAllData'),
    );
    assert.deepEqual(states((await apply(input)).report), ALL_DONE);
    assertNoDuplicates(t.org);
  });
});

describe('engine: a limited admin', () => {
  const t = useOrg({ scenario: 'limited-admin' });
  it('names each missing permission and the step it blocks, and writes nothing', async () => {
    const input = engineInput(await adminClient(t.org));
    const { report } = await check(input);
    const missing = (id: StepId) =>
      report.steps
        .find(s => s.id === id)!
        .findings.filter(f => f.code === 'admin-permission-missing')
        .map(f => f.permission);
    assert.deepEqual(missing('profile'), ['ManageProfilesPermissionsets']);
    assert.deepEqual(missing('app'), ['CustomizeApplication', 'ExternalClientAppDeveloper', 'ModifyMetadata']);
    assert.deepEqual(missing('user'), []);
    assert.equal(states(report).profile, 'blocked');
    assert.equal(states(report).user, 'blocked', 'the user waits for the blocked profile');
    await assert.rejects(
      apply(input),
      (e: any) =>
        e instanceof SetupError && e.step === 'profile' && /Manage Profiles and Permission Sets/.test(e.message),
    );
    assert.equal(t.org.org.writes, 0);
  });
});

describe('engine: no Salesforce Platform licence left', () => {
  const t = useOrg({ scenario: 'no-licenses' });
  it('says so, with the free licences of other kinds; the user step alone is refused before any write', async () => {
    const input = engineInput(await adminClient(t.org));
    const { report } = await check(input);
    const f = report.steps.find(s => s.id === 'user')!.findings.find(x => x.code === 'license-exhausted')!;
    assert.match(f.message, /3 of 3 used/);
    assert.match(f.message, /free licences of other kinds — .*Salesforce Integration \(5 free\)/);
    assert.equal(states(report).user, 'blocked');
    await assert.rejects(
      apply(input, { steps: ['user'] }),
      (e: any) => e instanceof SetupError && e.code === 'license-exhausted',
    );
    assert.equal(t.org.org.writes, 0);
  });
  it('apply does what can run — the profile, the one write the plan offers — and leaves the rest as it is', async () => {
    t.org.reset('no-licenses');
    const input = engineInput(await adminClient(t.org));
    const offered = runnable((await check(input)).report);
    assert.deepEqual(
      offered.writes.map(w => `${w.step}: ${w.action}`),
      ['profile: create'],
    );
    const { report, writes } = await apply(input);
    assert.deepEqual(
      writes.map(w => `${w.step}: ${w.action}`),
      ['profile: create'],
    );
    assert.deepEqual([states(report).profile, states(report).user], ['done', 'blocked']);
    // The values are not handed over for a user that was never created.
    assert.match(
      report.handoff!.notReady!,
      /^The integration user balkanid@example\.test does not exist: No Salesforce/,
    );
  });
});

describe('engine: sandbox', () => {
  const t = useOrg({ scenario: 'sandbox' });
  it('hands off the test login URL and logs in with the test audience', async () => {
    const { report } = await apply(engineInput(await adminClient(t.org)));
    assert.deepEqual([report.org.isSandbox, report.handoff!.loginUrl], [true, 'https://test.salesforce.com']);
    assert.equal((await selfTest(t.org)).ok, true);
    assert.equal((await selfTest(t.org, { audience: 'https://login.salesforce.com' })).failure?.error, 'invalid_grant');
  });
});

describe('engine: bad username', () => {
  const t = useOrg({ scenario: 'fresh' });
  it('turns DUPLICATE_USERNAME into a finding with a free variant, and the next run completes', async () => {
    const client = await adminClient(t.org);
    const input = {
      ...engineInput(client),
      manifest: guideManifest({ user: { ...guideManifest().user, username: 'taken@acme.org' } }),
    };
    await assert.rejects(
      apply(input),
      (e: any) => e.code === 'DUPLICATE_USERNAME' && e.step === 'user' && /taken@acme\.org\.balkanid/.test(e.message),
    );
    const next = await apply(engineInput(client));
    assert.deepEqual(states(next.report), ALL_DONE);
    assert.equal(remaining(next.report), 0);
  });
});

describe('engine: cancelling a run', () => {
  const t = useOrg({ scenario: 'fresh', deployMs: 300 });
  it('stops between writes with a clear message, and the next run completes', async () => {
    const abort = new AbortController();
    const seen: string[] = [];
    await assert.rejects(
      apply(engineInput(await adminClient(t.org)), {
        signal: abort.signal,
        onProgress: m => {
          seen.push(m);
          if (/^Deploying/.test(m)) abort.abort();
        },
      }),
      (e: any) => e instanceof SetupError && e.code === 'CANCELLED' && /Run again/.test(e.message),
    );
    assert.ok(
      seen.some(m => /^Writing: create profile/.test(m)),
      seen.join(' | '),
    );
    assert.equal(t.org.org.all('SetupEntityAccess').length, 0, 'nothing after the cancel point was written');
    const { report } = await apply(engineInput(await adminClient(t.org)));
    assert.deepEqual(states(report), ALL_DONE);
    assertNoDuplicates(t.org);
  });
});

describe('engine: settings it cannot read are unknown, not missing', () => {
  const t = useOrg({ scenario: 'done' });
  it('reports the unread settings and plans no redeploy because of them', async () => {
    t.org.addFault({
      path: '#readMetadata',
      status: 500,
      times: 2,
      contentType: 'text/xml',
      body: '<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>sf:INSUFFICIENT_ACCESS</faultcode><faultstring>INSUFFICIENT_ACCESS: no</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>',
    });
    const input = { ...engineInput(await adminClient(t.org)), certificate: undefined };
    const { report } = await check(input);
    const app = report.steps.find(s => s.id === 'app')!;
    assert.ok(
      app.findings.some(
        f =>
          f.code === 'app-partly-unchecked' &&
          /callback URL, certificate and PKCE \(global OAuth settings\): INSUFFICIENT_ACCESS: no/.test(f.message),
      ),
      JSON.stringify(app.findings),
    );
    assert.ok(!app.plan.length, 'no redeploy planned for settings that could not be read');
  });
});

describe('engine: the integration user is a user of its own', () => {
  const t = useOrg({ scenario: 'fresh' });
  it('refuses the connected admin as the integration user: the user step writes nothing, and nothing is granted to the admin', async () => {
    const client = await adminClient(t.org);
    const manifest = guideManifest({ user: { ...guideManifest().user, username: t.org.adminUsername } });
    const { report } = await check({ ...engineInput(client), manifest });
    assert.ok(report.steps.find(s => s.id === 'user')!.findings.some(f => f.code === 'user-is-admin'));
    await assert.rejects(
      apply({ ...engineInput(client), manifest }, { steps: ['user'] }),
      (e: any) => e.code === 'user-is-admin' && /Nothing was written/.test(e.message),
    );
    assert.equal(t.org.org.writes, 0);
    // What can run runs (the profile, as Run All offers it); the admin is never moved, assigned or linked.
    const admin = t.org.org.find('User', u => u.Username === t.org.adminUsername)!;
    const { writes } = await apply({ ...engineInput(client), manifest });
    assert.deepEqual(
      writes.map(w => w.step),
      ['profile'],
    );
    assert.equal(t.org.org.find('User', u => u.Username === t.org.adminUsername)!.ProfileId, admin.ProfileId);
    assert.equal(
      t.org.org
        .all('PermissionSetAssignment')
        .filter(
          a =>
            a.AssigneeId === admin.Id &&
            t.org.org.get('PermissionSet', a.PermissionSetId)?.Name === 'BalkanID_Extractor',
        ).length,
      0,
    );
  });
  it('an existing user on another profile: the plan says it moves from that profile to the integration profile', async () => {
    const manifest = guideManifest({ user: { ...guideManifest().user, username: 'ops@acme.example' } });
    const { report } = await check({ ...engineInput(await adminClient(t.org)), manifest });
    const plan = report.steps.find(s => s.id === 'user')!.plan.map(w => w.detail);
    assert.ok(plan.includes('profile "Standard Platform User" → "BalkanID Integration"'), JSON.stringify(plan));
  });
});
