// The sObjects the test org knows, with Salesforce's canonical field names, types and key prefixes.
// Key prefixes marked [I] are not confirmed against a real org (see ../shared/reference/test-org.md).

export type FieldType = 'id' | 'string' | 'boolean' | 'reference' | 'datetime' | 'date' | 'int' | 'picklist' | 'email' | 'textarea';

export interface FieldDef {
  name: string;
  type: FieldType;
  refTo?: string[];
  relationshipName?: string;
  createable?: boolean;
  updateable?: boolean;
  nillable?: boolean;
  /** Required on create (REQUIRED_FIELD_MISSING). */
  required?: boolean;
  filterable?: boolean;
  length?: number;
}

export interface ChildRelationship { relationshipName: string; childObject: string; field: string }

export interface ObjectDef {
  name: string;
  label: string;
  prefix: string;
  fields: FieldDef[];
  children: ChildRelationship[];
  createable: boolean;
  updateable: boolean;
  deletable: boolean;
  /** Served under /tooling as well as (or instead of) the data API. */
  api: 'data' | 'tooling' | 'both';
}

/** User permissions modelled on profiles, permission sets and UserPermissionAccess, with Setup labels. */
export const PERMISSION_LABELS: Record<string, string> = {
  ApiEnabled: 'API Enabled',
  ViewSetup: 'View Setup and Configuration',
  ViewRoles: 'View Roles and Role Hierarchy',
  ViewAllData: 'View All Data',
  ModifyAllData: 'Modify All Data',
  ModifyMetadata: 'Modify Metadata Through Metadata API Functions',
  CustomizeApplication: 'Customize Application',
  ManageUsers: 'Manage Users',
  ManageProfilesPermissionsets: 'Manage Profiles and Permission Sets',
  AssignPermissionSets: 'Assign Permission Sets',
  ExternalClientAppDeveloper: 'Create, edit, and delete External Client Apps',
  ExternalClientAppAdmin: 'View all External Client Apps, view their settings, and edit their policies',
  ExternalClientAppViewer: 'View all External Client Apps',
  ViewClientSecret: 'View External Client App Consumer Secrets in Metadata',
  MonitorLoginHistory: 'Monitor Login History',
  ViewAllUsers: 'View All Users',
  ManageSandboxes: 'Manage Sandboxes',
  RunReports: 'Run Reports',
  ActivitiesAccess: 'Access Activities',
  ChatterInternalUser: 'Chatter Internal User',
  LightningExperienceUser: 'Lightning Experience User',
};
export const PERMISSIONS = Object.keys(PERMISSION_LABELS);
const permFields = (): FieldDef[] => PERMISSIONS.map(p => ({ name: `Permissions${p}`, type: 'boolean' as const, createable: true, updateable: true }));

/**
 * Permission dependencies (Tooling PermissionDependency). "View Setup requires View Roles" and "View All Data
 * requires View Setup" follow vendor documentation quoted in the API reference ([C14]); the rest are [I].
 */
export const PERMISSION_DEPENDENCIES: Array<[string, string]> = [
  ['ViewAllData', 'ViewSetup'],
  ['ViewSetup', 'ViewRoles'],
  ['ModifyAllData', 'ViewAllData'],
  ['ManageUsers', 'ViewSetup'],
  ['ManageProfilesPermissionsets', 'ViewSetup'],
  ['AssignPermissionSets', 'ViewSetup'],
  ['ExternalClientAppAdmin', 'ExternalClientAppViewer'],
  ['ExternalClientAppDeveloper', 'ExternalClientAppViewer'],
];

const id = (): FieldDef => ({ name: 'Id', type: 'id', filterable: true });
const str = (name: string, extra: Partial<FieldDef> = {}): FieldDef => ({ name, type: 'string', createable: true, updateable: true, nillable: true, ...extra });
const bool = (name: string, extra: Partial<FieldDef> = {}): FieldDef => ({ name, type: 'boolean', createable: true, updateable: true, ...extra });
const ref = (name: string, refTo: string[], relationshipName: string | undefined, extra: Partial<FieldDef> = {}): FieldDef =>
  ({ name, type: 'reference', refTo, relationshipName, createable: true, updateable: true, nillable: true, ...extra });
const ro = (f: FieldDef): FieldDef => ({ ...f, createable: false, updateable: false });
const audit = (): FieldDef[] => [ro({ name: 'CreatedDate', type: 'datetime' }), ro({ name: 'LastModifiedDate', type: 'datetime' })];

function obj(name: string, prefix: string, fields: FieldDef[], opts: Partial<ObjectDef> = {}): ObjectDef {
  return { name, label: opts.label ?? name, prefix, fields: [id(), ...fields], children: [], createable: false, updateable: false, deletable: false, api: 'data', ...opts };
}

export const OBJECTS: ObjectDef[] = [
  obj('Organization', '00D', [ro(str('Name')), ro(str('InstanceName')), ro(bool('IsSandbox')), ro(str('OrganizationType')),
    ro(str('NamespacePrefix')), ro({ name: 'TrialExpirationDate', type: 'datetime' }), ro(str('LanguageLocaleKey')),
    ro(str('DefaultLocaleSidKey')), ro(str('TimeZoneSidKey'))]),
  obj('UserLicense', '100', [ro(str('Name')), ro(str('MasterLabel')), ro(str('LicenseDefinitionKey')), ro(str('Status')),
    ro({ name: 'TotalLicenses', type: 'int' }), ro({ name: 'UsedLicenses', type: 'int' })], { label: 'User License' }),
  obj('Profile', '00e', [str('Name', { required: true }), str('Description'), ref('UserLicenseId', ['UserLicense'], 'UserLicense', { required: true, updateable: false }),
    ro(str('UserType')), ...permFields(), ...audit()],
    { createable: true, updateable: true, deletable: true, children: [{ relationshipName: 'Users', childObject: 'User', field: 'ProfileId' }] }),
  obj('PermissionSet', '0PS', [str('Name', { required: true }), str('Label', { required: true }), str('Description'),
    ref('LicenseId', ['UserLicense', 'PermissionSetLicense'], 'License'), ro(bool('IsOwnedByProfile')), ro(bool('IsCustom')),
    ro(ref('ProfileId', ['Profile'], 'Profile')), ro(str('NamespacePrefix')), ro(str('Type')), ...permFields(), ...audit()],
    { label: 'Permission Set', createable: true, updateable: true, deletable: true, api: 'both', children: [
      { relationshipName: 'Assignments', childObject: 'PermissionSetAssignment', field: 'PermissionSetId' },
      { relationshipName: 'SetupEntityAccessItems', childObject: 'SetupEntityAccess', field: 'ParentId' }] }),
  obj('PermissionSetAssignment', '0Pa', [ref('AssigneeId', ['User'], 'Assignee', { required: true, updateable: false }),
    ref('PermissionSetId', ['PermissionSet'], 'PermissionSet', { updateable: false }),
    ref('PermissionSetGroupId', ['PermissionSetGroup'], 'PermissionSetGroup', { updateable: false }),
    ro(bool('IsActive')), { name: 'ExpirationDate', type: 'datetime', createable: true, updateable: true, nillable: true }, ...audit()],
    { label: 'Permission Set Assignment', createable: true, deletable: true }),
  obj('SetupEntityAccess', '0J0', [ref('ParentId', ['PermissionSet'], 'Parent', { required: true, updateable: false }),
    { name: 'SetupEntityId', type: 'reference', refTo: ['ExternalClientApplication', 'ApexClass', 'ApexPage', 'CustomPermission'], createable: true, required: true },
    ro(str('SetupEntityType')), ...audit()], { label: 'Setup Entity Access', createable: true, deletable: true }),
  obj('User', '005', [str('Username', { required: true }), str('Email', { type: 'email', required: true }), str('FirstName'),
    str('LastName', { required: true }), ro(str('Name')), str('Alias', { required: true, length: 8 }), str('CommunityNickname'),
    ref('ProfileId', ['Profile'], 'Profile', { required: true }), ref('UserRoleId', ['UserRole'], 'UserRole'), bool('IsActive'),
    str('TimeZoneSidKey', { type: 'picklist', required: true }), str('LocaleSidKey', { type: 'picklist', required: true }),
    str('EmailEncodingKey', { type: 'picklist', required: true }), str('LanguageLocaleKey', { type: 'picklist', required: true }),
    ro(str('UserType')), ro({ name: 'LastLoginDate', type: 'datetime' }), ...audit()],
    { createable: true, updateable: true, children: [{ relationshipName: 'PermissionSetAssignments', childObject: 'PermissionSetAssignment', field: 'AssigneeId' }] }),
  obj('UserRole', '00E', [str('Name', { required: true }), str('DeveloperName'), ref('ParentRoleId', ['UserRole'], undefined)], { label: 'Role' }),
  obj('Group', '00G', [str('Name'), str('DeveloperName'), str('Type'), ref('RelatedId', ['User', 'UserRole'], 'Related')]),
  obj('GroupMember', '011', [ref('GroupId', ['Group'], 'Group'), ref('UserOrGroupId', ['User', 'Group'], undefined)], { label: 'Group Member' }),
  obj('PermissionSetGroup', '0PG', [str('DeveloperName'), str('MasterLabel'), ro(str('Status'))], { label: 'Permission Set Group' }),
  obj('PermissionSetGroupComponent', '0PH', [ref('PermissionSetGroupId', ['PermissionSetGroup'], 'PermissionSetGroup'),
    ref('PermissionSetId', ['PermissionSet'], 'PermissionSet')], { label: 'Permission Set Group Component' }), // prefix [I]
  obj('UserLogin', '060', [ro(ref('UserId', ['User'], 'User')), bool('IsFrozen'), ro(bool('IsPasswordLocked'))], { label: 'User Login', updateable: true }),
  obj('LoginHistory', '0Ya', [ro(ref('UserId', ['User'], undefined)), ro({ name: 'LoginTime', type: 'datetime' }), ro(str('Status')),
    ro(str('LoginType')), ro(str('Application')), ro(str('SourceIp')), ro(str('LoginUrl'))], { label: 'Login History' }),
  obj('UserPermissionAccess', '0Up', permFields().map(ro), { label: 'User Permission Access' }), // prefix [I]
  obj('ExternalClientApplication', '0xI', [ro(str('DeveloperName')), ro(str('MasterLabel')), ro(str('ContactEmail')), ro(str('Description')),
    ro(str('DistributionState')), ro(bool('IsProtected')), ...audit()], { label: 'External Client App',
    children: [{ relationshipName: 'SetupEntityAccessItems', childObject: 'SetupEntityAccess', field: 'SetupEntityId' }] }), // prefix [I]
  obj('ExtlClntAppOauthSettings', '0xT', [ro(str('DeveloperName')), ro(ref('ExternalClientApplicationId', ['ExternalClientApplication'], 'ExternalClientApplication')),
    ro(bool('OauthScopesAPI')), ro(bool('OauthScopesREFRESH_TOKEN')), ro(bool('OauthScopesOFFLINE_ACCESS')), ro(str('OauthLink'))]), // prefix [I]
  obj('ExtlClntAppOauthPlcyCnfg', '0xP', [ro(str('DeveloperName')), ro(ref('ExternalClientApplicationId', ['ExternalClientApplication'], 'ExternalClientApplication')),
    ro(str('PermittedUsersPolicyType')), ro(str('IpRelaxationPolicyType')), ro(str('RefreshTokenPolicyType'))]), // prefix [I]
  obj('ExtlClntAppPlcyCnfg', '0xC', [ro(str('DeveloperName')), ro(ref('ExternalClientApplicationId', ['ExternalClientApplication'], 'ExternalClientApplication')),
    ro(bool('IsEnabled')), ro(str('OauthPluginStatus'))]), // prefix [I]
  obj('PermissionDependency', '2Pd', [ro(str('Permission')), ro(str('RequiredPermission')), ro(str('RequiredPermissionType')), ro(str('PermissionType'))],
    { label: 'Permission Dependency', api: 'tooling' }), // prefix [I]
];

export const OBJECT_BY_LOWER = new Map(OBJECTS.map(o => [o.name.toLowerCase(), o]));
export const OBJECT_BY_PREFIX = new Map(OBJECTS.map(o => [o.prefix, o]));

export function fieldOf(o: ObjectDef, name: string): FieldDef | undefined {
  const lower = name.toLowerCase();
  return o.fields.find(f => f.name.toLowerCase() === lower);
}

/** Objects a user needs "View Setup and Configuration" to see at all (INVALID_TYPE otherwise). */
export const SETUP_OBJECTS = new Set(['UserLicense', 'PermissionSet', 'PermissionSetAssignment', 'SetupEntityAccess', 'PermissionSetGroup',
  'PermissionSetGroupComponent', 'ExternalClientApplication', 'ExtlClntAppOauthSettings', 'ExtlClntAppOauthPlcyCnfg', 'ExtlClntAppPlcyCnfg', 'PermissionDependency', 'Profile']);
