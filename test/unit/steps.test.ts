// Each step's evaluate on fact fixtures: one case per finding code, with the step's state. A finished org's facts
// are the baseline; each case changes what its finding is about. A last test checks every code in core/findings.ts has one.
import assert from 'node:assert/strict';
import { evaluate, stoppedSteps } from '../../src/core/steps';
import { Facts, LoginRow } from '../../src/core/facts';
import { OwnLogin } from '../../src/core/ownLogins';
import { FINDINGS, findingTitle } from '../../src/core/findings';
import { CertificateInfo, readCertificate } from '../../src/core/certificate';
import { Manifest, proposedUsername } from '../../src/core/manifest';
import { adminRequestText, runnable } from '../../src/core/engine';
import { Report, SetupError, StepId, StepResult } from '../../src/core/types';
import { selfSignedCert } from '../../packages/sf-test-org/src/x509';
import { NOW } from '../support/clock';
import { certificate, doneFacts, MANIFEST } from '../support/facts';

const manifest = MANIFEST;
const cert = certificate;

interface Case {
  step: StepId;
  code: string;
  state: StepResult['state'];
  change: (f: Facts) => void;
  certificate?: () => CertificateInfo | SetupError | undefined;
  /** A manifest other than the fixture's. */
  manifest?: Manifest;
  /** What the front end adds: this tool's own logins, a consumer key typed by hand. */
  known?: { ownLogins?: OwnLogin[]; typedConsumerKey?: string };
}
/** The row of a login through the app (LoginHistory), by default a success from BalkanID's address. */
const loginRow = (at: string, o: Partial<LoginRow> = {}): LoginRow => ({
  Id: `0Ya${at.replace(/\D/g, '').slice(0, 12)}`,
  LoginTime: at,
  Status: 'Success',
  Application: 'BalkanID_Extractor',
  LoginType: 'Remote Access 2.0',
  SourceIp: '203.0.113.7',
  ...o,
});
/** This tool's own login, as remembered after a self-test from 198.51.100.20. */
const own = (row: LoginRow, by: OwnLogin['by'] = 'self-test'): OwnLogin => ({
  id: row.Id!,
  at: row.LoginTime,
  ok: row.Status === 'Success',
  sourceIp: row.SourceIp ?? undefined,
  by,
});
const selfTestRow = loginRow('2026-11-30T11:30:00Z', { SourceIp: '198.51.100.20' });
const without = (f: Facts, p: 'adminPerms', perm: string) => f[p]!.delete(perm);

const CASES: Case[] = [
  {
    step: 'preflight',
    code: 'admin-permission-missing',
    state: 'error',
    change: f => without(f, 'adminPerms', 'ViewSetup'),
  },
  {
    step: 'preflight',
    code: 'api-version-too-old',
    state: 'error',
    change: f => {
      f.apiVersion = '61.0';
    },
  },
  {
    // The app is gone and the admin cannot make it again: the preflight gathers what they lack, and is blocked.
    step: 'preflight',
    code: 'admin-request',
    state: 'blocked',
    change: f => {
      f.app = undefined;
      without(f, 'adminPerms', 'CustomizeApplication');
    },
  },
  {
    step: 'preflight',
    code: 'admin-permissions-unreadable',
    state: 'done',
    change: f => {
      f.adminPerms = undefined;
      f.failed.upa = { errorCode: 'INVALID_FIELD', message: 'no' };
    },
  },
  {
    step: 'preflight',
    code: 'eca-unavailable',
    state: 'done',
    change: f => {
      f.failed.app = { errorCode: 'INVALID_TYPE', message: 'sObject type not supported' };
    },
  },
  {
    step: 'preflight',
    code: 'license-headroom',
    state: 'done',
    change: f => {
      f.user = undefined;
      f.license!.UsedLicenses = 10;
    },
  },
  {
    step: 'preflight',
    code: 'license-missing',
    state: 'error',
    change: f => {
      f.license = undefined;
    },
  },
  {
    step: 'profile',
    code: 'source-profile-missing',
    state: 'error',
    change: f => {
      f.profile = undefined;
      f.sourceProfile = undefined;
    },
  },
  {
    step: 'profile',
    code: 'profile-permission-drift',
    state: 'drifted',
    change: f => {
      f.profile!.PermissionsViewRoles = false;
    },
  },
  {
    step: 'profile',
    code: 'profile-ip-ranges',
    state: 'done',
    change: f => {
      f.profileIpRanges = [{ startAddress: '10.0.0.1', endAddress: '10.0.0.9' }];
    },
  },
  {
    step: 'profile',
    code: 'profile-wrong-license',
    state: 'error',
    change: f => {
      f.profile!.UserLicenseId = '100000000000009AAA';
    },
  },
  {
    step: 'user',
    code: 'license-exhausted',
    state: 'blocked',
    change: f => {
      f.user = undefined;
      f.license!.UsedLicenses = 10;
    },
  },
  {
    step: 'user',
    code: 'user-is-admin',
    state: 'error',
    change: f => {
      f.user!.Id = f.admin!.Id;
    },
  },
  {
    step: 'user',
    code: 'user-inactive',
    state: 'error',
    change: f => {
      f.user!.IsActive = false;
    },
  },
  {
    step: 'user',
    code: 'user-frozen',
    state: 'error',
    change: f => {
      f.userFrozen = true;
    },
  },
  {
    step: 'user',
    code: 'user-profile-drift',
    state: 'drifted',
    change: f => {
      f.user!.ProfileId = '00e000000000009AAA';
    },
  },
  {
    step: 'user',
    code: 'user-role-drift',
    state: 'drifted',
    change: f => {
      f.user!.UserRoleId = '00E000000000001AAA';
    },
  },
  {
    step: 'permissionSet',
    code: 'permset-permission-drift',
    state: 'drifted',
    change: f => {
      f.permissionSet!.PermissionsViewAllData = false;
    },
  },
  {
    step: 'permissionSet',
    code: 'permset-has-license',
    state: 'done',
    change: f => {
      f.permissionSet!.LicenseId = '100000000000001AAA';
    },
  },
  {
    step: 'permissionSet',
    code: 'permset-unassigned-drift',
    state: 'drifted',
    change: f => {
      f.permissionSet!.Assignments = { records: [] };
    },
  },
  {
    step: 'app',
    code: 'cert-missing',
    state: 'blocked',
    change: f => {
      f.app = undefined;
    },
    certificate: () => undefined,
  },
  {
    step: 'app',
    code: 'cert-is-csr',
    state: 'blocked',
    change: f => {
      f.app = undefined;
    },
    certificate: () => new SetupError('This is a certificate signing request (CSR), not a certificate.', 'cert-is-csr'),
  },
  ...(['cert-too-large', 'cert-is-private-key', 'cert-is-public-key', 'cert-several', 'cert-unreadable'] as const).map(
    (code): Case => ({
      step: 'app',
      code,
      state: 'blocked',
      change: f => {
        f.app = undefined;
      },
      certificate: () => new SetupError(`The certificate cannot be used (${code}).`, code),
    }),
  ),
  {
    step: 'app',
    code: 'cert-expired',
    state: 'blocked',
    change: () => undefined,
    certificate: () =>
      readCertificate(
        selfSignedCert({ notBefore: new Date(NOW - 400 * 86400e3), notAfter: new Date(NOW - 86400e3) }).certPem,
        NOW,
      ),
  },
  {
    step: 'app',
    code: 'cert-expiring',
    state: 'drifted',
    change: () => undefined,
    certificate: () =>
      readCertificate(
        selfSignedCert({ notBefore: new Date(NOW - 86400e3), notAfter: new Date(NOW + 10 * 86400e3) }).certPem,
        NOW,
      ),
  },
  {
    step: 'app',
    code: 'cert-unverified',
    state: 'done',
    change: f => {
      f.global!.certificate = undefined;
    },
  },
  {
    step: 'app',
    code: 'app-partly-unchecked',
    state: 'done',
    change: f => {
      f.global = undefined;
      f.failed.global = { errorCode: 'INSUFFICIENT_ACCESS', message: 'no' };
    },
  },
  {
    step: 'app',
    code: 'policy-self-authorized',
    state: 'drifted',
    change: f => {
      f.policy!.PermittedUsersPolicyType = 'AllSelfAuthorized';
    },
  },
  {
    step: 'app',
    code: 'app-drift',
    state: 'drifted',
    change: f => {
      f.global!.isPkceRequired = 'true';
    },
  },
  {
    step: 'link',
    code: 'link-missing-drift',
    state: 'drifted',
    change: f => {
      f.permissionSet!.SetupEntityAccessItems = { records: [] };
    },
  },
  {
    step: 'link',
    code: 'waits-for',
    state: 'blocked',
    change: f => {
      f.app = undefined;
      f.permissionSet!.SetupEntityAccessItems = { records: [] };
      without(f, 'adminPerms', 'CustomizeApplication');
    },
  },
  {
    step: 'consumerKey',
    code: 'pending',
    state: 'todo',
    change: f => {
      f.app = undefined;
      f.global = undefined;
    },
  },
  {
    step: 'consumerKey',
    code: 'consumer-key-unreadable',
    state: 'error',
    change: f => {
      f.global!.consumerKey = undefined;
      f.consumerKey = {
        refused: [
          {
            route: 'metadata',
            code: 'NO_KEY',
            message: 'readMetadata returned the settings without their consumer key',
          },
          {
            route: 'connect',
            code: 'FUNCTIONALITY_NOT_ENABLED',
            message: 'This feature is not currently enabled for this user.',
          },
        ],
      };
    },
  },
  {
    step: 'consumerKey',
    code: 'consumer-key-typed',
    state: 'done',
    change: f => {
      f.global!.consumerKey = undefined;
      f.consumerKey = { refused: [{ route: 'connect', code: 'FUNCTIONALITY_NOT_ENABLED', message: 'no' }] };
    },
    known: { typedConsumerKey: '3MVG9typedbyhandfromsetup0123' },
  },
  {
    step: 'profile',
    code: 'source-profile-ambiguous',
    state: 'error',
    change: f => {
      f.profile = undefined;
      f.sourceProfile = undefined;
      f.sourceCandidates = ['Standard-Plattformbenutzer', 'Plattform (Kopie)'];
    },
  },
  {
    step: 'profile',
    code: 'profile-permissions-not-copied',
    state: 'done',
    change: f => {
      f.sourceProfile!.PermissionsActivitiesAccess = true;
      f.objectDependencies = [{ Permission: 'ActivitiesAccess', RequiredPermission: 'Quote<read>' }];
    },
  },
  {
    step: 'profile',
    code: 'profile-ip-ranges-unchecked',
    state: 'done',
    change: f => {
      f.profileIpRanges = [];
      f.failed.profileMeta = { errorCode: 'SOAP_REFUSES_JWT_TOKEN', message: 'readMetadata Profile was not sent' };
    },
  },
  {
    step: 'preflight',
    code: 'jwt-session-rest-only',
    state: 'done',
    change: f => {
      f.global = undefined;
      f.failed.global = { errorCode: 'SOAP_REFUSES_JWT_TOKEN', message: 'readMetadata was not sent' };
    },
  },
  {
    step: 'app',
    code: 'oauth-metadata-closed',
    state: 'blocked',
    change: f => {
      f.app = undefined;
      f.global = undefined;
      f.failed.global = {
        errorCode: 'sf:INSUFFICIENT_ACCESS',
        message: 'Access to ExtlClntAppGlobalOauthSettings requires the org setting …',
      };
    },
  },
  {
    step: 'verify',
    code: 'self-test-passed',
    state: 'waiting',
    change: f => {
      f.logins = [selfTestRow];
    },
    known: { ownLogins: [own(selfTestRow)] },
  },
  {
    step: 'verify',
    code: 'self-test-failed',
    state: 'waiting',
    change: f => {
      f.logins = [{ ...selfTestRow, Status: 'Failed: Invalid Assertion' }];
    },
    known: { ownLogins: [own({ ...selfTestRow, Status: 'Failed: Invalid Assertion' })] },
  },
  {
    step: 'verify',
    code: 'login-failing',
    state: 'error',
    change: f => {
      f.logins = [
        {
          LoginTime: '2026-11-30T11:00:00Z',
          Status: 'Failed: invalid assertion',
          Application: 'BalkanID_Extractor',
          LoginType: 'Remote Access 2.0',
        },
      ];
    },
  },
  {
    step: 'verify',
    code: 'login-ok',
    state: 'done',
    change: f => {
      f.logins = [
        {
          LoginTime: '2026-11-30T11:00:00Z',
          Status: 'Success',
          Application: 'BalkanID_Extractor',
          LoginType: 'Remote Access 2.0',
        },
      ];
    },
  },
  {
    step: 'verify',
    code: 'awaiting-login',
    state: 'waiting',
    change: f => {
      f.logins = [];
    },
  },
  {
    step: 'user',
    code: 'placeholder-value',
    state: 'error',
    change: () => undefined,
    manifest: { ...manifest, user: { ...manifest.user, username: 'balkanid@yourcompany.com' } },
  },
  {
    step: 'user',
    code: 'reserved-domain',
    state: 'done',
    change: () => undefined,
    manifest: { ...manifest, user: { ...manifest.user, email: 'it@acme.test' } },
  },
  {
    step: 'verify',
    code: 'login-history-unreadable',
    state: 'waiting',
    change: f => {
      f.failed.logins = { errorCode: 'INVALID_TYPE', message: 'no' };
    },
  },
];

describe('steps: evaluate on fact fixtures', () => {
  it("a finished org: every step done, nothing planned, only Verify's note of the login through the app", () => {
    const steps = evaluate(doneFacts(), manifest, cert(), NOW);
    assert.deepEqual(
      steps.map(s => [s.id, s.state, s.findings.map(f => f.code).join(), s.plan.length]),
      steps.map(s => [s.id, 'done', s.id === 'verify' ? 'login-ok' : '', 0]),
    );
  });
  for (const c of CASES) {
    it(`${c.step}: ${c.code} → ${c.state}`, () => {
      const facts = doneFacts();
      c.change(facts);
      const steps = evaluate(
        facts,
        c.manifest ?? manifest,
        c.certificate ? c.certificate() : cert(),
        NOW,
        false,
        c.known,
      );
      const step = steps.find(s => s.id === c.step)!;
      const finding = step.findings.find(f => f.code === c.code);
      assert.ok(finding, `${c.step} findings: ${JSON.stringify(step.findings.map(f => f.code))}`);
      assert.ok(finding!.message.length > 20, 'says what is wrong');
      if (finding!.severity !== 'info') assert.ok(finding!.fix && finding!.fix.length > 10, 'says what to do');
      assert.equal(step.state, c.state, `${c.step}: ${JSON.stringify(step.findings)}`);
      // Its row in the checklist: a few words a normal-width sidebar shows whole (the message is the detail).
      const title = findingTitle(finding!);
      assert.ok(title.length >= 8 && title.length <= 30, `${c.code}: title "${title}" (${title.length} characters)`);
      assert.ok(!finding!.message.startsWith(title), `${c.code}: the title repeats the message's start`);
    });
  }
  it("a fresh org: everything planned in the guide's order, in Setup's words", () => {
    const f = doneFacts();
    Object.assign(f, {
      profile: undefined,
      user: undefined,
      permissionSet: undefined,
      app: undefined,
      appOauth: undefined,
      policy: undefined,
      appPolicy: undefined,
      global: undefined,
    });
    const plan = evaluate(f, manifest, cert(), NOW).flatMap(s => s.plan.map(w => `${w.step}: ${w.action} ${w.target}`));
    assert.deepEqual(plan, [
      'profile: create Profile "BalkanID Integration"',
      'user: create User balkanid@acme.com',
      'permissionSet: create Permission set "BalkanID Extractor"',
      'permissionSet: create Permission set assignment',
      'app: deploy External Client App "BalkanID Extractor"',
      'link: create External Client App "BalkanID Extractor" policies',
    ]);
  });
  it('every finding code (core/findings.ts) has a case above', () => {
    const codes = new Set<string>(Object.keys(FINDINGS));
    for (const c of ['cert-not-rsa', 'cert-key-too-short', 'cert-not-yet-valid']) codes.delete(c); // certificate problems: test/unit/inputs.test.ts
    const tested = new Set(CASES.map(c => c.code));
    assert.deepEqual([...codes].filter(c => !tested.has(c)).sort(), []);
  });
});

describe('Run All: what can run now, and what cannot', () => {
  const fresh = () =>
    Object.assign(doneFacts(), {
      profile: undefined,
      user: undefined,
      permissionSet: undefined,
      app: undefined,
      appOauth: undefined,
      policy: undefined,
      appPolicy: undefined,
      global: undefined,
      logins: [],
    });
  const report = (steps: StepResult[]) => ({ steps }) as unknown as Report;

  it('a fresh org: every planned write can run, nothing is blocked', () => {
    const steps = evaluate(fresh(), manifest, cert(), NOW);
    const r = runnable(report(steps));
    assert.equal(r.writes.length, steps.flatMap(s => s.plan).length);
    assert.deepEqual(r.blockers, []);
  });

  it('a limited admin without a certificate: the blocked steps are named with Setup labels and none of their writes is offered', () => {
    const f = fresh();
    f.adminPerms!.delete('ManageUsers');
    const r = runnable(report(evaluate(f, manifest, undefined, NOW)));
    assert.deepEqual(
      r.blockers.map(b => b.step),
      ['user', 'permissionSet', 'app', 'link', 'consumerKey'],
    );
    assert.match(r.blockers[0]!.reason, /"Manage Users"/);
    assert.match(r.blockers.find(b => b.step === 'app')!.reason, /certificate file "salesforce\.crt" was not found/);
    assert.deepEqual(r.steps, ['profile']);
    assert.ok(r.writes.every(w => w.step === 'profile'));
  });

  it('no licence left: only the profile can run; the app is not offered, since its policy needs the permission set', () => {
    const f: Facts = fresh();
    f.license = { ...f.license!, UsedLicenses: f.license!.TotalLicenses };
    const r = runnable(report(evaluate(f, manifest, cert(), NOW)));
    assert.deepEqual(r.steps, ['profile']);
    assert.deepEqual(
      r.blockers.filter(b => b.short).map(b => b.step),
      ['user'],
    );
    assert.match(r.blockers[0]!.short!, /No Salesforce Platform licence is free/);
  });

  it('a done org whose admin lacks "Manage Users": the user step is done (nothing to write) and a drifted app is still repaired', () => {
    const f = doneFacts();
    f.adminPerms!.delete('ManageUsers');
    f.policy = { ...f.policy!, PermittedUsersPolicyType: 'AllSelfAuthorized' };
    const steps = evaluate(f, manifest, cert(), NOW);
    assert.equal(steps.find(s => s.id === 'user')!.state, 'done');
    assert.deepEqual(runnable(report(steps)).steps, ['app']);
  });

  it('a step that only waits names the root cause: the link waits for the app, which lacks its certificate', () => {
    const f = fresh();
    const stopped = stoppedSteps(evaluate(f, manifest, undefined, NOW));
    assert.equal(stopped.get('link')?.id, 'app');
    assert.ok(stopped.get('link')!.findings.some(x => x.code === 'cert-missing'));
    assert.equal(stopped.get('profile'), undefined);
  });

  it('a placeholder username is said under the integration user and stops everything, before any write', () => {
    const m = { ...manifest, user: { ...manifest.user, username: 'balkanid@yourcompany.com' } };
    const steps = evaluate(fresh(), m, cert(), NOW);
    assert.deepEqual(
      steps.filter(s => s.findings.some(f => f.code === 'placeholder-value')).map(s => s.id),
      ['user'],
    );
    assert.equal(steps.find(s => s.id === 'preflight')!.state, 'done');
    const r = runnable(report(steps));
    assert.deepEqual(r.writes, []);
    const user = r.blockers.find(b => b.step === 'user')!;
    assert.match(user.reason, /placeholder domain yourcompany\.com/);
    assert.ok(
      r.blockers.filter(b => b.step !== 'user').every(b => /^Waits for "Integration user/.test(b.reason) && !b.short),
      JSON.stringify(r.blockers),
    );
  });

  it('a limited admin: the preflight is blocked (not done) and gathers every permission lacking, once, with the steps that need it', () => {
    const f = fresh();
    for (const p of [
      'ManageProfilesPermissionsets',
      'CustomizeApplication',
      'ExternalClientAppDeveloper',
      'ModifyMetadata',
      'ModifyAllData',
    ])
      f.adminPerms!.delete(p);
    const steps = evaluate(f, manifest, cert(), NOW);
    const preflight = steps.find(s => s.id === 'preflight')!;
    assert.equal(preflight.state, 'blocked');
    const request = preflight.findings.find(x => x.code === 'admin-request')!;
    assert.deepEqual(request.permissions, [
      'ManageProfilesPermissionsets',
      'CustomizeApplication',
      'ExternalClientAppDeveloper',
      'ModifyMetadata',
    ]);
    assert.equal(findingTitle(request), 'You lack 4 permissions');
    const r = runnable(report(steps));
    // The preflight writes nothing: it is no blocker of its own, and blocks nothing that could run.
    assert.ok(!r.blockers.some(b => b.step === 'preflight'));
    // Each step's reason names every permission it lacks (the app lacks three), not only the first.
    const app = r.blockers.find(b => b.step === 'app')!;
    for (const p of [
      'Customize Application',
      'Create, edit, and delete External Client Apps',
      'Modify Metadata Through Metadata API Functions',
    ])
      assert.ok(app.reason.includes(`"${p}"`), `${p} in: ${app.reason}`);
    const text = adminRequestText({
      steps,
      org: {
        instanceUrl: 'https://acme.my.salesforce.com',
        username: 'admin@acme.com',
        orgId: '00D000000000001',
        name: 'Acme',
        isSandbox: false,
        apiVersion: '64.0',
      },
    })!;
    assert.deepEqual(
      text.split('\n').filter(l => l.startsWith('• ')),
      [
        '• Manage Profiles and Permission Sets — for: Profile, Permission set, App ↔ permission set link',
        '• Customize Application — for: External Client App',
        '• Create, edit, and delete External Client Apps (or Modify All Data) — for: External Client App',
        '• Modify Metadata Through Metadata API Functions (or Modify All Data) — for: External Client App, Consumer key',
      ],
    );
    assert.match(text, /"Acme" \(https:\/\/acme\.my\.salesforce\.com\).*admin@acme\.com/s);
  });

  it('a done org whose admin lacks permissions: nothing is left to do, so the preflight is done and there is no request', () => {
    const f = doneFacts();
    f.adminPerms!.delete('ManageProfilesPermissionsets');
    const steps = evaluate(f, manifest, cert(), NOW);
    assert.equal(steps.find(s => s.id === 'preflight')!.state, 'done');
    assert.equal(
      adminRequestText({
        steps,
        org: { instanceUrl: 'x', username: 'a', orgId: '0', isSandbox: false, apiVersion: '64.0' },
      }),
      undefined,
    );
  });

  it('no Salesforce Platform licence free: the message names the free licences of other kinds the org has', () => {
    const f: Facts = fresh();
    f.license = { ...f.license!, UsedLicenses: f.license!.TotalLicenses };
    f.otherLicenses = [
      {
        Id: '1',
        Name: 'Salesforce Integration',
        MasterLabel: 'Salesforce Integration',
        TotalLicenses: 5,
        UsedLicenses: 0,
      },
      { Id: '2', Name: 'Salesforce', MasterLabel: 'Salesforce', TotalLicenses: 20, UsedLicenses: 17 },
    ];
    const user = evaluate(f, manifest, cert(), NOW).find(s => s.id === 'user')!;
    assert.match(
      user.findings.find(x => x.code === 'license-exhausted')!.message,
      /free licences of other kinds — Salesforce Integration \(5 free\), Salesforce \(3 free\) — but BalkanID's guide puts the integration user on Salesforce Platform/,
    );
  });

  it('an integration user in error (it is the admin) stops what needs it: no permission set assigned, no app, no link', () => {
    const f: Facts = fresh();
    f.user = { ...doneFacts().user!, Id: f.admin!.Id, Username: f.admin!.Username };
    const r = runnable(report(evaluate(f, manifest, cert(), NOW)));
    assert.deepEqual(r.steps, ['profile']);
    assert.deepEqual(
      r.blockers.map(b => [b.step, b.short ?? 'waits']),
      [
        ['user', `${f.admin!.Username} is you, the connected admin: the integration user must be a separate user.`],
        ['permissionSet', 'waits'],
        ['app', 'waits'],
        ['link', 'waits'],
        ['consumerKey', 'waits'],
      ],
    );
  });

  it('Verify counts only OAuth logins since the app exists, and a consumer key the admin cannot read holds nothing back', () => {
    const f = doneFacts();
    f.app = { ...f.app!, CreatedDate: '2026-11-30T11:00:00Z' };
    f.logins = [
      { LoginTime: '2026-11-29T10:00:00Z', Status: 'Success', Application: 'BalkanID', LoginType: 'Remote Access 2.0' },
    ];
    assert.equal(
      evaluate(f, manifest, cert(), NOW).find(s => s.id === 'verify')!.state,
      'waiting',
      'a login of a former app',
    );
    f.logins = [
      { LoginTime: '2026-11-30T11:30:00Z', Status: 'Success', Application: 'BalkanID', LoginType: 'Remote Access 2.0' },
    ];
    f.global!.consumerKey = undefined; // unreadable by every route: copied from Setup by hand
    f.consumerKey = { refused: [{ route: 'connect', code: 'FUNCTIONALITY_NOT_ENABLED', message: 'not enabled' }] };
    const steps = evaluate(f, manifest, cert(), NOW);
    assert.equal(steps.find(s => s.id === 'consumerKey')!.state, 'error');
    assert.equal(steps.find(s => s.id === 'verify')!.state, 'done');
  });

  it('Verify after a self-test and no other login stays waiting, with "self-test passed" on its own line; a login from another client then makes it done', () => {
    const f = doneFacts();
    f.app = { ...f.app!, CreatedDate: '2026-11-30T11:00:00Z' };
    f.logins = [selfTestRow];
    const ownLogins = [own(selfTestRow)];
    const waiting = evaluate(f, manifest, cert(), NOW, false, { ownLogins }).find(s => s.id === 'verify')!;
    assert.equal(waiting.state, 'waiting');
    assert.deepEqual(
      waiting.findings.map(x => x.code),
      ['self-test-passed', 'awaiting-login'],
    );
    assert.doesNotMatch(waiting.findings.map(x => x.message).join(' '), /BalkanID logged in/);
    // Another login from the self-test's own address (a second self-test, or a reader) is the tool's too.
    f.logins = [loginRow('2026-11-30T11:40:00Z', { Id: '0Ya000000000099', SourceIp: '198.51.100.20' }), selfTestRow];
    assert.equal(
      evaluate(f, manifest, cert(), NOW, false, { ownLogins }).find(s => s.id === 'verify')!.state,
      'waiting',
    );
    f.logins = [loginRow('2026-11-30T11:50:00Z'), ...f.logins];
    const done = evaluate(f, manifest, cert(), NOW, false, { ownLogins }).find(s => s.id === 'verify')!;
    assert.equal(done.state, 'done');
    assert.deepEqual(
      done.findings.map(x => x.code),
      ['self-test-passed', 'login-ok'],
    );
    assert.match(
      done.findings[1]!.message,
      /BalkanID logged in as balkanid@acme\.com through the app \(first login 2026-11-30 11:50 UTC/,
    );
  });

  it("a failed self-test is not BalkanID's failing login: Verify waits and says the self-test failed", () => {
    const f = doneFacts();
    const failed = { ...selfTestRow, Status: 'Failed: Invalid Assertion' };
    f.logins = [failed];
    const v = evaluate(f, manifest, cert(), NOW, false, { ownLogins: [own(failed)] }).find(s => s.id === 'verify')!;
    assert.equal(v.state, 'waiting');
    assert.deepEqual(
      v.findings.map(x => x.code),
      ['self-test-failed', 'awaiting-login'],
    );
  });

  it('an inactive integration user blocks until the admin agrees; then the plan reactivates it', () => {
    const f = doneFacts();
    f.user!.IsActive = false;
    const refused = runnable(report(evaluate(f, manifest, cert(), NOW)));
    assert.match(refused.blockers.find(b => b.step === 'user')!.reason, /inactive/);
    const agreed = evaluate(f, manifest, cert(), NOW, true).find(s => s.id === 'user')!;
    assert.deepEqual(
      agreed.plan.map(w => w.detail),
      ['reactivate (Active: on)'],
    );
  });

  it("proposes the integration username from the admin's username domain, a sandbox suffix kept", () => {
    assert.equal(proposedUsername('admin@acme.com'), 'balkanid@acme.com');
    assert.equal(proposedUsername('admin@acme.com.uat'), 'balkanid@acme.com.uat');
    assert.equal(proposedUsername('005000000000001'), undefined);
    assert.equal(proposedUsername(undefined), undefined);
  });
});
