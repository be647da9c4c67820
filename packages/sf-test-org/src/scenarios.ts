// Seed scenarios: an org as an admin finds it (fresh), with the guide applied (done), half-way with drift
// (half), with a limited admin, with no Salesforce Platform licence left, a sandbox, and an app another tool made
// (adopted: its components carry other names, and PKCE is on).
import { Org, OrgOptions, Rec } from './state';
import { MetadataApi } from './metadata';
import { PERMISSIONS, PERMISSION_DEPENDENCIES } from './schema';
import { selfSignedCert, KeyPairCert } from './x509';
import { PROFILE_READ_ONLY_PERMISSIONS } from './sobjects/profile';
import { OBJECT_DEPENDENT_PERMISSION } from './sobjects/permissionRules';
import { SeededExternalUsers, SeededUsers, seedExternalUsers, seedUsers } from './seedLarge';
import { Coverage, seedCoverage } from './coverage';
import { LOCALE_KEYS, STANDARD_PROFILES } from './i18n';

export const SCENARIOS = ['fresh', 'done', 'half', 'limited-admin', 'no-licenses', 'sandbox', 'adopted'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** The names the guide uses; the `done` and `half` scenarios are built with them. */
export const GUIDE = {
  profile: 'BalkanID Integration',
  username: 'balkanid@example.test',
  email: 'balkanid@example.test',
  app: 'BalkanID_Extractor',
  permissionSet: 'BalkanID_Extractor',
};

export interface SeedOptions extends OrgOptions {
  /** Extra active users with roles, permission sets, groups and about three assignments each (seedLarge.ts). */
  users?: number;
  /**
   * The coverage records of coverage.ts (a queue, a role group in a public group, expiring and expired assignments,
   * frozen, locked and inactive users). Default on; off for tests that enumerate the scenario's records.
   */
  coverage?: boolean;
  /** Extra portal, community and guest users (seedExternalUsers); turns Digital Experiences on. */
  externalUsers?: number;
  /** The share of the `users` seeded deactivated (default 0.15). */
  inactiveShare?: number;
}

export interface Seeded {
  org: Org;
  meta: MetadataApi;
  admin: Rec;
  demo?: KeyPairCert;
  /** What `users` added. */
  extra?: SeededUsers;
  /** What `externalUsers` added. */
  external?: SeededExternalUsers;
  /** The coverage records every scenario has unless switched off (coverage.ts). */
  coverage?: Coverage;
}

const perms = (...names: string[]) => Object.fromEntries(PERMISSIONS.map(p => [`Permissions${p}`, names.includes(p)]));
const BASIC = ['ApiEnabled', 'RunReports', 'ActivitiesAccess', 'ChatterInternalUser', 'LightningExperienceUser'];

export function seed(scenario: Scenario, seedOptions: SeedOptions = {}): Seeded {
  if (!SCENARIOS.includes(scenario))
    throw new Error(`Unknown scenario '${scenario}'. Use one of: ${SCENARIOS.join(', ')}`);
  const { users = 0, coverage: withCoverage = true, externalUsers = 0, inactiveShare, ...options } = seedOptions;
  if (!Number.isInteger(users) || users < 0) throw new Error(`users must be a whole number ≥ 0, not ${users}`);
  if (!Number.isInteger(externalUsers) || externalUsers < 0)
    throw new Error(`externalUsers must be a whole number ≥ 0, not ${externalUsers}`);
  if (inactiveShare !== undefined && !(inactiveShare >= 0 && inactiveShare <= 1))
    throw new Error(`inactiveShare must be between 0 and 1, not ${inactiveShare}`);
  const org = new Org({
    ...options,
    isSandbox: scenario === 'sandbox' || options.isSandbox,
    digitalExperiences: options.digitalExperiences ?? externalUsers > 0,
  });
  const meta = new MetadataApi(org);
  const sandbox = org.options.isSandbox;
  const lang = org.options.language;
  if (!LOCALE_KEYS[lang])
    throw new Error(`Unknown language '${lang}'. Use one of: ${Object.keys(LOCALE_KEYS).join(', ')}`);
  const { language: languageKey, locale: localeKey } = LOCALE_KEYS[lang];
  org.raw('Organization', {
    Id: org.orgId,
    Name: 'Acme Test Org',
    InstanceName: sandbox ? 'CS42' : 'NA224',
    IsSandbox: sandbox,
    OrganizationType: 'Enterprise Edition',
    LanguageLocaleKey: languageKey,
    DefaultLocaleSidKey: localeKey,
    TimeZoneSidKey: 'America/Los_Angeles',
  });
  const sfdc = org.raw('UserLicense', {
    Name: 'Salesforce',
    MasterLabel: 'Salesforce',
    LicenseDefinitionKey: 'SFDC',
    Status: 'Active',
    TotalLicenses: 20,
  });
  const aul = org.raw('UserLicense', {
    Name: 'Salesforce Platform',
    MasterLabel: 'Salesforce Platform',
    LicenseDefinitionKey: 'AUL',
    Status: 'Active',
    TotalLicenses: 3,
  });
  org.raw('UserLicense', {
    Name: 'Salesforce Integration',
    MasterLabel: 'Salesforce Integration',
    LicenseDefinitionKey: 'SFDC_INTEGRATION',
    Status: 'Active',
    TotalLicenses: 5,
  });
  org.raw('UserLicense', {
    Name: 'Chatter Free',
    MasterLabel: 'Chatter Free',
    LicenseDefinitionKey: 'CSN_User',
    Status: 'Active',
    TotalLicenses: 500,
  });

  const allPerms = PERMISSIONS.filter(p => p !== 'ManageSandboxes' || !sandbox);
  const sysadmin = standardProfile(org, 'Admin', sfdc, perms(...allPerms));
  const standard = standardProfile(org, 'Standard', sfdc, perms(...BASIC));
  const platform = standardProfile(org, 'StandardAul', aul, perms(...BASIC));
  standardProfile(org, 'ReadOnly', sfdc, perms('ApiEnabled', 'RunReports'));
  standardProfile(org, 'MinimumAccess', sfdc, perms());
  // A delegated admin: can manage users and see setup, but cannot manage profiles, metadata or apps.
  const limited = org.raw('Profile', {
    Name: 'Delegated Admin',
    UserLicenseId: sfdc.Id,
    UserType: 'Standard',
    __custom: true,
    ...perms(...BASIC, 'ViewSetup', 'ViewRoles', 'ManageUsers', 'AssignPermissionSets', 'ExternalClientAppViewer'),
  });

  const ceo = org.raw('UserRole', { Name: 'CEO', DeveloperName: 'CEO', ParentRoleId: null });
  const sales = org.raw('UserRole', { Name: 'VP Sales', DeveloperName: 'VPSales', ParentRoleId: ceo.Id });
  const locale = {
    TimeZoneSidKey: 'America/Los_Angeles',
    LocaleSidKey: localeKey,
    EmailEncodingKey: 'UTF-8',
    LanguageLocaleKey: languageKey,
    IsActive: true,
    UserType: 'Standard',
  };
  const suffix = sandbox ? '.uat' : '';
  const adminProfile = scenario === 'limited-admin' ? limited : sysadmin;
  const admin = org.raw('User', {
    Username: `admin@acme.example${suffix}`,
    Email: 'admin@acme.example',
    FirstName: 'Ada',
    LastName: 'Admin',
    Alias: 'aadmin',
    CommunityNickname: 'ada',
    ProfileId: adminProfile.Id,
    UserRoleId: ceo.Id,
    ...locale,
  });
  if (scenario === 'limited-admin')
    org.raw('User', {
      Username: `root@acme.example${suffix}`,
      Email: 'root@acme.example',
      FirstName: 'Root',
      LastName: 'Admin',
      Alias: 'root',
      CommunityNickname: 'root',
      ProfileId: sysadmin.Id,
      UserRoleId: ceo.Id,
      ...locale,
    });
  const jane = org.raw('User', {
    Username: `jane@acme.example${suffix}`,
    Email: 'jane@acme.example',
    FirstName: 'Jane',
    LastName: 'Doe',
    Alias: 'jdoe',
    CommunityNickname: 'jane',
    ProfileId: standard.Id,
    UserRoleId: sales.Id,
    ...locale,
  });
  const ops = org.raw('User', {
    Username: `ops@acme.example${suffix}`,
    Email: 'ops@acme.example',
    FirstName: 'Otto',
    LastName: 'Ops',
    Alias: 'oops',
    CommunityNickname: 'otto',
    ProfileId: platform.Id,
    ...locale,
  });
  if (scenario === 'no-licenses') {
    for (let i = 1; i <= 2; i++)
      org.raw('User', {
        Username: `platform${i}@acme.example`,
        Email: `platform${i}@acme.example`,
        LastName: `Platform ${i}`,
        Alias: `plat${i}`,
        CommunityNickname: `platform${i}`,
        ProfileId: platform.Id,
        ...locale,
      });
  }
  const group = org.raw('Group', { Name: 'Sales Team', DeveloperName: 'Sales_Team', Type: 'Regular' });
  org.raw('Group', { Name: 'All Internal Users', DeveloperName: 'AllInternalUsers', Type: 'Organization' });
  org.raw('GroupMember', { GroupId: group.Id, UserOrGroupId: jane.Id });
  const reports = org.raw('PermissionSet', {
    Name: 'Report_Builder',
    Label: 'Report Builder',
    IsOwnedByProfile: false,
    IsCustom: true,
    Type: 'Regular',
    ...perms('RunReports'),
  });
  org.syncPermissionSetMeta(reports);
  const psg = org.raw('PermissionSetGroup', {
    DeveloperName: 'Sales_Ops',
    MasterLabel: 'Sales Ops',
    Status: 'Updated',
  });
  org.raw('PermissionSetGroupComponent', { PermissionSetGroupId: psg.Id, PermissionSetId: reports.Id });
  org.raw('PermissionSetAssignment', { AssigneeId: jane.Id, PermissionSetGroupId: psg.Id });
  const coverage = withCoverage
    ? seedCoverage(
        org,
        {
          publicGroup: group,
          salesRole: sales,
          queueMember: ops,
          profile: standard,
          permissionSet: reports,
          assignee: jane,
        },
        locale,
        suffix,
      )
    : undefined;
  for (const [p, r] of PERMISSION_DEPENDENCIES.filter(
    ([p]) => p !== 'ViewAllData' || org.options.dependencyRowsForViewAllData,
  ))
    org.raw('PermissionDependency', {
      Permission: p,
      RequiredPermission: r,
      RequiredPermissionType: 'User Permission',
      PermissionType: 'User Permission',
    });
  // Tooling PermissionDependency documents RequiredPermissionType "Object Permission"; the value form is [I].
  if (org.options.objectPermissionDependency)
    org.raw('PermissionDependency', {
      Permission: OBJECT_DEPENDENT_PERMISSION,
      RequiredPermission: 'Quote<read>',
      RequiredPermissionType: 'Object Permission',
      PermissionType: 'User Permission',
    });
  // The org settings of External Client Apps (Setup → External Client App Settings), from the switches.
  org.meta.set(
    'ExternalClientAppSettings',
    new Map([
      [
        'externalclientapp',
        {
          fullName: 'ExternalClientApp',
          enableClientSecretInRestApiAccess: String(org.options.consumerSecretsViaRest),
          enableConsumerSecretApiAccess: String(org.options.consumerSecretsViaMetadata),
        },
      ],
    ]),
  );

  const seeded: Seeded = { org, meta, admin, coverage };
  if (scenario === 'done' || scenario === 'half' || scenario === 'adopted') applyGuide(seeded, scenario);
  if (users) seeded.extra = seedUsers(org, users, suffix, { inactiveShare });
  if (externalUsers) seeded.external = seedExternalUsers(org, externalUsers, suffix);
  org.writes = 0;
  return seeded;
}

/**
 * A standard profile in the org's language, with the attributes that identify it whatever the language: its Metadata
 * API name (org.standardProfiles), UserType Standard, its licence, and its own permission set (IsOwnedByProfile,
 * IsCustom false, ProfileId, Name X00e…, Type Profile — profile.ts).
 */
export function standardProfile(org: Org, key: string, license: Rec, permissions: Record<string, boolean>): Rec {
  const p = org.raw('Profile', {
    Name: STANDARD_PROFILES[key][org.options.language],
    UserLicenseId: license.Id,
    UserType: license.LicenseDefinitionKey === 'CSN_User' ? 'CsnOnly' : 'Standard',
    ...permissions,
  });
  org.standardProfiles.set(p.Id.slice(0, 15), key);
  return p;
}

/** Applies the guide by hand, as an admin clicking through Setup would have. */
function applyGuide(s: Seeded, scenario: 'done' | 'half' | 'adopted'): void {
  const { org, meta, admin } = s;
  const platform = org.find('Profile', p => org.standardProfiles.get(p.Id.slice(0, 15)) === 'StandardAul')!;
  // Setup's Clone copies what the API may set; the licence manages the rest (and, with the object-permission
  // switch, the permission that needs an object permission is left out: the clone here is made through the API).
  const settable = PERMISSIONS.filter(
    p =>
      !PROFILE_READ_ONLY_PERMISSIONS.includes(p) &&
      !(org.options.objectPermissionDependency && p === OBJECT_DEPENDENT_PERMISSION),
  );
  const source = Object.fromEntries(settable.map(p => [`Permissions${p}`, !!platform[`Permissions${p}`]]));
  const profile = org.create(
    'Profile',
    {
      Name: GUIDE.profile,
      UserLicenseId: platform.UserLicenseId,
      ...source,
      PermissionsViewSetup: true,
      PermissionsViewRoles: true,
    },
    admin.Id,
    64,
  );
  const user = org.create(
    'User',
    {
      Username: GUIDE.username,
      Email: GUIDE.email,
      FirstName: 'BalkanID',
      LastName: 'BalkanID',
      Alias: 'BalkanID',
      ProfileId: profile.Id,
      TimeZoneSidKey: 'America/Los_Angeles',
      LocaleSidKey: admin.LocaleSidKey,
      EmailEncodingKey: 'UTF-8',
      LanguageLocaleKey: admin.LanguageLocaleKey,
    },
    admin.Id,
    64,
  );
  // half: the permission set exists but drifted (View All Data switched off), is not assigned, and there is no app.
  const ps = org.create(
    'PermissionSet',
    {
      Name: GUIDE.permissionSet,
      Label: 'BalkanID Extractor',
      PermissionsApiEnabled: true,
      PermissionsViewAllData: scenario !== 'half',
      PermissionsViewSetup: true,
      PermissionsViewRoles: true,
    },
    admin.Id,
    64,
  );
  if (scenario === 'half') return;
  org.create('PermissionSetAssignment', { AssigneeId: user.Id, PermissionSetId: ps.Id }, admin.Id, 64);
  s.demo = selfSignedCert();
  const app = GUIDE.app;
  // Another tool's naming for the satellites (adopted), or Setup's own.
  const n =
    scenario === 'adopted'
      ? {
          global: `${app}_GlobalSettings`,
          oauth: `${app}_OAuth`,
          policy: `${app}_Policies`,
          appPolicy: `${app}_AppPolicies`,
        }
      : { global: `${app}_glbloauth`, oauth: `${app}_oauth`, policy: `${app}_oauthPlcy`, appPolicy: `${app}_plcy` };
  const body = (o: Record<string, string>) => o;
  for (const c of [
    {
      type: 'ExternalClientApplication',
      fullName: app,
      body: body({
        contactEmail: 'admin@acme.example',
        distributionState: 'Local',
        isProtected: 'false',
        label: 'BalkanID Extractor',
      }),
    },
    {
      type: 'ExtlClntAppGlobalOauthSettings',
      fullName: n.global,
      body: body({
        callbackUrl: 'https://app.balkan.id',
        certificate: s.demo.certPem,
        externalClientApplication: app,
        isPkceRequired: scenario === 'adopted' ? 'true' : 'false',
        isConsumerSecretOptional: 'false',
        isSecretRequiredForRefreshToken: 'true',
        label: n.global,
      }),
    },
    {
      type: 'ExtlClntAppOauthSettings',
      fullName: n.oauth,
      body: body({
        commaSeparatedOauthScopes: 'Api, RefreshToken',
        externalClientApplication: app,
        label: n.oauth,
      }),
    },
    {
      type: 'ExtlClntAppOauthConfigurablePolicies',
      fullName: n.policy,
      body: body({
        commaSeparatedPermissionSet: GUIDE.permissionSet,
        externalClientApplication: app,
        ipRelaxationPolicyType: 'Bypass',
        label: n.policy,
        permittedUsersPolicyType: 'AdminApprovedPreAuthorized',
        refreshTokenPolicyType: 'Infinite',
      }),
    },
    {
      type: 'ExtlClntAppConfigurablePolicies',
      fullName: n.appPolicy,
      body: body({
        externalClientApplication: app,
        isEnabled: 'true',
        isOauthPluginEnabled: 'true',
        label: n.appPolicy,
      }),
    },
  ])
    meta.commit({ ...c, fileName: '' }, admin.Id);
  meta.afterCommit();
  const eca = org.find('ExternalClientApplication', a => a.DeveloperName === app)!;
  if (!org.find('SetupEntityAccess', x => x.SetupEntityId === eca.Id))
    org.create('SetupEntityAccess', { ParentId: ps.Id, SetupEntityId: eca.Id }, admin.Id, 64);
}
