// What every scenario carries beyond the setup objects, so an extractor's coverage can be checked on a small org
// (issue 21): a queue with a user and a role's group as members, a role-and-subordinates group inside a public
// group, an assignment that expires and one that has expired, and a frozen, a password-locked and a deactivated user.
// Role groups come with every role (userRole.ts).
import type { Org, Rec } from './state';

const DAY = 86400000;

export interface Coverage {
  queue: Rec;
  frozen: Rec;
  locked: Rec;
  inactive: Rec;
  expiring: Rec;
  expired: Rec;
}

/** A role's group of one type (Role, RoleAndSubordinates, RoleAndSubordinatesInternal). */
export function roleGroup(org: Org, role: Rec, type: string): Rec {
  const g = org
    .table('Group')
    .refs('RelatedId', role.Id)
    .find(x => x.Type === type);
  if (!g) throw new Error(`no ${type} group for role ${role.Name}`);
  return g;
}

export function seedCoverage(
  org: Org,
  at: { publicGroup: Rec; salesRole: Rec; queueMember: Rec; profile: Rec; permissionSet: Rec; assignee: Rec },
  locale: Record<string, unknown>,
  suffix: string,
): Coverage {
  const queue = org.raw('Group', {
    Name: 'Support Queue',
    DeveloperName: 'Support_Queue',
    Type: 'Queue',
    Email: 'support@acme.example',
  });
  org.raw('QueueSobject', { QueueId: queue.Id, SobjectType: 'Case' });
  org.raw('GroupMember', { GroupId: queue.Id, UserOrGroupId: at.queueMember.Id });
  org.raw('GroupMember', { GroupId: queue.Id, UserOrGroupId: roleGroup(org, at.salesRole, 'Role').Id });
  org.raw('GroupMember', {
    GroupId: at.publicGroup.Id,
    UserOrGroupId: roleGroup(org, at.salesRole, 'RoleAndSubordinates').Id,
  });

  const person = (first: string, last: string, alias: string, extra: Record<string, unknown> = {}) =>
    org.raw('User', {
      Username: `${alias}@acme.example${suffix}`,
      Email: `${alias}@acme.example`,
      FirstName: first,
      LastName: last,
      Alias: alias,
      CommunityNickname: alias,
      ProfileId: at.profile.Id,
      ...locale,
      ...extra,
    });
  const login = (flags: Record<string, boolean>) => {
    const logins = org.table('UserLogin');
    const rec = logins.last!;
    logins.set(rec.Id, { ...rec, ...flags });
  };
  const frozen = person('Frida', 'Frost', 'ffrost');
  login({ IsFrozen: true });
  const locked = person('Lars', 'Lock', 'llock');
  login({ IsPasswordLocked: true });
  const inactive = person('Ivy', 'Gone', 'igone', { IsActive: false });

  const now = org.now();
  const expiring = org.raw('PermissionSetAssignment', {
    AssigneeId: at.assignee.Id,
    PermissionSetId: at.permissionSet.Id,
    ExpirationDate: org.iso(now + 30 * DAY),
  });
  const expired = org.raw('PermissionSetAssignment', {
    AssigneeId: frozen.Id,
    PermissionSetId: at.permissionSet.Id,
    ExpirationDate: org.iso(now - DAY),
  });
  return { queue, frozen, locked, inactive, expiring, expired };
}
