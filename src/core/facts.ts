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
  ConsumerKeyRead,
  KeyRefusal,
  ProfileFields,
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
  'SELECT Id, LoginTime, Status, Application, LoginType, SourceIp FROM LoginHistory WHERE UserId IN (SELECT Id ' +
  'FROM User WHERE ' +
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
    // The source profile by what does not change with the language (docs/research/real-org-2026.md, (a)): the
    // licence (LicenseDefinitionKey AUL: Salesforce Platform), standard (its own permission set is not custom), an
    // internal user type — never its name, which Salesforce translates.
    {
      ref: 'owned',
      soql:
        'SELECT ProfileId, IsCustom, Profile.Name, Profile.UserType FROM PermissionSet WHERE IsOwnedByProfile = ' +
        "true AND IsCustom = false AND Profile.UserLicense.LicenseDefinitionKey = 'AUL'",
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
    // What a permission needs (Tooling PermissionDependency): other user permissions, and — for user permissions —
    // the object permissions a profile insert cannot grant, known before writing. One query, split by
    // RequiredPermissionType.
    {
      ref: 'deps',
      soql:
        'SELECT Permission, RequiredPermission, RequiredPermissionType FROM PermissionDependency WHERE ' +
        "RequiredPermissionType = 'User Permission' OR PermissionType = 'User Permission'",
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
        'SELECT Id, DeveloperName, OauthScopesAPI, OauthScopesREFRESH_TOKEN, OauthLink FROM ' +
        `ExtlClntAppOauthSettings WHERE ` +
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

/**
 * The global OAuth settings of an app another tool made, under the name that tool gave them. Only names that start
 * with the app's own (and not with a longer app name of the org) are read, ten at a time: other apps' global settings
 * carry their consumer secrets, so they are never read (issue 19; audit part 2 row 4). Settings under any other name
 * stay unidentified: reported as unchecked, never redeployed over.
 */
async function adoptGlobalSettings(
  client: OrgClient,
  app: string,
  failed: Facts['failed'],
): Promise<GlobalOauthMeta | undefined> {
  const lower = (x: string) => x.toLowerCase();
  try {
    const names = await client.listMetadata('ExtlClntAppGlobalOauthSettings');
    const apps = await client.request(
      'GET',
      `/services/data/v${client.apiVersion}/query?q=` +
        encodeURIComponent('SELECT DeveloperName FROM ExternalClientApplication'),
    );
    const others = ((apps as Partial<QueryResult<{ DeveloperName?: unknown }>>)?.records ?? [])
      .map(r => String(r.DeveloperName ?? ''))
      .filter(o => lower(o) !== lower(app) && lower(o).startsWith(`${lower(app)}_`));
    const candidates = names
      .filter(n => lower(n).startsWith(`${lower(app)}_`) && !others.some(o => lower(n).startsWith(`${lower(o)}_`)))
      .sort((a, b) => a.length - b.length);
    for (let i = 0; i < candidates.length && i < 100; i += 10) {
      const found = (await client.readMetadata('ExtlClntAppGlobalOauthSettings', candidates.slice(i, i + 10))).find(
        g => lower(String(g?.externalClientApplication ?? '')) === lower(app),
      );
      if (found) return found as unknown as GlobalOauthMeta;
    }
    failed.global = {
      errorCode: 'NOT_IDENTIFIED',
      message:
        `no global OAuth settings named after ${app} were found; settings under other names are not read, since ` +
        "other apps' settings hold their consumer secrets",
    };
    return undefined;
  } catch (e) {
    if (isSetupError(e) && connectionLost(e.code)) throw e;
    failed.global = { errorCode: codeOf(e) ?? 'UNKNOWN', message: messageOf(e) };
    return undefined;
  }
}

const plainDependency = (d: DependencyRow): DependencyRow => ({
  Permission: d.Permission,
  RequiredPermission: d.RequiredPermission,
});

/** A consumer key as Salesforce shows it (letters, digits, dots and underscores). */
const KEY = /^[A-Za-z0-9._]{20,256}$/;
/** The OAuth consumer's Id: the end of OauthLink ("<org Id>:<consumer Id>", Metadata API ExtlClntAppOauthSettings). */
export const consumerIdOf = (link: string | null | undefined): string | undefined => {
  const id = String(link ?? '')
    .split(':')[1]
    ?.trim();
  return id && /^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$/.test(id) ? id : undefined;
};
/** Salesforce's code without the SOAP prefix ("sf:INSUFFICIENT_ACCESS" → "INSUFFICIENT_ACCESS"). */
export const bareCode = (code: string) => code.replace(/^sf:/, '');
/**
 * Salesforce's words without the code in front ("FUNCTIONALITY_NOT_ENABLED: This feature…" → "This feature…").
 */
export const wordsOf = (code: string, message: string) =>
  message.replace(new RegExp(`^((sf:)?${bareCode(code)}:\\s*)+`), '').trim();

/**
 * The consumer key through the Connect REST API when the Metadata API did not give it: `GET apps/oauth/credentials/
 * {app Id}/{consumer Id}?part=key` (Connect REST API, "OAuth Credentials by App and Consumer ID", 60.0+), the consumer
 * Id from OauthLink — or, without one, the app's consumers (`…/credentials/{app Id}`). The key only: `part=secret`
 * and `keyandsecret` are never asked for, and nothing but the key is kept.
 */
async function keyByConnect(
  client: OrgClient,
  app: AppRow,
  oauth: AppOauthRow | undefined,
): Promise<{ key: string } | { refused: KeyRefusal }> {
  const consumer = consumerIdOf(oauth?.OauthLink);
  const base = `/services/data/v${client.apiVersion}/apps/oauth/credentials/${encodeURIComponent(app.Id)}`;
  try {
    const body = (await client.request('GET', consumer ? `${base}/${encodeURIComponent(consumer)}?part=key` : base)) as
      { key?: unknown; consumers?: Array<{ key?: unknown }> } | undefined;
    const keys = consumer ? [body?.key] : (body?.consumers ?? []).map(c => c?.key);
    const key = keys.length === 1 && typeof keys[0] === 'string' && KEY.test(keys[0]) ? keys[0] : undefined;
    if (key) return { key };
    return {
      refused: {
        route: 'connect',
        code: 'UNEXPECTED_RESPONSE',
        message: keys.length > 1 ? `the app has ${keys.length} OAuth consumers` : 'the answer held no consumer key',
      },
    };
  } catch (e) {
    if (isSetupError(e) && connectionLost(e.code)) throw e;
    const code = bareCode(codeOf(e) ?? 'UNKNOWN');
    return { refused: { route: 'connect', code, message: wordsOf(code, messageOf(e)) } };
  }
}

/** The consumer key: the Metadata API's, else the Connect REST API's; why each route gave none. */
async function readConsumerKey(client: OrgClient, f: Facts): Promise<ConsumerKeyRead | undefined> {
  if (!f.app) return undefined;
  const key = f.global?.consumerKey;
  if (key) return { key, via: 'metadata', refused: [] };
  const metadata: KeyRefusal = f.failed.global
    ? {
        route: 'metadata',
        code: bareCode(f.failed.global.errorCode),
        message: wordsOf(f.failed.global.errorCode, f.failed.global.message),
      }
    : f.global
      ? { route: 'metadata', code: 'NO_KEY', message: 'readMetadata returned the settings without their consumer key' }
      : { route: 'metadata', code: 'NOT_FOUND', message: "the app's global OAuth settings were not found" };
  const connect = await keyByConnect(client, f.app, f.appOauth);
  if ('key' in connect) return { key: connect.key, via: 'connect', refused: [metadata] };
  return { refused: [metadata, connect.refused] };
}

/** The Permissions fields of Profile that the API may set, and Setup's label of each (describe). */
function profileFields(r: SubResult | undefined): ProfileFields | undefined {
  if (!r || r.status >= 400) return undefined;
  const fields = (
    (r.body as { fields?: Array<{ name?: unknown; label?: unknown; createable?: unknown }> })?.fields ?? []
  ).filter(
    (f): f is { name: string; label: string; createable: boolean } =>
      typeof f?.name === 'string' && f.name.startsWith('Permissions') && typeof f.label === 'string',
  );
  const name = (f: { name: string }) => f.name.slice('Permissions'.length);
  return {
    createable: new Set(fields.filter(f => f.createable === true).map(name)),
    byLabel: new Map(fields.map(f => [f.label.toLowerCase(), name(f)])),
    labels: new Map(fields.map(f => [name(f), f.label])),
  };
}

export interface GatherOptions {
  /**
   * Read the profile's Login IP Ranges only when the profile exists, after the batch: a fresh org's read is 3 requests
   * instead of 4 (apply's first read). The app's global OAuth settings are read with the batch all the same: their
   * refusal says the OAuth settings are closed to the Metadata API, which blocks the app step before any write.
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
 * Reads everything in one round trip: a composite/batch of SOQL queries and Profile's describe, the Tooling queries
 * and two readMetadata calls, in parallel; `opts` trades that for fewer requests where apply knows more
 * (GatherOptions). A second one only when needed: the consumer key through the Connect REST API when the Metadata API
 * did not give it, or an app another tool made whose settings carry other names.
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
  const globalNow = opts.reuse ? !opts.reuse.global && (opts.reuse.appExists || !!known?.app) : true;
  const [results, toolingResults, early, profileEarly] = await Promise.all([
    client.batch([
      ...queries.filter(x => !x.tooling).map(x => ({ ref: x.ref, url: url(x) })),
      { ref: 'profileDescribe', url: `${v}/sobjects/Profile/describe` },
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
  // Reused when known: the org's permission dependencies do not change with this run's writes.
  const deps = known ? [] : rows<DependencyRow & { RequiredPermissionType?: string }>('deps');
  const owned = rows<OwnedPermissionSetRow>('owned');
  const profiles = rows<ProfileRow>('profiles');
  // Standard (its own permission set not custom: the query's filter) and for internal users; never by its name.
  const standard = owned.filter(o => !o.IsCustom && (o.Profile?.UserType ?? 'Standard') === 'Standard');
  const sources = [...new Map(standard.map(o => [o.ProfileId.slice(0, 15), o])).values()];
  const source = sources.length === 1 ? sources[0] : undefined;
  const orgRow = rows<OrganizationRow>('org')[0];
  const app = rows<AppRow>('app')[0];
  let global = (opts.reuse?.global ? known?.global : globals[0]) as GlobalOauthMeta | undefined;
  // Kept, not read again (reused, or no app yet and none deployed): a refusal of the OAuth settings still holds.
  if (known?.failed.global && (opts.reuse?.global || (!globalNow && !lateGlobal))) failed.global = known.failed.global;
  // An app another tool made may name its global OAuth settings differently: find them by their app.
  if (app && !global && !failed.global) global = await adoptGlobalSettings(client, app.DeveloperName, failed);
  const ranges = ([] as unknown[]).concat(profileMeta[0]?.loginIpRanges ?? []) as Array<Partial<IpRange> | undefined>;
  // Reused: the org's permission dependencies and the profile's ranges (or why they could not be read).
  if (known) {
    for (const ref of ['deps', 'profileMeta'] as const) if (known.failed[ref]) failed[ref] = known.failed[ref];
  }
  const facts: Facts = {
    apiVersion: client.apiVersion,
    org: orgRow && { Name: orgRow.Name, IsSandbox: !!orgRow.IsSandbox, InstanceName: orgRow.InstanceName },
    adminPerms: upa ? new Set(perms.filter(p => upa[`Permissions${p}`])) : undefined,
    admin: rows<AdminRow>('admin')[0],
    user: rows<UserRow>('user')[0],
    userFrozen: !!rows<UserLoginRow>('userLogin')[0]?.IsFrozen,
    license: licenses.find(l => l.LicenseDefinitionKey === 'AUL'),
    otherLicenses: licenses.filter(l => l.LicenseDefinitionKey !== 'AUL' && l.TotalLicenses > l.UsedLicenses),
    sourceProfile: source && profiles.find(p => sameId(p.Id, source.ProfileId)),
    sourceCandidates: sources.length > 1 ? sources.map(o => o.Profile?.Name ?? o.ProfileId) : undefined,
    profile: profiles.find(p => String(p.Name).toLowerCase() === m.profile.name.toLowerCase()),
    permissionSet: rows<PermissionSetRow>('permset')[0],
    dependencies: known
      ? known.dependencies
      : deps.filter(d => d.RequiredPermissionType === 'User Permission').map(plainDependency),
    objectDependencies: known
      ? known.objectDependencies
      : deps.filter(d => d.RequiredPermissionType === 'Object Permission').map(plainDependency),
    app,
    appOauth: rows<AppOauthRow>('appOauth')[0],
    policy: rows<OauthPolicyRow>('policy')[0],
    appPolicy: rows<AppPolicyRow>('appPolicy')[0],
    global,
    profileIpRanges: known ? known.profileIpRanges : ranges.filter((r): r is IpRange => !!r?.startAddress),
    profileFields: profileFields(results.profileDescribe),
    logins: rows<LoginRow>('logins'),
    failed,
  };
  facts.consumerKey = await readConsumerKey(client, facts);
  return facts;
}

/** The SetupEntityAccess row linking the permission set to the app, if there is one. */
export const linkOf = (f: Facts): { Id: string; SetupEntityId: string } | undefined =>
  f.app ? f.permissionSet?.SetupEntityAccessItems?.records?.find(s => sameId(s.SetupEntityId, f.app!.Id)) : undefined;
