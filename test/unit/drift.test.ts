// Drift, decided: which differences between the org and the manifest make a step plan a repair, and which do not
// (values Salesforce reads back in another case or with a trailing slash, facts that could not be read).
import assert from 'node:assert/strict';
import { evaluate } from '../../src/core/steps';
import { Facts } from '../../src/core/facts';
import { Manifest } from '../../src/core/manifest';
import { StepId } from '../../src/core/types';
import { certificate, doneFacts, freshFacts, MANIFEST } from '../support/facts';
import { certAt, NOW } from '../support/clock';
import { readCertificate } from '../../src/core/certificate';
import { appNames } from '../../src/core/steps/app';
import { ecaNames } from '../../src/core/eca';

const step = (f: Facts, id: StepId, m: Manifest = MANIFEST, cert = certificate()) =>
  evaluate(f, m, cert, NOW).find(s => s.id === id)!;
/** The app step's drift list, or [] when it plans nothing. */
const appDrift = (change: (f: Facts) => void, m: Manifest = MANIFEST) => {
  const f = doneFacts();
  change(f);
  const s = step(f, 'app', m);
  const drift = s.findings.find(x => x.code === 'app-drift');
  return { state: s.state, planned: s.plan.length, drift: drift?.message.replace(/^.*differs from the setup: /, '') };
};

describe('drift: the External Client App', () => {
  it('a finished app: done, nothing planned', () => {
    assert.deepEqual(
      appDrift(() => undefined),
      { state: 'done', planned: 0, drift: undefined },
    );
  });
  it('a callback URL with a trailing slash (or several) is the same URL; another URL is drift', () => {
    assert.equal(appDrift(f => void (f.global!.callbackUrl = 'https://app.balkan.id//')).drift, undefined);
    assert.equal(
      appDrift(f => void (f.global!.callbackUrl = 'https://app.balkan.io')).drift,
      'callback URL is https://app.balkan.io.',
    );
    assert.equal(appDrift(f => void (f.global!.callbackUrl = undefined)).drift, 'callback URL is empty.');
  });
  it('a manifest callback URL with a trailing slash matches the org without one', () => {
    const m = { ...MANIFEST, app: { ...MANIFEST.app, callbackUrl: 'https://app.balkan.id/' } };
    assert.equal(appDrift(() => undefined, m).drift, undefined);
  });
  it('PKCE off reads as "false" in any case (or false); anything else is drift', () => {
    assert.equal(appDrift(f => void (f.global!.isPkceRequired = 'FALSE')).drift, undefined);
    assert.equal(appDrift(f => void (f.global!.isPkceRequired = false)).drift, undefined);
    assert.equal(appDrift(f => void (f.global!.isPkceRequired = true)).drift, 'PKCE is required.');
    assert.equal(appDrift(f => void (f.global!.isPkceRequired = undefined)).drift, 'PKCE is required.');
  });
  it('another certificate in the org is drift; the same one in another form is not; one the org does not show is not', () => {
    const other = readCertificate(certAt(NOW - 1000).certPem, NOW);
    assert.equal(
      appDrift(f => void (f.global!.certificate = other.body)).drift,
      "the certificate differs from the manifest's.",
    );
    assert.equal(appDrift(f => void (f.global!.certificate = certificate().pem)).drift, undefined);
    assert.equal(appDrift(f => void (f.global!.certificate = '')).drift, undefined);
  });
  it('no global OAuth settings: drift; settings that could not be read: no drift, reported as unchecked', () => {
    assert.equal(
      appDrift(f => void (f.global = undefined)).drift,
      'global OAuth settings (callback, certificate, PKCE) are missing.',
    );
    const unread = appDrift(f => {
      f.global = undefined;
      f.failed.global = { errorCode: 'X', message: 'no' };
    });
    assert.deepEqual(unread, { state: 'done', planned: 0, drift: undefined });
  });
  it('OAuth settings: missing is drift; without the API scope, or without refresh when the manifest asks for it, too', () => {
    assert.equal(appDrift(f => void (f.appOauth = undefined)).drift, 'OAuth settings are missing.');
    assert.equal(appDrift(f => void (f.appOauth!.OauthScopesAPI = false)).drift, 'OAuth scopes differ.');
    assert.equal(appDrift(f => void (f.appOauth!.OauthScopesREFRESH_TOKEN = false)).drift, 'OAuth scopes differ.');
    const apiOnly = { ...MANIFEST, app: { ...MANIFEST.app, scopes: ['Api'] } };
    assert.equal(appDrift(f => void (f.appOauth!.OauthScopesREFRESH_TOKEN = false), apiOnly).drift, undefined);
    assert.equal(
      appDrift(f => {
        f.appOauth = undefined;
        f.failed.appOauth = { errorCode: 'X', message: 'no' };
      }).drift,
      undefined,
    );
  });
  it('the policy: another permitted-users value is drift (and a finding); IP relaxation compared in any case', () => {
    assert.equal(
      appDrift(f => void (f.policy!.PermittedUsersPolicyType = 'AllSelfAuthorized')).drift,
      'permitted users policy.',
    );
    assert.equal(
      appDrift(f => void (f.policy!.PermittedUsersPolicyType = 'adminapprovedpreauthorized')).drift,
      undefined,
    );
    assert.equal(appDrift(f => void (f.policy!.IpRelaxationPolicyType = 'BYPASS')).drift, undefined);
    assert.equal(appDrift(f => void (f.policy!.IpRelaxationPolicyType = 'Enforce')).drift, 'IP relaxation is Enforce.');
    assert.equal(appDrift(f => void (f.policy = undefined)).drift, 'permitted users policy.');
    assert.equal(
      appDrift(f => {
        f.policy = undefined;
        f.failed.policy = { errorCode: 'X', message: 'no' };
      }).drift,
      undefined,
    );
  });
  it('a disabled app or OAuth plugin is drift; no app policy read is not', () => {
    assert.equal(
      appDrift(f => void (f.appPolicy!.IsEnabled = false)).drift,
      'the app or its OAuth plugin is disabled.',
    );
    assert.equal(
      appDrift(f => void (f.appPolicy!.OauthPluginStatus = 'Disabled')).drift,
      'the app or its OAuth plugin is disabled.',
    );
    assert.equal(appDrift(f => void (f.appPolicy!.OauthPluginStatus = 'Unknown')).drift, undefined);
    assert.equal(appDrift(f => void (f.appPolicy = undefined)).drift, undefined);
  });
  it('several differences are listed together, and the deploy is planned once', () => {
    const r = appDrift(f => {
      f.global!.isPkceRequired = 'true';
      f.appPolicy!.IsEnabled = false;
    });
    assert.deepEqual(r, {
      state: 'drifted',
      planned: 1,
      drift: 'PKCE is required; the app or its OAuth plugin is disabled.',
    });
  });
  it('a self-authorized policy names the value it found, or "not set"', () => {
    const f = doneFacts();
    f.policy!.PermittedUsersPolicyType = 'AllSelfAuthorized';
    assert.match(step(f, 'app').findings[0]!.message, /^Permitted Users is "AllSelfAuthorized"; /);
    f.policy = undefined;
    assert.match(step(f, 'app').findings[0]!.message, /^Permitted Users is "not set"; /);
  });
  it('the app-partly-unchecked finding lists each unread part with its message, and only for an existing app', () => {
    const f = doneFacts();
    f.failed.global = { errorCode: 'A', message: 'first' };
    f.failed.appPolicy = { errorCode: 'B', message: 'second' };
    const finding = step(f, 'app').findings.find(x => x.code === 'app-partly-unchecked')!;
    assert.match(
      finding.message,
      /\(never taken for drift\): callback URL, certificate and PKCE \(global OAuth settings\): A: first; app policies: B: second\.$/,
    );
    const fresh = freshFacts();
    fresh.failed.global = { errorCode: 'A', message: 'first' };
    assert.ok(!step(fresh, 'app').findings.some(x => x.code === 'app-partly-unchecked'));
  });
  it("the deploy's plan line speaks Setup's language: scopes and IP relaxation by their labels", () => {
    const s = step(freshFacts(), 'app');
    assert.deepEqual(
      s.plan.map(w => [w.action, w.target]),
      [['deploy', 'External Client App "BalkanID Extractor"']],
    );
    assert.match(s.plan[0]!.detail, /OAuth scopes: Manage user data via APIs \(api\), Perform requests at any time/);
    assert.match(s.plan[0]!.detail, /IP Relaxation: Relax IP restrictions; app enabled$/);
  });
});

describe('drift: profile, user, permission set and link', () => {
  it("the profile's missing permissions are listed and planned by their labels; its dependencies count too", () => {
    const f = doneFacts();
    f.profile!.PermissionsViewSetup = false;
    f.profile!.PermissionsViewRoles = false;
    const s = step(f, 'profile');
    assert.deepEqual(
      s.plan.map(w => [w.action, w.target, w.detail]),
      [
        [
          'update',
          'Profile "BalkanID Integration"',
          'enable View Setup and Configuration, View Roles and Role Hierarchy',
        ],
      ],
    );
    f.profile!.PermissionsViewSetup = true;
    f.profile!.PermissionsViewRoles = true;
    f.dependencies = [{ Permission: 'ViewRoles', RequiredPermission: 'ViewPlatformData' }];
    assert.equal(step(f, 'profile').plan[0]?.detail, 'enable ViewPlatformData');
  });
  it('a new profile is planned as a clone with the integration permissions', () => {
    const s = step(freshFacts(), 'profile');
    assert.deepEqual(
      s.plan.map(w => [w.action, w.detail]),
      [['create', 'clone of "Standard Platform User" + View Setup and Configuration, View Roles and Role Hierarchy']],
    );
    assert.equal(s.state, 'todo');
  });
  it('the login IP ranges are named in the finding', () => {
    const f = doneFacts();
    f.profileIpRanges = [
      { startAddress: '10.0.0.1', endAddress: '10.0.0.9' },
      { startAddress: '10.1.0.1', endAddress: '10.1.0.1' },
    ];
    assert.match(step(f, 'profile').findings[0]!.message, /\(10\.0\.0\.1–10\.0\.0\.9, 10\.1\.0\.1–10\.1\.0\.1\)/);
  });
  it('a profile on the licence of the standard profile (15 vs 18 characters) is fine; without a standard profile nothing is compared', () => {
    const f = doneFacts();
    f.profile!.UserLicenseId = '100000000000001';
    assert.deepEqual(step(f, 'profile').findings, []);
    f.sourceProfile = undefined;
    f.profile!.UserLicenseId = '100000000000009AAA';
    assert.deepEqual(step(f, 'profile').findings, []);
  });
  it('a user on the integration profile (15 vs 18 characters) has no drift; on another one, the move is planned', () => {
    const f = doneFacts();
    f.user!.ProfileId = '00e000000000002';
    assert.deepEqual(step(f, 'user').plan, []);
    f.user!.ProfileId = '00e000000000009AAA';
    f.user!.Profile = { Name: 'Other' };
    assert.deepEqual(
      step(f, 'user').plan.map(w => w.detail),
      ['profile "Other" → "BalkanID Integration"'],
    );
    f.user!.Profile = undefined;
    assert.deepEqual(
      step(f, 'user').plan.map(w => w.detail),
      ['profile "unknown" → "BalkanID Integration"'],
    );
  });
  it('a new user is planned with every value it is created with', () => {
    const s = step(freshFacts(), 'user');
    assert.deepEqual(
      s.plan.map(w => [w.action, w.target, w.detail]),
      [
        [
          'create',
          'User balkanid@acme.com',
          'Salesforce Platform licence, profile "BalkanID Integration", Role: none, First Name "BalkanID", Last Name ' +
            '"BalkanID", Alias "BalkanID", Email it@acme.com',
        ],
      ],
    );
  });
  it('reactivating an inactive user takes a licence: with none left, it is blocked', () => {
    const f = doneFacts();
    f.user!.IsActive = false;
    f.license!.UsedLicenses = 9;
    const ok = evaluate(f, MANIFEST, certificate(), NOW, true).find(s => s.id === 'user')!;
    assert.deepEqual([ok.state, ok.findings.map(x => x.code)], ['drifted', []]);
    f.license!.UsedLicenses = 10;
    const none = evaluate(f, MANIFEST, certificate(), NOW, true).find(s => s.id === 'user')!;
    assert.deepEqual([none.state, none.findings.map(x => x.code)], ['blocked', ['license-exhausted']]);
    assert.match(none.findings[0]!.message, /\(10 of 10 used\), so balkanid@acme\.com cannot be reactivated\.$/);
  });
  it('one licence left is enough to create the user; none is not', () => {
    const f = freshFacts();
    f.license!.UsedLicenses = 9;
    assert.equal(step(f, 'user').state, 'todo');
    f.license!.UsedLicenses = 11;
    assert.equal(step(f, 'user').state, 'blocked');
  });
  it("the permission set: its missing permissions planned by label, its assignment to the manifest's user", () => {
    const f = doneFacts();
    f.permissionSet!.PermissionsApiEnabled = false;
    f.permissionSet!.Assignments = { records: [] };
    const s = step(f, 'permissionSet');
    assert.deepEqual(
      s.plan.map(w => [w.action, w.target, w.detail]),
      [
        ['update', 'Permission set "BalkanID Extractor"', 'enable API Enabled'],
        ['create', 'Permission set assignment', '"BalkanID Extractor" → balkanid@acme.com'],
      ],
    );
    assert.equal(s.state, 'drifted');
  });
  it('an unassigned permission set without a user yet: the assignment is planned, no drift finding', () => {
    const f = doneFacts();
    f.user = undefined;
    f.permissionSet!.Assignments = null;
    const s = step(f, 'permissionSet');
    assert.deepEqual(
      s.findings.map(x => x.code),
      [],
    );
    assert.deepEqual(
      s.plan.map(w => w.target),
      ['Permission set assignment'],
    );
  });
  it('a new permission set is planned with License: None and its permissions', () => {
    const f = freshFacts();
    f.dependencies = [];
    assert.deepEqual(
      step(f, 'permissionSet').plan.map(w => [w.action, w.target, w.detail]),
      [
        ['create', 'Permission set "BalkanID Extractor"', 'License: None; API Enabled, View All Data'],
        ['create', 'Permission set assignment', '"BalkanID Extractor" → balkanid@acme.com'],
      ],
    );
  });
  it('the link: planned when missing, with a drift finding only when the app and the permission set exist', () => {
    const f = doneFacts();
    f.permissionSet!.SetupEntityAccessItems = null;
    const s = step(f, 'link');
    assert.deepEqual(
      s.plan.map(w => [w.action, w.target, w.detail]),
      [
        [
          'create',
          'External Client App "BalkanID Extractor" policies',
          'Select Permission Sets: add "BalkanID Extractor"',
        ],
      ],
    );
    assert.deepEqual(
      s.findings.map(x => x.code),
      ['link-missing-drift'],
    );
    const fresh = step(freshFacts(), 'link');
    assert.deepEqual([fresh.findings.map(x => x.code), fresh.plan.length, fresh.state], [[], 1, 'todo']);
  });
  it('the consumer key: done when read; pending (todo) without an app; unreadable is an error', () => {
    assert.equal(step(doneFacts(), 'consumerKey').state, 'done');
    const none = doneFacts();
    none.app = undefined;
    none.consumerKey = undefined;
    const s = step(none, 'consumerKey');
    assert.deepEqual([s.state, s.findings.map(x => [x.code, x.severity])], ['todo', [['pending', 'info']]]);
    const unread = doneFacts();
    unread.consumerKey = { refused: [{ route: 'metadata', code: 'NO_KEY', message: 'no key' }] };
    const u = step(unread, 'consumerKey');
    assert.deepEqual(
      [u.state, u.findings.map(x => [x.code, x.severity])],
      ['error', [['consumer-key-unreadable', 'error']]],
    );
  });
  it('Verify waits for the steps before it (but not for the consumer key) and says which', () => {
    const f = doneFacts();
    f.consumerKey = { refused: [{ route: 'metadata', code: 'NO_KEY', message: 'no key' }] };
    assert.equal(step(f, 'verify').state, 'done');
    f.permissionSet!.Assignments = { records: [] };
    const v = step(f, 'verify');
    assert.equal(v.state, 'todo');
    assert.deepEqual(
      v.findings.filter(x => x.code === 'pending').map(x => x.message),
      ['Waiting for: Permission set BalkanID Extractor, assigned.'],
    );
  });
  it("Verify's login messages: who, when (UTC, to the minute), through which app, and the fix for the status", () => {
    const f = doneFacts();
    f.logins = [
      {
        LoginTime: '2026-11-30T11:05:59.000+0000',
        Status: 'Failed: Not Admin Approved',
        Application: null,
        LoginType: 'Remote Access 2.0',
      },
    ];
    const failing = step(f, 'verify').findings[0]!;
    assert.equal(
      failing.message,
      'The latest login of balkanid@acme.com (2026-11-30 11:05 UTC, unknown app) failed: Failed: Not Admin Approved.',
    );
    assert.match(failing.fix!, /^Run the link step/);
    const fixFor = (Status: string) => {
      f.logins = [{ LoginTime: '2026-11-30T11:00:00Z', Status, Application: 'A', LoginType: 'Remote Access 2.0' }];
      return step(f, 'verify').findings[0]!.fix!;
    };
    assert.match(fixFor('user is not approved'), /^Run the link step/);
    assert.match(fixFor('Inactive user'), /^Reactivate the integration user/);
    assert.match(fixFor('Failed: IP restricted'), /^Remove the Login IP Ranges/);
    assert.match(fixFor('invalid assertion'), /^BalkanID's key does not match/);
    assert.match(fixFor('bad signature'), /^BalkanID's key does not match/);
    assert.match(fixFor('certificate expired'), /^BalkanID's key does not match/);
    assert.match(fixFor('Audience mismatch'), /^Set the Login URL in BalkanID/);
    assert.match(fixFor('Failed: something'), /^Check the values in BalkanID/);
    assert.match(fixFor('Failed: zip code'), /^Check the values in BalkanID/);
  });
  it('a successful login says "first login" when the whole history was read, else "earliest seen"', () => {
    const f = doneFacts();
    const ok = (i: number) => ({
      LoginTime: `2026-11-30T1${i}:00:00Z`,
      Status: 'Success',
      Application: 'A',
      LoginType: 'Remote Access 2.0',
    });
    f.logins = [ok(1)];
    assert.match(
      step(f, 'verify').findings[0]!.message,
      /\(first login 2026-11-30 11:00 UTC; a login this tool did not make\)\.$/,
    );
    f.logins = Array.from({ length: 10 }, (_, i) => ok(9 - i));
    assert.match(
      step(f, 'verify').findings[0]!.message,
      /\(earliest seen login 2026-11-30 10:00 UTC; a login this tool did not make\)\.$/,
    );
  });
  it('login history unreadable without an integration user: nothing to say about it', () => {
    const f = doneFacts();
    f.user = undefined;
    f.failed.logins = { errorCode: 'X', message: 'no' };
    assert.ok(!step(f, 'verify').findings.some(x => x.code === 'login-history-unreadable'));
  });
});

describe('drift: the preflight', () => {
  const pre = (f: Facts, m: Manifest = MANIFEST) => step(f, 'preflight', m).findings.map(x => x.code);
  it('API 62.0 is enough; 61.0 is too old', () => {
    const f = doneFacts();
    f.apiVersion = '62.0';
    assert.deepEqual(pre(f), []);
    f.apiVersion = '61.0';
    assert.deepEqual(pre(f), ['api-version-too-old']);
  });
  it('placeholder domains, a sandbox suffix and subdomains looked through; reserved top-level domains warned (the user step)', () => {
    const codes = (m: Manifest) =>
      step(doneFacts(), 'user', m)
        .findings.filter(x => x.code === 'placeholder-value' || x.code === 'reserved-domain')
        .map(x => x.code);
    const with_ = (username: string, email = 'it@acme.com') => ({
      ...MANIFEST,
      user: { ...MANIFEST.user, username, email },
    });
    for (const u of [
      'b@yourcompany.com',
      'b@your-company.org',
      'b@yourdomain.net',
      'b@your-org.com',
      'b@example.com',
      'b@mail.example.com',
      'b@example.com.uat',
      'b@EXAMPLE.COM',
    ])
      assert.deepEqual(codes(with_(u)), ['placeholder-value'], u);
    for (const u of ['b@acme.test', 'b@acme.example', 'b@acme.invalid', 'b@acme.localhost', 'b@acme.TEST'])
      assert.deepEqual(codes(with_(u)), ['reserved-domain'], u);
    for (const u of ['b@myexample.com', 'b@example.co', 'b@acme.testing', 'b@test.acme.com', 'b@example.company'])
      assert.deepEqual(codes(with_(u)), [], u);
    assert.deepEqual(codes(with_('b@acme.com', 'it@example.com')), ['placeholder-value']);
  });
  it("the placeholder finding's fix keeps the local part", () => {
    const m = { ...MANIFEST, user: { ...MANIFEST.user, username: 'svc.balkanid@yourcompany.com' } };
    assert.equal(
      step(doneFacts(), 'user', m).findings.find(x => x.code === 'placeholder-value')!.fix,
      'Use your company\'s domain, for example "svc.balkanid@<your domain>".',
    );
  });
  it('the licence: free licences say nothing; none free with a user existing says nothing; no licence read at all is not "missing"', () => {
    const f = doneFacts();
    f.license!.UsedLicenses = 10;
    assert.deepEqual(pre(f), []);
    f.user = undefined;
    f.license!.UsedLicenses = 9;
    assert.deepEqual(pre(f), []);
    f.license!.UsedLicenses = 12;
    assert.deepEqual(pre(f), ['license-headroom']);
    f.license = undefined;
    f.failed.license = { errorCode: 'INVALID_TYPE', message: 'no' };
    assert.deepEqual(pre(f), []);
  });
  it("an unreadable permission set of the admin names the read's error, or 'unknown error'", () => {
    const f = doneFacts();
    f.adminPerms = undefined;
    f.failed.upa = { errorCode: 'X', message: 'the reason' };
    assert.equal(step(f, 'preflight').findings[0]!.message, 'Your permissions could not be read (the reason).');
    f.failed = {};
    assert.equal(step(f, 'preflight').findings[0]!.message, 'Your permissions could not be read (unknown error).');
  });
  it('another failure to read apps than INVALID_TYPE is not "External Client Apps invisible"', () => {
    const f = doneFacts();
    f.failed.app = { errorCode: 'INSUFFICIENT_ACCESS', message: 'no' };
    assert.deepEqual(pre(f), []);
  });
  it('a missing admin permission with alternatives names them all, the first as the one to grant', () => {
    const f = doneFacts();
    f.adminPerms = new Set(['ApiEnabled', 'ViewSetup', 'CustomizeApplication', 'ModifyMetadata']);
    const app = step(f, 'app').findings.filter(x => x.code === 'admin-permission-missing');
    assert.deepEqual(
      app.map(x => [x.permission, x.message]),
      [
        [
          'ExternalClientAppDeveloper',
          'You (the connected admin) lack "Create, edit, and delete External Client Apps" (or Modify All Data), which this step needs.',
        ],
      ],
    );
  });
});

describe('drift: what the app step says it could not read', () => {
  it('a JWT-based session: the Metadata API was not asked, said plainly instead of a code', () => {
    const f = doneFacts();
    f.global = undefined;
    f.failed.global = { errorCode: 'SOAP_REFUSES_JWT_TOKEN', message: 'raw words' };
    const s = step(f, 'app');
    const unchecked = s.findings.find(x => x.code === 'app-partly-unchecked')!;
    assert.match(
      unchecked.message,
      /\(global OAuth settings\): your session is JWT-based, and Salesforce takes JWT-based access tokens for REST APIs only, so the Metadata API was not asked\.$/,
    );
    assert.ok(!unchecked.message.includes('raw words'));
  });
  it("the app's component names without any read: Setup's convention for each", () => {
    const f = { ...doneFacts(), global: undefined, appOauth: undefined, policy: undefined, appPolicy: undefined };
    assert.deepEqual(appNames(f, 'BalkanID_Extractor'), ecaNames('BalkanID_Extractor'));
  });
});
