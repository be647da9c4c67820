// The sObjects the test org knows, with Salesforce's canonical field names, types and key prefixes.
// Key prefixes marked [I] are not confirmed against a real org (see ../shared/reference/test-org.md).

export type FieldType =
  'id' | 'string' | 'boolean' | 'reference' | 'datetime' | 'date' | 'int' | 'picklist' | 'email' | 'textarea';

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
  /** The API version the field appeared in: at a lower version it does not exist (INVALID_FIELD, not in describe). */
  since?: number;
}

export interface ChildRelationship {
  relationshipName: string;
  childObject: string;
  field: string;
}

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
export const permFields = (): FieldDef[] =>
  PERMISSIONS.map(p => ({ name: `Permissions${p}`, type: 'boolean' as const, createable: true, updateable: true }));

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

export const id = (): FieldDef => ({ name: 'Id', type: 'id', filterable: true });
export const str = (name: string, extra: Partial<FieldDef> = {}): FieldDef => ({
  name,
  type: 'string',
  createable: true,
  updateable: true,
  nillable: true,
  ...extra,
});
export const bool = (name: string, extra: Partial<FieldDef> = {}): FieldDef => ({
  name,
  type: 'boolean',
  createable: true,
  updateable: true,
  ...extra,
});
export const ref = (
  name: string,
  refTo: string[],
  relationshipName: string | undefined,
  extra: Partial<FieldDef> = {},
): FieldDef => ({
  name,
  type: 'reference',
  refTo,
  relationshipName,
  createable: true,
  updateable: true,
  nillable: true,
  ...extra,
});
export const ro = (f: FieldDef): FieldDef => ({ ...f, createable: false, updateable: false });
export const audit = (): FieldDef[] => [
  ro({ name: 'CreatedDate', type: 'datetime' }),
  ro({ name: 'LastModifiedDate', type: 'datetime' }),
];

export function obj(name: string, prefix: string, fields: FieldDef[], opts: Partial<ObjectDef> = {}): ObjectDef {
  return {
    name,
    label: opts.label ?? name,
    prefix,
    fields: [id(), ...fields],
    children: [],
    createable: false,
    updateable: false,
    deletable: false,
    api: 'data',
    ...opts,
  };
}

export function fieldOf(o: ObjectDef, name: string): FieldDef | undefined {
  const lower = name.toLowerCase();
  return o.fields.find(f => f.name.toLowerCase() === lower);
}

/** Objects a user needs "View Setup and Configuration" to see at all (INVALID_TYPE otherwise). */
export const SETUP_OBJECTS = new Set([
  'UserLicense',
  'PermissionSet',
  'PermissionSetAssignment',
  'SetupEntityAccess',
  'PermissionSetGroup',
  'PermissionSetGroupComponent',
  'ExternalClientApplication',
  'ExtlClntAppOauthSettings',
  'ExtlClntAppOauthPlcyCnfg',
  'ExtlClntAppPlcyCnfg',
  'PermissionDependency',
  'Profile',
]);
