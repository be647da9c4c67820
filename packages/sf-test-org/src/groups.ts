// Who a group gives access to, as Salesforce expands it (the oracle for tests of an extractor): a public group or
// queue holds its user members and, through its group members, whoever those groups hold; a role group holds the
// users with that role, and with RoleAndSubordinates also those in every role below it (RoleAndSubordinatesInternal:
// below it but not in portal roles); the Organization group holds every active internal user.
// Sources: Object Reference, Group (Type) and GroupMember; UserRole (ParentRoleId, PortalType); Salesforce Help,
// "Public Group Considerations" (groups can contain roles, roles and subordinates, other groups). Whether inactive
// users count as members: they stay members (GroupMember rows are kept when a user is deactivated) [I]; here they
// are listed with the rest and a caller filters on IsActive.
import type { Org, Rec } from './state';
import { canon } from './ids';

/** The roles below `roleId` in the hierarchy (not the role itself), depth first. */
export function subordinateRoles(org: Org, roleId: string, internalOnly = false): Rec[] {
  const out: Rec[] = [];
  const seen = new Set<string>([canon(roleId)]);
  const stack = [roleId];
  while (stack.length) {
    const id = stack.pop()!;
    for (const child of org.table('UserRole').refs('ParentRoleId', id)) {
      const key = canon(child.Id);
      if (seen.has(key)) continue;
      seen.add(key);
      if (internalOnly && child.PortalType && child.PortalType !== 'None') continue;
      out.push(child);
      stack.push(child.Id);
    }
  }
  return out;
}

/** The users (canonical Ids) a group holds, directly or through the groups and roles it contains. */
export function groupUsers(org: Org, groupId: string, seen = new Set<string>()): Set<string> {
  const users = new Set<string>();
  const key = canon(groupId);
  if (seen.has(key)) return users;
  seen.add(key);
  const group = org.table('Group').get(key);
  if (!group) return users;
  const usersInRoles = (roles: Rec[]) => {
    for (const r of roles) for (const u of org.table('User').refs('UserRoleId', r.Id)) users.add(canon(u.Id));
  };
  switch (group.Type) {
    case 'Role':
    case 'RoleAndSubordinates':
    case 'RoleAndSubordinatesInternal': {
      const role = group.RelatedId ? org.table('UserRole').get(group.RelatedId) : undefined;
      if (!role) break;
      const below =
        group.Type === 'Role' ? [] : subordinateRoles(org, role.Id, group.Type === 'RoleAndSubordinatesInternal');
      usersInRoles([role, ...below]);
      break;
    }
    case 'Organization':
      for (const u of org.table('User').values()) if (u.IsActive && u.UserType === 'Standard') users.add(canon(u.Id));
      break;
    default:
      for (const m of org.table('GroupMember').refs('GroupId', group.Id)) {
        const member = String(m.UserOrGroupId);
        if (member.startsWith('005')) users.add(canon(member));
        else if (member.startsWith('00G')) for (const u of groupUsers(org, member, seen)) users.add(u);
      }
  }
  return users;
}
