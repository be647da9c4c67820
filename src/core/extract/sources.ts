// What an identity-governance extractor reads from an org (salesforce-api.md section K; ConductorOne's
// baton-salesforce and SalesforceLabs' OrgCheck read the same objects, docs/research/export-2026.md), in Setup's
// words, with the permission that makes each readable. One source per list: its fields with their kinds (what a row
// must hold to be a record: docs/formats.md), the query the export streams, and its count.
import { OrgClient, SubResult } from '../client';
import { errorOf } from '../errors';

export type SourceId =
  | 'userLicense'
  | 'profile'
  | 'role'
  | 'permissionSet'
  | 'permissionSetGroup'
  | 'permissionSetGroupComponent'
  | 'group'
  | 'groupNesting'
  | 'userLogin'
  | 'user'
  | 'permissionSetAssignment'
  | 'groupMember';

/** Which users the export keeps (--users): internal users active and deactivated (the default), active internal
 *  users, or every user (portal, community, Chatter Free and guest users too). docs/research/export-2026.md §3. */
export type UsersChoice = 'standard' | 'active' | 'all';
export const USERS_CHOICES: readonly UsersChoice[] = ['standard', 'active', 'all'];
export const DEFAULT_USERS: UsersChoice = 'standard';
export const USERS_LABELS: Record<UsersChoice, string> = {
  standard: 'internal users, active and deactivated',
  active: 'active internal users',
  all: 'every user (portal, community, Chatter Free and guest users too)',
};

/** A field's kind: what a value must look like (records.ts checks every row against it). */
export type FieldKind = 'id' | 'ref' | 'text' | 'bool' | 'datetime' | 'int';
export interface Field {
  /** The SOQL field (a path through relationships: `Related.Name`). */
  name: string;
  kind: FieldKind;
  /** ID key prefixes a reference may carry (checked where Salesforce documents them). */
  prefix?: readonly string[];
  /** Present and not empty on every row. */
  required?: true;
  /** The longest text accepted (Salesforce's text fields hold at most 255 characters). */
  max?: number;
  /** Read when the reader may (a relationship it may not see fails the query INVALID_FIELD: read without it). */
  optional?: true;
}

export interface Source {
  id: SourceId;
  object: string;
  /** Setup's label for the list (plural). */
  label: string;
  /** The ID prefix of the object's records (Id). */
  prefix?: string;
  fields: readonly Field[];
  /** The rows the list holds, for the users chosen. */
  where?: (users: UsersChoice) => string | undefined;
  /** What the reading user needs when the object cannot be read. */
  permission: string;
  /** The BalkanID source type of the entities it yields (a connection kind), if it yields entities. */
  sourceType?: string;
  /** It can hold a row per user or more: read by Bulk API 2.0 when it is large (read.ts). */
  large?: true;
  /** Not shown as a line of its own in the preview. */
  hidden?: true;
}

const VIEW_SETUP = '"View Setup and Configuration"';
const VIEW_ALL_USERS = '"View All Users" (or "View All Data")';

const id = (prefix?: string): Field => ({
  name: 'Id',
  kind: 'id',
  required: true,
  ...(prefix ? { prefix: [prefix] } : {}),
});
const text = (name: string, required?: true): Field => ({ name, kind: 'text', ...(required ? { required } : {}) });
const ref = (name: string, prefix?: readonly string[], required?: true): Field => ({
  name,
  kind: 'ref',
  ...(prefix ? { prefix } : {}),
  ...(required ? { required } : {}),
});
const bool = (name: string): Field => ({ name, kind: 'bool' });

/** The group types the export reads: public groups, queues, the groups Salesforce keeps for roles, and the whole
 *  org's ("All Internal Users"). Others (territories, managers, portal-wide groups) are counted, not exported. */
export const GROUP_TYPES = [
  'Regular',
  'Queue',
  'Role',
  'RoleAndSubordinates',
  'RoleAndSubordinatesInternal',
  'Organization',
];
const IN = (xs: readonly string[]) => `(${xs.map(x => `'${x}'`).join(', ')})`;
/** Groups whose members are listed (GroupMember): public groups and queues. */
const HOLDING = "Group.Type IN ('Regular', 'Queue')";

/** The user filter of each choice, on User and through a relationship to it (`Assignee.`). */
export function usersWhere(users: UsersChoice, path = ''): string | undefined {
  if (users === 'all') return undefined;
  const standard = `${path}UserType = 'Standard'`;
  return users === 'active' ? `${standard} AND ${path}IsActive = true` : standard;
}

/** In the order the export reads them: lookups and connections first, then users, then assignments. */
export const SOURCES: readonly Source[] = [
  {
    id: 'userLicense',
    object: 'UserLicense',
    label: 'User Licenses',
    prefix: '100',
    fields: [id('100'), text('Name'), text('MasterLabel'), text('LicenseDefinitionKey'), text('Status')].concat(
      { name: 'TotalLicenses', kind: 'int' },
      { name: 'UsedLicenses', kind: 'int' },
    ),
    permission: VIEW_SETUP,
  },
  {
    id: 'profile',
    object: 'Profile',
    label: 'Profiles',
    prefix: '00e',
    fields: [id('00e'), text('Name', true), ref('UserLicenseId', ['100'])],
    permission: VIEW_SETUP,
    sourceType: 'profile',
  },
  {
    id: 'role',
    object: 'UserRole',
    label: 'Roles',
    prefix: '00E',
    fields: [id('00E'), text('Name', true), text('DeveloperName'), ref('ParentRoleId', ['00E']), text('PortalType')],
    permission: '"View Roles and Role Hierarchy"',
    sourceType: 'role',
  },
  {
    id: 'permissionSet',
    object: 'PermissionSet',
    label: 'Permission Sets',
    prefix: '0PS',
    fields: [id('0PS'), text('Name', true), text('Label'), text('Type'), bool('IsCustom')],
    // Profiles' own permission sets and permission set groups' aggregates are not permission sets in Setup.
    where: () => 'IsOwnedByProfile = false AND PermissionSetGroupId = null',
    permission: VIEW_SETUP,
    sourceType: 'permission_set',
  },
  {
    id: 'permissionSetGroup',
    object: 'PermissionSetGroup',
    label: 'Permission Set Groups',
    prefix: '0PG',
    fields: [id('0PG'), text('DeveloperName', true), text('MasterLabel'), text('Status')],
    permission: VIEW_SETUP,
    sourceType: 'permission_set_group',
  },
  {
    // Which permission sets make a permission set group (Setup: a group's "Permission Sets in Group").
    id: 'permissionSetGroupComponent',
    object: 'PermissionSetGroupComponent',
    label: 'Permission Sets in Groups',
    fields: [id(), ref('PermissionSetGroupId', ['0PG'], true), ref('PermissionSetId', ['0PS'], true)],
    permission: VIEW_SETUP,
  },
  {
    id: 'group',
    object: 'Group',
    label: 'Groups and Queues',
    prefix: '00G',
    fields: [
      id('00G'),
      text('Name'),
      text('DeveloperName'),
      text('Type', true),
      ref('RelatedId'),
      // A role group's name is its role's (Group.Name is empty): baton-salesforce and OrgCheck read Related.Name.
      { ...text('Related.Name'), optional: true },
    ],
    where: () => `Type IN ${IN(GROUP_TYPES)}`,
    permission: VIEW_SETUP,
    sourceType: 'group',
    large: true,
  },
  {
    // Groups and roles inside public groups and queues, read before the users so that a user's row can say which
    // role groups hold them.
    id: 'groupNesting',
    object: 'GroupMember',
    label: 'Groups and Roles in Groups',
    prefix: '011',
    fields: [id('011'), ref('GroupId', ['00G'], true), ref('UserOrGroupId', ['00G'], true)],
    where: () => `${HOLDING} AND UserOrGroupId IN (SELECT Id FROM Group)`,
    permission: VIEW_SETUP,
    hidden: true,
  },
  {
    // Frozen (Setup: Freeze) and password-locked users; every other user is neither.
    id: 'userLogin',
    object: 'UserLogin',
    label: 'Frozen and Locked Users',
    prefix: '060',
    fields: [id('060'), ref('UserId', ['005'], true), bool('IsFrozen'), bool('IsPasswordLocked')],
    where: () => 'IsFrozen = true OR IsPasswordLocked = true',
    permission: VIEW_ALL_USERS,
  },
  {
    id: 'user',
    object: 'User',
    label: 'Users',
    prefix: '005',
    fields: [
      id('005'),
      text('Username', true),
      text('Name'),
      text('Email'),
      bool('IsActive'),
      text('UserType'),
      ref('ProfileId', ['00e']),
      ref('UserRoleId', ['00E']),
      { name: 'LastLoginDate', kind: 'datetime' },
      { name: 'CreatedDate', kind: 'datetime' },
    ],
    where: users => usersWhere(users),
    permission: VIEW_ALL_USERS,
    large: true,
  },
  {
    id: 'permissionSetAssignment',
    object: 'PermissionSetAssignment',
    label: 'Permission Set Assignments',
    prefix: '0Pa',
    fields: [
      id('0Pa'),
      ref('AssigneeId', ['005'], true),
      ref('PermissionSetId', ['0PS']),
      ref('PermissionSetGroupId', ['0PG']),
      bool('IsActive'),
      { name: 'ExpirationDate', kind: 'datetime' },
    ],
    where: users =>
      ['PermissionSet.IsOwnedByProfile = false', usersWhere(users, 'Assignee.')].filter(Boolean).join(' AND '),
    permission: VIEW_SETUP,
    large: true,
  },
  {
    id: 'groupMember',
    object: 'GroupMember',
    label: 'Group and Queue Members',
    prefix: '011',
    fields: [id('011'), ref('GroupId', ['00G'], true), ref('UserOrGroupId', ['005', '00G'], true)],
    where: () => HOLDING,
    permission: VIEW_SETUP,
    large: true,
  },
];

export const sourceOf = (id: SourceId): Source => SOURCES.find(s => s.id === id)!;

const whereOf = (s: Source, users: UsersChoice, extra?: string) => {
  const base = s.where?.(users);
  const parts = [base && extra ? `(${base})` : base, extra].filter(Boolean);
  return parts.length ? ` WHERE ${parts.join(' AND ')}` : '';
};
export const fieldList = (s: Source) => s.fields.map(f => f.name).join(', ');

/** Every row, in Id order (stable across runs and pages); `afterId`: only the rows after it (resuming a list). */
export const selectAll = (s: Source, users: UsersChoice, afterId?: string) =>
  `SELECT ${fieldList(s)} FROM ${s.object}${whereOf(s, users, afterId ? `Id > '${afterId}'` : undefined)} ORDER BY Id`;
export const selectSample = (s: Source, users: UsersChoice, fields: string, n: number) =>
  `SELECT ${fields} FROM ${s.object}${whereOf(s, users)} ORDER BY Id LIMIT ${n}`;
export const countOf = (s: Source, users: UsersChoice, extra?: string) =>
  `SELECT COUNT() FROM ${s.object}${whereOf(s, users, extra)}`;

/**
 * Why a read failed, as the admin can act on it. Salesforce answers INVALID_TYPE for an object the user cannot see
 * at all, API_DISABLED_FOR_ORG without "API Enabled", INSUFFICIENT_ACCESS otherwise (salesforce-api.md section K).
 * `reader`: who read, as the sentence's subject ("You", "The integration user").
 */
export function readFix(s: Source, code: string, reader: string): string {
  // "You need", "The integration user needs".
  const s3 = reader === 'You' ? '' : 's';
  if (code === 'API_DISABLED_FOR_ORG') return `${reader} lack${s3} "API Enabled".`;
  if (code === 'INVALID_TYPE' || code === 'INSUFFICIENT_ACCESS' || code === 'NOT_FOUND')
    return `${reader} need${s3} ${s.permission} to read ${s.label}.`;
  return `${reader} could not read ${s.label} (${code}).`;
}

/** The codes that mean "this user cannot read that object": the export goes on without it. */
export const UNREADABLE = new Set([
  'INVALID_TYPE',
  'INSUFFICIENT_ACCESS',
  'INSUFFICIENT_ACCESS_OR_READONLY',
  'NOT_FOUND',
]);

/** A count: how many rows, that it timed out (QUERY_TIMEOUT: the list is large, not unreadable), or why it cannot be
 *  read at all. */
export type Count = { count: number } | { timedOut: true } | { code: string };
export const counted = (c: Count | undefined): number | undefined => (c && 'count' in c ? c.count : undefined);

/** The counts besides the lists': who is left out by the users chosen, and how many groups of other kinds. */
export type ExtraCount =
  'usersAll' | 'usersChatterFree' | 'usersExternal' | 'usersGuest' | 'usersInactive' | 'assignmentsAll' | 'groupsOther';
/** External (portal, community and self-service) user types, documented in the Object Reference (User.UserType). */
const EXTERNAL_TYPES = ['CspLitePortal', 'CustomerSuccess', 'PowerCustomerSuccess', 'PowerPartner', 'SelfService'];
const EXTRA_COUNTS: Record<ExtraCount, string> = {
  usersAll: 'SELECT COUNT() FROM User',
  usersChatterFree: "SELECT COUNT() FROM User WHERE UserType = 'CsnOnly'",
  usersExternal: `SELECT COUNT() FROM User WHERE UserType IN ${IN(EXTERNAL_TYPES)}`,
  usersGuest: "SELECT COUNT() FROM User WHERE UserType = 'Guest'",
  usersInactive: "SELECT COUNT() FROM User WHERE UserType = 'Standard' AND IsActive = false",
  assignmentsAll: 'SELECT COUNT() FROM PermissionSetAssignment WHERE PermissionSet.IsOwnedByProfile = false',
  groupsOther: `SELECT COUNT() FROM Group WHERE Type NOT IN ${IN(GROUP_TYPES)}`,
};

/** A count's answer: its number, a timeout, or the code it failed with. */
export function countFrom(r: SubResult | undefined): Count {
  if (r && r.status < 300) {
    const n = (r.body as { totalSize?: unknown } | undefined)?.totalSize;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 0) return { count: n };
    return { code: 'UNEXPECTED_RESPONSE' };
  }
  const code = errorOf(r).errorCode;
  return code === 'QUERY_TIMEOUT' ? { timedOut: true } : { code };
}

/**
 * Every source counted in one round trip (composite/batch: at most 25 subrequests a request, the requests sent
 * together), with the counts of who is left out and `extra` queries of the caller's (the preview's samples). Each
 * answer is judged apart: one unreadable object or one slow count does not hide the others.
 */
export async function countSources(
  client: OrgClient,
  users: UsersChoice,
  extra: Array<{ ref: string; soql: string }> = [],
): Promise<{
  counts: Record<SourceId, Count>;
  others: Record<ExtraCount, Count>;
  extra: Record<string, SubResult | undefined>;
  requests: number;
}> {
  const url = (soql: string) => `v${client.apiVersion}/query?q=${encodeURIComponent(soql)}`;
  const all = [
    ...SOURCES.map(s => ({ ref: `count:${s.id}`, url: url(countOf(s, users)) })),
    ...(Object.keys(EXTRA_COUNTS) as ExtraCount[]).map(k => ({ ref: `other:${k}`, url: url(EXTRA_COUNTS[k]) })),
    ...extra.map(e => ({ ref: e.ref, url: url(e.soql) })),
  ];
  const chunks: Array<typeof all> = [];
  for (let i = 0; i < all.length; i += 25) chunks.push(all.slice(i, i + 25));
  const res = Object.assign({}, ...(await Promise.all(chunks.map(c => client.batch(c))))) as Record<string, SubResult>;
  const counts = Object.fromEntries(SOURCES.map(s => [s.id, countFrom(res[`count:${s.id}`])])) as Record<
    SourceId,
    Count
  >;
  const others = Object.fromEntries(
    (Object.keys(EXTRA_COUNTS) as ExtraCount[]).map(k => [k, countFrom(res[`other:${k}`])]),
  ) as Record<ExtraCount, Count>;
  return { counts, others, extra: Object.fromEntries(extra.map(e => [e.ref, res[e.ref]])), requests: chunks.length };
}

/** Users left out by the choice, by why: not internal (Chatter Free, portal and community, guests), or deactivated. */
export interface UsersLeftOut {
  chatterFree?: number;
  external?: number;
  guest?: number;
  inactive?: number;
  /** Other user types (neither internal nor the kinds above). */
  other?: number;
  /** A count timed out: the numbers above are what could be counted. */
  uncounted?: true;
}
export function usersLeftOut(users: UsersChoice, others: Record<ExtraCount, Count>, kept: Count): UsersLeftOut {
  if (users === 'all') return {};
  const n = (k: ExtraCount) => counted(others[k]);
  const out: UsersLeftOut = {};
  const parts: Array<[keyof UsersLeftOut, number | undefined]> = [
    ['chatterFree', n('usersChatterFree')],
    ['external', n('usersExternal')],
    ['guest', n('usersGuest')],
    ['inactive', users === 'active' ? n('usersInactive') : 0],
  ];
  for (const [k, v] of parts) if (v) (out as Record<string, number>)[k] = v;
  const all = n('usersAll');
  const keptN = counted(kept);
  if (parts.some(([, v]) => v === undefined) || all === undefined || keptN === undefined) out.uncounted = true;
  else {
    const other = all - keptN - parts.reduce((a, [, v]) => a + (v ?? 0), 0);
    if (other > 0) out.other = other;
  }
  return out;
}

/** The left-out users in words ("140,000 Chatter Free, 3 guest"), or '' when none. */
export function leftOutText(l: UsersLeftOut, fmt: (n: number) => string): string {
  const parts = [
    l.inactive && `${fmt(l.inactive)} deactivated`,
    l.chatterFree && `${fmt(l.chatterFree)} Chatter Free`,
    l.external && `${fmt(l.external)} portal and community`,
    l.guest && `${fmt(l.guest)} guest`,
    l.other && `${fmt(l.other)} of other user types`,
  ].filter(Boolean);
  return parts.join(', ') + (l.uncounted ? `${parts.length ? '; ' : ''}some could not be counted (timed out)` : '');
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
