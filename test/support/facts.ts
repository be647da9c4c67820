// Fact fixtures for unit tests of the steps: the facts of an org where every step is done (the same org as
// test/unit/steps.test.ts's baseline), and of a fresh one. Tests change what their case is about.
import { Facts } from '../../src/core/facts';
import { readCertificate } from '../../src/core/certificate';
import { defaultManifest, Manifest } from '../../src/core/manifest';
import { certAt, NOW } from './clock';

export const MANIFEST: Manifest = defaultManifest('balkanid@acme.com', 'it@acme.com');
/** The certificate of the fixtures, read at NOW (valid from an hour before to a year after). */
export const certificate = () => readCertificate(certAt(NOW).certPem, NOW);

export const ADMIN_PERMISSIONS = [
  'CustomizeApplication',
  'ApiEnabled',
  'ViewSetup',
  'ManageUsers',
  'ManageProfilesPermissionsets',
  'AssignPermissionSets',
  'ModifyMetadata',
  'ExternalClientAppDeveloper',
  'ModifyAllData',
];

const perms = (names: string[]) => Object.fromEntries(names.map(p => [`Permissions${p}`, true]));

/** The facts of an org where every step is done and BalkanID has logged in. */
export function doneFacts(): Facts {
  return {
    apiVersion: '64.0',
    org: { Name: 'Acme', IsSandbox: false, InstanceName: 'NA1' },
    adminPerms: new Set(ADMIN_PERMISSIONS),
    admin: { Id: '005000000000001AAA', Username: 'admin@acme.com', Name: 'Admin' },
    user: {
      Id: '005000000000002AAA',
      Username: 'balkanid@acme.com',
      Email: 'it@acme.com',
      FirstName: 'BalkanID',
      LastName: 'BalkanID',
      Alias: 'BalkanID',
      IsActive: true,
      UserRoleId: null,
      ProfileId: '00e000000000002AAA',
      Profile: { Name: 'BalkanID Integration' },
    },
    userFrozen: false,
    license: {
      Id: '100000000000001AAA',
      Name: 'Salesforce Platform',
      MasterLabel: 'Salesforce Platform',
      TotalLicenses: 10,
      UsedLicenses: 3,
    },
    sourceProfile: {
      Id: '00e000000000001AAA',
      Name: 'Standard Platform User',
      UserLicenseId: '100000000000001AAA',
      ...perms(['ApiEnabled']),
    },
    profile: {
      Id: '00e000000000002AAA',
      Name: 'BalkanID Integration',
      UserLicenseId: '100000000000001AAA',
      ...perms(['ApiEnabled', 'ViewSetup', 'ViewRoles']),
    },
    permissionSet: {
      Id: '0PS000000000001AAA',
      Name: 'BalkanID_Extractor',
      Label: 'BalkanID Extractor',
      LicenseId: null,
      ...perms(['ApiEnabled', 'ViewAllData', 'ViewSetup', 'ViewRoles']),
      Assignments: { records: [{ Id: '0Pa000000000001AAA', AssigneeId: '005000000000002AAA' }] },
      SetupEntityAccessItems: { records: [{ Id: '0J0000000000001AAA', SetupEntityId: '0xI000000000001AAA' }] },
    },
    dependencies: [
      { Permission: 'ViewAllData', RequiredPermission: 'ViewSetup' },
      { Permission: 'ViewSetup', RequiredPermission: 'ViewRoles' },
    ],
    objectDependencies: [],
    app: {
      Id: '0xI000000000001AAA',
      DeveloperName: 'BalkanID_Extractor',
      MasterLabel: 'BalkanID Extractor',
      ContactEmail: 'it@acme.com',
      DistributionState: 'Local',
    },
    appOauth: {
      Id: '0xT000000000001AAA',
      DeveloperName: 'BalkanID_Extractor_oauth',
      OauthScopesAPI: true,
      OauthScopesREFRESH_TOKEN: true,
    },
    policy: {
      DeveloperName: 'BalkanID_Extractor_oauthPlcy',
      PermittedUsersPolicyType: 'AdminApprovedPreAuthorized',
      IpRelaxationPolicyType: 'Bypass',
    },
    appPolicy: { DeveloperName: 'BalkanID_Extractor_plcy', IsEnabled: true, OauthPluginStatus: 'Enabled' },
    global: {
      fullName: 'BalkanID_Extractor_glbloauth',
      consumerKey: '3MVG9abcdefghijklmnopqrstuvwxyz',
      certificate: certificate().body,
      callbackUrl: 'https://app.balkan.id',
      isPkceRequired: 'false',
    },
    consumerKey: { key: '3MVG9abcdefghijklmnopqrstuvwxyz', via: 'metadata', refused: [] },
    profileIpRanges: [],
    logins: [
      { LoginTime: '2026-11-30T10:00:00Z', Status: 'Success', Application: 'BalkanID', LoginType: 'Remote Access 2.0' },
    ],
    failed: {},
  };
}

/** A fresh org: nothing of the setup exists yet, no login. */
export function freshFacts(): Facts {
  return Object.assign(doneFacts(), {
    profile: undefined,
    user: undefined,
    permissionSet: undefined,
    app: undefined,
    appOauth: undefined,
    policy: undefined,
    appPolicy: undefined,
    global: undefined,
    consumerKey: undefined,
    logins: [],
  });
}
