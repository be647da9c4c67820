// What an identity-governance extractor reads from an org (salesforce-api.md section K; ConductorOne's
// baton-salesforce reads the same objects), in Setup's words, with the permission that makes each readable.
// One source per sObject: the query the export streams, and how its rows become BalkanID entities and relations.

export type SourceId =
  | 'userLicense'
  | 'profile'
  | 'role'
  | 'permissionSet'
  | 'permissionSetGroup'
  | 'group'
  | 'user'
  | 'permissionSetAssignment'
  | 'groupMember';

export interface Source {
  id: SourceId;
  object: string;
  /** Setup's label for the list (plural). */
  label: string;
  fields: string;
  where?: string;
  /** What the reading user needs when the object cannot be read. */
  permission: string;
  /** The BalkanID source type of the entities it yields (a connection kind), if it yields entities. */
  sourceType?: string;
}

const VIEW_SETUP = '"View Setup and Configuration"';

/** In the order the export reads them: lookups and connections first, then users, then assignments. */
export const SOURCES: readonly Source[] = [
  {
    id: 'userLicense',
    object: 'UserLicense',
    label: 'User Licenses',
    fields: 'Id, Name, MasterLabel, LicenseDefinitionKey, Status, TotalLicenses, UsedLicenses',
    permission: VIEW_SETUP,
  },
  {
    id: 'profile',
    object: 'Profile',
    label: 'Profiles',
    fields: 'Id, Name, UserLicenseId',
    permission: VIEW_SETUP,
    sourceType: 'profile',
  },
  {
    id: 'role',
    object: 'UserRole',
    label: 'Roles',
    fields: 'Id, Name, DeveloperName, ParentRoleId',
    permission: '"View Roles and Role Hierarchy"',
    sourceType: 'role',
  },
  {
    id: 'permissionSet',
    object: 'PermissionSet',
    label: 'Permission Sets',
    fields: 'Id, Name, Label, Type, IsCustom',
    // Profiles' own permission sets and permission set groups' aggregates are not permission sets in Setup.
    where: 'IsOwnedByProfile = false AND PermissionSetGroupId = null',
    permission: VIEW_SETUP,
    sourceType: 'permission_set',
  },
  {
    id: 'permissionSetGroup',
    object: 'PermissionSetGroup',
    label: 'Permission Set Groups',
    fields: 'Id, DeveloperName, MasterLabel, Status',
    permission: VIEW_SETUP,
    sourceType: 'permission_set_group',
  },
  {
    id: 'group',
    object: 'Group',
    label: 'Public Groups',
    fields: 'Id, Name, DeveloperName',
    where: "Type = 'Regular'",
    permission: VIEW_SETUP,
    sourceType: 'group',
  },
  {
    id: 'user',
    object: 'User',
    label: 'Users',
    fields: 'Id, Username, Name, Email, IsActive, UserType, ProfileId, UserRoleId, LastLoginDate, CreatedDate',
    permission: '"View All Users" (or "View All Data")',
  },
  {
    id: 'permissionSetAssignment',
    object: 'PermissionSetAssignment',
    label: 'Permission Set Assignments',
    fields: 'Id, AssigneeId, PermissionSetId, PermissionSetGroupId',
    where: 'PermissionSet.IsOwnedByProfile = false',
    permission: VIEW_SETUP,
  },
  {
    id: 'groupMember',
    object: 'GroupMember',
    label: 'Public Group Members',
    fields: 'Id, GroupId, UserOrGroupId',
    where: "Group.Type = 'Regular'",
    permission: VIEW_SETUP,
  },
];

export const SOURCE = Object.fromEntries(SOURCES.map(s => [s.id, s])) as Record<SourceId, Source>;

const whereOf = (s: Source, extra?: string) => {
  const parts = [s.where, extra].filter(Boolean);
  return parts.length ? ` WHERE ${parts.join(' AND ')}` : '';
};

/** Every row, in Id order (stable across runs and pages). */
export const selectAll = (s: Source) => `SELECT ${s.fields} FROM ${s.object}${whereOf(s)} ORDER BY Id`;
export const selectSample = (s: Source, n: number) =>
  `SELECT ${s.fields} FROM ${s.object}${whereOf(s)} ORDER BY Id LIMIT ${n}`;
export const countOf = (s: Source, extra?: string) => `SELECT COUNT() FROM ${s.object}${whereOf(s, extra)}`;

/**
 * Why a read failed, as the admin can act on it. Salesforce answers INVALID_TYPE for an object the user cannot see
 * at all, API_DISABLED_FOR_ORG without "API Enabled", INSUFFICIENT_ACCESS otherwise (salesforce-api.md section K).
 */
export function readFix(s: Source, code: string, reader: string): string {
  if (code === 'API_DISABLED_FOR_ORG') return `${reader} lacks "API Enabled".`;
  if (code === 'INVALID_TYPE' || code === 'INSUFFICIENT_ACCESS' || code === 'NOT_FOUND')
    return `${reader} needs ${s.permission} to read ${s.label}.`;
  return `${reader} could not read ${s.label} (${code}).`;
}
