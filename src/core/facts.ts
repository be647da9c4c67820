// Reading the org: every fact the steps evaluate, gathered in one round trip (a composite/batch of SOQL queries
// and two metadata reads, in parallel). The row types are in rows.ts.
import { OrgClient, SubResult } from './client';
import { ecaNames } from './eca';
import { Manifest } from './manifest';
import { ADMIN_PERMISSIONS } from './permissions';
import { connectionLost } from './errorCodes';
import { codeOf, isSetupError, messageOf } from './types';
import {
  AdminRow,
  AppOauthRow,
  AppPolicyRow,
  AppRow,
  DependencyRow,
  Facts,
  GlobalOauthMeta,
  IpRange,
  LicenseRow,
  LoginRow,
  OauthPolicyRow,
  OrganizationRow,
  OwnedPermissionSetRow,
  PermissionFields,
  PermissionSetRow,
  ProfileRow,
  QueryResult,
  UserLoginRow,
  UserRow,
} from './rows';

export type * from './rows';

/** A SOQL string literal. */
export const soql = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** How many of the integration user's latest logins are read (Verify's evidence; the watch's one query). */
export const LOGIN_ROWS = 10;
/** OAuth logins only ("Remote Access 2.0": JWT bearer among them); a login in the browser is no proof. */
export const loginsSoql = (username: string) =>
  'SELECT LoginTime, Status, Application, LoginType FROM LoginHistory WHERE UserId IN (SELECT Id FROM User WHERE ' +
  `Username = ${soql(username)}) AND LoginType = 'Remote Access 2.0' ORDER BY LoginTime DESC LIMIT ${LOGIN_ROWS}`;
export const sameId = (a: unknown, b: unknown) =>
  typeof a === 'string' && typeof b === 'string' && a.slice(0, 15) === b.slice(0, 15);

export interface FactQuery {
  ref: string;
  soql: string;
  tooling?: boolean;
}

export function factQueries(m: Manifest, adminId: string, adminPerms = ADMIN_PERMISSIONS): FactQuery[] {
  const u = soql(m.user.username),
    app = soql(m.app.name);
  const permsetPerms = ['ApiEnabled', 'ViewAllData', 'ViewSetup', 'ViewRoles'].map(p => `Permissions${p}`).join(', ');
  return [
    { ref: 'org', soql: 'SELECT Name, IsSandbox, InstanceName FROM Organization' },
    { ref: 'upa', soql: `SELECT ${adminPerms.map(p => `Permissions${p}`).join(', ')} FROM UserPermissionAccess` },
    {
      ref: 'admin',
      soql:
        'SELECT Id, Username, Name, Email, TimeZoneSidKey, LocaleSidKey, LanguageLocaleKey, EmailEncodingKey ' +
        'FROM User ' +
        `WHERE Id = ${soql(adminId)}`,
    },
    {
      ref: 'user',
      soql:
        'SELECT Id, Username, Email, FirstName, LastName, Alias, IsActive, UserRoleId, ProfileId, Profile.Name, ' +
        `Profile.UserLicense.LicenseDefinitionKey FROM User WHERE Username = ${u}`,
    },
    { ref: 'userLogin', soql: `SELECT UserId, IsFrozen FROM UserLogin WHERE User.Username = ${u}` },
    // Every active licence: the Salesforce Platform one (AUL) for the integration user, and the others with free seats
    // for the message when none of it is free.
    {
      ref: 'license',
      soql:
        'SELECT Id, Name, MasterLabel, LicenseDefinitionKey, TotalLicenses, UsedLicenses FROM UserLicense WHERE ' +
        "Status = 'Active'",
    },
    {
      ref: 'owned',
      soql:
        'SELECT ProfileId, IsCustom, Profile.Name FROM PermissionSet WHERE IsOwnedByProfile = true AND ' +
        "Profile.UserLicense.LicenseDefinitionKey = 'AUL'",
    },
    {
      ref: 'profiles',
      soql:
        `SELECT FIELDS(ALL) FROM Profile WHERE UserLicense.LicenseDefinitionKey = 'AUL' OR Name = ` +
        `${soql(m.profile.name)} LIMIT 200`,
    },
    {
      ref: 'permset',
      soql:
        `SELECT Id, Name, Label, LicenseId, ${permsetPerms}, (SELECT Id, AssigneeId FROM Assignments WHERE ` +
        `Assignee.Username = ${u}), ` +
        `(SELECT Id, SetupEntityId FROM SetupEntityAccessItems) FROM PermissionSet WHERE Name = ` +
        `${soql(m.permissionSet.name)} AND IsOwnedByProfile = false`,
    },
    {
      ref: 'deps',
      soql:
        "SELECT Permission, RequiredPermission FROM PermissionDependency WHERE RequiredPermissionType = 'User " +
        "Permission'",
      tooling: true,
    },
    {
      ref: 'app',
      soql:
        'SELECT Id, DeveloperName, MasterLabel, ContactEmail, DistributionState, CreatedDate ' +
        'FROM ExternalClientApplication ' +
        `WHERE DeveloperName = ${app}`,
    },
    {
      ref: 'appOauth',
      soql:
        `SELECT Id, DeveloperName, OauthScopesAPI, OauthScopesREFRESH_TOKEN FROM ExtlClntAppOauthSettings WHERE ` +
        `ExternalClientApplication.DeveloperName = ${app}`,
    },
    {
      ref: 'policy',
      soql:
        'SELECT DeveloperName, PermittedUsersPolicyType, IpRelaxationPolicyType FROM ExtlClntAppOauthPlcyCnfg ' +
        `WHERE ExternalClientApplication.DeveloperName = ${app}`,
    },
    {
      ref: 'appPolicy',
      soql:
        `SELECT DeveloperName, IsEnabled, OauthPluginStatus FROM ExtlClntAppPlcyCnfg WHERE ` +
        `ExternalClientApplication.DeveloperName = ${app}`,
    },
    {
      ref: 'logins',
      soql: loginsSoql(m.user.username),
    },
  ];
}

type Failure = { errorCode: string; message: string };
const firstError = (body: unknown): Partial<Failure> => (Array.isArray(body) ? body[0] : body) ?? {};

/**
 * Every record of a query, following query locators; a page may repeat rows of the one before (reported on real
 * orgs for PermissionDependency), so rows are kept once each. Answers like one composite/batch subresult.
 */
async function queryAll(client: OrgClient, first: string): Promise<SubResult> {
  const records: unknown[] = [];
  const seen = new Set<string>();
  let next: string | undefined = first;
  for (let page = 0; next && page < 50; page++) {
    let body: Partial<QueryResult<unknown>> & { nextRecordsUrl?: string };
    try {
      body = (await client.request('GET', next)) as typeof body;
    } catch (e) {
      if (isSetupError(e) && connectionLost(e.code)) throw e;
      return { status: 400, body: [{ errorCode: codeOf(e) ?? 'UNKNOWN', message: messageOf(e) }] };
    }
    for (const r of body.records ?? []) {
      const key = JSON.stringify(r);
      if (seen.has(key)) continue;
      seen.add(key);
      records.push(r);
    }
    next = body.done === false ? body.nextRecordsUrl : undefined;
  }
  if (next)
    return {
      status: 400,
      body: [{ errorCode: 'TOO_MANY_PAGES', message: 'More than 50 pages of results: not all were read.' }],
    };
  return { status: 200, body: { totalSize: records.length, done: true, records } };
}

/** The global OAuth settings of `app` under whatever name they carry: listed, then read ten at a time, names that
 *  start with the app's first. */
async function adoptGlobalSettings(
  client: OrgClient,
  app: string,
  failed: Facts['failed'],
): Promise<GlobalOauthMeta | undefined> {
  try {
    const first = (n: string) => (n.toLowerCase().startsWith(app.toLowerCase()) ? 0 : 1);
    const names = (await client.listMetadata('ExtlClntAppGlobalOauthSettings')).sort((a, b) => first(a) - first(b));
    for (let i = 0; i < names.length && i < 100; i += 10) {
      const found = (await client.readMetadata('ExtlClntAppGlobalOauthSettings', names.slice(i, i + 10))).find(
        g => String(g?.externalClientApplication ?? '').toLowerCase() === app.toLowerCase(),
      );
      if (found) return found as unknown as GlobalOauthMeta;
    }
    return undefined;
  } catch (e) {
    if (isSetupError(e) && connectionLost(e.code)) throw e;
    failed.global = { errorCode: codeOf(e) ?? 'UNKNOWN', message: messageOf(e) };
    return undefined;
  }
}

/** The Permissions fields of Profile that the API may set, and the field for each label (describe). */
function profileFields(r: SubResult | undefined): Facts['profileFields'] {
  if (!r || r.status >= 400) return undefined;
  const fields = (
    (r.body as { fields?: Array<{ name: string; label: string; createable: boolean }> })?.fields ?? []
  ).filter(f => f.name.startsWith('Permissions'));
  return {
    createable: new Set(fields.filter(f => f.createable).map(f => f.name)),
    byLabel: new Map(fields.map(f => [f.label.toLowerCase(), f.name.slice('Permissions'.length)])),
  };
}

export interface GatherOptions {
  /** Also read Profile's describe in the same batch (apply needs it to clone a profile). */
  describeProfile?: boolean;
  /**
   * Read the metadata (the app's global OAuth settings, the profile's Login IP Ranges) only for what exists, after the
   * batch: a fresh org's read is 2 requests instead of 4, an org with both a round trip longer (apply's first read).
   */
  lean?: boolean;
  /**
   * Facts this run read before its writes that the writes do not change — the permission dependencies (the org's),
   * the profile's Login IP Ranges (a profile this run created has none) and, with `global`, the app's global OAuth
   * settings — kept instead of read again. `appExists`: the app is there now (this run deployed it), so its settings
   * are read with the batch, in one round trip.
   */
  reuse?: { facts: Facts; global?: boolean; appExists?: boolean };
}

/**
 * Reads everything in one composite/batch plus the Tooling query and two readMetadata calls, all in parallel (one
 * round trip); `opts` trades that for fewer requests where apply knows more (GatherOptions).
 */
export async function gatherFacts(client: OrgClient, m: Manifest, opts: GatherOptions = {}): Promise<Facts> {
  const v = `v${client.apiVersion}`;
  let perms = ADMIN_PERMISSIONS;
  const url = (x: FactQuery) => `${v}/${x.tooling ? 'tooling/' : ''}query?q=${encodeURIComponent(x.soql)}`;
  const names = ecaNames(m.app.name);
  const failed: Facts['failed'] = {};
  const known = opts.reuse?.facts;
  // Without Metadata API access these stay unknown; the other facts still count.
  const metadata = (ref: string, type: string, name: string) =>
    client.readMetadata(type, [name]).catch((e: unknown) => {
      if (isSetupError(e) && connectionLost(e.code)) throw e;
      failed[ref] = { errorCode: codeOf(e) ?? 'UNKNOWN', message: messageOf(e) };
      return [] as Array<Record<string, unknown> | undefined>;
    });
  const none = Promise.resolve([] as Array<Record<string, unknown> | undefined>);
  const readGlobal = () => metadata('global', 'ExtlClntAppGlobalOauthSettings', names.global);
  const readProfile = () => metadata('profileMeta', 'Profile', m.profile.name);
  // composite/batch documents data resources only (REST API Developer Guide, "Composite Batch"): the Tooling query
  // goes to its own endpoint, in parallel, so a check is still one round trip of latency.
  const queries = factQueries(m, client.userId, perms);
  const tooling = known ? [] : queries.filter(x => x.tooling);
  const globalNow = opts.reuse ? !opts.reuse.global && (opts.reuse.appExists || !!known?.app) : !opts.lean;
  const [results, toolingResults, early, profileEarly] = await Promise.all([
    client.batch([
      ...queries.filter(x => !x.tooling).map(x => ({ ref: x.ref, url: url(x) })),
      ...(opts.describeProfile ? [{ ref: 'profileDescribe', url: `${v}/sobjects/Profile/describe` }] : []),
    ]),
    Promise.all(tooling.map(x => queryAll(client, `/services/data/${url(x)}`))),
    globalNow ? readGlobal() : none,
    opts.lean || known ? none : readProfile(),
  ]);
  tooling.forEach((x, i) => (results[x.ref] = toolingResults[i]!));
  const exists = (ref: string) => {
    const r = results[ref];
    const records = (r?.body as { records?: unknown[] } | undefined)?.records;
    // A read that failed: unknown, so read what depends on it too.
    return !r || r.status >= 400 || !!records?.length;
  };
  const profileNamed = (r: SubResult | undefined) =>
    ((r?.body as { records?: Array<{ Name?: unknown }> } | undefined)?.records ?? []).some(
      p => String(p.Name).toLowerCase() === m.profile.name.toLowerCase(),
    );
  // The metadata of what the batch found, in a second round trip, when it was not read with the batch: the lean read's,
  // and an app that appeared although this run did not expect it.
  const lateGlobal = !globalNow && !opts.reuse?.global && exists('app');
  const lateProfile =
    !!opts.lean && !known && ((results.profiles?.status ?? 500) >= 400 || profileNamed(results.profiles));
  const [globalLate, profileLate] = await Promise.all([
    lateGlobal ? readGlobal() : none,
    lateProfile ? readProfile() : none,
  ]);
  const globals = globalNow ? early : globalLate;
  const profileMeta = opts.lean && !known ? profileLate : profileEarly;
  // Permission fields vary by org and edition: drop the ones this org does not know and ask again.
  for (let tries = 0; tries < 5 && (results.upa?.status ?? 500) >= 400; tries++) {
    const missing = /No such column '(?:Permissions)?(\w+)'/.exec(
      String(firstError(results.upa?.body).message ?? ''),
    )?.[1];
    if (!missing || !perms.includes(missing)) break;
    perms = perms.filter(p => p !== missing);
    const upa = factQueries(m, client.userId, perms).find(x => x.ref === 'upa')!;
    const retried = (await client.batch([{ ref: 'upa', url: url(upa) }])).upa;
    if (retried) results.upa = retried;
  }
  const rows = <T>(ref: string): T[] => {
    const r: SubResult | undefined = results[ref];
    if (!r || r.status >= 400) {
      const e = firstError(r?.body);
      failed[ref] = { errorCode: e.errorCode ?? 'UNKNOWN', message: e.message ?? 'no response' };
      return [];
    }
    return (r.body as Partial<QueryResult<T>> | undefined)?.records ?? [];
  };
  const upa = rows<PermissionFields>('upa')[0];
  const licenses = rows<LicenseRow>('license');
  const owned = rows<OwnedPermissionSetRow>('owned');
  const profiles = rows<ProfileRow>('profiles');
  const source =
    owned.find(o => !o.IsCustom && o.Profile?.Name === 'Standard Platform User') ?? owned.find(o => !o.IsCustom);
  const orgRow = rows<OrganizationRow>('org')[0];
  const app = rows<AppRow>('app')[0];
  let global = (opts.reuse?.global ? known?.global : globals[0]) as GlobalOauthMeta | undefined;
  if (opts.reuse?.global && known?.failed.global) failed.global = known.failed.global;
  // An app another tool made may name its global OAuth settings differently: find them by their app.
  if (app && !global && !failed.global) global = await adoptGlobalSettings(client, app.DeveloperName, failed);
  const ranges = ([] as unknown[]).concat(profileMeta[0]?.loginIpRanges ?? []) as Array<Partial<IpRange> | undefined>;
  // Reused: the org's permission dependencies and the profile's ranges (or why they could not be read).
  if (known) {
    for (const ref of ['deps', 'profileMeta'] as const) if (known.failed[ref]) failed[ref] = known.failed[ref];
  }
  return {
    apiVersion: client.apiVersion,
    org: orgRow && { Name: orgRow.Name, IsSandbox: !!orgRow.IsSandbox, InstanceName: orgRow.InstanceName },
    adminPerms: upa ? new Set(perms.filter(p => upa[`Permissions${p}`])) : undefined,
    admin: rows<AdminRow>('admin')[0],
    user: rows<UserRow>('user')[0],
    userFrozen: !!rows<UserLoginRow>('userLogin')[0]?.IsFrozen,
    license: licenses.find(l => l.LicenseDefinitionKey === 'AUL'),
    otherLicenses: licenses.filter(l => l.LicenseDefinitionKey !== 'AUL' && l.TotalLicenses > l.UsedLicenses),
    sourceProfile: source && profiles.find(p => sameId(p.Id, source.ProfileId)),
    profile: profiles.find(p => String(p.Name).toLowerCase() === m.profile.name.toLowerCase()),
    permissionSet: rows<PermissionSetRow>('permset')[0],
    dependencies: known ? known.dependencies : rows<DependencyRow>('deps'),
    app,
    appOauth: rows<AppOauthRow>('appOauth')[0],
    policy: rows<OauthPolicyRow>('policy')[0],
    appPolicy: rows<AppPolicyRow>('appPolicy')[0],
    global,
    profileIpRanges: known ? known.profileIpRanges : ranges.filter((r): r is IpRange => !!r?.startAddress),
    profileFields: opts.describeProfile ? profileFields(results.profileDescribe) : undefined,
    logins: rows<LoginRow>('logins'),
    failed,
  };
}

/** The SetupEntityAccess row linking the permission set to the app, if there is one. */
export const linkOf = (f: Facts): { Id: string; SetupEntityId: string } | undefined =>
  f.app ? f.permissionSet?.SetupEntityAccessItems?.records?.find(s => sameId(s.SetupEntityId, f.app!.Id)) : undefined;
