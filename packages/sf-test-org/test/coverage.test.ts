// What an identity-governance extractor reads beyond public groups and plain assignments (issue 21; baton-salesforce
// pkg/connector/client/query.go; OrgCheck's group dataset): role groups named through Related.Name, role groups and
// queues as members, what a group expands to, permission set group components, expiring assignments, frozen and
// locked users, user types and licence keys. Through jsforce, as an extractor sends it.
import assert from 'node:assert/strict';
import { groupUsers } from '../src/groups';
import { jsforce, raw, useOrg } from './helpers';
import type { TestOrg } from '../src/server';

const v = '/services/data/v64.0';
const key = (id: unknown) => String(id).slice(0, 15);
const userId = (org: TestOrg, alias: string) => org.org.find('User', u => u.Alias === alias)!.Id;

describe('test org: role groups, queues and what a group holds (Object Reference, Group and GroupMember)', () => {
  const t = useOrg({ scenario: 'fresh' });

  it("gives every role a Role and a RoleAndSubordinates group with RelatedId the role and no Name, named through Related.Name as baton-salesforce's query reads it", async () => {
    const conn = jsforce(t.org);
    const roles = (await conn.query<any>('SELECT Id, Name, DeveloperName FROM UserRole ORDER BY Id')).records;
    const groups = (
      await conn.query<any>('SELECT Name, DeveloperName, Type, RelatedId, Related.Name, Id FROM Group ORDER BY Id')
    ).records;
    for (const role of roles) {
      const mine = groups.filter(g => g.RelatedId === role.Id);
      assert.deepEqual(mine.map(g => g.Type).sort(), ['Role', 'RoleAndSubordinates'], role.Name);
      for (const g of mine) {
        assert.equal(g.Name, null, 'a role group has no name of its own');
        assert.equal(g.Related.Name, role.Name);
        assert.equal(g.Related.attributes.type, 'UserRole');
        assert.equal(g.DeveloperName, role.DeveloperName);
      }
    }
    const regular = groups.find(g => g.Type === 'Regular')!;
    assert.equal(regular.Related, null, 'a public group has no related record');
    const queue = groups.find(g => g.Type === 'Queue')!;
    assert.equal(queue.Name, 'Support Queue');
    const q = await conn.query<any>(`SELECT SobjectType, Queue.Name FROM QueueSobject WHERE QueueId = '${queue.Id}'`);
    assert.deepEqual(
      q.records.map(r => [r.SobjectType, r.Queue.Name]),
      [['Case', 'Support Queue']],
    );
  });

  it('lists role groups and queues as members (GroupMember.UserOrGroupId) of public groups and queues, in the subquery OrgCheck sends too', async () => {
    const conn = jsforce(t.org);
    const regular = await conn.query<any>(
      "SELECT GroupId, UserOrGroupId FROM GroupMember WHERE Group.Type = 'Regular' ORDER BY Id",
    );
    const groups = new Map(
      (await conn.query<any>('SELECT Id, Type, Related.Name FROM Group')).records.map(g => [g.Id, g]),
    );
    const roleMembers = regular.records.filter(m => groups.get(m.UserOrGroupId)?.Type === 'RoleAndSubordinates');
    assert.equal(roleMembers.length, 1);
    assert.equal(groups.get(roleMembers[0].UserOrGroupId)!.Related.Name, 'VP Sales');
    const withMembers = await conn.query<any>(
      "SELECT Id, Name, Type, (SELECT UserOrGroupId FROM GroupMembers) FROM Group WHERE Type = 'Queue'",
    );
    const members = withMembers.records[0].GroupMembers.records.map((m: any) => m.UserOrGroupId);
    assert.ok(members.includes(userId(t.org, 'oops')), 'a user in the queue');
    assert.ok(
      members.some((id: string) => groups.get(id)?.Type === 'Role'),
      'a role group in the queue',
    );
  });

  it('expands a group as Salesforce does: Role to the users in the role, RoleAndSubordinates to those in it and below (ParentRoleId), a public group and a queue to their members and what their groups hold', async () => {
    const o = t.org.org;
    const conn = jsforce(t.org);
    const byType = async (role: string, type: string) =>
      (
        await conn.query<any>(
          `SELECT Id FROM Group WHERE Type = '${type}' AND RelatedId IN (SELECT Id FROM UserRole WHERE Name = '${role}')`,
        )
      ).records[0].Id as string;
    const ids = (s: Set<string>) => [...s].map(key).sort();
    const [admin, jane, ops] = ['aadmin', 'jdoe', 'oops'].map(a => key(userId(t.org, a)));
    assert.deepEqual(ids(groupUsers(o, await byType('VP Sales', 'Role'))), [jane]);
    assert.deepEqual(ids(groupUsers(o, await byType('CEO', 'Role'))), [admin]);
    assert.deepEqual(ids(groupUsers(o, await byType('CEO', 'RoleAndSubordinates'))), [admin, jane].sort());
    const salesTeam = o.find('Group', g => g.Name === 'Sales Team')!;
    assert.deepEqual(ids(groupUsers(o, salesTeam.Id)), [jane], 'Jane directly and through VP Sales and below');
    const queue = o.find('Group', g => g.Type === 'Queue')!;
    assert.deepEqual(ids(groupUsers(o, queue.Id)), [jane, ops].sort(), 'Otto directly, Jane through the VP Sales role');
    // A user given the VP Sales role joins the role group, and what holds it.
    const users = await conn.query<any>("SELECT Id FROM UserRole WHERE Name = 'VP Sales'");
    await conn.sobject('User').update({ Id: userId(t.org, 'oops'), UserRoleId: users.records[0].Id });
    assert.deepEqual(ids(groupUsers(o, await byType('VP Sales', 'Role'))), [jane, ops].sort());
    assert.deepEqual(ids(groupUsers(o, await byType('CEO', 'RoleAndSubordinates'))), [admin, jane, ops].sort());
  });
});

describe('test org: Digital Experiences and portal roles (RoleAndSubordinatesInternal)', () => {
  const t = useOrg({ scenario: 'fresh', users: 200, externalUsers: 300 });

  it('gives every role a RoleAndSubordinatesInternal group as well, which leaves out the users of portal roles below it', async () => {
    const o = t.org.org;
    const conn = jsforce(t.org);
    const types = await conn.query<any>(
      "SELECT Type FROM Group WHERE Type IN ('Role', 'RoleAndSubordinates', 'RoleAndSubordinatesInternal')",
    );
    const roles = (await conn.query('SELECT COUNT() FROM UserRole')).totalSize;
    assert.equal(types.totalSize, roles * 3);
    // A portal role's parent is an internal role: its RoleAndSubordinates holds the portal users, Internal does not.
    const portal = await conn.query<any>(
      "SELECT Id, ParentRoleId, PortalType FROM UserRole WHERE PortalType = 'Partner' ORDER BY Id",
    );
    assert.ok(portal.totalSize > 0);
    const parent = portal.records[0].ParentRoleId;
    const groupOf = async (type: string) =>
      (await conn.query<any>(`SELECT Id FROM Group WHERE RelatedId = '${parent}' AND Type = '${type}'`)).records[0].Id;
    const all = groupUsers(o, await groupOf('RoleAndSubordinates'));
    const internal = groupUsers(o, await groupOf('RoleAndSubordinatesInternal'));
    const partnerUsers = await conn.query<any>(
      `SELECT Id FROM User WHERE UserRoleId IN (SELECT Id FROM UserRole WHERE ParentRoleId = '${parent}' AND PortalType = 'Partner')`,
    );
    assert.ok(partnerUsers.totalSize > 0);
    for (const u of partnerUsers.records) {
      assert.ok(all.has(u.Id), 'RoleAndSubordinates holds the portal users below');
      assert.ok(!internal.has(u.Id), 'RoleAndSubordinatesInternal does not');
    }
    for (const u of internal) assert.ok(all.has(u));
  });

  it("answers User with Profile.UserLicense.LicenseDefinitionKey and UserType for every kind of user, as baton-salesforce's user query reads them", async () => {
    const conn = jsforce(t.org);
    const soql =
      'SELECT FirstName, LastName, Email, Username, IsActive, UserType, ProfileId, UserRoleId, LastLoginDate, Profile.UserLicense.LicenseDefinitionKey, Id FROM User ORDER BY Id';
    const rows: any[] = [];
    let page = await conn.query<any>(soql);
    rows.push(...page.records);
    while (!page.done) {
      page = await conn.queryMore<any>(page.nextRecordsUrl!);
      rows.push(...page.records);
    }
    const pairs = new Set(rows.map(r => `${r.UserType}:${r.Profile.UserLicense.LicenseDefinitionKey}`));
    for (const pair of [
      'Standard:SFDC',
      'Standard:AUL',
      'CsnOnly:CSN_User',
      'CspLitePortal:PID_Customer_Community',
      'CspLitePortal:PID_Customer_Community_Login',
      'PowerCustomerSuccess:PID_Customer_Community_Plus',
      'PowerPartner:PID_Partner_Community',
      'Guest:PID_Guest_User',
    ])
      assert.ok(pairs.has(pair), pair);
    const standard = await conn.query("SELECT COUNT() FROM User WHERE UserType = 'Standard'");
    assert.ok(standard.totalSize < rows.length / 2, 'external users are most of the users');
    assert.ok(rows.some(r => r.IsActive === false));
  });
});

describe('test org: permission set group components, expiring assignments, frozen and locked users', () => {
  const t = useOrg({ scenario: 'fresh' });

  it('answers PermissionSetGroupComponent (PermissionSetGroupId, PermissionSetId, IsDeleted) and PermissionSetGroup with the fields baton-salesforce reads', async () => {
    const conn = jsforce(t.org);
    const groups = await conn.query<any>(
      'SELECT IsDeleted, DeveloperName, Language, MasterLabel, NamespacePrefix, Description, HasActivationRequired, Id FROM PermissionSetGroup ORDER BY Id',
    );
    assert.deepEqual(
      groups.records.map(g => [g.DeveloperName, g.IsDeleted]),
      [['Sales_Ops', false]],
    );
    const set = (await conn.query<any>("SELECT Id FROM PermissionSet WHERE Name = 'Report_Builder'")).records[0];
    const components = await conn.query<any>(
      `SELECT IsDeleted, PermissionSetGroupId, PermissionSetId, Id FROM PermissionSetGroupComponent WHERE PermissionSetId = '${set.Id}' ORDER BY Id`,
    );
    assert.deepEqual(
      components.records.map(c => [c.PermissionSetGroupId, c.PermissionSetId]),
      [[groups.records[0].Id, set.Id]],
    );
  });

  it('returns an expired assignment with IsActive false and its ExpirationDate, an expiring one active; both fields exist from API 52.0', async () => {
    const conn = jsforce(t.org);
    const now = t.org.org.now();
    const rows = await conn.query<any>(
      'SELECT Id, AssigneeId, IsActive, ExpirationDate FROM PermissionSetAssignment WHERE ExpirationDate != null ORDER BY Id',
    );
    assert.equal(rows.totalSize, 2);
    for (const r of rows.records) assert.equal(r.IsActive, Date.parse(r.ExpirationDate) > now, r.ExpirationDate);
    assert.deepEqual(rows.records.map(r => r.IsActive).sort(), [false, true]);
    const all = await conn.query('SELECT COUNT() FROM PermissionSetAssignment');
    const active = await conn.query('SELECT COUNT() FROM PermissionSetAssignment WHERE IsActive = true');
    assert.equal(all.totalSize - active.totalSize, 1, 'an inactive assignment is returned unless the query filters');
    const old = await raw(
      t.org,
      'GET',
      `/services/data/v51.0/query?q=${encodeURIComponent('SELECT IsActive FROM PermissionSetAssignment')}`,
    );
    assert.equal(old.status, 400);
    assert.equal(old.body[0].errorCode, 'INVALID_FIELD');
    const describe = await raw(t.org, 'GET', '/services/data/v51.0/sobjects/PermissionSetAssignment/describe');
    assert.ok(!describe.body.fields.some((f: any) => f.name === 'ExpirationDate'));
  });

  it('refuses an expiration date on an assignment of a permission set with Manage Users (Help: such sets cannot expire)', async () => {
    const o = t.org.org;
    const admin = userId(t.org, 'aadmin');
    const managers = o.create(
      'PermissionSet',
      {
        Name: 'User_Managers',
        Label: 'User Managers',
        PermissionsManageUsers: true,
        PermissionsViewSetup: true,
        PermissionsViewRoles: true,
      },
      admin,
      64,
    );
    const r = await raw(t.org, 'POST', `${v}/sobjects/PermissionSetAssignment`, {
      AssigneeId: userId(t.org, 'jdoe'),
      PermissionSetId: managers.Id,
      ExpirationDate: new Date(o.now() + 86400000).toISOString(),
    });
    assert.equal(r.status, 400);
    assert.equal(r.body[0].errorCode, 'FIELD_INTEGRITY_EXCEPTION');
    assert.match(r.body[0].message, /Manage Users/);
  });

  it('answers UserLogin (UserId, IsFrozen, IsPasswordLocked) for every user: one frozen, one password-locked; freezing is an update that needs Manage Users', async () => {
    const conn = jsforce(t.org);
    const logins = await conn.query<any>('SELECT UserId, IsFrozen, IsPasswordLocked, Id FROM UserLogin ORDER BY Id');
    const users = await conn.query('SELECT COUNT() FROM User');
    assert.equal(logins.totalSize, users.totalSize);
    const frozen = logins.records.filter(l => l.IsFrozen).map(l => l.UserId);
    const locked = logins.records.filter(l => l.IsPasswordLocked).map(l => l.UserId);
    assert.deepEqual([frozen, locked], [[userId(t.org, 'ffrost')], [userId(t.org, 'llock')]]);
    const jane = logins.records.find(l => l.UserId === userId(t.org, 'jdoe'))!;
    const asJane = await raw(
      t.org,
      'PATCH',
      `${v}/sobjects/UserLogin/${jane.Id}`,
      { IsFrozen: true },
      {
        Authorization: `Bearer ${t.org.tokenFor('jane@acme.example')}`,
      },
    );
    assert.equal(asJane.status, 400);
    await conn.sobject('UserLogin').update({ Id: jane.Id, IsFrozen: true });
    const after = await conn.query<any>(`SELECT IsFrozen FROM UserLogin WHERE Id = '${jane.Id}'`);
    assert.equal(after.records[0].IsFrozen, true);
  });
});

describe('test org: UserLogin by chunks of users, as baton-salesforce reads it', () => {
  const t = useOrg({ scenario: 'fresh', users: 2000 });

  it("answers UserLogin WHERE UserId IN (250 users) with exactly those users' logins, in Id order, and Id IN (…) without duplicates", async () => {
    const conn = jsforce(t.org);
    const users = (await conn.query<any>('SELECT Id FROM User ORDER BY Id', { autoFetch: true, maxFetch: 5000 }))
      .records;
    const chunk = users.slice(500, 750).map(u => u.Id);
    const soql = `SELECT UserId, IsFrozen, IsPasswordLocked, Id FROM UserLogin WHERE UserId IN (${chunk.map(id => `'${id}'`).join(', ')}) ORDER BY Id`;
    const logins = await conn.query<any>(soql);
    assert.equal(logins.totalSize, 250);
    assert.deepEqual(logins.records.map(l => l.UserId).sort(), [...chunk].sort());
    const ids = logins.records.map(l => l.Id);
    assert.deepEqual(ids, [...ids].sort());
    const twice = await conn.query<any>(
      `SELECT Id FROM User WHERE Id IN ('${chunk[0]}', '${chunk[0].slice(0, 15)}', '${chunk[1]}')`,
    );
    assert.equal(twice.totalSize, 2);
  });
});

describe('test org: expiredAssignments "removed"', () => {
  const t = useOrg({ scenario: 'fresh', expiredAssignments: 'removed' });

  it('leaves an assignment past its ExpirationDate out of every query', async () => {
    const conn = jsforce(t.org);
    const rows = await conn.query<any>(
      'SELECT IsActive, ExpirationDate FROM PermissionSetAssignment WHERE ExpirationDate != null',
    );
    assert.deepEqual(
      rows.records.map(r => r.IsActive),
      [true],
    );
    const inactive = await conn.query('SELECT COUNT() FROM PermissionSetAssignment WHERE IsActive = false');
    assert.equal(inactive.totalSize, 0);
  });
});
