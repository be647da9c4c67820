// What the engine sends and says, exactly, on fact fixtures: the fact queries, the record writes of each step, the
// External Client App's metadata files, the teardown plan, the JWT error table, the step-scoped errors, the
// addresses it accepts — each pinned so that a changed operator, condition or value fails a test.
import assert from 'node:assert/strict';
import { bareCode, consumerIdOf, loginsSoql, factQueries, linkOf, sameId, soql, wordsOf } from '../../src/core/facts';
import { ecaDestructiveFiles, ecaFiles, ecaNames } from '../../src/core/eca';
import { explainJwtError, jwtAssertion } from '../../src/core/jwt';
import { errorOf, stepError, writeFailure, writesSentence } from '../../src/core/errors';
import { salesforceCode } from '../../src/core/errorCodes';
import { describeWrites, isSetupError, SetupError, Write } from '../../src/core/types';
import { checkInstanceUrl, myDomainUrl, secureTransport } from '../../src/core/url';
import { ADMIN_PERMISSIONS, label, withDependencies } from '../../src/core/permissions';
import { IP_LABELS, scopeList } from '../../src/core/setupLabels';
import { helpUrl, SETUP_PAGES, STEP_LABELS, STEP_TITLES, STEPS } from '../../src/core/steps';
import { clonePermissions, profile } from '../../src/core/steps/profile';
import { user } from '../../src/core/steps/user';
import { permissionSet } from '../../src/core/steps/permissionSet';
import { linkRequests } from '../../src/core/steps/link';
import { appDeployFiles, appNames } from '../../src/core/steps/app';
import { RecordWrite, Step, StepContext } from '../../src/core/steps/step';
import { handoff } from '../../src/core/engine';
import { teardownKept, teardownPlan } from '../../src/core/teardown';
import { manifestTemplate, proposedUsername } from '../../src/core/manifest';
import { parseManifest } from '../../src/core/manifestText';
import { certificate, doneFacts, freshFacts, MANIFEST } from '../support/facts';
import { certAt, NOW } from '../support/clock';
import { readPrivateKey } from '../../src/core/certificate';
import { decode } from 'jsonwebtoken';

const API = '/services/data/v64.0';
const ctx = (facts = doneFacts(), more: Partial<StepContext> = {}): StepContext => ({
  facts,
  manifest: MANIFEST,
  certificate: certificate(),
  now: NOW,
  ...more,
});
/** A step's record writes, as apply builds them: a record's Id is the one in the org, else `created[id]` (a reference
 *  to its creation earlier in the same composite), else none. */
const recordsOf = (step: Step, c: StepContext, created: Record<string, string> = {}): RecordWrite[] =>
  step.records!({ ...c, ref: (id, existing) => existing ?? created[id] });

describe('shapes: the fact queries', () => {
  it("a SOQL literal escapes backslashes and quotes: O'Brien\\x → 'O\\'Brien\\\\x'", () => {
    assert.equal(soql("O'Brien\\x"), "'O\\'Brien\\\\x'");
    assert.equal(soql(''), "''");
  });
  it("the login history query: the user's OAuth logins, newest first, 10 rows", () => {
    assert.equal(
      loginsSoql("b'x@acme.com"),
      'SELECT Id, LoginTime, Status, Application, LoginType, SourceIp FROM LoginHistory WHERE UserId IN (SELECT Id ' +
        'FROM User ' +
        "WHERE Username = 'b\\'x@acme.com') AND LoginType = 'Remote Access 2.0' ORDER BY LoginTime DESC LIMIT 10",
    );
  });
  it('the same Id in its 15- and 18-character forms is the same; anything not two strings is not', () => {
    assert.equal(sameId('005000000000001', '005000000000001AAA'), true);
    assert.equal(sameId('005000000000001AAA', '005000000000002AAA'), false);
    assert.equal(sameId(undefined, undefined), false);
    assert.equal(sameId('005000000000001', undefined), false);
    assert.equal(sameId(undefined, '005000000000001'), false);
    assert.equal(sameId(5, 5), false);
  });
  it('one query per fact, in order, with the manifest values quoted; only the dependencies go to Tooling', () => {
    const m = { ...MANIFEST, user: { ...MANIFEST.user, username: "o'b@acme.com" } };
    const q = factQueries(m, '005000000000001AAA', ['ApiEnabled', 'ViewSetup']);
    assert.deepEqual(
      q.map(x => x.ref),
      [
        'org',
        'upa',
        'admin',
        'user',
        'userLogin',
        'license',
        'owned',
        'profiles',
        'permset',
        'deps',
        'app',
        'appOauth',
        'policy',
        'appPolicy',
        'logins',
      ],
    );
    assert.deepEqual(
      q.filter(x => x.tooling).map(x => x.ref),
      ['deps'],
    );
    const by = Object.fromEntries(q.map(x => [x.ref, x.soql]));
    assert.equal(by.upa, 'SELECT PermissionsApiEnabled, PermissionsViewSetup FROM UserPermissionAccess');
    assert.match(by.admin!, /WHERE Id = '005000000000001AAA'$/);
    assert.match(by.user!, /FROM User WHERE Username = 'o\\'b@acme\.com'$/);
    assert.match(
      by.permset!,
      /^SELECT Id, Name, Label, LicenseId, PermissionsApiEnabled, PermissionsViewAllData, PermissionsViewSetup, PermissionsViewRoles, /,
    );
    assert.match(by.permset!, /WHERE Name = 'BalkanID_Extractor' AND IsOwnedByProfile = false$/);
    assert.match(by.app!, /WHERE DeveloperName = 'BalkanID_Extractor'$/);
    assert.equal(by.logins, loginsSoql("o'b@acme.com"));
  });
  it("the admin's permissions default to every permission a step may need", () => {
    const upa = factQueries(MANIFEST, '005').find(x => x.ref === 'upa')!.soql;
    assert.equal(upa, `SELECT ${ADMIN_PERMISSIONS.map(p => `Permissions${p}`).join(', ')} FROM UserPermissionAccess`);
  });
  it("the link is the permission set's access row for the app (15 or 18 characters); none without an app", () => {
    const f = doneFacts();
    assert.deepEqual(linkOf(f), { Id: '0J0000000000001AAA', SetupEntityId: '0xI000000000001AAA' });
    f.permissionSet!.SetupEntityAccessItems = { records: [{ Id: '0J1', SetupEntityId: '0xI000000000001' }] };
    assert.equal(linkOf(f)?.Id, '0J1');
    f.permissionSet!.SetupEntityAccessItems = { records: [{ Id: '0J2', SetupEntityId: '0xI000000000009AAA' }] };
    assert.equal(linkOf(f), undefined);
    assert.equal(linkOf({ ...doneFacts(), app: undefined }), undefined);
  });
  it("the OAuth consumer's Id is the 15- or 18-character Id after the colon of OauthLink; anything else is none", () => {
    assert.equal(consumerIdOf('00D000000000001EAA:0H4000000000001'), '0H4000000000001');
    assert.equal(consumerIdOf('00D000000000001EAA: 0H4000000000001AAA '), '0H4000000000001AAA');
    assert.equal(consumerIdOf('00D000000000001EAA:0H400000000001'), undefined, '14 characters');
    assert.equal(consumerIdOf('00D000000000001EAA:0H4000000000001A'), undefined, '16 characters');
    assert.equal(consumerIdOf('00D000000000001EAA:0H4000000000001AAAB'), undefined, '19 characters');
    assert.equal(consumerIdOf('00D000000000001EAA:0H4000000000-01'), undefined, 'not a letter or digit');
    assert.equal(consumerIdOf('x0H4000000000001:'), undefined, 'nothing after the colon');
    assert.equal(consumerIdOf('0H4000000000001'), undefined, 'no colon');
    assert.equal(consumerIdOf(null), undefined);
    assert.equal(consumerIdOf(undefined), undefined);
  });
  it("Salesforce's code loses only a leading sf: prefix, and its words lose only the code in front of them", () => {
    assert.equal(bareCode('sf:INSUFFICIENT_ACCESS'), 'INSUFFICIENT_ACCESS');
    assert.equal(bareCode('INSUFFICIENT_ACCESS'), 'INSUFFICIENT_ACCESS');
    assert.equal(bareCode('X_sf:Y'), 'X_sf:Y');
    assert.equal(
      wordsOf('FUNCTIONALITY_NOT_ENABLED', 'FUNCTIONALITY_NOT_ENABLED: This feature is off. '),
      'This feature is off.',
    );
    assert.equal(wordsOf('sf:INVALID_TYPE', 'sf:INVALID_TYPE: sf:INVALID_TYPE:  No such type'), 'No such type');
    assert.equal(wordsOf('INVALID_TYPE', 'The INVALID_TYPE: stays inside'), 'The INVALID_TYPE: stays inside');
  });
});

describe('shapes: the record writes', () => {
  it('a new profile clones the standard profile: its permissions the API may set, the integration ones and their dependencies', () => {
    const f = freshFacts();
    f.sourceProfile = {
      ...f.sourceProfile!,
      PermissionsApiEnabled: true,
      PermissionsChatter: true,
      PermissionsOff: false,
    };
    f.dependencies = [{ Permission: 'ViewRoles', RequiredPermission: 'ViewPlatformData' }];
    f.profileFields = { createable: new Set(['ApiEnabled']), byLabel: new Map(), labels: new Map() };
    const [w] = recordsOf(profile, ctx(f, { permissions: { adjust: {} } }));
    assert.deepEqual(w, {
      step: 'profile',
      target: 'profile',
      detail: '"BalkanID Integration"',
      permissions: 'profile',
      referenceId: 'profile',
      method: 'POST',
      path: '/sobjects/Profile',
      body: {
        Name: 'BalkanID Integration',
        Description:
          'BalkanID integration: Standard Platform User + View Setup and Configuration + View Roles and Role Hierarchy',
        UserLicenseId: '100000000000001AAA',
        PermissionsApiEnabled: true,
        PermissionsViewSetup: true,
        PermissionsViewRoles: true,
        PermissionsViewPlatformData: true,
      },
    });
  });
  it('without describe, every permission the standard profile has is copied; dropped ones are left out', () => {
    const f = freshFacts();
    f.sourceProfile = { ...f.sourceProfile!, PermissionsChatter: true };
    f.dependencies = [];
    const [w] = recordsOf(
      profile,
      ctx(f, { permissions: { adjust: { profile: { add: ['Extra'], drop: ['Chatter'] } } } }),
    );
    assert.deepEqual(
      Object.keys(w!.body).filter(k => k.startsWith('Permissions')),
      ['PermissionsApiEnabled', 'PermissionsViewSetup', 'PermissionsViewRoles', 'PermissionsExtra'],
    );
  });
  it('an existing profile is patched with the wanted permissions', () => {
    const [w] = recordsOf(profile, ctx());
    assert.deepEqual(
      [w!.method, w!.path, w!.body],
      ['PATCH', '/sobjects/Profile/00e000000000002AAA', { PermissionsViewSetup: true, PermissionsViewRoles: true }],
    );
  });
  it("a new user: the manifest's names, the profile reference, the admin's locale (or Setup's defaults)", () => {
    const f = freshFacts();
    f.admin = {
      ...f.admin!,
      TimeZoneSidKey: 'Europe/Paris',
      LocaleSidKey: 'fr_FR',
      LanguageLocaleKey: 'fr',
      EmailEncodingKey: 'ISO-8859-1',
    };
    f.profile = undefined;
    const [w] = recordsOf(user, ctx(f), { profile: '@{profile.id}' });
    assert.deepEqual(w, {
      step: 'user',
      target: 'integration user',
      detail: 'balkanid@acme.com',
      referenceId: 'user',
      method: 'POST',
      path: '/sobjects/User',
      body: {
        Username: 'balkanid@acme.com',
        Email: 'it@acme.com',
        FirstName: 'BalkanID',
        LastName: 'BalkanID',
        Alias: 'BalkanID',
        ProfileId: '@{profile.id}',
        TimeZoneSidKey: 'Europe/Paris',
        LocaleSidKey: 'fr_FR',
        LanguageLocaleKey: 'fr',
        EmailEncodingKey: 'ISO-8859-1',
      },
    });
    f.admin = undefined;
    const [d] = recordsOf(user, ctx(f), { profile: 'x' });
    assert.deepEqual(
      [d!.body.TimeZoneSidKey, d!.body.LocaleSidKey, d!.body.LanguageLocaleKey, d!.body.EmailEncodingKey],
      ['America/Los_Angeles', 'en_US', 'en_US', 'UTF-8'],
    );
  });
  it('an existing user: the role cleared; the profile only when it differs; reactivated only when agreed', () => {
    const f = doneFacts();
    const body = (c: StepContext) => recordsOf(user, c)[0]!.body;
    assert.deepEqual(body(ctx(f)), { UserRoleId: null });
    f.user!.ProfileId = '00e000000000009AAA';
    assert.deepEqual(body(ctx(f)), { ProfileId: '00e000000000002AAA', UserRoleId: null });
    assert.deepEqual(body(ctx({ ...f, profile: undefined })), { UserRoleId: null });
    f.user!.IsActive = false;
    assert.deepEqual(body(ctx(f)), { ProfileId: '00e000000000002AAA', UserRoleId: null });
    assert.deepEqual(body(ctx(f, { reactivateUser: true })), {
      ProfileId: '00e000000000002AAA',
      UserRoleId: null,
      IsActive: true,
    });
    assert.equal(recordsOf(user, ctx(f))[0]!.path, '/sobjects/User/005000000000002AAA');
  });
  it('a new permission set and its assignment to the new user, by references', () => {
    const f = freshFacts();
    f.dependencies = [];
    assert.deepEqual(recordsOf(permissionSet, ctx(f), { user: '@{user.id}' }), [
      {
        step: 'permissionSet',
        target: 'permission set',
        detail: 'BalkanID Extractor',
        permissions: 'permissionSet',
        referenceId: 'permset',
        method: 'POST',
        path: '/sobjects/PermissionSet',
        body: {
          Name: 'BalkanID_Extractor',
          Label: 'BalkanID Extractor',
          Description: 'BalkanID extractor: API access + read all data',
          PermissionsApiEnabled: true,
          PermissionsViewAllData: true,
        },
      },
      {
        step: 'permissionSet',
        target: 'permission set assignment',
        detail: 'BalkanID Extractor → balkanid@acme.com',
        referenceId: 'assignment',
        method: 'POST',
        path: '/sobjects/PermissionSetAssignment',
        body: { AssigneeId: '@{user.id}', PermissionSetId: '@{permset.id}' },
      },
    ]);
  });
  it('an existing permission set: patched only when a permission is missing; assigned only when unassigned and a user exists', () => {
    const f = doneFacts();
    assert.deepEqual(recordsOf(permissionSet, ctx(f)), []);
    f.permissionSet!.PermissionsViewAllData = false;
    f.permissionSet!.Assignments = { records: [] };
    assert.deepEqual(
      recordsOf(permissionSet, ctx(f)).map(w => [w.method, w.path, w.body]),
      [
        [
          'PATCH',
          '/sobjects/PermissionSet/0PS000000000001AAA',
          {
            PermissionsApiEnabled: true,
            PermissionsViewAllData: true,
            PermissionsViewSetup: true,
            PermissionsViewRoles: true,
          },
        ],
        [
          'POST',
          '/sobjects/PermissionSetAssignment',
          { AssigneeId: '005000000000002AAA', PermissionSetId: '0PS000000000001AAA' },
        ],
      ],
    );
    assert.throws(() => recordsOf(permissionSet, ctx({ ...f, user: undefined })), { code: 'NEEDS_USER' });
    f.permissionSet!.Assignments = null;
    assert.equal(recordsOf(permissionSet, ctx(f)).filter(w => w.referenceId === 'assignment').length, 1);
  });
  it("the link's lookups: the app by name and the permission set's links to apps", () => {
    const [app, links] = linkRequests(ctx(), API, "0PS'1");
    assert.deepEqual(app, {
      referenceId: 'app',
      method: 'GET',
      url: `${API}/query?q=${encodeURIComponent("SELECT Id FROM ExternalClientApplication WHERE DeveloperName = 'BalkanID_Extractor'")}`,
    });
    assert.equal(
      decodeURIComponent(links!.url.split('?q=')[1]!),
      "SELECT Id, SetupEntityId FROM SetupEntityAccess WHERE ParentId = '0PS\\'1' AND SetupEntityType = 'ExternalClientApplication'",
    );
  });
});

describe('shapes: the user and profile steps on an org that drifted', () => {
  it('an inactive user on another profile with a role (reactivation agreed): three updates in the plan, one PATCH', () => {
    const f = doneFacts();
    f.user = {
      ...f.user!,
      IsActive: false,
      ProfileId: '00e000000000009AAA',
      Profile: { Name: 'Other' },
      UserRoleId: '00E1',
    };
    const { plan, findings } = user.evaluate(ctx(f, { reactivateUser: true }), []);
    const update = (detail: string) => ({ step: 'user', action: 'update', target: 'User balkanid@acme.com', detail });
    assert.deepEqual(plan, [
      update('reactivate (Active: on)'),
      update('profile "Other" → "BalkanID Integration"'),
      update('role → none'),
    ]);
    assert.deepEqual(
      findings.map(x => [x.code, x.subject, x.manifestPath]),
      [
        ['user-profile-drift', 'integration-user', ['profile', 'name']],
        ['user-role-drift', 'integration-user', ['user', 'username']],
      ],
    );
    const [w] = recordsOf(user, ctx(f, { reactivateUser: true }));
    assert.deepEqual(
      [w!.referenceId, w!.method, w!.path, w!.body],
      [
        'user',
        'PATCH',
        '/sobjects/User/005000000000002AAA',
        { ProfileId: '00e000000000002AAA', UserRoleId: null, IsActive: true },
      ],
    );
  });
  it('the integration user is the admin: user-is-admin, on the username', () => {
    const f = doneFacts();
    f.user = { ...f.user!, Id: '005000000000001' };
    const { findings } = user.evaluate(ctx(f), []);
    assert.deepEqual(
      findings.filter(x => x.code === 'user-is-admin').map(x => [x.subject, x.manifestPath]),
      [['integration-user', ['user', 'username']]],
    ); // Without the admin's row (unreadable), no user is taken for the admin.
    const { findings: none } = user.evaluate(ctx({ ...f, admin: undefined }), []);
    assert.ok(!none.some(x => x.code === 'user-is-admin'));
  });
  it("a clone takes the source profile's permissions that are on (true), not those it has switched off", () => {
    const f = freshFacts();
    f.sourceProfile = { ...f.sourceProfile!, PermissionsApiEnabled: true, PermissionsRunReports: false };
    f.profileFields = { createable: new Set(['ApiEnabled', 'RunReports']), byLabel: new Map(), labels: new Map() };
    const perms = clonePermissions(ctx(f));
    assert.ok(perms.includes('ApiEnabled'));
    assert.ok(!perms.includes('RunReports'), perms.join());
  });
  it('teardown deactivates the user by a PATCH of IsActive false (never a delete); an inactive one is left', () => {
    const f = doneFacts();
    assert.deepEqual(user.teardown!(f, MANIFEST), [
      {
        step: 'user',
        action: 'update',
        target: 'User balkanid@acme.com',
        detail: 'deactivate (Salesforce users cannot be deleted)',
        removal: { request: { method: 'PATCH', path: '/sobjects/User/005000000000002AAA', body: { IsActive: false } } },
      },
    ]);
    assert.deepEqual(user.teardown!({ ...f, user: { ...f.user!, IsActive: false } }, MANIFEST), []);
  });
  it('teardown deletes each assignment, then the permission set, each by its own DELETE', () => {
    const f = doneFacts();
    assert.deepEqual(permissionSet.teardown!(f, MANIFEST), [
      {
        step: 'permissionSet',
        action: 'delete',
        target: 'Permission set assignment',
        detail: '"BalkanID Extractor" → balkanid@acme.com (0Pa000000000001AAA)',
        id: '0Pa000000000001AAA',
        removal: { request: { method: 'DELETE', path: '/sobjects/PermissionSetAssignment/0Pa000000000001AAA' } },
      },
      {
        step: 'permissionSet',
        action: 'delete',
        target: 'Permission set "BalkanID Extractor"',
        detail: 'with its settings',
        removal: { request: { method: 'DELETE', path: '/sobjects/PermissionSet/0PS000000000001AAA' } },
      },
    ]);
    const unassigned = { ...f, permissionSet: { ...f.permissionSet!, Assignments: undefined } };
    assert.deepEqual(
      permissionSet.teardown!(unassigned, MANIFEST).map(w => w.target),
      ['Permission set "BalkanID Extractor"'],
    );
    assert.deepEqual(permissionSet.teardown!({ ...f, permissionSet: undefined }, MANIFEST), []);
  });
  it('the permission set step is done only with the set there and assigned', () => {
    const f = doneFacts();
    assert.equal(permissionSet.evaluate(ctx(f), []).done, true);
    const unassigned = { ...f, permissionSet: { ...f.permissionSet!, Assignments: { records: [] } } };
    assert.equal(permissionSet.evaluate(ctx(unassigned), []).done, false);
    const noRecords = { ...f, permissionSet: { ...f.permissionSet!, Assignments: null as never } };
    assert.equal(permissionSet.evaluate(ctx(noRecords), []).done, false);
  });
  it('a new user without a profile to reference: NEEDS_PROFILE, on the user step', () => {
    const f = freshFacts();
    assert.throws(
      () => recordsOf(user, ctx(f)),
      (e: any) => e.code === 'NEEDS_PROFILE' && e.step === 'user',
    );
  });
  it("the profile's other findings: on the integration user's profile name, each with what was not copied and why", () => {
    const f = doneFacts();
    f.sourceProfile = {
      ...f.sourceProfile!,
      PermissionsRunReports: true,
      PermissionsModifyAllData: false,
      PermissionsChatter: true,
      PermissionsEditTask: true,
    };
    f.objectDependencies = [{ Permission: 'EditTask', RequiredPermission: 'Task: Edit' }];
    f.profileFields = {
      createable: new Set(['ApiEnabled', 'RunReports', 'EditTask']),
      byLabel: new Map(),
      labels: new Map([
        ['RunReports', 'Run Reports'],
        ['Chatter', 'Chatter'],
        ['EditTask', 'Edit Tasks'],
      ]),
    };
    f.profileIpRanges = [{ startAddress: '10.0.0.1', endAddress: '10.0.0.9' }];
    const { findings } = profile.evaluate(ctx(f), []);
    const at = (code: string) => findings.find(x => x.code === code)!;
    for (const code of ['profile-permissions-not-copied', 'profile-ip-ranges'])
      assert.deepEqual([at(code).subject, at(code).manifestPath], ['integration-user', ['profile', 'name']], code);
    assert.equal(
      at('profile-permissions-not-copied').message,
      'Not copied from "Standard Platform User" to profile "BalkanID Integration": "Run Reports" (Salesforce refused ' +
        'it, or it was switched off since); "Chatter" (the API cannot set it (its licence manages it)); "Edit Tasks" ' +
        '(it needs the object permission Task: Edit, which a profile insert cannot grant).',
    );
    f.profileIpRanges = [];
    f.failed.profileMeta = { errorCode: 'INSUFFICIENT_ACCESS', message: 'no access' };
    const unchecked = profile.evaluate(ctx(f), []).findings.find(x => x.code === 'profile-ip-ranges-unchecked')!;
    assert.deepEqual([unchecked.subject, unchecked.manifestPath], ['integration-user', ['profile', 'name']]);
  });
});

describe('shapes: the External Client App files', () => {
  const m = {
    ...MANIFEST,
    app: { ...MANIFEST.app, label: 'A & <B>', scopes: ['Api', 'RefreshToken'], ipRelaxation: 'Enforce' as const },
  };
  it("Setup's component names, existing names kept", () => {
    assert.deepEqual(ecaNames('X'), {
      app: 'X',
      global: 'X_glbloauth',
      oauth: 'X_oauth',
      policy: 'X_oauthPlcy',
      appPolicy: 'X_plcy',
    });
    assert.deepEqual(ecaNames('X', { global: 'G', oauth: 'O', policy: 'P', appPolicy: 'AP' }), {
      app: 'X',
      global: 'G',
      oauth: 'O',
      policy: 'P',
      appPolicy: 'AP',
    });
    const f = doneFacts();
    f.policy!.DeveloperName = 'Old_policy';
    assert.equal(appNames(f, 'BalkanID_Extractor').policy, 'Old_policy');
  });
  it('five components and a package.xml naming each, with escaped values and the certificate body', () => {
    const files = ecaFiles(m, ecaNames('BalkanID_Extractor'), 'CERTBODY', '64.0');
    assert.deepEqual(Object.keys(files), [
      'externalClientApps/BalkanID_Extractor.eca',
      'extlClntAppGlobalOauthSets/BalkanID_Extractor_glbloauth.ecaGlblOauth',
      'extlClntAppOauthSettings/BalkanID_Extractor_oauth.ecaOauth',
      'extlClntAppOauthPolicies/BalkanID_Extractor_oauthPlcy.ecaOauthPlcy',
      'extlClntAppPolicies/BalkanID_Extractor_plcy.ecaPlcy',
      'package.xml',
    ]);
    const app = files['externalClientApps/BalkanID_Extractor.eca']!;
    assert.equal(
      app,
      '<?xml version="1.0" encoding="UTF-8"?>\n<ExternalClientApplication xmlns="http://soap.sforce.com/2006/04/metadata">\n' +
        '    <contactEmail>it@acme.com</contactEmail>\n' +
        '    <description>BalkanID identity-governance extractor (JWT bearer)</description>\n' +
        '    <distributionState>Local</distributionState>\n' +
        '    <isProtected>false</isProtected>\n' +
        '    <label>A &amp; &lt;B&gt;</label>\n' +
        '</ExternalClientApplication>\n',
    );
    const global = files['extlClntAppGlobalOauthSets/BalkanID_Extractor_glbloauth.ecaGlblOauth']!;
    for (const line of [
      '<callbackUrl>https://app.balkan.id</callbackUrl>',
      '<certificate>CERTBODY</certificate>',
      '<externalClientApplication>BalkanID_Extractor</externalClientApplication>',
      '<isPkceRequired>false</isPkceRequired>',
      '<isSecretRequiredForRefreshToken>true</isSecretRequiredForRefreshToken>',
      '<isConsumerSecretOptional>false</isConsumerSecretOptional>',
      '<label>BalkanID_Extractor_glbloauth</label>',
    ])
      assert.ok(global.includes(`    ${line}\n`), line);
    assert.ok(!/consumerKey|consumerSecret>/.test(global), 'never a consumer key or secret');
    const oauth = files['extlClntAppOauthSettings/BalkanID_Extractor_oauth.ecaOauth']!;
    assert.ok(oauth.includes('<commaSeparatedOauthScopes>Api, RefreshToken</commaSeparatedOauthScopes>'));
    const policy = files['extlClntAppOauthPolicies/BalkanID_Extractor_oauthPlcy.ecaOauthPlcy']!;
    for (const line of [
      '<commaSeparatedPermissionSet>BalkanID_Extractor</commaSeparatedPermissionSet>',
      '<ipRelaxationPolicyType>Enforce</ipRelaxationPolicyType>',
      '<permittedUsersPolicyType>AdminApprovedPreAuthorized</permittedUsersPolicyType>',
      '<refreshTokenPolicyType>Infinite</refreshTokenPolicyType>',
    ])
      assert.ok(policy.includes(line), line);
    const appPolicy = files['extlClntAppPolicies/BalkanID_Extractor_plcy.ecaPlcy']!;
    assert.ok(
      appPolicy.includes('<isEnabled>true</isEnabled>') &&
        appPolicy.includes('<isOauthPluginEnabled>true</isOauthPluginEnabled>'),
    );
    assert.equal(
      files['package.xml'],
      '<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="http://soap.sforce.com/2006/04/metadata">\n' +
        '    <types>\n        <members>BalkanID_Extractor</members>\n        <name>ExternalClientApplication</name>\n    </types>\n' +
        '    <types>\n        <members>BalkanID_Extractor_glbloauth</members>\n        <name>ExtlClntAppGlobalOauthSettings</name>\n    </types>\n' +
        '    <types>\n        <members>BalkanID_Extractor_oauth</members>\n        <name>ExtlClntAppOauthSettings</name>\n    </types>\n' +
        '    <types>\n        <members>BalkanID_Extractor_oauthPlcy</members>\n        <name>ExtlClntAppOauthConfigurablePolicies</name>\n    </types>\n' +
        '    <types>\n        <members>BalkanID_Extractor_plcy</members>\n        <name>ExtlClntAppConfigurablePolicies</name>\n    </types>\n' +
        '    <version>64.0</version>\n</Package>\n',
    );
  });
  it('some parts only, for the two-phase deploy', () => {
    const files = ecaFiles(m, ecaNames('X'), 'C', '62.0', ['app']);
    assert.deepEqual(Object.keys(files), ['externalClientApps/X.eca', 'package.xml']);
    assert.ok(files['package.xml']!.includes('<version>62.0</version>'));
    assert.ok(!files['package.xml']!.includes('ExtlClntAppGlobalOauthSettings'));
  });
  it("the deploy's files come from the step context, with the certificate's body; without a readable certificate, none", () => {
    const files = appDeployFiles(ctx(), '64.0');
    assert.ok(
      files['extlClntAppGlobalOauthSets/BalkanID_Extractor_glbloauth.ecaGlblOauth']!.includes(
        `<certificate>${certificate().body}</certificate>`,
      ),
    );
    assert.throws(
      () => appDeployFiles(ctx(doneFacts(), { certificate: undefined }), '64.0'),
      /needs a readable certificate/,
    );
    assert.throws(
      () => appDeployFiles(ctx(doneFacts(), { certificate: new SetupError('x', 'cert-unreadable') }), '64.0'),
      /needs a readable certificate/,
    );
  });
  it('the destructive package names all five components; its package.xml only the version', () => {
    const files = ecaDestructiveFiles(ecaNames('X'), '64.0');
    assert.equal(
      files['package.xml'],
      '<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="http://soap.sforce.com/2006/04/metadata">\n    <version>64.0</version>\n</Package>\n',
    );
    const d = files['destructiveChanges.xml']!;
    for (const member of ['X', 'X_glbloauth', 'X_oauth', 'X_oauthPlcy', 'X_plcy'])
      assert.ok(d.includes(`<members>${member}</members>`), member);
    assert.ok(
      d.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="http://soap.sforce.com/2006/04/metadata">\n    <types>\n',
      ),
    );
    assert.ok(d.endsWith('    </types>\n    <version>64.0</version>\n</Package>\n'));
  });
});

describe('shapes: the teardown plan and what it keeps', () => {
  it("a finished org: the link, each assignment, the permission set, the user's deactivation (one composite), then the app", () => {
    const f = doneFacts();
    f.permissionSet!.Assignments = {
      records: [
        { Id: 'A1', AssigneeId: 'u' },
        { Id: 'A2', AssigneeId: 'v' },
      ],
    };
    assert.deepEqual(
      teardownPlan(f, MANIFEST).map(w => [w.step, w.action, w.target, w.detail, w.id]),
      [
        [
          'link',
          'delete',
          'External Client App "BalkanID Extractor" policies',
          'Select Permission Sets: remove "BalkanID Extractor"',
          undefined,
        ],
        ['permissionSet', 'delete', 'Permission set assignment', '"BalkanID Extractor" → balkanid@acme.com (A1)', 'A1'],
        ['permissionSet', 'delete', 'Permission set assignment', '"BalkanID Extractor" → balkanid@acme.com (A2)', 'A2'],
        ['permissionSet', 'delete', 'Permission set "BalkanID Extractor"', 'with its settings', undefined],
        ['user', 'update', 'User balkanid@acme.com', 'deactivate (Salesforce users cannot be deleted)', undefined],
        [
          'app',
          'delete',
          'External Client App "BalkanID Extractor"',
          'with its OAuth settings and policies',
          undefined,
        ],
      ],
    );
  });
  it('nothing to remove on a fresh org; an inactive user is not deactivated again', () => {
    assert.deepEqual(teardownPlan(freshFacts(), MANIFEST), []);
    const f = freshFacts();
    f.user = { ...doneFacts().user!, IsActive: false };
    assert.deepEqual(teardownPlan(f, MANIFEST), []);
  });
  it('what stays: the (deactivated) user, and the profile it holds — or the profile alone, with how to delete it', () => {
    assert.deepEqual(teardownKept(doneFacts(), MANIFEST), [
      'User balkanid@acme.com: deactivated, not deleted (Salesforce never deletes users); Run All (or apply --reactivate-user) reactivates it.',
      'Profile "BalkanID Integration": the deactivated user still holds it; the next setup reuses it.',
    ]);
    const f = doneFacts();
    f.user = undefined;
    assert.deepEqual(teardownKept(f, MANIFEST), [
      'Profile "BalkanID Integration": delete it in Setup → Profiles if you no longer need it; the next setup reuses it.',
    ]);
    assert.deepEqual(teardownKept(freshFacts(), MANIFEST), []);
  });
});

describe('shapes: JWT assertions and their errors', () => {
  it('the assertion carries iss, sub, aud, an exp 60 s after now (whole seconds) and a jti of its own, signed RS256, no iat', () => {
    const key = readPrivateKey(certAt(NOW).keyPem);
    const token = jwtAssertion(key, { iss: 'ck', sub: 'u@acme.com', aud: 'https://login.salesforce.com' }, NOW + 999);
    const { header, payload } = decode(token, { complete: true }) as {
      header: { alg: string };
      payload: Record<string, unknown>;
    };
    assert.equal(header.alg, 'RS256');
    const { jti, ...claims } = payload;
    assert.deepEqual(claims, {
      iss: 'ck',
      sub: 'u@acme.com',
      aud: 'https://login.salesforce.com',
      exp: Math.floor(NOW / 1000) + 60,
    });
    assert.match(String(jti), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const again = decode(jwtAssertion(key, { iss: 'ck', sub: 'u', aud: 'a' }, NOW + 999)) as Record<string, unknown>;
    assert.notEqual(again.jti, jti, 'each assertion has its own jti');
  });
  const TABLE: Array<[string, string, string, boolean]> = [
    ['invalid_client_id', '', 'consumer key yet', true],
    ['invalid_grant', 'client identifier invalid', 'consumer key yet', true],
    ['invalid_grant', "user hasn't approved this consumer", 'Permitted Users', true],
    ['invalid_grant', 'the user has not approved', 'Permitted Users', true],
    ['invalid_app_access', '', 'no permission set or profile linked', true],
    ['invalid_grant', 'user is not admin approved to access this app', 'no permission set or profile linked', true],
    ['invalid_grant', 'Audience is invalid', 'audience is not the login URL', false],
    ['invalid_grant', 'invalid assertion', 'signature does not match', false],
    ['invalid_grant', 'expired authorization code', 'exp is in the past', false],
    ['invalid_grant', 'inactive user', 'inactive or frozen', false],
    ['invalid_grant', 'ip restricted', 'Login IP Ranges', false],
    ['invalid_grant', 'authentication failure', 'username is wrong', false],
    ['unsupported_grant_type', 'x', 'malformed', false],
    ['weird', 'something else', 'Salesforce refused the login (weird: something else).', false],
  ];
  for (const [error, description, cause, retryable] of TABLE)
    it(`${error} / "${description}" → ${retryable ? 'retried' : 'not retried'}: ${cause}`, () => {
      const d = explainJwtError(error, description);
      assert.ok(d.cause.includes(cause), d.cause);
      assert.equal(d.retryable, retryable);
      assert.ok(d.fix.length > 10);
    });
});

describe('shapes: step-scoped errors', () => {
  const w = (step: Write['step'], target: string): Write => ({ step, action: 'create', target, detail: `"${target}"` });
  it('writes as numbered lines and as one sentence', () => {
    const writes = [w('profile', 'profile'), { ...w('user', 'integration user'), action: 'update' as const }];
    assert.deepEqual(describeWrites(writes), [
      '1. Create profile — "profile"',
      '2. Update integration user — "integration user"',
    ]);
    assert.equal(writesSentence(writes), 'Create profile — "profile"; Update integration user — "integration user"');
  });
  it('an error already scoped (with its writes) passes through unchanged', () => {
    const e = stepError('user', new Error('boom'), []);
    assert.equal(stepError('app', e, [w('app', 'x')]), e);
  });
  it('a message without an end mark gets a full stop; one with ?, ! or ) keeps its own', () => {
    assert.equal(
      stepError('user', new SetupError('boom', 'DEPLOY_FAILED'), []).message,
      'Step "Integration user" failed: boom. Nothing was written.',
    );
    for (const end of ['?', '!', ')', '.'])
      assert.equal(
        stepError('user', new SetupError(`boom${end}  `, 'DEPLOY_FAILED'), []).message,
        `Step "Integration user" failed: boom${end} Nothing was written.`,
      );
  });
  it('a message already naming its step is not prefixed again; the step of the error wins', () => {
    const e = stepError('user', new SetupError('Step "Profile" says no.', 'DEPLOY_FAILED', 'profile'), []);
    assert.equal(e.message, 'Step "Profile" says no. Nothing was written.');
    assert.equal(e.step, 'profile');
    assert.equal(e.code, 'DEPLOY_FAILED');
  });
  it('after a timeout, an unreachable org, a server error or an unexpected answer, the write in flight may have been made', () => {
    for (const code of ['TIMEOUT', 'UNREACHABLE', 'SERVER_ERROR', 'UNEXPECTED_RESPONSE'] as const) {
      const e = stepError('user', new SetupError('gone', code), [], 'create integration user');
      assert.equal(e.uncertain, 'create integration user', code);
      assert.equal(
        e.message,
        'Step "Integration user" failed: gone. Create integration user may have been written: the answer did not ' +
          'arrive. The next run checks and completes it.',
      );
    }
    const refused = stepError(
      'user',
      new SetupError('no', salesforceCode('REQUEST_LIMIT_EXCEEDED')),
      [],
      'create integration user',
    );
    assert.equal(refused.uncertain, undefined);
    assert.match(refused.message, /Nothing was written\.$/);
  });
  it('writes made before the failure are listed, and copied', () => {
    const writes = [w('profile', 'profile')];
    const e = stepError('user', new SetupError('no', 'DEPLOY_FAILED'), writes);
    assert.equal(
      e.message,
      'Step "Integration user" failed: no. Written before the failure: Create profile — "profile".',
    );
    writes.push(w('user', 'u'));
    assert.equal(e.writes!.length, 1);
  });
  it('an uncertainty the error already carries is kept', () => {
    const base = new SetupError('x', 'DEPLOY_FAILED');
    base.uncertain = 'the deploy';
    assert.equal(stepError('app', base, []).uncertain, 'the deploy');
  });
  it('an unexpected exception becomes "Unexpected error", code UNKNOWN; a thrown string too', () => {
    const e = stepError('app', new TypeError('x is undefined'), []);
    assert.deepEqual([e.code, e.step, isSetupError(e)], ['UNKNOWN', 'app', true]);
    assert.match(e.message, /failed: Unexpected error: x is undefined\./);
    assert.match(stepError('app', 'plain', []).message, /Unexpected error: plain\./);
  });
  it("a subrequest's first error, or HTTP_<status> and 'no response'", () => {
    assert.deepEqual(errorOf({ status: 400, body: [{ errorCode: 'E', message: 'm', fields: ['A', 1] }] }), {
      errorCode: 'E',
      message: 'm',
      fields: ['A', '1'],
    });
    assert.deepEqual(errorOf({ status: 500, body: { errorCode: 1 } }), {
      errorCode: 'HTTP_500',
      message: 'no response',
      fields: undefined,
    });
    assert.deepEqual(errorOf(undefined), { errorCode: 'HTTP_undefined', message: 'no response', fields: undefined });
  });
  it("a step's error keeps the message's own end (. ! ? or a parenthesis), else ends it with a full stop", () => {
    const said = (message: string) => stepError('user', new SetupError(message, 'UNKNOWN'), []).message;
    assert.equal(said('It broke!'), 'Step "Integration user" failed: It broke! Nothing was written.');
    assert.equal(said('Why?'), 'Step "Integration user" failed: Why? Nothing was written.');
    assert.equal(said('It broke (twice)'), 'Step "Integration user" failed: It broke (twice) Nothing was written.');
    assert.equal(said('  It broke  '), 'Step "Integration user" failed: It broke. Nothing was written.');
  });
  it('the writes as one sentence lose their leading numbers, the tenth too', () => {
    const w = { step: 'app' as const, action: 'create' as const, target: 'app', detail: 'd' };
    assert.equal(writesSentence(Array(10).fill(w)), Array(10).fill('Create app — d').join('; '));
  });
  it('a taken username proposes free variants; no licence says so; anything else names code and message', () => {
    const taken = writeFailure(
      'user',
      { status: 400, body: [{ errorCode: 'DUPLICATE_USERNAME', message: 'dup' }] },
      MANIFEST,
    );
    assert.equal(taken.code, 'DUPLICATE_USERNAME');
    assert.equal(taken.step, 'user');
    assert.match(taken.message, /^Step "Integration user": the username balkanid@acme\.com is already taken/);
    assert.match(taken.message, /such as balkanid@acme\.com\.balkanid or balkanid\.[a-z0-9]+@acme\.com\.$/);
    const lic = writeFailure(
      'user',
      { status: 400, body: [{ errorCode: 'LICENSE_LIMIT_EXCEEDED', message: 'x' }] },
      MANIFEST,
    );
    assert.deepEqual([lic.code, lic.step], ['LICENSE_LIMIT_EXCEEDED', 'user']);
    assert.match(
      lic.message,
      /^Step "Integration user": no Salesforce Platform licence is free \(LICENSE_LIMIT_EXCEEDED\)/,
    );
    const other = writeFailure(
      'profile',
      { status: 400, body: [{ errorCode: 'FIELD_X', message: ' bad \n' }] },
      MANIFEST,
    );
    assert.equal(other.message, 'Step "Profile cloned from the standard Platform profile" failed: FIELD_X: bad');
  });
});

describe('shapes: addresses', () => {
  it('secure transport: https anywhere, http only to the three loopback names', () => {
    for (const u of ['https://x.com', 'http://127.0.0.1:1', 'http://localhost', 'http://[::1]'])
      assert.equal(secureTransport(new URL(u)), true, u);
    for (const u of ['http://x.com', 'http://127.0.0.2', 'ftp://localhost', 'ws://127.0.0.1'])
      assert.equal(secureTransport(new URL(u)), false, u);
  });
  it('an instance URL becomes its origin; anything else is refused with INSECURE_URL', () => {
    assert.equal(checkInstanceUrl('https://acme.my.salesforce.com/lightning/x?y'), 'https://acme.my.salesforce.com');
    assert.equal(checkInstanceUrl('http://127.0.0.1:8080/x'), 'http://127.0.0.1:8080');
    for (const raw of ['acme', 'http://acme.my.salesforce.com'])
      assert.throws(
        () => checkInstanceUrl(raw),
        (e: any) => e.code === 'INSECURE_URL',
        raw,
      );
  });
  it('a Lightning or Setup address becomes the My Domain URL; a bare host gets https; a path is dropped', () => {
    assert.equal(myDomainUrl(' acme.lightning.force.com/one/one.app '), 'https://acme.my.salesforce.com');
    assert.equal(
      myDomainUrl('https://acme--uat.sandbox.lightning.force.com/x'),
      'https://acme--uat.sandbox.my.salesforce.com',
    );
    assert.equal(myDomainUrl('https://ACME.my.salesforce-setup.com/lightning/setup'), 'https://acme.my.salesforce.com');
    assert.equal(myDomainUrl('acme.my.salesforce.com/home'), 'https://acme.my.salesforce.com');
    assert.equal(myDomainUrl('HTTPS://acme.my.salesforce.com'), 'https://acme.my.salesforce.com');
    assert.equal(myDomainUrl('http://localhost:4567/x'), 'http://localhost:4567');
    assert.throws(
      () => myDomainUrl('http://acme.my.salesforce.com'),
      (e: any) => e.code === 'INSECURE_URL',
    );
    assert.throws(
      () => myDomainUrl('https://'),
      (e: any) => e.code === 'INSECURE_URL',
    );
  });
  it("the values for BalkanID: the login URL from the manifest, else production's or a sandbox's", () => {
    const f = doneFacts();
    assert.deepEqual(handoff(f, MANIFEST, 'https://acme.my.salesforce.com'), {
      notReady: undefined,
      username: 'balkanid@acme.com',
      consumerKey: '3MVG9abcdefghijklmnopqrstuvwxyz',
      consumerKeySource: 'org',
      consumerKeyPage:
        'https://acme.my.salesforce.com/lightning/setup/ManageExternalClientApplication/0xI000000000001AAA/detail',
      isSandbox: false,
      instanceUrl: 'https://acme.my.salesforce.com',
      scimUrl: 'https://acme.my.salesforce.com/services/scim/v2/',
      loginUrl: 'https://login.salesforce.com',
    });
    f.org!.IsSandbox = true;
    assert.equal(handoff(f, MANIFEST, 'x').loginUrl, 'https://test.salesforce.com');
    assert.equal(
      handoff(f, { ...MANIFEST, loginUrl: 'https://acme.my.salesforce.com' }, 'x').loginUrl,
      'https://acme.my.salesforce.com',
    );
  });
});

describe('shapes: permissions, labels and steps', () => {
  it("Setup's labels, and an unknown permission's own name", () => {
    assert.equal(label('ViewSetup'), 'View Setup and Configuration');
    assert.equal(label('Nope'), 'Nope');
  });
  it('the admin may need every permission but View Roles and View All Data', () => {
    assert.ok(!ADMIN_PERMISSIONS.includes('ViewRoles') && !ADMIN_PERMISSIONS.includes('ViewAllData'));
    assert.ok(ADMIN_PERMISSIONS.includes('ApiEnabled') && ADMIN_PERMISSIONS.includes('MonitorLoginHistory'));
    assert.equal(ADMIN_PERMISSIONS.length, 12);
  });
  it('dependencies are added transitively, once each, whatever their order', () => {
    const deps = [
      { Permission: 'B', RequiredPermission: 'C' },
      { Permission: 'A', RequiredPermission: 'B' },
      { Permission: 'C', RequiredPermission: 'A' },
      { Permission: 'X', RequiredPermission: 'Y' },
    ];
    assert.deepEqual(withDependencies(['A'], deps), ['A', 'B', 'C']);
    assert.deepEqual(withDependencies([], deps), []);
  });
  it("scopes and IP relaxation in Setup's words, each label once", () => {
    assert.equal(
      scopeList(['Api', 'RefreshToken', 'OfflineAccess', 'Custom']),
      'Manage user data via APIs (api), Perform requests at any time (refresh_token, offline_access), Custom',
    );
    assert.equal(IP_LABELS.Enforce_RelaxRefresh, 'Enforce IP restrictions, but relax for refresh tokens');
  });
  it("the steps in the guide's order, each with a title, label, Setup page and help", () => {
    assert.deepEqual(
      STEPS.map(s => s.id),
      ['preflight', 'profile', 'user', 'permissionSet', 'app', 'link', 'consumerKey', 'verify'],
    );
    assert.equal(STEP_TITLES.link, 'Permission set linked to the app');
    assert.equal(STEP_LABELS.link, 'App ↔ permission set link');
    assert.equal(SETUP_PAGES.verify, '/lightning/setup/OrgLoginHistory/home');
    assert.match(helpUrl('profile'), /salesforce-application-integration-setup#create-a-new-user-profile$/);
    assert.equal(
      helpUrl('profile', true),
      'https://help.salesforce.com/s/articleView?id=platform.users_profiles_cloning.htm&type=5',
    );
  });
  it('what each step needs, and what blocks it', () => {
    assert.deepEqual(
      STEPS.map(s => [s.id, s.dependsOn]),
      [
        ['preflight', []],
        ['profile', []],
        ['user', ['profile']],
        ['permissionSet', ['user']],
        ['app', ['permissionSet']],
        ['link', ['app', 'permissionSet']],
        ['consumerKey', ['app']],
        ['verify', []],
      ],
    );
    assert.deepEqual(Object.fromEntries(STEPS.map(s => [s.id, s.adminPermissions])), {
      preflight: [['ApiEnabled'], ['ViewSetup']],
      profile: [['ManageProfilesPermissionsets']],
      user: [['ManageUsers']],
      permissionSet: [['ManageProfilesPermissionsets'], ['AssignPermissionSets', 'ManageUsers']],
      app: [
        ['CustomizeApplication'],
        ['ExternalClientAppDeveloper', 'ModifyAllData'],
        ['ModifyMetadata', 'ModifyAllData'],
      ],
      link: [['ManageProfilesPermissionsets']],
      consumerKey: [['ModifyMetadata', 'ModifyAllData']],
      verify: [],
    });
  });
});

describe('shapes: manifest text and templates', () => {
  it('a starter manifest: username, email and certificate, two-space JSON with a final newline', () => {
    assert.equal(
      manifestTemplate(),
      '{\n  "user": {\n    "username": "balkanid@yourcompany.com",\n    "email": "it-ops@yourcompany.com"\n  },\n  "certificate": "salesforce.crt"\n}\n',
    );
    assert.deepEqual(JSON.parse(manifestTemplate('a@b.co', 'c@d.co', 'x.crt')), {
      user: { username: 'a@b.co', email: 'c@d.co' },
      certificate: 'x.crt',
    });
  });
  it("the proposed username takes the admin's domain after the last @", () => {
    assert.equal(proposedUsername('a@b@acme.com'), 'balkanid@acme.com');
  });
  it('six levels of nesting are accepted; seven are refused before parsing', () => {
    const nest = (n: number) => '['.repeat(n) + ']'.repeat(n);
    const at = (n: number) =>
      parseManifest(`{"user": {"username": "a@b.co", "email": "a@b.co"}, "x": ${nest(n - 1)}}`).problems;
    assert.ok(!at(6).some(p => /nests deeper/.test(p.message)));
    assert.deepEqual(
      at(7).map(p => p.message),
      ['The manifest nests deeper than 6 levels.'],
    );
  });
  it('a key set twice is refused, naming its path; forbidden keys too; at most 5 such problems', () => {
    assert.deepEqual(
      parseManifest('{"user": {"username": "a@b.co", "username": "c@d.co", "email": "a@b.co"}}').problems.map(p => [
        p.path.join('.'),
        p.message,
      ]),
      [['user.username', '"user.username" is set twice.']],
    );
    assert.deepEqual(
      parseManifest('{"constructor": 1, "prototype": 2}').problems.map(p => p.path.join('.')),
      ['constructor', 'prototype'],
    );
    const many = `{${Array.from({ length: 8 }, () => '"a": 1').join(', ')}}`;
    assert.equal(parseManifest(many).problems.length, 5);
  });
  it('64 KB is accepted; one byte more is refused with its size', () => {
    const pad = (n: number) => {
      const head = '{"user": {"username": "a@b.co", "email": "a@b.co"}, "targetOrg": "';
      return head + 'x'.repeat(n - head.length - 2) + '"}';
    };
    assert.equal(Buffer.byteLength(pad(64 * 1024)), 64 * 1024);
    assert.deepEqual(parseManifest(pad(64 * 1024)).problems, []);
    assert.deepEqual(
      parseManifest(pad(64 * 1024 + 1)).problems.map(p => p.message),
      ['The manifest is 64 KB; a setup manifest is at most 64 KB.'],
    );
  });
  it('a syntax error names its line', () => {
    assert.deepEqual(
      parseManifest('{\n"user": {\n"username": "a@b.co" "email": 1}}').problems.map(p => p.message),
      ['The manifest is not valid JSON: CommaExpected at line 3.'],
    );
  });
});
