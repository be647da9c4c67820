// Details that decide what Salesforce receives and what the admin is shown, each pinned: every element of the
// External Client App's metadata, each step's Setup page and help, the permission labels, the manifest's accepted
// values and edge cases, error bodies, the report's facade, and the system clock's sleep and abort.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { ecaFiles, ecaNames } from '../../src/core/eca';
import { STEPS } from '../../src/core/steps';
import { PERMISSION_LABELS } from '../../src/core/permissions';
import { IP_RELAXATIONS, MANIFEST_FILE, SCOPES, validateManifest } from '../../src/core/manifest';
import { parseManifest } from '../../src/core/manifestText';
import { describeWrites, isSetupError, SetupError, StepResult, Report } from '../../src/core/types';
import { SCIM_ENDPOINTS, SCIM_REFERENCE } from '../../src/core/extract/scim';
import { errorDetail, isExpiredPresignedUrl, parseRetryAfter, pickUploadUrl } from '../../src/core/extract/upload';
import { buildReport, handoff, planOf, runnable } from '../../src/core/engine';
import { systemClock } from '../../src/core/clock';
import { evaluate } from '../../src/core/steps';
import { OrgClient } from '../../src/core/client';
import { certificate, doneFacts, freshFacts, MANIFEST } from '../support/facts';
import { ManualClock, NOW } from '../support/clock';

const xml = (root: string, fields: Array<[string, string]>) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="http://soap.sforce.com/2006/04/metadata">\n` +
  fields.map(([k, v]) => `    <${k}>${v}</${k}>\n`).join('') +
  `</${root}>\n`;

describe('details: every element of the External Client App metadata', () => {
  const files = ecaFiles(MANIFEST, ecaNames('X'), 'CERT', '64.0');
  it('global OAuth settings: callback, certificate, every flow off but JWT, PKCE off, secret required for refresh', () => {
    assert.equal(
      files['extlClntAppGlobalOauthSets/X_glbloauth.ecaGlblOauth'],
      xml('ExtlClntAppGlobalOauthSettings', [
        ['callbackUrl', 'https://app.balkan.id'],
        ['certificate', 'CERT'],
        ['externalClientApplication', 'X'],
        ['isClientCredentialsFlowEnabled', 'false'],
        ['isCodeCredFlowEnabled', 'false'],
        ['isConsumerSecretOptional', 'false'],
        ['isDeviceFlowEnabled', 'false'],
        ['isIntrospectAllTokens', 'false'],
        ['isPkceRequired', 'false'],
        ['isRefreshTokenRotationEnabled', 'false'],
        ['isSecretRequiredForRefreshToken', 'true'],
        ['isTokenExchangeEnabled', 'false'],
        ['label', 'X_glbloauth'],
        ['shouldRotateConsumerKey', 'false'],
        ['shouldRotateConsumerSecret', 'false'],
      ]),
    );
  });
  it("OAuth settings: the manifest's scopes, not a first-party app", () => {
    assert.equal(
      files['extlClntAppOauthSettings/X_oauth.ecaOauth'],
      xml('ExtlClntAppOauthSettings', [
        ['commaSeparatedOauthScopes', 'Api, RefreshToken'],
        ['externalClientApplication', 'X'],
        ['isFirstPartyAppEnabled', 'false'],
        ['label', 'X_oauth'],
      ]),
    );
  });
  it('the OAuth policy: the permission set by name, admin-approved users, IP relaxation, standard session level', () => {
    assert.equal(
      files['extlClntAppOauthPolicies/X_oauthPlcy.ecaOauthPlcy'],
      xml('ExtlClntAppOauthConfigurablePolicies', [
        ['commaSeparatedPermissionSet', 'BalkanID_Extractor'],
        ['externalClientApplication', 'X'],
        ['ipRelaxationPolicyType', 'Bypass'],
        ['isClientCredentialsFlowEnabled', 'false'],
        ['isGuestCodeCredFlowEnabled', 'false'],
        ['isTokenExchangeFlowEnabled', 'false'],
        ['label', 'X_oauthPlcy'],
        ['permittedUsersPolicyType', 'AdminApprovedPreAuthorized'],
        ['refreshTokenPolicyType', 'Infinite'],
        ['requiredSessionLevel', 'STANDARD'],
      ]),
    );
  });
  it('the app policy: the app and its OAuth plugin enabled', () => {
    assert.equal(
      files['extlClntAppPolicies/X_plcy.ecaPlcy'],
      xml('ExtlClntAppConfigurablePolicies', [
        ['externalClientApplication', 'X'],
        ['isEnabled', 'true'],
        ['isOauthPluginEnabled', 'true'],
        ['label', 'X_plcy'],
      ]),
    );
  });
});

describe("details: each step's place in Setup and its help", () => {
  it('title, label, Setup page, guide section and Salesforce help page of every step', () => {
    assert.deepEqual(
      STEPS.map(s => [s.id, s.title, s.label, s.setupPage, s.help.guide, s.help.docs]),
      [
        [
          'preflight',
          'Preflight: connection, permissions, licences',
          'Preflight',
          '/lightning/setup/CompanyProfileInfo/home',
          'prerequisites',
          'https://help.salesforce.com/s/articleView?id=sf.users_license_types_available.htm&type=5',
        ],
        [
          'profile',
          'Profile cloned from the standard Platform profile',
          'Profile',
          '/lightning/setup/EnhancedProfiles/home',
          'create-a-new-user-profile',
          'https://help.salesforce.com/s/articleView?id=platform.users_profiles_cloning.htm&type=5',
        ],
        [
          'user',
          'Integration user',
          'Integration user',
          '/lightning/setup/ManageUsers/home',
          'creating-an-integration-user',
          'https://help.salesforce.com/s/articleView?id=sf.adding_new_users.htm&type=5',
        ],
        [
          'permissionSet',
          'Permission set BalkanID Extractor, assigned',
          'Permission set',
          '/lightning/setup/PermSets/home',
          'step-5-create-permission-set-and-assign-to-integration-user',
          'https://help.salesforce.com/s/articleView?id=sf.perm_sets_create.htm&type=5',
        ],
        [
          'app',
          'External Client App with JWT bearer',
          'External Client App',
          '/lightning/setup/ManageExternalClientApplication/home',
          'step-2-enable-oauth-and-jwt-bearer-flow',
          'https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.meta_configure_oauth_jwt_flow_external_client_apps.htm',
        ],
        [
          'link',
          'Permission set linked to the app',
          'App ↔ permission set link',
          '/lightning/setup/ManageExternalClientApplication/home',
          'step-3-configure-oauth-policies',
          'https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.meta_configure_external_client_app_policies.htm',
        ],
        [
          'consumerKey',
          'Consumer key',
          'Consumer key',
          '/lightning/setup/ManageExternalClientApplication/home',
          'step-4-retrieve-consumer-key',
          'https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.eca_stage_oauth_credentials.htm',
        ],
        [
          'verify',
          'Verified by a login through the app',
          'Verify',
          '/lightning/setup/OrgLoginHistory/home',
          'configure-salesforce-in-your-balkanid-tenant',
          'https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.remoteaccess_oauth_flow_errors.htm',
        ],
      ],
    );
  });
  it("every permission's Setup label", () => {
    assert.deepEqual(PERMISSION_LABELS, {
      ApiEnabled: 'API Enabled',
      ViewSetup: 'View Setup and Configuration',
      ViewRoles: 'View Roles and Role Hierarchy',
      ViewAllData: 'View All Data',
      ModifyAllData: 'Modify All Data',
      CustomizeApplication: 'Customize Application',
      ModifyMetadata: 'Modify Metadata Through Metadata API Functions',
      ManageUsers: 'Manage Users',
      ManageProfilesPermissionsets: 'Manage Profiles and Permission Sets',
      AssignPermissionSets: 'Assign Permission Sets',
      ExternalClientAppDeveloper: 'Create, edit, and delete External Client Apps',
      ExternalClientAppAdmin: 'View all External Client Apps, view their settings, and edit their policies',
      ViewClientSecret: 'View External Client App Consumer Secrets in Metadata',
      MonitorLoginHistory: 'Monitor Login History',
    });
  });
  it("SCIM's reference page and the endpoints it lists", () => {
    assert.equal(
      SCIM_REFERENCE,
      'https://help.salesforce.com/s/articleView?id=xcloud.identity_scim_rest_api.htm&type=5',
    );
    assert.deepEqual(
      SCIM_ENDPOINTS.map(e => e.split(' ')[0]),
      ['Users', 'Groups', 'Entitlements', 'Roles'],
    );
  });
});

describe("details: the manifest's accepted values and edge cases", () => {
  const base = { user: { username: 'balkanid@acme.com', email: 'it@acme.com' } };
  const paths = (raw: unknown) => validateManifest(raw).problems.map(p => p.path.join('.'));
  it('the manifest file name, every IP relaxation policy and every metadata scope name', () => {
    assert.equal(MANIFEST_FILE, 'balkanid-setup.json');
    assert.deepEqual(IP_RELAXATIONS, ['Bypass', 'Enforce', 'Bypass_2factor', 'Enforce_RelaxRefresh']);
    for (const ipRelaxation of ['Bypass', 'Enforce', 'Bypass_2factor', 'Enforce_RelaxRefresh'])
      assert.deepEqual(paths({ ...base, app: { ipRelaxation } }), [], ipRelaxation);
    assert.deepEqual(paths({ ...base, app: { ipRelaxation: 'bypass' } }), ['app.ipRelaxation']);
    assert.deepEqual(SCOPES, ['Api', 'RefreshToken', 'OfflineAccess', 'Basic', 'Web', 'Full', 'OpenID']);
    const all = ['Api', 'RefreshToken', 'OfflineAccess', 'Basic', 'Web', 'Full', 'OpenID'];
    assert.deepEqual(validateManifest({ ...base, app: { scopes: all } }).manifest!.app.scopes, all);
  });
  it('"$schema" and "targetOrg" are settings; targetOrg and the permission set are kept in the manifest', () => {
    const r = validateManifest({
      ...base,
      $schema: './schemas/balkanid-setup.schema.json',
      targetOrg: 'acme',
      permissionSet: { name: 'P_S', label: 'P S' },
    });
    assert.deepEqual(r.problems, []);
    assert.equal(r.manifest!.targetOrg, 'acme');
    assert.deepEqual(r.manifest!.permissionSet, { name: 'P_S', label: 'P S' });
  });
  it('a section that is an array is "not an object"', () => {
    assert.deepEqual(
      validateManifest({ ...base, app: [] }).problems.map(p => [p.path.join('.'), p.message]),
      [['app', '"app" must be an object.']],
    );
  });
  it("a null username counts as missing; its fix differs from a missing email's", () => {
    const r = validateManifest({ user: { username: null } });
    assert.deepEqual(
      r.problems.map(p => [p.path.join('.'), p.message, p.fix]),
      [
        [
          'user.username',
          '"user.username" is required.',
          "Set the integration user's username: balkanid@ and your company's domain, for example.",
        ],
        ['user.email', '"user.email" is required.', "Set the integration user's email address."],
      ],
    );
  });
  it('a value of spaces only is "empty", not "padded"', () => {
    assert.deepEqual(
      validateManifest({ ...base, user: { ...base.user, alias: '   ' } }).problems.map(p => p.message),
      ['"user.alias" is empty.'],
    );
  });
  it('an 80-character username that is no email address is refused for its form; an 81-character one for its length only', () => {
    const eighty = 'u'.repeat(80);
    assert.deepEqual(
      validateManifest({ user: { ...base.user, username: eighty } }).problems.map(p => p.message),
      [`Username "${eighty}" is not in the form of an email address.`],
    );
    assert.deepEqual(
      validateManifest({ user: { ...base.user, username: `${eighty}u` } }).problems.map(p => [p.message, p.fix]),
      [['The username is 81 characters long; Salesforce allows at most 80.', 'Shorten "user.username".']],
    );
  });
  it('a 128-character email or contact email that is no address is refused for its form; 129 for its length only', () => {
    const e128 = 'e'.repeat(128);
    assert.deepEqual(paths({ user: { ...base.user, email: e128 }, app: { contactEmail: 'it@acme.com' } }), [
      'user.email',
    ]);
    assert.deepEqual(
      validateManifest({
        user: { ...base.user, email: `${e128}e` },
        app: { contactEmail: 'it@acme.com' },
      }).problems.map(p => p.message),
      ['The email address is 129 characters long; Salesforce allows at most 128.'],
    );
    assert.deepEqual(paths({ ...base, app: { contactEmail: e128 } }), ['app.contactEmail']);
    assert.deepEqual(
      validateManifest({ ...base, app: { contactEmail: `${e128}c` } }).problems.map(p => p.message),
      ['The contact email is 129 characters long; Salesforce allows at most 128.'],
    );
  });
  it('without an email, only the email is named (the contact email, its default, is not)', () => {
    assert.deepEqual(paths({ user: { username: 'balkanid@acme.com' } }), ['user.email']);
  });
  it('a certificate path ending in .key or .pem.key is a private key; one merely containing ".key" is not', () => {
    assert.deepEqual(paths({ ...base, certificate: 'salesforce.KEY' }), ['certificate']);
    assert.deepEqual(paths({ ...base, certificate: 'keys/salesforce.pem.key' }), ['certificate']);
    assert.deepEqual(paths({ ...base, certificate: 'salesforce.key.crt' }), []);
  });
  it('closing brackets and braces lower the depth: many shallow arrays or objects side by side are no deep nesting', () => {
    const arrays = `[${Array.from({ length: 8 }, () => '[[]]').join(',')}]`;
    const objects = `[${Array.from({ length: 8 }, () => '{"a": {}}').join(',')}]`;
    for (const v of [arrays, objects])
      assert.ok(
        !parseManifest(`{"user": {"username": "a@b.co", "email": "a@b.co"}, "x": ${v}}`).problems.some(p =>
          /nests deeper/.test(p.message),
        ),
        v,
      );
  });
  it('a syntax error is placed on its own line, not the last', () => {
    assert.deepEqual(
      parseManifest('{\n"user" {\n"username": "a@b.co",\n"email": "a@b.co"}\n}\n').problems.map(p => p.message),
      ['The manifest is not valid JSON: ColonExpected at line 2.'],
    );
  });
});

describe('details: the Bulk API answers', () => {
  it('an upload URL must start with http(s)://', () => {
    assert.equal(pickUploadUrl({ url: 'see https://s3/x' }), undefined);
  });
  it('Retry-After with spaces around the seconds', () => {
    assert.equal(parseRetryAfter(' 7 ', NOW), 7000);
  });
  it("S3's expired URL with or without spaces inside <Code>", () => {
    assert.equal(isExpiredPresignedUrl(403, '<Code>AccessDenied</Code><Message>Request has expired</Message>'), true);
  });
  it('error bodies: indented HTML is still HTML; a word before "<html" is text; a non-string message is not used', () => {
    assert.equal(errorDetail('  \n<html><body>x</body></html>'), undefined);
    assert.equal(errorDetail('see <html> page'), 'see <html> page');
    assert.equal(errorDetail('{"message": 5}'), '{"message": 5}');
    assert.equal(errorDetail('{"message": "  spaced out  "}'), 'spaced out');
  });
});

describe("details: the engine's report", () => {
  const client = {
    instanceUrl: 'https://acme.my.salesforce.com',
    apiVersion: '64.0',
    userId: '005X',
    orgId: '00DX',
  } as OrgClient;
  const input = { client, manifest: MANIFEST, certificate: certificate(), clock: new ManualClock(NOW) };
  it('the org as the admin, every step, the values for BalkanID and the login status', () => {
    const r = buildReport(input, doneFacts());
    assert.deepEqual(r.org, {
      instanceUrl: 'https://acme.my.salesforce.com',
      username: 'admin@acme.com',
      adminEmail: undefined,
      orgId: '00DX',
      isSandbox: false,
      apiVersion: '64.0',
      name: 'Acme',
    });
    assert.equal(r.steps.length, 8);
    assert.equal(r.handoff!.consumerKey, '3MVG9abcdefghijklmnopqrstuvwxyz');
    assert.equal(r.login!.status, 'connected');
  });
  it('without the admin or org rows: the user Id, not a sandbox, no name; without global settings, no consumer key', () => {
    const f = freshFacts();
    f.admin = undefined;
    f.org = undefined;
    const r = buildReport(input, f);
    assert.deepEqual([r.org.username, r.org.isSandbox, r.org.name], ['005X', false, undefined]);
    assert.equal(handoff(f, MANIFEST, 'x').consumerKey, undefined);
    assert.equal(handoff(f, MANIFEST, 'x').isSandbox, false);
    const sandbox = doneFacts();
    sandbox.admin!.Email = 'admin@acme.com';
    sandbox.org!.IsSandbox = true;
    assert.deepEqual(
      [buildReport(input, sandbox).org.isSandbox, buildReport(input, sandbox).org.adminEmail],
      [true, 'admin@acme.com'],
    );
  });
  it("the plan is every step's writes in order", () => {
    const r = buildReport(input, freshFacts());
    assert.deepEqual(
      planOf(r).map(w => w.step),
      ['profile', 'user', 'permissionSet', 'permissionSet', 'app', 'link'],
    );
  });
  it('describes deletes and deploys with their verbs', () => {
    assert.deepEqual(
      describeWrites([
        { step: 'app', action: 'delete', target: 'T', detail: 'd' },
        { step: 'app', action: 'deploy', target: 'U', detail: 'e' },
      ]),
      ['1. Delete T — d', '2. Deploy U — e'],
    );
  });
  it('a SetupError is named so, and recognised by its brand only', () => {
    const e = new SetupError('m', 'DEPLOY_FAILED', 'app');
    assert.deepEqual([e.name, e.code, e.step, e.message], ['SetupError', 'DEPLOY_FAILED', 'app', 'm']);
    assert.equal((e as unknown as Record<symbol, unknown>)[Symbol.for('balkanid.SetupError')], true);
    for (const x of [null, undefined, 'SetupError', 42, { code: 'C' }, Object.assign(() => undefined, { code: 'C' })])
      assert.equal(isSetupError(x), false, String(x));
  });
});

describe('details: what Run All says when the reason is long or missing', () => {
  const step = (s: Partial<StepResult>): StepResult => ({
    id: 'user',
    title: 'Integration user',
    state: 'error',
    findings: [],
    plan: [],
    ...s,
  });
  const r = (steps: StepResult[]) => runnable({ steps } as unknown as Report);
  it('the short reason is the first sentence of the first error, across lines; a warning before it is passed over', () => {
    const b = r([
      step({
        findings: [
          { code: 'reserved-domain', severity: 'warning', message: 'A warning. Not this.', permission: 'ViewSetup' },
          {
            code: 'user-frozen',
            severity: 'error',
            message: 'First sentence.\nSecond sentence. Third.',
            fix: 'Do it.',
          },
        ],
      }),
    ]).blockers[0]!;
    assert.deepEqual([b.short, b.reason], ['First sentence.', 'First sentence.\nSecond sentence. Third. Do it.']);
  });
  it('a step in error without findings: its state is the reason', () => {
    assert.deepEqual(r([step({})]).blockers[0], {
      step: 'user',
      title: 'Integration user',
      reason: 'error',
      short: 'error',
    });
  });
  it('an error without a fix is the reason on its own', () => {
    assert.equal(
      r([step({ findings: [{ code: 'user-frozen', severity: 'error', message: 'Only this.' }] })]).blockers[0]!.reason,
      'Only this.',
    );
  });
  it('a step that stops itself while waiting for a prerequisite that holds nothing back: no short reason, the wait as reason', () => {
    const f = doneFacts();
    f.adminPerms!.delete('ManageUsers');
    f.user!.UserRoleId = '00E000000000001AAA';
    f.permissionSet = undefined;
    const blockers = runnable({ steps: evaluate(f, MANIFEST, certificate(), NOW) } as unknown as Report).blockers;
    assert.deepEqual(
      blockers.find(b => b.step === 'permissionSet'),
      {
        step: 'permissionSet',
        title: 'Permission set BalkanID Extractor, assigned',
        reason: 'Waits for "Integration user", which is blocked.',
        short: undefined,
      },
    );
  });
});

describe('details: the system clock', () => {
  it('now is the system time', () => {
    const before = Date.now();
    const now = systemClock.now();
    assert.ok(now >= before && now <= Date.now());
  });
  it('a sleep resolves and leaves no listener on its signal', async () => {
    const ac = new AbortController();
    await systemClock.sleep(1, ac.signal);
    assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
    await systemClock.sleep(1);
  });
  it('a sleep on an aborted signal rejects at once with its reason', async () => {
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await assert.rejects(systemClock.sleep(60_000, ac.signal), /stop/);
  });
  it('an abort during a sleep rejects it with the reason and removes the listener', async () => {
    const ac = new AbortController();
    const slept = systemClock.sleep(60_000, ac.signal);
    assert.equal(getEventListeners(ac.signal, 'abort').length, 1);
    ac.abort(new Error('cancelled'));
    await assert.rejects(slept, /cancelled/);
    assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
  });
});
