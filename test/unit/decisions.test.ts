// Decisions the product makes and the tests never pinned: each finding's severity, subject and manifest key (they
// decide what reaches Problems, how loud, and where), how a step's state follows from its findings, which steps a
// stopped step holds back, what Run All says about a blocked step, a manifest's explicit scopes and login URL.
import assert from 'node:assert/strict';
import { evaluate, stoppedSteps } from '../../src/core/steps';
import { stepResult } from '../../src/core/steps/step';
import { loginStatus } from '../../src/core/steps/verify';
import type { OwnLogin } from '../../src/core/ownLogins';
import { runnable } from '../../src/core/engine';
import { Facts } from '../../src/core/facts';
import { Manifest, SCOPES, validateManifest } from '../../src/core/manifest';
import { CertificateInfo } from '../../src/core/certificate';
import { finding, FindingCode } from '../../src/core/findings';
import { Finding, Report, remaining, SetupError, StepId, StepResult, writesDone } from '../../src/core/types';
import { certificate, doneFacts, freshFacts, MANIFEST } from '../support/facts';
import { NOW } from '../support/clock';

type Shape = Pick<Finding, 'code' | 'severity' | 'subject' | 'manifestPath' | 'permission'>;
const shape = (f: Finding): Shape => ({
  code: f.code,
  severity: f.severity,
  subject: f.subject,
  manifestPath: f.manifestPath,
  permission: f.permission,
});
const steps = (
  f: Facts,
  m: Manifest = MANIFEST,
  cert: CertificateInfo | SetupError | undefined = certificate(),
  reactivate = false,
) => evaluate(f, m, cert, NOW, reactivate);
const findingsOf = (results: StepResult[], id: StepId) => results.find(s => s.id === id)!.findings.map(shape);
const stateOf = (results: StepResult[], id: StepId) => results.find(s => s.id === id)!.state;

interface SeverityCase {
  step: StepId;
  change?: (f: Facts) => void;
  manifest?: Manifest;
  cert?: () => CertificateInfo | SetupError | undefined;
  findings: Shape[];
}
const U = ['user', 'username'];
const CASES: Record<string, SeverityCase> = {
  'a missing admin permission: the request for a System Administrator first (a warning), then an error about the admin, naming the permission, on no manifest key':
    {
      step: 'preflight',
      change: f => void f.adminPerms!.delete('ViewSetup'),
      findings: [
        {
          code: 'admin-request',
          severity: 'warning',
          subject: 'admin',
          manifestPath: undefined,
          permission: undefined,
        },
        {
          code: 'admin-permission-missing',
          severity: 'error',
          subject: 'admin',
          manifestPath: undefined,
          permission: 'ViewSetup',
        },
      ],
    },
  'a placeholder username: an error of the user step on user.username': {
    step: 'user',
    manifest: { ...MANIFEST, user: { ...MANIFEST.user, username: 'balkanid@yourcompany.com' } },
    findings: [
      { code: 'placeholder-value', severity: 'error', subject: 'manifest', manifestPath: U, permission: undefined },
    ],
  },
  'a reserved email domain: a warning of the user step on user.email': {
    step: 'user',
    manifest: { ...MANIFEST, user: { ...MANIFEST.user, email: 'it@acme.test' } },
    findings: [
      {
        code: 'reserved-domain',
        severity: 'warning',
        subject: 'manifest',
        manifestPath: ['user', 'email'],
        permission: undefined,
      },
    ],
  },
  'an old API: an error about the org': {
    step: 'preflight',
    change: f => void (f.apiVersion = '61.0'),
    findings: [
      {
        code: 'api-version-too-old',
        severity: 'error',
        subject: 'org',
        manifestPath: undefined,
        permission: undefined,
      },
    ],
  },
  "the admin's permissions unreadable: a warning about the admin": {
    step: 'preflight',
    change: f => {
      f.adminPerms = undefined;
      f.failed.upa = { errorCode: 'INVALID_FIELD', message: 'no' };
    },
    findings: [
      {
        code: 'admin-permissions-unreadable',
        severity: 'warning',
        subject: 'admin',
        manifestPath: undefined,
        permission: undefined,
      },
    ],
  },
  'External Client Apps invisible: a warning about the org': {
    step: 'preflight',
    change: f => void (f.failed.app = { errorCode: 'INVALID_TYPE', message: 'no' }),
    findings: [
      { code: 'eca-unavailable', severity: 'warning', subject: 'org', manifestPath: undefined, permission: undefined },
    ],
  },
  'no licence left before the user exists: only a note (info) at the preflight': {
    step: 'preflight',
    change: f => {
      f.user = undefined;
      f.license!.UsedLicenses = 10;
    },
    findings: [
      { code: 'license-headroom', severity: 'info', subject: 'org', manifestPath: undefined, permission: undefined },
    ],
  },
  'no Salesforce Platform licence at all: an error about the org': {
    step: 'preflight',
    change: f => void (f.license = undefined),
    findings: [
      { code: 'license-missing', severity: 'error', subject: 'org', manifestPath: undefined, permission: undefined },
    ],
  },
  'no standard profile to clone: an error about the org': {
    step: 'profile',
    change: f => {
      f.profile = undefined;
      f.sourceProfile = undefined;
    },
    findings: [
      {
        code: 'source-profile-missing',
        severity: 'error',
        subject: 'org',
        manifestPath: undefined,
        permission: undefined,
      },
    ],
  },
  'a profile permission switched off: a warning on profile.name naming the first missing permission': {
    step: 'profile',
    change: f => void (f.profile!.PermissionsViewRoles = false),
    findings: [
      {
        code: 'profile-permission-drift',
        severity: 'warning',
        subject: 'integration-user',
        manifestPath: ['profile', 'name'],
        permission: 'ViewRoles',
      },
    ],
  },
  'login IP ranges on the profile: a warning on profile.name': {
    step: 'profile',
    change: f => void (f.profileIpRanges = [{ startAddress: '10.0.0.1', endAddress: '10.0.0.9' }]),
    findings: [
      {
        code: 'profile-ip-ranges',
        severity: 'warning',
        subject: 'integration-user',
        manifestPath: ['profile', 'name'],
        permission: undefined,
      },
    ],
  },
  'a profile of the name on another licence: an error on profile.name': {
    step: 'profile',
    change: f => void (f.profile!.UserLicenseId = '100000000000009AAA'),
    findings: [
      {
        code: 'profile-wrong-license',
        severity: 'error',
        subject: 'org',
        manifestPath: ['profile', 'name'],
        permission: undefined,
      },
    ],
  },
  'no licence to create the user: an error on user.username': {
    step: 'user',
    change: f => {
      f.user = undefined;
      f.license!.UsedLicenses = 10;
    },
    findings: [
      { code: 'license-exhausted', severity: 'error', subject: 'org', manifestPath: U, permission: undefined },
    ],
  },
  'the integration user is the admin: an error on user.username': {
    step: 'user',
    change: f => void (f.user!.Id = f.admin!.Id),
    findings: [
      { code: 'user-is-admin', severity: 'error', subject: 'integration-user', manifestPath: U, permission: undefined },
    ],
  },
  'an inactive user: an error on user.username': {
    step: 'user',
    change: f => void (f.user!.IsActive = false),
    findings: [
      { code: 'user-inactive', severity: 'error', subject: 'integration-user', manifestPath: U, permission: undefined },
    ],
  },
  'a frozen user: an error on user.username': {
    step: 'user',
    change: f => void (f.userFrozen = true),
    findings: [
      { code: 'user-frozen', severity: 'error', subject: 'integration-user', manifestPath: U, permission: undefined },
    ],
  },
  'a user on another profile: a warning on profile.name': {
    step: 'user',
    change: f => void (f.user!.ProfileId = '00e000000000009AAA'),
    findings: [
      {
        code: 'user-profile-drift',
        severity: 'warning',
        subject: 'integration-user',
        manifestPath: ['profile', 'name'],
        permission: undefined,
      },
    ],
  },
  'a user with a role: a warning on user.username': {
    step: 'user',
    change: f => void (f.user!.UserRoleId = '00E000000000001AAA'),
    findings: [
      {
        code: 'user-role-drift',
        severity: 'warning',
        subject: 'integration-user',
        manifestPath: U,
        permission: undefined,
      },
    ],
  },
  'a permission set permission switched off: a warning on permissionSet.name naming it': {
    step: 'permissionSet',
    change: f => void (f.permissionSet!.PermissionsApiEnabled = false),
    findings: [
      {
        code: 'permset-permission-drift',
        severity: 'warning',
        subject: 'integration-user',
        manifestPath: ['permissionSet', 'name'],
        permission: 'ApiEnabled',
      },
    ],
  },
  'a permission set tied to a licence: a warning on permissionSet.name': {
    step: 'permissionSet',
    change: f => void (f.permissionSet!.LicenseId = '100000000000001AAA'),
    findings: [
      {
        code: 'permset-has-license',
        severity: 'warning',
        subject: 'org',
        manifestPath: ['permissionSet', 'name'],
        permission: undefined,
      },
    ],
  },
  'an unassigned permission set: a warning on user.username': {
    step: 'permissionSet',
    change: f => void (f.permissionSet!.Assignments = { records: [] }),
    findings: [
      {
        code: 'permset-unassigned-drift',
        severity: 'warning',
        subject: 'integration-user',
        manifestPath: U,
        permission: undefined,
      },
    ],
  },
  'no certificate file: an error on the certificate key': {
    step: 'app',
    cert: () => undefined,
    findings: [
      {
        code: 'cert-missing',
        severity: 'error',
        subject: 'certificate',
        manifestPath: ['certificate'],
        permission: undefined,
      },
    ],
  },
  'an unreadable certificate: an error with the reading error code, on the certificate key': {
    step: 'app',
    cert: () => new SetupError('This is a certificate signing request (CSR), not a certificate.', 'cert-is-csr'),
    findings: [
      {
        code: 'cert-is-csr',
        severity: 'error',
        subject: 'certificate',
        manifestPath: ['certificate'],
        permission: undefined,
      },
    ],
  },
  'an expired certificate: an error on the certificate key': {
    step: 'app',
    cert: () => ({ ...certificate(), validTo: new Date(NOW).toISOString(), daysLeft: 0 }),
    findings: [
      {
        code: 'cert-expired',
        severity: 'error',
        subject: 'certificate',
        manifestPath: ['certificate'],
        permission: undefined,
      },
    ],
  },
  'an expiring certificate: a warning on the certificate key': {
    step: 'app',
    cert: () => ({ ...certificate(), daysLeft: 30 }),
    findings: [
      {
        code: 'cert-expiring',
        severity: 'warning',
        subject: 'certificate',
        manifestPath: ['certificate'],
        permission: undefined,
      },
    ],
  },
  'a certificate the org does not show: a warning on the certificate key': {
    step: 'app',
    change: f => void (f.global!.certificate = undefined),
    findings: [
      {
        code: 'cert-unverified',
        severity: 'warning',
        subject: 'certificate',
        manifestPath: ['certificate'],
        permission: undefined,
      },
    ],
  },
  'app settings that could not be read: a warning about the app, on no key': {
    step: 'app',
    change: f => {
      f.global = undefined;
      f.failed.global = { errorCode: 'INSUFFICIENT_ACCESS', message: 'no' };
    },
    findings: [
      {
        code: 'app-partly-unchecked',
        severity: 'warning',
        subject: 'app',
        manifestPath: undefined,
        permission: undefined,
      },
    ],
  },
  'a self-authorized policy: a warning about the app (and the drift it is, on the app key)': {
    step: 'app',
    change: f => void (f.policy!.PermittedUsersPolicyType = 'AllSelfAuthorized'),
    findings: [
      {
        code: 'policy-self-authorized',
        severity: 'warning',
        subject: 'app',
        manifestPath: undefined,
        permission: undefined,
      },
      { code: 'app-drift', severity: 'warning', subject: 'app', manifestPath: ['app'], permission: undefined },
    ],
  },
  'a missing link: a warning on permissionSet.name': {
    step: 'link',
    change: f => void (f.permissionSet!.SetupEntityAccessItems = { records: [] }),
    findings: [
      {
        code: 'link-missing-drift',
        severity: 'warning',
        subject: 'app',
        manifestPath: ['permissionSet', 'name'],
        permission: undefined,
      },
    ],
  },
  'a consumer key that cannot be read: an error about the app': {
    step: 'consumerKey',
    change: f => void (f.consumerKey = { refused: [{ route: 'metadata', code: 'NO_KEY', message: 'no key' }] }),
    findings: [
      {
        code: 'consumer-key-unreadable',
        severity: 'error',
        subject: 'app',
        manifestPath: undefined,
        permission: undefined,
      },
    ],
  },
  'no app yet: the consumer key is only pending (info)': {
    step: 'consumerKey',
    change: f => {
      f.app = undefined;
      f.global = undefined;
      f.consumerKey = undefined;
    },
    findings: [
      { code: 'pending', severity: 'info', subject: undefined, manifestPath: undefined, permission: undefined },
    ],
  },
  "BalkanID's latest login failed: a warning about the integration user": {
    step: 'verify',
    change: f =>
      void (f.logins = [
        { LoginTime: '2026-11-30T11:00:00Z', Status: 'Failed: x', Application: 'X', LoginType: 'Remote Access 2.0' },
      ]),
    findings: [
      {
        code: 'login-failing',
        severity: 'warning',
        subject: 'integration-user',
        manifestPath: undefined,
        permission: undefined,
      },
    ],
  },
  'a login through the app: a note (info), no problem': {
    step: 'verify',
    findings: [
      {
        code: 'login-ok',
        severity: 'info',
        subject: 'integration-user',
        manifestPath: undefined,
        permission: undefined,
      },
    ],
  },
  'no login yet: a note (info) that Verify waits': {
    step: 'verify',
    change: f => void (f.logins = []),
    findings: [
      {
        code: 'awaiting-login',
        severity: 'info',
        subject: 'integration-user',
        manifestPath: undefined,
        permission: undefined,
      },
    ],
  },
  'login history unreadable: a note (info) about the admin': {
    step: 'verify',
    change: f => void (f.failed.logins = { errorCode: 'INVALID_TYPE', message: 'no' }),
    findings: [
      {
        code: 'login-history-unreadable',
        severity: 'info',
        subject: 'admin',
        manifestPath: undefined,
        permission: undefined,
      },
    ],
  },
};

describe('decisions: each finding’s severity, subject and manifest key (what reaches Problems, and where)', () => {
  for (const [title, c] of Object.entries(CASES)) {
    it(`${c.step}: ${title}`, () => {
      const f = doneFacts();
      c.change?.(f);
      const results = evaluate(f, c.manifest ?? MANIFEST, c.cert ? c.cert() : certificate(), NOW);
      assert.deepEqual(findingsOf(results, c.step), c.findings);
    });
  }
});

describe("decisions: a step's state from its findings and plan", () => {
  const s = { id: 'user' as StepId, title: 'Integration user' };
  const f = (code: FindingCode): Finding => finding(code, { message: code });
  const write = { step: 'user' as StepId, action: 'update' as const, target: 't', detail: 'd' };
  const state = (e: { findings: Finding[]; plan?: (typeof write)[]; done: boolean }, id: StepId = 'user') =>
    stepResult({ ...s, id }, { plan: [], ...e }).state;
  it('exists, nothing to write, only a warning and an info that inform: done', () => {
    assert.equal(state({ findings: [f('reserved-domain'), f('license-headroom')], done: true }), 'done');
  });
  it("exists, nothing to write, only the admin's missing permissions: still done (a later change needs them)", () => {
    assert.equal(state({ findings: [f('admin-permission-missing')], done: true }), 'done');
  });
  it("the preflight with the admin's missing permission is not done: error", () => {
    const facts = doneFacts();
    facts.adminPerms!.delete('ViewSetup');
    assert.equal(stateOf(steps(facts), 'preflight'), 'error');
  });
  it('exists with an error of its own and nothing to write: error', () => {
    assert.equal(state({ findings: [f('user-frozen')], done: true }), 'error');
  });
  it('a blocking finding with writes to make: blocked, for each blocking code', () => {
    for (const code of ['admin-permission-missing', 'license-exhausted', 'waits-for', 'cert-missing'] as const)
      assert.equal(state({ findings: [f(code)], plan: [write], done: true }), 'blocked', code);
  });
  it('a blocking finding on a step that does not exist yet: blocked, even with nothing planned', () => {
    assert.equal(state({ findings: [f('license-exhausted')], done: false }), 'blocked');
  });
  it('a certificate error that blocks-or-errors, with nothing to write on an existing step: error', () => {
    assert.equal(state({ findings: [f('cert-expired')], done: true }), 'error');
  });
  it('a certificate warning is not blocking: the step with writes is drifted, not blocked', () => {
    assert.equal(state({ findings: [f('cert-expiring')], plan: [write], done: true }), 'drifted');
  });
  it('an error that is not blocking, with writes: error', () => {
    assert.equal(state({ findings: [f('user-is-admin')], plan: [write], done: true }), 'error');
  });
  it('exists with writes and only warnings: drifted; not existing with a drift finding: drifted', () => {
    assert.equal(state({ findings: [f('user-role-drift')], plan: [write], done: true }), 'drifted');
    assert.equal(state({ findings: [f('link-missing-drift')], plan: [write], done: false }), 'drifted');
  });
  it('not existing, writes to make, no drift: todo', () => {
    assert.equal(state({ findings: [f('pending')], plan: [write], done: false }), 'todo');
  });
  it('a state the step decides itself wins', () => {
    assert.equal(
      stepResult(s, { findings: [f('user-frozen')], plan: [], done: false, state: 'waiting' }).state,
      'waiting',
    );
  });
  it('the result carries the id, title, findings, plan and whether what the step creates exists', () => {
    const findings = [f('reserved-domain')];
    assert.deepEqual(stepResult(s, { findings, plan: [write], done: true }), {
      id: 'user',
      title: 'Integration user',
      state: 'drifted',
      findings,
      plan: [write],
      exists: true,
    });
  });
});

describe('decisions: what a stopped step holds back', () => {
  const stoppedBy = (results: StepResult[]) =>
    Object.fromEntries([...stoppedSteps(results)].map(([id, by]) => [id, by.id]));
  it('a fresh org where the admin lacks "Manage Users": the user step stops itself and holds back all that needs it; the preflight (the request for a System Administrator) stops itself', () => {
    const f = freshFacts();
    f.adminPerms!.delete('ManageUsers');
    assert.deepEqual(stoppedBy(steps(f)), {
      preflight: 'preflight',
      user: 'user',
      permissionSet: 'user',
      app: 'user',
      link: 'user',
      consumerKey: 'user',
    });
  });
  it('a stopped step whose record exists holds nothing back: the permission set after a blocked but existing user runs (the preflight holds only itself)', () => {
    const f = doneFacts();
    f.adminPerms!.delete('ManageUsers');
    f.user!.UserRoleId = '00E000000000001AAA'; // a write the admin cannot make
    f.permissionSet!.PermissionsViewAllData = false; // a write the admin can make
    const results = steps(f);
    assert.equal(stateOf(results, 'user'), 'blocked');
    assert.deepEqual(stoppedBy(results), { preflight: 'preflight', user: 'user' });
    assert.deepEqual(runnable(report(results)).steps, ['permissionSet']);
  });
  it('an existing integration user in error (frozen) holds back the steps that grant it something', () => {
    const f = doneFacts();
    f.userFrozen = true;
    f.permissionSet!.Assignments = { records: [] };
    const results = steps(f);
    assert.equal(stoppedBy(results).permissionSet, 'user');
    assert.deepEqual(runnable(report(results)).steps, []);
  });
  it('an existing profile in error about the org (another licence) does not hold back the user step', () => {
    const f = doneFacts();
    f.profile!.UserLicenseId = '100000000000009AAA';
    f.user!.UserRoleId = '00E000000000001AAA';
    const results = steps(f);
    assert.deepEqual(stoppedBy(results), { profile: 'profile' });
    assert.deepEqual(runnable(report(results)).steps, ['user']);
  });
  it('an error at the preflight stops every step, each naming the preflight', () => {
    const f = freshFacts();
    f.apiVersion = '61.0';
    const by = stoppedBy(steps(f));
    assert.deepEqual(Object.keys(by), [
      'preflight',
      'profile',
      'user',
      'permissionSet',
      'app',
      'link',
      'consumerKey',
      'verify',
    ]);
    assert.ok(Object.values(by).every(id => id === 'preflight'));
  });
  it('a preflight warning stops nothing', () => {
    const f = freshFacts();
    f.failed.app = { errorCode: 'INVALID_TYPE', message: 'no' };
    assert.deepEqual(stoppedBy(steps(f)), {});
  });
  it('Verify and the consumer key in error stop nothing; another step in error stops itself', () => {
    const f = doneFacts();
    f.consumerKey = { refused: [{ route: 'metadata', code: 'NO_KEY', message: 'no key' }] };
    f.logins = [
      { LoginTime: '2026-11-30T11:00:00Z', Status: 'Failed', Application: 'X', LoginType: 'Remote Access 2.0' },
    ];
    const results = steps(f);
    assert.deepEqual([stateOf(results, 'consumerKey'), stateOf(results, 'verify')], ['error', 'error']);
    assert.deepEqual(stoppedBy(results), {});
    f.user!.IsActive = false;
    assert.equal(stoppedBy(steps(f)).user, 'user');
  });
  it('a step in error of its own, behind a stopped prerequisite, names itself, not the prerequisite', () => {
    const f = freshFacts();
    f.adminPerms!.delete('ManageUsers');
    const results = steps(f, MANIFEST, new SetupError('The certificate could not be read.', 'cert-unreadable'));
    // The app waits for the permission set (held back by the user) and has its own certificate error.
    assert.equal(stoppedSteps(results).get('app')!.id, 'app');
  });
  it('a todo step whose prerequisite is blocked is blocked too, with a "waits-for" note naming it', () => {
    const f = freshFacts();
    f.adminPerms!.delete('ManageUsers');
    const results = steps(f);
    const ps = results.find(s => s.id === 'permissionSet')!;
    assert.equal(ps.state, 'blocked');
    assert.deepEqual(
      ps.findings.filter(x => x.code === 'waits-for').map(x => [x.severity, x.message]),
      [['info', 'Waits for "Integration user", which is blocked.']],
    );
  });
  it('a drifted step whose prerequisite is blocked keeps its own state (only todo steps wait)', () => {
    const f = doneFacts();
    f.adminPerms!.delete('ManageUsers');
    f.user!.UserRoleId = '00E000000000001AAA';
    f.permissionSet!.PermissionsViewAllData = false;
    const ps = steps(f).find(s => s.id === 'permissionSet')!;
    assert.equal(ps.state, 'drifted');
    assert.ok(!ps.findings.some(x => x.code === 'waits-for'));
  });
});

const report = (results: StepResult[]) => ({ steps: results }) as unknown as Report;

describe('decisions: what Run All says about a step that cannot run', () => {
  it('a step blocked by missing admin permissions: the short reason lists their Setup labels, once each', () => {
    const f = freshFacts();
    f.adminPerms!.delete('CustomizeApplication');
    f.adminPerms!.delete('ModifyMetadata');
    f.adminPerms!.delete('ModifyAllData');
    f.adminPerms!.delete('ExternalClientAppDeveloper');
    const app = runnable(report(steps(f))).blockers.find(b => b.step === 'app')!;
    assert.equal(
      app.short,
      'needs "Customize Application", "Create, edit, and delete External Client Apps", ' +
        '"Modify Metadata Through Metadata API Functions"',
    );
    assert.match(
      app.reason,
      /^You \(the connected admin\) lack "Customize Application", "Create, edit, and delete External Client Apps" \(or Modify All Data\) and "Modify Metadata Through Metadata API Functions" \(or Modify All Data\), which this step needs\. Ask/,
    );
    assert.equal(app.title, 'External Client App with JWT bearer');
  });
  it('a step blocked by an error that names no permission: the short reason is its first sentence', () => {
    const f = freshFacts();
    f.license!.UsedLicenses = f.license!.TotalLicenses;
    const user = runnable(report(steps(f))).blockers.find(b => b.step === 'user')!;
    assert.equal(
      user.short,
      'No Salesforce Platform licence is free (10 of 10 used), so the integration user cannot be created.',
    );
    assert.equal(
      user.reason,
      'No Salesforce Platform licence is free (10 of 10 used), so the integration user cannot be created. ' +
        'Free or buy a Salesforce Platform licence, then run this step.',
    );
  });
  it('one permission lacking is named alone; with another error, both reasons are given, the permission first', () => {
    const f = freshFacts();
    f.adminPerms!.delete('ManageUsers');
    const one = runnable(report(steps(f))).blockers.find(b => b.step === 'user')!;
    assert.equal(one.short, 'needs "Manage Users"');
    assert.match(one.reason, /^You \(the connected admin\) lack "Manage Users", which this step needs\. Ask/);
    f.license!.UsedLicenses = f.license!.TotalLicenses;
    const two = runnable(report(steps(f))).blockers.find(b => b.step === 'user')!;
    assert.equal(two.short, 'needs "Manage Users"');
    assert.equal(
      two.reason,
      'You (the connected admin) lack "Manage Users", which this step needs. Ask a System Administrator to grant ' +
        'them (the request for a System Administrator lists them all), or connect as an admin who has them. ' +
        'No Salesforce Platform licence is free (10 of 10 used), so the integration user cannot be created. ' +
        'Free or buy a Salesforce Platform licence, then run this step.',
    );
  });
  it('a step that only waits has no short reason and names what it waits for', () => {
    const f = freshFacts();
    f.license!.UsedLicenses = f.license!.TotalLicenses;
    const ps = runnable(report(steps(f))).blockers.find(b => b.step === 'permissionSet')!;
    assert.deepEqual(ps, {
      step: 'permissionSet',
      title: 'Permission set BalkanID Extractor, assigned',
      reason: 'Waits for "Integration user", which cannot run now.',
    });
  });
  it('only the writes of steps that can run are offered, in order, with their step ids', () => {
    const f = freshFacts();
    f.license!.UsedLicenses = f.license!.TotalLicenses;
    const r = runnable(report(steps(f)));
    assert.deepEqual(r.steps, ['profile']);
    assert.deepEqual(
      r.writes.map(w => [w.step, w.action]),
      [['profile', 'create']],
    );
  });
});

describe('decisions: remaining steps and finished writes', () => {
  const r = (states: Array<[StepId, StepResult['state']]>) => ({
    steps: states.map(([id, state]) => ({ id, state }) as StepResult),
  });
  it('remaining counts every step that is neither done nor waiting', () => {
    assert.equal(
      remaining(
        r([
          ['preflight', 'done'],
          ['profile', 'todo'],
          ['user', 'drifted'],
          ['permissionSet', 'blocked'],
          ['app', 'error'],
          ['verify', 'waiting'],
        ]),
      ),
      4,
    );
    assert.equal(remaining(r([['verify', 'waiting']])), 0);
  });
  it('writes are done when every step but Verify and the consumer key is done', () => {
    assert.equal(
      writesDone(
        r([
          ['profile', 'done'],
          ['consumerKey', 'error'],
          ['verify', 'waiting'],
        ]),
      ),
      true,
    );
    assert.equal(
      writesDone(
        r([
          ['profile', 'done'],
          ['link', 'drifted'],
        ]),
      ),
      false,
    );
  });
});

describe("decisions: a manifest's scopes and login URL", () => {
  const base = { user: { username: 'balkanid@acme.com', email: 'it@acme.com' } };
  it('a valid explicit scope list is accepted and kept as written', () => {
    const r = validateManifest({ ...base, app: { scopes: ['Api', 'RefreshToken', 'OfflineAccess'] } });
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.manifest!.app.scopes, ['Api', 'RefreshToken', 'OfflineAccess']);
  });
  it('every metadata scope name is accepted next to "Api"', () => {
    const r = validateManifest({ ...base, app: { scopes: SCOPES } });
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.manifest!.app.scopes, SCOPES);
  });
  it('"Api" alone is enough', () => {
    assert.deepEqual(validateManifest({ ...base, app: { scopes: ['Api'] } }).manifest!.app.scopes, ['Api']);
  });
  it('an OAuth name gets a hint with the metadata name; an unknown one lists the metadata names', () => {
    const problems = validateManifest({
      ...base,
      app: { scopes: ['Api', 'full', 'offline_access', 'Everything'] },
    }).problems;
    assert.deepEqual(
      problems.map(p => [p.path.join('.'), p.fix]),
      [
        ['app.scopes.1', 'Use the metadata name "Full".'],
        ['app.scopes.2', 'Use the metadata name "OfflineAccess".'],
        ['app.scopes.3', `Use metadata scope names: ${SCOPES.join(', ')}.`],
      ],
    );
  });
  it('a scope list with a non-string, or not a list, is refused once, on app.scopes', () => {
    for (const scopes of [['Api', 1], 'Api', { Api: true }])
      assert.deepEqual(
        validateManifest({ ...base, app: { scopes } }).problems.map(p => p.path.join('.')),
        ['app.scopes'],
        JSON.stringify(scopes),
      );
  });
  it('a loopback loginUrl over http is accepted, on every loopback name, with a port', () => {
    for (const loginUrl of ['http://127.0.0.1:8080', 'http://localhost', 'http://[::1]:4567', 'https://127.0.0.1'])
      assert.deepEqual(validateManifest({ ...base, loginUrl }).problems, [], loginUrl);
    assert.equal(
      validateManifest({ ...base, loginUrl: 'http://localhost:1' }).manifest!.loginUrl,
      'http://localhost:1',
    );
  });
  it('a loopback loginUrl of any other scheme than http or https is refused', () => {
    for (const loginUrl of ['ftp://127.0.0.1', 'ws://localhost:8080', 'file://localhost/x'])
      assert.deepEqual(
        validateManifest({ ...base, loginUrl }).problems.map(p => [p.path.join('.'), p.fix]),
        [['loginUrl', 'Use https (plain http is allowed only for a loopback test org).']],
        loginUrl,
      );
  });
  it('an http loginUrl to any other host is refused; an http callback URL is refused even to loopback', () => {
    assert.deepEqual(
      validateManifest({ ...base, loginUrl: 'http://login.salesforce.com' }).problems.map(p => p.path.join('.')),
      ['loginUrl'],
    );
    assert.deepEqual(
      validateManifest({ ...base, app: { callbackUrl: 'http://127.0.0.1:8080' } }).problems.map(p => [
        p.path.join('.'),
        p.fix,
      ]),
      [['app.callbackUrl', 'Use an https URL.']],
    );
  });
  it('no loginUrl: none in the manifest (the org type decides later)', () => {
    assert.equal(validateManifest(base).manifest!.loginUrl, undefined);
  });
});

describe("decisions: Verify's reading of the login history", () => {
  const row = (LoginTime: string, Status = 'Success') => ({
    LoginTime,
    Status,
    Application: 'BalkanID',
    LoginType: 'Remote Access 2.0',
  });
  const app = { ...doneFacts().app!, CreatedDate: '2026-11-30T10:00:00.000Z' };
  it('a login at the very instant the app was created counts; one a millisecond earlier does not', () => {
    assert.equal(loginStatus({ app, logins: [row('2026-11-30T10:00:00.000Z')], failed: {} }).status, 'connected');
    assert.equal(loginStatus({ app, logins: [row('2026-11-30T09:59:59.999Z')], failed: {} }).status, 'waiting');
  });
  it('the first success is the oldest successful row; the latest is the newest row', () => {
    const logins = [row('2026-11-30T12:00:00Z'), row('2026-11-30T11:00:00Z', 'Failed'), row('2026-11-30T10:30:00Z')];
    const s = loginStatus({ app, logins, failed: {} });
    assert.deepEqual([s.status, s.firstSuccess, s.latest], ['connected', '2026-11-30T10:30:00Z', logins[0]]);
  });
  it("the first success is the oldest successful row after the app's creation, never an older failed one", () => {
    const logins = [row('2026-11-30T12:00:00Z'), row('2026-11-30T11:00:00Z'), row('2026-11-30T10:30:00Z', 'Failed')];
    const s = loginStatus({ app, logins, failed: {} });
    assert.deepEqual([s.status, s.firstSuccess], ['connected', '2026-11-30T11:00:00Z']);
  });
  it("the self-test shown is this tool's latest self-test since the app was created (from the very instant), not the extraction's own login", () => {
    const own = (at: string, by: OwnLogin['by'], ok = true): OwnLogin => ({ id: `0Ya${at}`, at, ok, by });
    const status = (list: ReturnType<typeof own>[]) =>
      loginStatus({ app, logins: [], failed: {} }, list as never).selfTest;
    assert.deepEqual(status([own('2026-11-30T10:00:00.000Z', 'self-test', false)]), {
      at: '2026-11-30T10:00:00.000Z',
      ok: false,
    });
    assert.equal(status([own('2026-11-30T09:59:59.999Z', 'self-test')]), undefined);
    assert.equal(status([own('2026-11-30T11:00:00.000Z', 'reader')]), undefined);
    assert.deepEqual(
      status([own('2026-11-30T11:00:00.000Z', 'reader'), own('2026-11-30T10:30:00.000Z', 'self-test')]),
      {
        at: '2026-11-30T10:30:00.000Z',
        ok: true,
      },
    );
  });
  it('a failed latest login is failing, even after earlier successes', () => {
    const s = loginStatus({
      app,
      logins: [row('2026-11-30T12:00:00Z', 'Failed'), row('2026-11-30T11:00:00Z')],
      failed: {},
    });
    assert.equal(s.status, 'failing');
  });
  it('9 rows read are the whole history; 10 (the query limit) may not be', () => {
    const rows = (n: number) =>
      Array.from({ length: n }, (_, i) => row(`2026-11-30T11:${String(59 - i).padStart(2, '0')}:00Z`));
    assert.equal(loginStatus({ app, logins: rows(9), failed: {} }).complete, true);
    assert.equal(loginStatus({ app, logins: rows(10), failed: {} }).complete, false);
  });
  it('no app, and its read did not fail: waiting with the whole (empty) history, whatever the rows say', () => {
    assert.deepEqual(loginStatus({ app: undefined, logins: [row('2026-11-30T12:00:00Z')], failed: {} }), {
      status: 'waiting',
      complete: true,
    });
  });
  it('no app because its read failed: the rows still count', () => {
    const s = loginStatus({
      app: undefined,
      logins: [row('2026-11-30T12:00:00Z')],
      failed: { app: { errorCode: 'X', message: 'x' } },
    });
    assert.equal(s.status, 'connected');
  });
  it('an unreadable history is unreadable, never complete', () => {
    assert.deepEqual(loginStatus({ app, logins: [], failed: { logins: { errorCode: 'X', message: 'x' } } }), {
      status: 'unreadable',
      complete: false,
    });
  });
});
