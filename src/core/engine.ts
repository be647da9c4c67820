// The setup engine: one read-only inspection gathers every fact in two round trips, a pure evaluation
// turns facts into steps (state, findings, planned writes), and apply makes exactly the planned writes.
import { OrgClient, SubResult } from './client';
import { Manifest } from './manifest';
import { CertificateInfo, certificateProblems, sameCertificate } from './certificate';
import { ecaDestructiveFiles, ecaFiles, ecaNames, EcaPart } from './eca';
import { ADMIN_PERMISSIONS, INTEGRATION_PERMSET_PERMISSIONS, INTEGRATION_PROFILE_PERMISSIONS, STEP_ADMIN_PERMISSIONS, label, withDependencies } from './permissions';
import { Finding, Handoff, Report, STEP_IDS, STEP_TITLES, SetupError, isSetupError, StepId, StepResult, Write, describeWrites } from './types';

export const MIN_API_VERSION = 62;

export interface Facts {
  apiVersion: string;
  org?: { Name: string; IsSandbox: boolean; InstanceName: string };
  adminPerms?: Set<string>;
  admin?: Record<string, any>;
  user?: Record<string, any>;
  userFrozen?: boolean;
  license?: { Name: string; TotalLicenses: number; UsedLicenses: number };
  sourceProfile?: Record<string, any>;
  profile?: Record<string, any>;
  permissionSet?: Record<string, any>;
  dependencies: Array<{ Permission: string; RequiredPermission: string }>;
  app?: Record<string, any>;
  appOauth?: Record<string, any>;
  appPolicy?: Record<string, any>;
  appPlcy?: Record<string, any>;
  global?: Record<string, any>;
  /** Login IP ranges on the integration profile (Profile metadata): JWT logins always enforce them. */
  profileIpRanges?: Array<{ startAddress: string; endAddress: string }>;
  logins?: Array<Record<string, any>>;
  /** Subrequests that failed, by ref (e.g. INVALID_TYPE when the admin cannot see setup objects). */
  failed: Record<string, { errorCode: string; message: string }>;
}

export interface EngineInput {
  client: OrgClient;
  manifest: Manifest;
  /** The certificate from the manifest, or why it could not be loaded. */
  certificate?: CertificateInfo | SetupError;
  now?: number;
}

const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

// ---- inspect ----------------------------------------------------------------------------------------

export function factQueries(m: Manifest, adminId: string, adminPerms = ADMIN_PERMISSIONS): Array<{ ref: string; soql: string; tooling?: boolean }> {
  const u = q(m.user.username), app = q(m.app.name);
  return [
    { ref: 'org', soql: 'SELECT Name, IsSandbox, InstanceName FROM Organization' },
    { ref: 'upa', soql: `SELECT ${adminPerms.map(p => `Permissions${p}`).join(', ')} FROM UserPermissionAccess` },
    { ref: 'admin', soql: `SELECT Id, Username, Name, TimeZoneSidKey, LocaleSidKey, LanguageLocaleKey, EmailEncodingKey FROM User WHERE Id = ${q(adminId)}` },
    { ref: 'user', soql: `SELECT Id, Username, Email, FirstName, LastName, Alias, IsActive, UserRoleId, ProfileId, Profile.Name, Profile.UserLicense.LicenseDefinitionKey FROM User WHERE Username = ${u}` },
    { ref: 'userLogin', soql: `SELECT UserId, IsFrozen FROM UserLogin WHERE User.Username = ${u}` },
    { ref: 'license', soql: "SELECT Id, Name, MasterLabel, TotalLicenses, UsedLicenses FROM UserLicense WHERE LicenseDefinitionKey = 'AUL'" },
    { ref: 'owned', soql: "SELECT ProfileId, IsCustom, Profile.Name FROM PermissionSet WHERE IsOwnedByProfile = true AND Profile.UserLicense.LicenseDefinitionKey = 'AUL'" },
    { ref: 'profiles', soql: `SELECT FIELDS(ALL) FROM Profile WHERE UserLicense.LicenseDefinitionKey = 'AUL' OR Name = ${q(m.profile.name)} LIMIT 200` },
    { ref: 'permset', soql: `SELECT Id, Name, Label, LicenseId, ${['ApiEnabled', 'ViewAllData', 'ViewSetup', 'ViewRoles'].map(p => `Permissions${p}`).join(', ')}, `
      + `(SELECT Id, AssigneeId FROM Assignments WHERE Assignee.Username = ${u}), (SELECT Id, SetupEntityId FROM SetupEntityAccessItems) `
      + `FROM PermissionSet WHERE Name = ${q(m.permissionSet.name)} AND IsOwnedByProfile = false` },
    { ref: 'deps', soql: "SELECT Permission, RequiredPermission FROM PermissionDependency WHERE RequiredPermissionType = 'User Permission'", tooling: true },
    { ref: 'app', soql: `SELECT Id, DeveloperName, MasterLabel, ContactEmail, DistributionState FROM ExternalClientApplication WHERE DeveloperName = ${app}` },
    { ref: 'appOauth', soql: `SELECT Id, DeveloperName, OauthScopesAPI, OauthScopesREFRESH_TOKEN FROM ExtlClntAppOauthSettings WHERE ExternalClientApplication.DeveloperName = ${app}` },
    { ref: 'appPolicy', soql: `SELECT DeveloperName, PermittedUsersPolicyType, IpRelaxationPolicyType FROM ExtlClntAppOauthPlcyCnfg WHERE ExternalClientApplication.DeveloperName = ${app}` },
    { ref: 'appPlcy', soql: `SELECT DeveloperName, IsEnabled, OauthPluginStatus FROM ExtlClntAppPlcyCnfg WHERE ExternalClientApplication.DeveloperName = ${app}` },
    { ref: 'logins', soql: `SELECT LoginTime, Status, Application, LoginType FROM LoginHistory WHERE UserId IN (SELECT Id FROM User WHERE Username = ${u}) ORDER BY LoginTime DESC LIMIT 10` },
  ];
}

/** Reads everything in one composite/batch plus one readMetadata, run in parallel. */
export async function gatherFacts(client: OrgClient, m: Manifest): Promise<Facts> {
  const v = `v${client.apiVersion}`;
  let perms = ADMIN_PERMISSIONS;
  const run = (queries: ReturnType<typeof factQueries>) =>
    client.batch(queries.map(x => ({ ref: x.ref, url: `${v}/${x.tooling ? 'tooling/' : ''}query?q=${encodeURIComponent(x.soql)}` })));
  const names = ecaNames(m.app.name);
  const metadataErrors: Facts['failed'] = {};
  // Without Metadata API access these stay unknown; the other facts still count.
  const metadata = (ref: string, type: string, name: string) => client.readMetadata(type, [name]).catch((e: any) => {
    if (isSetupError(e) && /SESSION_EXPIRED|UNREACHABLE|TIMEOUT/.test(e.code)) throw e;
    metadataErrors[ref] = { errorCode: String(e?.code ?? 'ERROR'), message: String(e?.message ?? e) };
    return [] as Array<Record<string, any> | undefined>;
  });
  const [results, globals, profileMeta] = await Promise.all([run(factQueries(m, client.userId, perms)),
    metadata('global', 'ExtlClntAppGlobalOauthSettings', names.global), metadata('profileMeta', 'Profile', m.profile.name)]);
  // Permission fields vary by org and edition: drop the ones this org does not know and ask again.
  for (let tries = 0; tries < 5 && results.upa.status >= 400; tries++) {
    const missing = /No such column '(?:Permissions)?(\w+)'/.exec(String(results.upa.body?.[0]?.message ?? ''))?.[1];
    if (!missing || !perms.includes(missing)) break;
    perms = perms.filter(p => p !== missing);
    results.upa = (await client.batch([{ ref: 'upa', url: `${v}/query?q=${encodeURIComponent(factQueries(m, client.userId, perms)[1].soql)}` }])).upa;
  }
  const failed: Facts['failed'] = { ...metadataErrors };
  const rows = (ref: string): any[] => {
    const r = results[ref];
    if (!r || r.status >= 400) { failed[ref] = { errorCode: r?.body?.[0]?.errorCode ?? 'UNKNOWN', message: r?.body?.[0]?.message ?? 'no response' }; return []; }
    return r.body?.records ?? [];
  };
  const upa = rows('upa')[0];
  const owned = rows('owned');
  const profiles = rows('profiles');
  const source = owned.find((o: any) => !o.IsCustom && o.Profile?.Name === 'Standard Platform User') ?? owned.find((o: any) => !o.IsCustom);
  const userLogin = rows('userLogin')[0];
  const orgRow = rows('org')[0];
  return {
    apiVersion: client.apiVersion,
    org: orgRow && { Name: orgRow.Name, IsSandbox: !!orgRow.IsSandbox, InstanceName: orgRow.InstanceName },
    adminPerms: upa ? new Set(perms.filter(p => upa[`Permissions${p}`])) : undefined,
    admin: rows('admin')[0],
    user: rows('user')[0],
    userFrozen: !!userLogin?.IsFrozen,
    license: rows('license')[0],
    sourceProfile: source && profiles.find((p: any) => sameId(p.Id, source.ProfileId)),
    profile: profiles.find((p: any) => String(p.Name).toLowerCase() === m.profile.name.toLowerCase()),
    permissionSet: rows('permset')[0],
    dependencies: rows('deps'),
    app: rows('app')[0],
    appOauth: rows('appOauth')[0],
    appPolicy: rows('appPolicy')[0],
    appPlcy: rows('appPlcy')[0],
    global: globals[0],
    profileIpRanges: ([] as any[]).concat(profileMeta[0]?.loginIpRanges ?? []).filter(r => r?.startAddress),
    logins: rows('logins'),
    failed,
  };
}

export const sameId = (a: unknown, b: unknown) => typeof a === 'string' && typeof b === 'string' && a.slice(0, 15) === b.slice(0, 15);

// ---- evaluate ---------------------------------------------------------------------------------------

type Deps = Facts['dependencies'];

function missingAdmin(f: Facts, step: StepId): string[][] {
  if (!f.adminPerms) return [];
  return STEP_ADMIN_PERMISSIONS[step].filter(group => !group.some(p => f.adminPerms!.has(p)));
}

function adminFindings(f: Facts, step: StepId): Finding[] {
  return missingAdmin(f, step).map(group => ({
    code: 'admin-permission-missing', severity: 'error' as const, subject: 'admin' as const, permission: group[0],
    message: `You (the connected admin) lack "${label(group[0])}"${group.length > 1 ? ` (or ${group.slice(1).map(label).join(' / ')})` : ''}, which this step needs.`,
    fix: `Ask a System Administrator to grant "${label(group[0])}" to your user (profile or permission set), or connect as an admin who has it.`,
  }));
}

function permsOf(rec: Record<string, any> | undefined, names: string[]): string[] {
  return names.filter(p => !rec?.[`Permissions${p}`]);
}

/** The SetupEntityAccess row linking the permission set to the app, if there is one. */
const linkOf = (f: Facts): { Id: string } | undefined =>
  f.app && f.permissionSet?.SetupEntityAccessItems?.records?.find((s: any) => sameId(s.SetupEntityId, f.app!.Id));

const profilePermissions = (deps: Deps) => withDependencies(INTEGRATION_PROFILE_PERMISSIONS, deps);
const permsetPermissions = (deps: Deps) => withDependencies(INTEGRATION_PERMSET_PERMISSIONS, deps);

function result(id: StepId, findings: Finding[], plan: Write[], done: boolean): StepResult {
  const errors = findings.filter(f => f.severity === 'error');
  const blocking = (f: Finding) => f.code === 'admin-permission-missing' || f.code === 'license-exhausted' || f.code === 'waits-for' || (f.code.startsWith('cert-') && f.severity === 'error');
  let state: StepResult['state'];
  if (done && !errors.length && !plan.length) state = 'done';
  else if (findings.some(blocking) && (plan.length || !done)) state = 'blocked';
  else if (errors.length) state = 'error';
  else if (done || findings.some(f => f.code.endsWith('-drift'))) state = 'drifted';
  else state = 'todo';
  return { id, title: STEP_TITLES[id], state, findings, plan };
}

export function evaluate(facts: Facts, m: Manifest, cert?: CertificateInfo | SetupError, now = Date.now()): StepResult[] {
  const steps: StepResult[] = [];
  const f = facts;
  const names = ecaNames(m.app.name, f.appPolicy?.DeveloperName);

  // 0. preflight
  {
    const findings: Finding[] = [...adminFindings(f, 'preflight')];
    if (Number(f.apiVersion) < MIN_API_VERSION) findings.push({ code: 'api-version-too-old', severity: 'error', subject: 'org', message: `The org offers API ${f.apiVersion}; External Client App setup needs ${MIN_API_VERSION}.0 or later.`, fix: 'Use an org on a current Salesforce release.' });
    if (!f.adminPerms) findings.push({ code: 'admin-permissions-unreadable', severity: 'warning', subject: 'admin', message: `Your permissions could not be read (${f.failed.upa?.message ?? 'unknown error'}).`, fix: 'Steps will report missing permissions as they run.' });
    if (f.failed.app && f.failed.app.errorCode === 'INVALID_TYPE') findings.push({ code: 'eca-unavailable', severity: 'warning', subject: 'org', message: 'External Client Apps are not visible to you in this org.', fix: 'Check that your user has "View Setup and Configuration" and that the org has External Client Apps.' });
    if (f.license && !f.user) {
      const free = f.license.TotalLicenses - f.license.UsedLicenses;
      // The integration user step carries the blocking error; preflight only notes it.
      if (free <= 0) findings.push({ code: 'license-headroom', severity: 'warning', subject: 'org', message: `No Salesforce Platform licence is free: ${f.license.UsedLicenses} of ${f.license.TotalLicenses} are used.`, fix: 'Deactivate an unused Salesforce Platform user or buy another licence, then run the integration user step.' });
    } else if (!f.license && !f.failed.license) {
      findings.push({ code: 'license-missing', severity: 'error', subject: 'org', message: 'This org has no Salesforce Platform licence (AUL).', fix: 'Ask Salesforce for Salesforce Platform licences, or adapt the manifest to another licence.' });
    }
    steps.push(result('preflight', findings, [], true));
  }

  // 1. profile
  {
    const findings = adminFindings(f, 'profile');
    const plan: Write[] = [];
    const wanted = profilePermissions(f.dependencies);
    if (!f.profile) {
      if (!f.sourceProfile) findings.push({ code: 'source-profile-missing', severity: 'error', subject: 'org', message: 'The Standard Platform User profile (licence Salesforce Platform) was not found.', fix: 'Check the org has Salesforce Platform licences and the standard profile.' });
      plan.push({ step: 'profile', action: 'create', target: `Profile "${m.profile.name}"`, detail: `clone of Standard Platform User + ${wanted.map(label).join(', ')}` });
    } else {
      const missing = permsOf(f.profile, wanted);
      if (missing.length) {
        findings.push({ code: 'profile-permission-drift', severity: 'warning', subject: 'integration-user', permission: missing[0], manifestPath: ['profile', 'name'],
          message: `Profile "${f.profile.Name}" lacks ${missing.map(p => `"${label(p)}"`).join(', ')}.`, fix: 'Run the profile step to turn them back on.' });
        plan.push({ step: 'profile', action: 'update', target: `Profile "${f.profile.Name}"`, detail: `enable ${missing.map(label).join(', ')}` });
      }
      if (f.profileIpRanges?.length) {
        const ranges = f.profileIpRanges.map(r => `${r.startAddress}–${r.endAddress}`).join(', ');
        findings.push({ code: 'profile-ip-ranges', severity: 'warning', subject: 'integration-user', manifestPath: ['profile', 'name'],
          message: `Profile "${f.profile.Name}" has Login IP Ranges (${ranges}); JWT logins from elsewhere fail with "ip restricted", whatever the app's IP relaxation.`,
          fix: 'Remove the ranges from the profile in Setup, or add BalkanID\'s egress IP addresses to them.' });
      }
      if (f.sourceProfile && !sameId(f.profile.UserLicenseId, f.sourceProfile.UserLicenseId))
        findings.push({ code: 'profile-wrong-license', severity: 'error', subject: 'org', manifestPath: ['profile', 'name'], message: `Profile "${f.profile.Name}" exists on another licence than Salesforce Platform.`, fix: 'Choose another profile name in the manifest ("profile.name").' });
    }
    steps.push(result('profile', findings, plan, !!f.profile));
  }

  // 2. user
  {
    const findings = adminFindings(f, 'user');
    const plan: Write[] = [];
    const u = f.user;
    if (!u) {
      const lic = f.license;
      if (lic && lic.TotalLicenses - lic.UsedLicenses <= 0)
        findings.push({ code: 'license-exhausted', severity: 'error', subject: 'org', manifestPath: ['user', 'username'], message: `No Salesforce Platform licence is free (${lic.UsedLicenses} of ${lic.TotalLicenses} used), so the integration user cannot be created.`, fix: 'Free or buy a Salesforce Platform licence, then run this step.' });
      plan.push({ step: 'user', action: 'create', target: `User ${m.user.username}`, detail: `profile "${m.profile.name}", no role, ${m.user.firstName} ${m.user.lastName} (${m.user.alias})` });
    } else {
      if (!u.IsActive) findings.push({ code: 'user-inactive', severity: 'error', subject: 'integration-user', manifestPath: ['user', 'username'], message: `User ${u.Username} exists but is inactive; it is not reused silently.`, fix: 'Reactivate the user in Setup (it takes a licence), or choose another username in the manifest.' });
      if (f.userFrozen) findings.push({ code: 'user-frozen', severity: 'error', subject: 'integration-user', manifestPath: ['user', 'username'], message: `User ${u.Username} is frozen; JWT logins will fail.`, fix: 'Unfreeze the user in Setup → Users.' });
      if (f.profile && !sameId(u.ProfileId, f.profile.Id)) {
        findings.push({ code: 'user-profile-drift', severity: 'warning', subject: 'integration-user', manifestPath: ['profile', 'name'], message: `User ${u.Username} has profile "${u.Profile?.Name}", not "${m.profile.name}".`, fix: 'Run the user step to move it to the integration profile.' });
        plan.push({ step: 'user', action: 'update', target: `User ${u.Username}`, detail: `profile → "${m.profile.name}"` });
      }
      if (u.UserRoleId) {
        findings.push({ code: 'user-role-drift', severity: 'warning', subject: 'integration-user', message: `User ${u.Username} has a role; the guide says Role: None.`, fix: 'Run the user step to clear the role.' });
        plan.push({ step: 'user', action: 'update', target: `User ${u.Username}`, detail: 'role → none' });
      }
    }
    steps.push(result('user', findings, plan, !!u));
  }

  // 3. permission set + assignment
  {
    const findings = adminFindings(f, 'permissionSet');
    const plan: Write[] = [];
    const ps = f.permissionSet;
    const wanted = permsetPermissions(f.dependencies);
    if (!ps) {
      plan.push({ step: 'permissionSet', action: 'create', target: `Permission set ${m.permissionSet.name}`, detail: `licence none; ${wanted.map(label).join(', ')}` });
    } else {
      const missing = permsOf(ps, wanted);
      if (missing.length) {
        findings.push({ code: 'permset-permission-drift', severity: 'warning', subject: 'integration-user', permission: missing[0], manifestPath: ['permissionSet', 'name'],
          message: `Permission set ${ps.Name} lacks ${missing.map(p => `"${label(p)}"`).join(', ')}.`, fix: 'Run the permission set step to turn them back on.' });
        plan.push({ step: 'permissionSet', action: 'update', target: `Permission set ${ps.Name}`, detail: `enable ${missing.map(label).join(', ')}` });
      }
      if (ps.LicenseId) findings.push({ code: 'permset-has-license', severity: 'warning', subject: 'org', manifestPath: ['permissionSet', 'name'], message: `Permission set ${ps.Name} is tied to a licence; the guide says License: None.`, fix: 'Create it again with License None (a licence cannot be removed from a permission set).' });
    }
    const assigned = !!ps?.Assignments?.records?.length;
    if (!assigned) {
      if (ps && f.user) findings.push({ code: 'permset-unassigned-drift', severity: 'warning', subject: 'integration-user', manifestPath: ['user', 'username'], message: `Permission set ${ps.Name} is not assigned to ${m.user.username}.`, fix: 'Run the permission set step to assign it.' });
      plan.push({ step: 'permissionSet', action: 'create', target: 'Permission set assignment', detail: `${m.permissionSet.name} → ${m.user.username}` });
    }
    steps.push(result('permissionSet', findings, plan, !!ps && assigned));
  }

  // 4. External Client App
  {
    const findings = adminFindings(f, 'app');
    const plan: Write[] = [];
    if (!cert) findings.push({ code: 'cert-missing', severity: 'error', subject: 'certificate', manifestPath: ['certificate'], message: `The certificate file "${m.certificate}" was not found.`, fix: 'Put BalkanID\'s salesforce.crt next to the manifest, or set "certificate" to its path.' });
    else if (isSetupError(cert)) findings.push({ code: cert.code, severity: 'error', subject: 'certificate', manifestPath: ['certificate'], message: cert.message, fix: 'Point "certificate" at BalkanID\'s salesforce.crt.' });
    else for (const p of certificateProblems(cert, now)) findings.push({ ...p, subject: 'certificate', manifestPath: ['certificate'] });
    const drift: string[] = [];
    // A fact that could not be read is unknown, not missing: it is reported, and never triggers a redeploy by itself.
    const unread = (['global', 'appOauth', 'appPolicy', 'appPlcy'] as const).filter(ref => f.failed[ref]);
    if (f.app && unread.length)
      findings.push({ code: 'app-partly-unchecked', severity: 'warning', subject: 'app', message: `Some of app ${m.app.name}'s settings could not be read (${unread.map(r => `${r}: ${f.failed[r].message}`).join('; ')}), so they were not checked.`, fix: 'Check them in Setup → External Client App Manager, or connect as an admin with Modify Metadata and View Setup.' });
    if (f.app) {
      const g = f.global;
      if (!f.failed.global) {
        if (!g) drift.push('global OAuth settings (callback, certificate, PKCE) are missing');
        else {
          if (g.callbackUrl !== m.app.callbackUrl) drift.push(`callback URL is ${g.callbackUrl ?? 'empty'}`);
          if (g.isPkceRequired !== 'false' && g.isPkceRequired !== false) drift.push('PKCE is required');
          if (!g.certificate) drift.push('no certificate (JWT bearer is off)');
          else if (cert && !(isSetupError(cert)) && !sameCertificate(g.certificate, cert.pem)) drift.push('the certificate differs from the manifest\'s');
        }
      }
      if (!f.failed.appOauth) {
        if (!f.appOauth) drift.push('OAuth settings are missing');
        else if (!f.appOauth.OauthScopesAPI || (m.app.scopes.includes('RefreshToken') && !f.appOauth.OauthScopesREFRESH_TOKEN)) drift.push('OAuth scopes differ');
      }
      if (!f.failed.appPolicy) {
        if (f.appPolicy?.PermittedUsersPolicyType !== 'AdminApprovedPreAuthorized') {
          findings.push({ code: 'policy-self-authorized', severity: 'warning', subject: 'app', message: `Permitted Users is "${f.appPolicy?.PermittedUsersPolicyType ?? 'not set'}"; JWT logins need "Admin approved users are pre-authorized".`, fix: 'Run the External Client App step.' });
          drift.push('permitted users policy');
        } else if (f.appPolicy.IpRelaxationPolicyType !== m.app.ipRelaxation) drift.push(`IP relaxation is ${f.appPolicy.IpRelaxationPolicyType}`);
      }
      if (f.appPlcy && (!f.appPlcy.IsEnabled || f.appPlcy.OauthPluginStatus === 'Disabled')) drift.push('the app or its OAuth plugin is disabled');
      if (drift.length) findings.push({ code: 'app-drift', severity: 'warning', subject: 'app', manifestPath: ['app'], message: `App ${m.app.name} differs from the setup: ${drift.join('; ')}.`, fix: 'Run the External Client App step to redeploy it.' });
    }
    if (!f.app || drift.length)
      plan.push({ step: 'app', action: 'deploy', target: `External Client App ${m.app.name}`, detail: `app, global OAuth (callback ${m.app.callbackUrl}, certificate, PKCE off), OAuth (${m.app.scopes.join(', ')}), policies (${names.policy}: admin pre-authorized, IP ${m.app.ipRelaxation}; ${names.appPolicy}: enabled)` });
    steps.push(result('app', findings, plan, !!f.app && !drift.length));
  }

  // 5. link
  {
    const findings = adminFindings(f, 'link');
    const plan: Write[] = [];
    const linked = !!linkOf(f);
    if (!linked) {
      if (f.app && f.permissionSet) findings.push({ code: 'link-missing-drift', severity: 'warning', subject: 'app', manifestPath: ['permissionSet', 'name'], message: `Permission set ${m.permissionSet.name} is not linked to app ${m.app.name}; JWT logins fail with "user is not admin approved to access this app".`, fix: 'Run the link step.' });
      plan.push({ step: 'link', action: 'create', target: 'SetupEntityAccess', detail: `${m.permissionSet.name} ↔ ${m.app.name}` });
    }
    steps.push(result('link', findings, plan, linked));
  }

  // 6. consumer key
  {
    const findings = adminFindings(f, 'consumerKey');
    const key = f.global?.consumerKey;
    if (!f.app) findings.push({ code: 'pending', severity: 'info', message: 'Available once the External Client App exists.' });
    else if (f.global && !key) findings.push({ code: 'consumer-key-unreadable', severity: 'error', subject: 'app', message: 'The consumer key could not be read from the app\'s global OAuth settings.', fix: 'Open the app in Setup → External Client App Manager → Settings → Consumer Key and Secret, and type the key into the Credentials view.' });
    steps.push(result('consumerKey', findings, [], !!key));
  }

  // 7. verify (static audit + what BalkanID's login attempts say)
  {
    const findings: Finding[] = [];
    const notDone = steps.filter(s => s.state !== 'done').map(s => s.title);
    for (const l of (f.logins ?? []).slice(0, 1)) {
      if (l.Status !== 'Success') findings.push({ code: 'login-failing', severity: 'warning', subject: 'integration-user', message: `The latest login of ${m.user.username} (${l.LoginTime}, ${l.Application || 'unknown app'}) failed: ${l.Status}.`, fix: 'Run Verify with the private key to see the cause.' });
      else findings.push({ code: 'login-ok', severity: 'info', subject: 'integration-user', message: `The latest login of ${m.user.username} succeeded (${l.LoginTime}, ${l.Application || 'unknown app'}).` });
    }
    if (f.failed.logins && f.user) findings.push({ code: 'login-history-unreadable', severity: 'info', subject: 'admin', message: 'Login history is not visible to you ("Manage Users" or "Monitor Login History" needed).' });
    if (notDone.length) findings.push({ code: 'pending', severity: 'info', message: `Waiting for: ${notDone.join(', ')}.` });
    steps.push({ id: 'verify', title: STEP_TITLES.verify, state: notDone.length ? 'todo' : findings.some(x => x.code === 'login-failing') ? 'error' : 'done', findings, plan: [] });
  }

  // A step whose prerequisite is blocked is blocked too (and says by what).
  const blockedBy: Partial<Record<StepId, StepId[]>> = { user: ['profile'], permissionSet: ['user'], link: ['app', 'permissionSet'], consumerKey: ['app'] };
  for (const s of steps) {
    const pre = (blockedBy[s.id] ?? []).map(id => steps.find(x => x.id === id)!).find(p => p.state === 'blocked');
    if (pre && s.state === 'todo') {
      s.findings.push({ code: 'waits-for', severity: 'info', message: `Waits for "${pre.title}", which is blocked.` });
      s.state = 'blocked';
    }
  }
  return steps;
}

export function handoff(facts: Facts, m: Manifest, instanceUrl: string): Handoff {
  const sandbox = !!facts.org?.IsSandbox;
  return { username: m.user.username, consumerKey: facts.global?.consumerKey, loginUrl: m.loginUrl ?? (sandbox ? 'https://test.salesforce.com' : 'https://login.salesforce.com'), isSandbox: sandbox, instanceUrl };
}

export async function check(input: EngineInput): Promise<{ report: Report; facts: Facts }> {
  const facts = await gatherFacts(input.client, input.manifest);
  return { facts, report: buildReport(input, facts) };
}

function buildReport(input: EngineInput, facts: Facts): Report {
  const c = input.client;
  return {
    org: { instanceUrl: c.instanceUrl, username: facts.admin?.Username ?? c.userId, orgId: c.orgId, isSandbox: !!facts.org?.IsSandbox, apiVersion: c.apiVersion, name: facts.org?.Name },
    steps: evaluate(facts, input.manifest, input.certificate, input.now),
    handoff: handoff(facts, input.manifest, c.instanceUrl),
  };
}

export const remaining = (r: Report) => r.steps.filter(s => s.state !== 'done').length;

// ---- apply ------------------------------------------------------------------------------------------

export interface ApplyOptions {
  steps?: StepId[]; onProgress?: (message: string) => void; signal?: AbortSignal;
  /** How long to wait for the app's deploy before reporting it as still running (default 10 minutes). */
  deployTimeoutMs?: number;
}

/** Failures after which a write may have been made although no answer said so. */
const UNCERTAIN = new Set(['TIMEOUT', 'UNREACHABLE', 'SERVER_ERROR', 'UNEXPECTED_RESPONSE']);

/**
 * Every error that leaves apply or teardown names its step, lists the writes made before it, and says
 * plainly when the write in flight may have been made (the connection failed before the answer came).
 */
export function stepError(step: StepId, e: unknown, writes: Write[], inFlight?: string): SetupError {
  if (isSetupError(e) && e.writes) return e;
  const base = isSetupError(e) ? e : new SetupError(`Unexpected error: ${(e as Error)?.message ?? String(e)}`, 'ERROR');
  const uncertain = base.uncertain ?? (inFlight && UNCERTAIN.has(base.code) ? inFlight : undefined);
  const said = /[.!?)]$/.test(base.message.trim()) ? base.message.trim() : `${base.message.trim()}.`;
  const head = said.startsWith('Step "') ? said : `Step "${STEP_TITLES[step]}" failed: ${said}`;
  const done = writes.length ? ` Written before the failure: ${describeWrites(writes).map(l => l.replace(/^\d+\. /, '')).join('; ')}.` : uncertain ? '' : ' Nothing was written.';
  const maybe = uncertain ? ` ${uncertain[0].toUpperCase()}${uncertain.slice(1)} may have been written: the answer did not arrive. The next run checks and completes it.` : '';
  const err = new SetupError(`${head}${done}${maybe}`, base.code, base.step ?? step);
  err.writes = [...writes];
  err.uncertain = uncertain;
  return err;
}

/** Runs one phase; its errors leave through stepError. */
async function phase<T>(step: StepId, writes: Write[], inFlight: string | undefined, work: () => Promise<T>): Promise<T> {
  try { return await work(); } catch (e) { throw stepError(step, e, writes, inFlight); }
}

/** What exists now that the plan's facts did not have, by kind (the keys match `createdKind`). */
function appeared(before: Facts, now: Facts): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (!before.profile && now.profile) out.push(['profile', `the profile "${now.profile.Name}"`]);
  if (!before.user && now.user) out.push(['user', `the user ${now.user.Username}`]);
  if (!before.permissionSet && now.permissionSet) out.push(['permissionSet', `the permission set ${now.permissionSet.Name}`]);
  if (!before.permissionSet?.Assignments?.records?.length && now.permissionSet?.Assignments?.records?.length) out.push(['assignment', 'the permission set assignment']);
  if (!before.app && now.app) out.push(['app', `the External Client App ${now.app.DeveloperName}`]);
  if (!linkOf(before) && linkOf(now)) out.push(['link', 'the link between the permission set and the app']);
  return out;
}

const createdKind = (w: Write): string => (w.step === 'app' || w.step === 'link' ? w.step : ({ profile: 'profile', 'integration user': 'user', 'permission set': 'permissionSet', 'permission set assignment': 'assignment' } as Record<string, string>)[w.target] ?? w.target);

/**
 * After a duplicate error or a failed deploy: if what this run was creating appeared meanwhile, another run
 * (a second window, a colleague, CI) is changing the org. Say so instead of reporting a confusing duplicate.
 */
async function concurrentRun(client: OrgClient, m: Manifest, before: Facts, step: StepId, writes: Write[]): Promise<SetupError | undefined> {
  const now = await gatherFacts(client, m).catch(() => undefined);
  const ours = new Set(writes.map(createdKind));
  const others = now ? appeared(before, now).filter(([kind]) => !ours.has(kind)).map(([, label]) => label) : [];
  if (!others.length) return undefined;
  const err = new SetupError(`Step "${STEP_TITLES[step]}": another run is changing this org — ${others.join(', ')} appeared while this run was writing. `
    + 'Nothing was duplicated. Run again when the other run has finished.', 'CONCURRENT_RUN', step);
  return stepError(step, err, writes);
}

function errorOf(r: SubResult | undefined): { errorCode: string; message: string; fields?: string[] } {
  const e = Array.isArray(r?.body) ? r!.body[0] : r?.body;
  return { errorCode: e?.errorCode ?? `HTTP_${r?.status}`, message: e?.message ?? 'no response', fields: e?.fields };
}

function failure(step: StepId, r: SubResult | undefined, m: Manifest): SetupError {
  const e = errorOf(r);
  if (e.errorCode === 'DUPLICATE_USERNAME') {
    const [local, domain] = m.user.username.split('@');
    return new SetupError(`Step "${STEP_TITLES[step]}": the username ${m.user.username} is already taken in this or another Salesforce org (usernames are global). `
      + `Set "user.username" in the manifest to a free variant such as ${local}@${domain}.balkanid or ${local}.${Date.now().toString(36)}@${domain}.`, 'DUPLICATE_USERNAME', step);
  }
  if (e.errorCode === 'LICENSE_LIMIT_EXCEEDED') return new SetupError(`Step "${STEP_TITLES[step]}": no Salesforce Platform licence is free (LICENSE_LIMIT_EXCEEDED). Free or buy one, then run again.`, e.errorCode, step);
  return new SetupError(`Step "${STEP_TITLES[step]}" failed: ${e.errorCode}: ${e.message.trim()}`, e.errorCode, step);
}

const RECORD_NAMES: Record<string, string> = { profile: 'profile', user: 'integration user', permset: 'permission set', assignment: 'permission set assignment' };
function recordDetail(ref: string, m: Manifest): string {
  return ({ profile: `"${m.profile.name}"`, user: m.user.username, permset: m.permissionSet.label, assignment: `${m.permissionSet.label} → ${m.user.username}` } as Record<string, string>)[ref] ?? ref;
}

/** Makes the planned writes, step by step; returns the final report (re-inspected) and what was written. */
export async function apply(input: EngineInput, opts: ApplyOptions = {}): Promise<{ report: Report; writes: Write[] }> {
  const { client, manifest: m } = input;
  const say = opts.onProgress ?? (() => undefined);
  const wants = (s: StepId) => !opts.steps || opts.steps.includes(s);
  const abortIfCancelled = () => { if (opts.signal?.aborted) throw new SetupError('Cancelled. Nothing is half-written: run again to continue from here.', 'CANCELLED'); };
  say('Checking the org…');
  const writes: Write[] = [];
  let facts = await phase('preflight', writes, undefined, () => gatherFacts(client, m));
  const steps = evaluate(facts, m, input.certificate, input.now);
  const state = (id: StepId) => steps.find(s => s.id === id)!;
  const blocker = STEP_IDS.filter(wants).map(state).find(s => s.state === 'blocked' && s.plan.length);
  if (blocker) {
    const why = blocker.findings.find(f => f.severity === 'error') ?? blocker.findings[0];
    throw stepError(blocker.id, new SetupError(`Step "${blocker.title}" cannot run: ${why?.message ?? 'blocked'} ${why?.fix ?? ''}`.trim(), why?.code ?? 'BLOCKED', blocker.id), writes);
  }
  const erroring = STEP_IDS.filter(wants).map(state).find(s => s.state === 'error' && s.id !== 'verify' && s.id !== 'consumerKey');
  if (erroring) {
    const why = erroring.findings.find(f => f.severity === 'error')!;
    throw stepError(erroring.id, new SetupError(`Step "${erroring.title}" needs attention: ${why.message} ${why.fix ?? ''}`.trim(), why.code, erroring.id), writes);
  }
  const v = `/services/data/v${client.apiVersion}`;
  const createdIds: Record<string, string> = {};

  // 1. Records: profile, user, permission set, assignment, in one composite with references.
  const sub: Array<{ referenceId: string; method: string; url: string; body?: unknown; step: StepId }> = [];
  const perm = (names: string[]) => Object.fromEntries(names.map(p => [`Permissions${p}`, true]));
  let profileRef = facts.profile?.Id as string | undefined;
  if (wants('profile') && state('profile').plan.length) {
    if (!facts.profile) {
      const src = facts.sourceProfile!;
      const copied = Object.fromEntries(Object.entries(src).filter(([k, val]) => k.startsWith('Permissions') && val === true));
      const body = { Name: m.profile.name, Description: 'BalkanID integration: Standard Platform User + View Setup + View Roles', UserLicenseId: src.UserLicenseId,
        ...perm(withDependencies([...Object.keys(copied).map(k => k.slice(11)), ...INTEGRATION_PROFILE_PERMISSIONS], facts.dependencies)) };
      sub.push({ referenceId: 'profile', method: 'POST', url: `${v}/sobjects/Profile`, body, step: 'profile' });
      profileRef = '@{profile.id}';
    } else {
      sub.push({ referenceId: 'profile', method: 'PATCH', url: `${v}/sobjects/Profile/${facts.profile.Id}`, body: perm(profilePermissions(facts.dependencies)), step: 'profile' });
    }
  }
  let userRef = facts.user?.Id as string | undefined;
  if (wants('user') && state('user').plan.length) {
    if (!facts.user) {
      if (!profileRef) throw stepError('user', new SetupError(`Step "${STEP_TITLES.user}" needs the profile "${m.profile.name}" first: run the profile step.`, 'NEEDS_PROFILE', 'user'), writes);
      const a = facts.admin ?? {};
      sub.push({ referenceId: 'user', method: 'POST', url: `${v}/sobjects/User`, step: 'user', body: { Username: m.user.username, Email: m.user.email, FirstName: m.user.firstName,
        LastName: m.user.lastName, Alias: m.user.alias, ProfileId: profileRef, TimeZoneSidKey: a.TimeZoneSidKey ?? 'America/Los_Angeles', LocaleSidKey: a.LocaleSidKey ?? 'en_US',
        LanguageLocaleKey: a.LanguageLocaleKey ?? 'en_US', EmailEncodingKey: a.EmailEncodingKey ?? 'UTF-8' } });
      userRef = '@{user.id}';
    } else {
      sub.push({ referenceId: 'user', method: 'PATCH', url: `${v}/sobjects/User/${facts.user.Id}`, step: 'user', body: { ProfileId: profileRef, UserRoleId: null } });
    }
  }
  if (wants('permissionSet') && state('permissionSet').plan.length) {
    let psRef = facts.permissionSet?.Id as string | undefined;
    const wanted = permsetPermissions(facts.dependencies);
    const body = perm(wanted);
    if (!facts.permissionSet) {
      sub.push({ referenceId: 'permset', method: 'POST', url: `${v}/sobjects/PermissionSet`, step: 'permissionSet',
        body: { Name: m.permissionSet.name, Label: m.permissionSet.label, Description: 'BalkanID extractor: API access + read all data', ...body } });
      psRef = '@{permset.id}';
    } else if (permsOf(facts.permissionSet, wanted).length) {
      sub.push({ referenceId: 'permset', method: 'PATCH', url: `${v}/sobjects/PermissionSet/${facts.permissionSet.Id}`, body, step: 'permissionSet' });
    }
    if (!facts.permissionSet?.Assignments?.records?.length) {
      if (!userRef) throw stepError('permissionSet', new SetupError(`Step "${STEP_TITLES.permissionSet}" needs the integration user first: run the user step.`, 'NEEDS_USER', 'permissionSet'), writes);
      sub.push({ referenceId: 'assignment', method: 'POST', url: `${v}/sobjects/PermissionSetAssignment`, body: { AssigneeId: userRef, PermissionSetId: psRef }, step: 'permissionSet' });
    }
  }
  if (sub.length) {
    abortIfCancelled();
    const what = sub.map(s => `${s.method === 'POST' ? 'create' : 'update'} ${RECORD_NAMES[s.referenceId]}`).join(', ');
    say(`Writing: ${what}…`);
    // allOrNone=false: what succeeded stays, so a re-run continues from there.
    const res = await phase(sub[0].step, writes, what, () => client.composite(sub.map(({ step: _s, ...r }) => r), false));
    for (const s of sub) {
      const r = res[s.referenceId];
      if (r && r.status < 300 && s.method === 'POST') createdIds[s.referenceId] = r.body?.id;
      if (r && r.status < 300) writes.push({ step: s.step, action: s.method === 'POST' ? 'create' : 'update', target: RECORD_NAMES[s.referenceId], detail: recordDetail(s.referenceId, m) });
    }
    const bad = sub.find(s => !res[s.referenceId] || res[s.referenceId].status >= 300);
    if (bad) {
      if (/^DUPLICATE_/.test(errorOf(res[bad.referenceId]).errorCode)) { const c = await concurrentRun(client, m, facts, bad.step, writes); if (c) throw c; }
      throw stepError(bad.step, failure(bad.step, res[bad.referenceId], m), writes);
    }
  }

  // 2. The External Client App, in one deploy (certificate always sent).
  if (wants('app') && state('app').plan.length) {
    abortIfCancelled();
    const cert = input.certificate as CertificateInfo;
    const names = ecaNames(m.app.name, facts.appPolicy?.DeveloperName);
    const deploy = async (parts?: EcaPart[]) => {
      const out = await phase('app', writes, `the External Client App deploy (${parts ? parts.join(', ') : 'all components'})`,
        () => client.deploy(ecaFiles(m, names, cert.body, client.apiVersion, parts), { timeoutMs: opts.deployTimeoutMs }, st => say(`Deploying the External Client App: ${st}…`), opts.signal));
      if (!out.success) return out;
      writes.push({ step: 'app', action: 'deploy', target: `External Client App ${m.app.name}`, detail: `deploy ${out.id} (${parts ? parts.join(', ') : 'all components'})` });
      return out;
    };
    let out = await deploy();
    // Some orgs want the app to exist before its satellites: fall back to two phases.
    if (!out.success && out.failures.some(x => /no ExternalClientApplication named/i.test(x.problem)) && out.failures.every(x => x.componentType !== 'ExternalClientApplication')) {
      say('Deploying in two phases (app first)…');
      out = await deploy(['app']);
      if (out.success) out = await deploy(['global', 'oauth', 'policy', 'appPolicy']);
    }
    if (!out.success) {
      const c = await concurrentRun(client, m, facts, 'app', writes);
      if (c) throw c;
      const list = out.failures.map(x => `${x.componentType || 'package'} ${x.fullName}: ${x.problem}`).join('; ');
      throw stepError('app', new SetupError(`Step "${STEP_TITLES.app}" failed: the deploy ${out.id} ended ${out.status}: ${list}`, 'DEPLOY_FAILED', 'app'), writes);
    }
  }

  // 3. The link: the app's Id is read and the SetupEntityAccess row inserted in one composite.
  if (wants('link') && (state('link').plan.length || writes.some(w => w.step === 'app'))) {
    abortIfCancelled();
    const psId = facts.permissionSet?.Id ?? createdIds.permset;
    if (!linkOf(facts)) {
      if (!psId) throw stepError('link', new SetupError(`Step "${STEP_TITLES.link}" needs the permission set first: run the permission set step.`, 'NEEDS_PERMSET', 'link'), writes);
      say('Linking the permission set to the app…');
      const appQuery = `${v}/query?q=${encodeURIComponent(`SELECT Id FROM ExternalClientApplication WHERE DeveloperName = ${q(m.app.name)}`)}`;
      const res = await phase('link', writes, 'the link between the permission set and the app', () => client.composite([{ referenceId: 'app', method: 'GET', url: appQuery },
        { referenceId: 'link', method: 'POST', url: `${v}/sobjects/SetupEntityAccess`, body: { ParentId: psId, SetupEntityId: '@{app.records[0].Id}' } }], false));
      if (!res.app || !res.link) throw stepError('link', new SetupError('Salesforce did not answer every part of the link request.', 'UNEXPECTED_RESPONSE'), writes, 'the link between the permission set and the app');
      if (res.app.status < 300 && !res.app.body?.records?.length) throw stepError('link', new SetupError(`Step "${STEP_TITLES.link}" needs the External Client App first: run the app step.`, 'NEEDS_APP', 'link'), writes);
      if (res.link.status >= 300 && errorOf(res.link).errorCode !== 'DUPLICATE_VALUE') throw stepError('link', failure('link', res.link, m), writes);
      if (res.link.status < 300) writes.push({ step: 'link', action: 'create', target: 'SetupEntityAccess', detail: `${m.permissionSet.name} ↔ ${m.app.name}` });
    }
  }
  if (!writes.length) return { report: buildReport(input, facts), writes };
  say('Checking the result…');
  try {
    facts = await gatherFacts(client, m);
  } catch (e) {
    // Every write went through; only the confirmation failed. Say so: this is not a failed run.
    const why = isSetupError(e) ? e.message : String((e as Error)?.message ?? e);
    const err = new SetupError(`All ${writes.length} write(s) were made (${describeWrites(writes).map(l => l.replace(/^\d+\. /, '')).join('; ')}), `
      + `but the check afterwards failed: ${why} Run check to see the result.`, 'RECHECK_FAILED', 'verify');
    err.writes = [...writes];
    throw err;
  }
  return { report: buildReport(input, facts), writes };
}

/** All planned writes, for `plan` and the "run all" confirmation. */
export const planOf = (r: Report): Write[] => r.steps.flatMap(s => s.plan);

// ---- teardown ---------------------------------------------------------------------------------------

/** What teardown removes. Users cannot be deleted in Salesforce: the integration user is deactivated, and the
 *  profile stays because an (inactive) user still holds it. */
export function teardownPlan(f: Facts, m: Manifest): Write[] {
  const out: Write[] = [];
  if (linkOf(f)) out.push({ step: 'link', action: 'delete', target: 'SetupEntityAccess', detail: `${m.permissionSet.name} ↔ ${m.app.name}` });
  for (const a of f.permissionSet?.Assignments?.records ?? []) out.push({ step: 'permissionSet', action: 'delete', target: 'PermissionSetAssignment', detail: `${a.Id}` });
  if (f.permissionSet) out.push({ step: 'permissionSet', action: 'delete', target: `Permission set ${m.permissionSet.name}`, detail: f.permissionSet.Id });
  if (f.app) out.push({ step: 'app', action: 'delete', target: `External Client App ${m.app.name}`, detail: 'destructive deploy of the app and its OAuth settings and policies' });
  if (f.user?.IsActive) out.push({ step: 'user', action: 'update', target: `User ${m.user.username}`, detail: 'deactivate (Salesforce users cannot be deleted)' });
  return out;
}

export async function teardown(input: EngineInput, opts: ApplyOptions = {}): Promise<Write[]> {
  const { client, manifest: m } = input;
  const removed: Write[] = [];
  const f = await phase('preflight', removed, undefined, () => gatherFacts(client, m));
  const v = `/services/data/v${client.apiVersion}`;
  // Each subrequest carries the plan line it carries out, so what was removed is reported exactly.
  const sub: Array<{ referenceId: string; method: string; url: string; body?: unknown; write: Write }> = [];
  for (const w of teardownPlan(f, m)) {
    const link = linkOf(f);
    if (w.step === 'link' && link) sub.push({ referenceId: 'link', method: 'DELETE', url: `${v}/sobjects/SetupEntityAccess/${link.Id}`, write: w });
    else if (w.target === 'PermissionSetAssignment') sub.push({ referenceId: `assignment${sub.length}`, method: 'DELETE', url: `${v}/sobjects/PermissionSetAssignment/${w.detail}`, write: w });
    else if (w.step === 'permissionSet') sub.push({ referenceId: 'permset', method: 'DELETE', url: `${v}/sobjects/PermissionSet/${f.permissionSet!.Id}`, write: w });
    else if (w.step === 'user') sub.push({ referenceId: 'user', method: 'PATCH', url: `${v}/sobjects/User/${f.user!.Id}`, body: { IsActive: false }, write: w });
  }
  if (sub.length) {
    opts.onProgress?.('Removing the link, the assignment and the permission set; deactivating the user…');
    const res = await phase('permissionSet', removed, 'the removal of the link, assignments and permission set, and the user\'s deactivation',
      () => client.composite(sub.map(({ write: _w, ...r }) => r), false));
    for (const s of sub) if (res[s.referenceId] && res[s.referenceId].status < 300) removed.push(s.write);
    const bad = sub.find(s => !res[s.referenceId] || res[s.referenceId].status >= 300);
    if (bad) {
      const e = errorOf(res[bad.referenceId]);
      throw stepError(bad.write.step, new SetupError(`Teardown of "${STEP_TITLES[bad.write.step]}" failed: ${e.errorCode}: ${e.message}`, e.errorCode, bad.write.step), removed);
    }
  }
  if (f.app) {
    opts.onProgress?.('Deleting the External Client App…');
    const names = ecaNames(m.app.name, f.appPolicy?.DeveloperName);
    const out = await phase('app', removed, 'the deletion of the External Client App',
      () => client.deploy(ecaDestructiveFiles(names, client.apiVersion), { timeoutMs: opts.deployTimeoutMs }, st => opts.onProgress?.(`Deleting the app: ${st}…`), opts.signal));
    if (!out.success) throw stepError('app', new SetupError(`Teardown could not delete the app: ${out.failures.map(x => x.problem).join('; ')}`, 'DEPLOY_FAILED', 'app'), removed);
    removed.push(teardownPlan(f, m).find(w => w.step === 'app')!);
  }
  return removed;
}
