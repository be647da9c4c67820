// How the org's records become BalkanID entities and entity relations (the upload formats in format.ts): users
// are identities (source type "user"); profiles, roles, permission sets, permission set groups and public groups
// are connections whose source type names the kind; a user's profile, role, assignments and group memberships are
// relations from the user (parent) to the connection, with the privilege in the metadata.
import { Source, SourceId } from './sources';

export const SOURCE_SYSTEM = 'salesforce';
export const METADATA_VERSION = 'v1';

type Rec = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : v == null ? '' : String(v));
/** Salesforce dates ("2026-11-30T03:46:00.000+0000") as ISO 8601 UTC; null stays null. */
const when = (v: unknown) => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? new Date(v).toISOString() : null);

/** The 18-character form of a Salesforce ID (the REST API answers with it; a 15-character one gets its suffix). */
export function id18(id: string): string {
  if (id.length !== 15) return id;
  let suffix = '';
  for (let block = 0; block < 3; block++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id.charCodeAt(block * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    suffix += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'[bits];
  }
  return id + suffix;
}

/**
 * The App column's default: one stable name per org, whoever exports it and whatever its alias on their machine —
 * its My Domain name (salesforce-acme, salesforce-acme--uat), or its Org ID where the address is not a My Domain.
 * Orgs uploaded to one tenant stay apart (a sandbox copy keeps its production's record IDs).
 */
export function defaultApp(instanceUrl: string, orgId: string): string {
  const m = /^([a-z0-9-]+)\.(?:[a-z0-9]+\.)?my\.salesforce\.com$/i.exec(new URL(instanceUrl).hostname);
  return `salesforce-${m ? m[1]!.toLowerCase() : id18(orgId)}`;
}

/** What the export remembers while it streams: names for metadata, and which entities are in the file. */
export class ExportIndex {
  readonly names = new Map<string, string>();
  readonly licenceOfProfile = new Map<string, string>();
  readonly licenceNames = new Map<string, string>();
  /** Every entity written, by 18-character ID, with its entity type. */
  readonly entities = new Map<string, 'identity' | 'connection'>();
}

/** Why a relation was left out: its other end is a group kind the export leaves out (a role's group, a queue…), a
 * user the reader cannot see, or a record of a list the reader cannot read. */
export type SkipReason = 'group' | 'user' | 'unreadable';
const skipReason = (id: string): SkipReason =>
  id.startsWith('00G') ? 'group' : id.startsWith('005') ? 'user' : 'unreadable';

export interface Rows {
  entity?: string[];
  relations: string[][];
  /** Relations left out because an end is not an entity in the file, by reason. */
  skipped: SkipReason[];
}

function entity(app: string, name: string, type: string, id: string, sourceType: string, meta: Rec): string[] {
  return [app, name, type, SOURCE_SYSTEM, id, sourceType, METADATA_VERSION, JSON.stringify(meta)];
}

/** Maps one record of a source to its entity and relation rows; `index` learns what later rows refer to. */
export function rowsOf(source: Source, rec: Rec, index: ExportIndex, app: string): Rows {
  const out: Rows = { relations: [], skipped: [] };
  const id = id18(str(rec.Id));
  const relate = (parentId: unknown, childId: unknown, meta: Rec) => {
    if (!parentId || !childId) return;
    const pid = id18(str(parentId)),
      cid = id18(str(childId));
    const p = index.entities.get(pid),
      c = index.entities.get(cid);
    if (!p || !c) {
      out.skipped.push(skipReason(p ? cid : pid));
      return;
    }
    out.relations.push([app, pid, p, cid, c, SOURCE_SYSTEM, METADATA_VERSION, JSON.stringify(meta)]);
  };
  const connection = (name: string, meta: Rec) => {
    index.entities.set(id, 'connection');
    index.names.set(id, name);
    out.entity = entity(app, name, 'connection', id, source.sourceType!, meta);
  };
  switch (source.id as SourceId) {
    case 'userLicense':
      index.licenceNames.set(id, str(rec.MasterLabel || rec.Name));
      break;
    case 'profile': {
      const licence = index.licenceNames.get(id18(str(rec.UserLicenseId))) ?? null;
      if (licence) index.licenceOfProfile.set(id, licence);
      connection(str(rec.Name), { license: licence });
      break;
    }
    case 'role':
      connection(str(rec.Name), {
        developerName: str(rec.DeveloperName),
        parentRoleId: rec.ParentRoleId ? id18(str(rec.ParentRoleId)) : null,
      });
      break;
    case 'permissionSet':
      connection(str(rec.Label || rec.Name), {
        apiName: str(rec.Name),
        type: rec.Type ?? null,
        custom: !!rec.IsCustom,
      });
      break;
    case 'permissionSetGroup':
      connection(str(rec.MasterLabel || rec.DeveloperName), {
        apiName: str(rec.DeveloperName),
        status: rec.Status ?? null,
      });
      break;
    case 'group':
      connection(str(rec.Name || rec.DeveloperName), { apiName: str(rec.DeveloperName), type: 'Regular' });
      break;
    case 'user': {
      const profileId = rec.ProfileId ? id18(str(rec.ProfileId)) : '';
      const roleId = rec.UserRoleId ? id18(str(rec.UserRoleId)) : '';
      index.entities.set(id, 'identity');
      out.entity = entity(app, str(rec.Name || rec.Username), 'identity', id, 'user', {
        username: str(rec.Username),
        email: str(rec.Email),
        active: rec.IsActive === true,
        userType: rec.UserType ?? null,
        license: index.licenceOfProfile.get(profileId) ?? null,
        profile: index.names.get(profileId) ?? null,
        role: index.names.get(roleId) ?? null,
        lastLogin: when(rec.LastLoginDate),
        created: when(rec.CreatedDate),
      });
      relate(id, profileId, { privilegeName: 'profile', privilegeValue: true, connectionType: 'profile' });
      relate(id, roleId, { privilegeName: 'role', privilegeValue: true, connectionType: 'role' });
      break;
    }
    case 'permissionSetAssignment': {
      const group = rec.PermissionSetGroupId;
      relate(rec.AssigneeId, group ?? rec.PermissionSetId, {
        privilegeName: 'assigned',
        privilegeValue: true,
        connectionType: group ? 'permission_set_group' : 'permission_set',
        assignmentId: id,
      });
      break;
    }
    case 'groupMember':
      // A user member: user → group. A nested group: the member group → the group that contains it.
      relate(rec.UserOrGroupId, rec.GroupId, {
        privilegeName: 'member',
        privilegeValue: true,
        connectionType: 'group',
        membershipId: id,
      });
      break;
  }
  return out;
}
