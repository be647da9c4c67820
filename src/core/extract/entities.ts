// How the org's records become BalkanID entities and relations (the upload formats in format.ts, every column in
// docs/formats.md): users are identities (source type "user"); profiles, roles, permission sets, permission set
// groups, public groups, queues and the role groups that are members of them are connections whose source type
// names the kind; a user's profile, role, assignments and memberships are relations from the user (parent) to the
// connection, a permission set's place in a permission set group and a group's membership of another group are
// relations between connections, with the privilege in the metadata.
//
// What a role group holds (Object Reference, Group: "the users in a particular role … plus all the users below
// that role"): a Role group the users with that role; Role and Subordinates the users of the role and every role
// below it (UserRole.ParentRoleId); Role and Internal Subordinates the same without portal roles (PortalType other
// than None) and what is below them. "All Internal Users" (Type Organization) holds every active internal user.
// Each such group that is a member of a public group or queue is written with a relation from every user in the
// file it holds (through: "role" or "all internal users"), and one from it to the group it is a member of.
import { IdSet } from './idSet';
import { Flat, id18 } from './records';
import type { Source, SourceId } from './sources';

export { id18 };
export const SOURCE_SYSTEM = 'salesforce';
export const METADATA_VERSION = 'v1';
/**
 * The App column's default: BalkanID's catalogue id for Salesforce. BalkanID's upload samples fill App with the id
 * of an app in its catalogue (`okta`, `azure`, `aws`) and its Bulk Apps Download API lists a tenant's apps by those
 * ids; the id for Salesforce is not on a public page (docs/research/export-2026.md §1), which is why `upload` looks
 * the value up in the tenant's apps before sending anything.
 */
export const DEFAULT_APP = 'salesforce';

type Rec = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : v == null ? '' : String(v));
const idOf = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

/** Setup's names for the groups Salesforce keeps for roles and the whole org. */
const DERIVED_NAMES: Record<string, string> = {
  Role: 'Role',
  RoleAndSubordinates: 'Role and Subordinates',
  RoleAndSubordinatesInternal: 'Role and Internal Subordinates',
};
export const ALL_INTERNAL_USERS = 'All Internal Users';

interface Derived {
  type: string;
  apiName: string;
  roleId?: string;
  roleName?: string;
}

/** What the export remembers while it streams: names for metadata, and which entities are in the file. */
export class ExportIndex {
  /** The users written (identities). */
  readonly users = new IdSet();
  /** Every connection written: its ID → its source type. */
  readonly connections = new Map<string, string>();
  readonly names = new Map<string, string>();
  readonly licences = new Map<string, { name: string; key: string | null }>();
  readonly licenceOfProfile = new Map<string, { name: string; key: string | null }>();
  readonly roles = new Map<string, { name: string; parent?: string; portal: boolean }>();
  /** Role groups and All Internal Users, written when they are found to be a member of a public group or queue. */
  readonly derived = new Map<string, Derived>();
  /** For each role, the role groups in the file that hold its users. */
  readonly roleGroupsOf = new Map<string, string[]>();
  /** All Internal Users groups in the file. */
  readonly allInternal: string[] = [];
  /** Frozen and password-locked users. */
  readonly logins = new Map<string, { frozen: boolean; locked: boolean }>();
  /** Member groups of a kind the export leaves out (territories, managers, …), for naming them afterwards. */
  readonly otherGroups = new Map<string, number>();
  constructor(
    readonly app: string,
    readonly orgId: string,
  ) {}
}

/**
 * Why a relation was left out: its other end is a group of a kind the export leaves out (a territory's, a manager's
 * …), a user not in the file (left out by the users chosen, or one the reader cannot see), a record of a list the
 * reader cannot read; or it grants nothing: an assignment past its expiration date (IsActive false).
 */
export type SkipReason = 'groupKind' | 'user' | 'unreadable' | 'inactiveAssignment';

export interface Rows {
  entities: string[][];
  relations: string[][];
  skipped: SkipReason[];
}

/** Records each role's role groups in the file, once the groups inside public groups and queues are known. */
export function settleRoleGroups(index: ExportIndex): void {
  const children = new Map<string, string[]>();
  for (const [id, r] of index.roles) if (r.parent) children.set(r.parent, [...(children.get(r.parent) ?? []), id]);
  for (const [groupId, g] of index.derived) {
    if (!index.connections.has(groupId) || !g.roleId) continue;
    const held: string[] = [];
    const walk = (roleId: string) => {
      held.push(roleId);
      if (g.type === 'Role') return;
      for (const c of children.get(roleId) ?? [])
        if (!(g.type === 'RoleAndSubordinatesInternal' && index.roles.get(c)?.portal)) walk(c);
    };
    if (index.roles.has(g.roleId)) walk(g.roleId);
    for (const r of held) index.roleGroupsOf.set(r, [...(index.roleGroupsOf.get(r) ?? []), groupId]);
  }
}

/** Maps one checked row of a source to its entity and relation rows; `index` learns what later rows refer to. */
export function rowsOf(source: Source, rec: Flat, index: ExportIndex): Rows {
  const out: Rows = { entities: [], relations: [], skipped: [] };
  const app = index.app;
  const id = str(rec.Id);
  const kindOf = (x: string) => (index.users.has(x) ? 'identity' : index.connections.has(x) ? 'connection' : undefined);
  const relate = (parentId: string | undefined, childId: string | undefined, meta: Rec) => {
    if (!parentId || !childId) return;
    const p = kindOf(parentId),
      c = kindOf(childId);
    if (!p || !c) {
      const missing = p ? childId : parentId;
      out.skipped.push(missing.startsWith('005') ? 'user' : 'unreadable');
      return;
    }
    out.relations.push([app, parentId, p, childId, c, SOURCE_SYSTEM, METADATA_VERSION, JSON.stringify(meta)]);
  };
  const connection = (cid: string, name: string, sourceType: string, meta: Rec) => {
    index.connections.set(cid, sourceType);
    index.names.set(cid, name);
    out.entities.push([
      app,
      name,
      'connection',
      SOURCE_SYSTEM,
      cid,
      sourceType,
      METADATA_VERSION,
      JSON.stringify({ ...meta, org: index.orgId }),
    ]);
  };
  /** A role group or All Internal Users, written the first time it is found inside a public group or queue. */
  const useDerived = (gid: string) => {
    if (index.connections.has(gid)) return true;
    const g = index.derived.get(gid);
    if (!g) return false;
    if (g.type === 'Organization') {
      connection(gid, ALL_INTERNAL_USERS, 'group', { apiName: g.apiName, type: g.type });
      index.allInternal.push(gid);
    } else {
      const role = g.roleName || (g.roleId && index.roles.get(g.roleId)?.name) || g.apiName;
      connection(gid, `${DERIVED_NAMES[g.type]}: ${role}`, 'role_group', {
        apiName: g.apiName,
        type: g.type,
        roleId: g.roleId ?? null,
      });
    }
    return true;
  };
  const memberOf = (groupId: string) => ({
    privilegeName: 'member',
    privilegeValue: true,
    connectionType: index.connections.get(groupId) ?? 'group',
  });

  switch (source.id as SourceId) {
    case 'userLicense':
      index.licences.set(id, {
        name: str(rec.MasterLabel || rec.Name),
        key: (rec.LicenseDefinitionKey as string | null) ?? null,
      });
      break;
    case 'profile': {
      const licence = index.licences.get(str(rec.UserLicenseId));
      if (licence) index.licenceOfProfile.set(id, licence);
      connection(id, str(rec.Name), 'profile', { license: licence?.name ?? null, licenseKey: licence?.key ?? null });
      break;
    }
    case 'role': {
      const portal = !!rec.PortalType && rec.PortalType !== 'None';
      index.roles.set(id, { name: str(rec.Name), parent: idOf(rec.ParentRoleId), portal });
      connection(id, str(rec.Name), 'role', {
        developerName: str(rec.DeveloperName),
        parentRoleId: idOf(rec.ParentRoleId) ?? null,
        ...(portal ? { portalType: rec.PortalType } : {}),
      });
      break;
    }
    case 'permissionSet':
      connection(id, str(rec.Label || rec.Name), 'permission_set', {
        apiName: str(rec.Name),
        type: rec.Type ?? null,
        custom: rec.IsCustom === true,
      });
      break;
    case 'permissionSetGroup':
      connection(id, str(rec.MasterLabel || rec.DeveloperName), 'permission_set_group', {
        apiName: str(rec.DeveloperName),
        status: rec.Status ?? null,
      });
      break;
    case 'permissionSetGroupComponent':
      // The permission set → the permission set group it is part of.
      relate(idOf(rec.PermissionSetId), idOf(rec.PermissionSetGroupId), {
        privilegeName: 'component',
        privilegeValue: true,
        connectionType: 'permission_set_group',
        componentId: id,
      });
      break;
    case 'group': {
      const type = str(rec.Type);
      if (type === 'Regular' || type === 'Queue')
        connection(id, str(rec.Name || rec.DeveloperName), type === 'Queue' ? 'queue' : 'group', {
          apiName: str(rec.DeveloperName),
          type,
        });
      else
        index.derived.set(id, {
          type,
          apiName: str(rec.DeveloperName),
          ...(idOf(rec.RelatedId) ? { roleId: idOf(rec.RelatedId) } : {}),
          ...(rec['Related.Name'] ? { roleName: str(rec['Related.Name']) } : {}),
        });
      break;
    }
    case 'groupNesting': {
      // A group inside a public group or queue: member → the group that holds it.
      const member = str(rec.UserOrGroupId),
        group = str(rec.GroupId);
      if (!useDerived(member) && !index.connections.has(member) && index.connections.has(group)) {
        index.otherGroups.set(member, (index.otherGroups.get(member) ?? 0) + 1);
        out.skipped.push('groupKind');
        break;
      }
      relate(member, group, { ...memberOf(group), membershipId: id });
      break;
    }
    case 'userLogin':
      index.logins.set(str(rec.UserId), { frozen: rec.IsFrozen === true, locked: rec.IsPasswordLocked === true });
      break;
    case 'user': {
      const profileId = idOf(rec.ProfileId);
      const roleId = idOf(rec.UserRoleId);
      const login = index.logins.get(id);
      index.users.add(id);
      const licence = profileId ? index.licenceOfProfile.get(profileId) : undefined;
      out.entities.push([
        app,
        str(rec.Name || rec.Username),
        'identity',
        SOURCE_SYSTEM,
        id,
        'user',
        METADATA_VERSION,
        JSON.stringify({
          username: str(rec.Username),
          email: str(rec.Email),
          active: rec.IsActive === true,
          frozen: login?.frozen ?? false,
          passwordLocked: login?.locked ?? false,
          userType: rec.UserType ?? null,
          license: licence?.name ?? null,
          licenseKey: licence?.key ?? null,
          profile: (profileId && index.names.get(profileId)) ?? null,
          role: (roleId && index.names.get(roleId)) ?? null,
          lastLogin: rec.LastLoginDate ?? null,
          created: rec.CreatedDate ?? null,
          org: index.orgId,
        }),
      ]);
      relate(id, profileId, { privilegeName: 'profile', privilegeValue: true, connectionType: 'profile' });
      relate(id, roleId, { privilegeName: 'role', privilegeValue: true, connectionType: 'role' });
      for (const g of (roleId && index.roleGroupsOf.get(roleId)) || [])
        relate(id, g, { ...memberOf(g), through: 'role', roleId });
      if (rec.IsActive === true && rec.UserType === 'Standard')
        for (const g of index.allInternal) relate(id, g, { ...memberOf(g), through: 'all internal users' });
      break;
    }
    case 'permissionSetAssignment': {
      if (rec.IsActive === false) {
        out.skipped.push('inactiveAssignment');
        break;
      }
      const group = idOf(rec.PermissionSetGroupId);
      relate(idOf(rec.AssigneeId), group ?? idOf(rec.PermissionSetId), {
        privilegeName: 'assigned',
        privilegeValue: true,
        connectionType: group ? 'permission_set_group' : 'permission_set',
        assignmentId: id,
        expires: rec.ExpirationDate ?? null,
      });
      break;
    }
    case 'groupMember': {
      const member = str(rec.UserOrGroupId);
      // Groups inside groups came with groupNesting.
      if (!member.startsWith('005')) break;
      relate(member, idOf(rec.GroupId), { ...memberOf(str(rec.GroupId)), membershipId: id });
      break;
    }
  }
  return out;
}
