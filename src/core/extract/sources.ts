// What an identity-governance extractor reads from an org (salesforce-api.md section K; ConductorOne's
// baton-salesforce reads the same objects), in Setup's words, with the permission that makes each readable.
// One source per sObject: the query the export streams, and how its rows become BalkanID entities and relations.
import { OrgClient, SubResult } from '../client';
import { errorOf } from '../errors';

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

const whereOf = (s: Source, extra?: string) => {
  const parts = [s.where, extra].filter(Boolean);
  return parts.length ? ` WHERE ${parts.join(' AND ')}` : '';
};

/** Every row, in Id order (stable across runs and pages). */
export const selectAll = (s: Source) => `SELECT ${s.fields} FROM ${s.object}${whereOf(s)} ORDER BY Id`;
export const selectSample = (s: Source, fields: string, n: number) =>
  `SELECT ${fields} FROM ${s.object}${whereOf(s)} ORDER BY Id LIMIT ${n}`;
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

/** A source's count, or why it cannot be read. */
export type Count = { count: number } | { code: string };

/**
 * Every source counted in one round trip (composite/batch), plus `extra` queries of the caller's in the same batch
 * (the preview's samples). Each answer is judged apart: one unreadable object does not hide the others.
 */
export async function countSources(
  client: OrgClient,
  extra: Array<{ ref: string; soql: string }> = [],
): Promise<{ counts: Record<SourceId, Count>; extra: Record<string, SubResult | undefined> }> {
  const url = (soql: string) => `v${client.apiVersion}/query?q=${encodeURIComponent(soql)}`;
  const res = await client.batch([
    ...SOURCES.map(s => ({ ref: `count:${s.id}`, url: url(countOf(s)) })),
    ...extra.map(e => ({ ref: e.ref, url: url(e.soql) })),
  ]);
  const counts = {} as Record<SourceId, Count>;
  for (const s of SOURCES) {
    const r = res[`count:${s.id}`];
    counts[s.id] =
      r && r.status < 300
        ? { count: Number((r.body as { totalSize?: number }).totalSize ?? 0) }
        : { code: errorOf(r).errorCode };
  }
  return { counts, extra: Object.fromEntries(extra.map(e => [e.ref, res[e.ref]])) };
}

/**
 * Without "View All Users" or "View All Data", Salesforce answers user queries with the users sharing lets the
 * reader see — fewer rows, no error (salesforce-api.md section K). The reader's own permissions say whether that
 * can happen (UserPermissionAccess: the running user's effective permissions).
 */
export const VISIBILITY_SOQL = 'SELECT PermissionsViewAllUsers, PermissionsViewAllData FROM UserPermissionAccess';
export function usersMayBePartial(r: SubResult | undefined, reader: string): string | undefined {
  const row =
    (r && r.status < 300 ? (r.body as { records?: Array<Record<string, unknown>> }).records?.[0] : undefined) ?? {};
  if (row.PermissionsViewAllUsers === true || row.PermissionsViewAllData === true) return undefined;
  return (
    `${reader} may see only some users: without "View All Users" (or "View All Data") Salesforce returns the ` +
    'users sharing allows, without an error.'
  );
}
