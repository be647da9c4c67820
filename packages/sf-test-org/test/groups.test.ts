// Permission set groups and their own permission sets (Object Reference: PermissionSet.PermissionSetGroupId and
// Type, PermissionSetAssignment.PermissionSetGroupId); who may see the objects an extractor reads; the profile
// assignment every user has (switch profileAssignments).
import assert from 'node:assert/strict';
import { jsforce, raw, useOrg } from './helpers';

const v = '/services/data/v64.0';
const unsupported = (soql: string, object: string) =>
  `\n${soql}\n${' '.repeat(soql.indexOf(` ${object}`) + 1)}^\nERROR at Row:1:Column:${soql.indexOf(` ${object}`) + 2}\n` +
  `sObject type '${object}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`;

describe('test org: permission set groups have their own permission set', () => {
  const t = useOrg({ scenario: 'fresh', coverage: false });
  const admin = () => t.org.org.find('User', u => u.Alias === 'aadmin')!.Id;

  it("each group's set is Type 'Group', not profile-owned, and points at the group; profile-owned sets are 'Profile', created ones 'Regular'", async () => {
    const conn = jsforce(t.org);
    const groups = (await conn.query<any>('SELECT Id, DeveloperName FROM PermissionSetGroup')).records;
    assert.ok(groups.length >= 1);
    const own = await conn.query<any>(
      "SELECT Id, Type, IsOwnedByProfile, PermissionSetGroupId, PermissionSetGroup.DeveloperName FROM PermissionSet WHERE Type = 'Group'",
    );
    assert.deepEqual(
      own.records.map(r => [r.Type, r.IsOwnedByProfile, r.PermissionSetGroupId]).sort(),
      groups.map(g => ['Group', false, g.Id]).sort(),
    );
    assert.deepEqual(
      own.records.map(r => r.PermissionSetGroup.DeveloperName).sort(),
      groups.map(g => g.DeveloperName).sort(),
    );
    const created: any = await conn.sobject('PermissionSet').create({ Name: 'Created_Here', Label: 'Created here' });
    const types = await conn.query<any>('SELECT Id, Type, IsOwnedByProfile, PermissionSetGroupId FROM PermissionSet');
    for (const r of types.records)
      assert.equal(r.Type, r.IsOwnedByProfile ? 'Profile' : r.PermissionSetGroupId ? 'Group' : 'Regular', r.Id);
    assert.equal(types.records.find(r => r.Id === created.id).Type, 'Regular');
    assert.ok(types.records.some(r => r.Type === 'Profile'));
  });

  it("a group's assignment names the group and its set; the set cannot be assigned, edited or deleted itself", async () => {
    const conn = jsforce(t.org);
    const group = (await conn.query<any>("SELECT Id FROM PermissionSetGroup WHERE DeveloperName = 'Sales_Ops'"))
      .records[0];
    const set = (await conn.query<any>(`SELECT Id FROM PermissionSet WHERE PermissionSetGroupId = '${group.Id}'`))
      .records[0];
    const jane = await conn.query<any>(
      "SELECT PermissionSetId, PermissionSetGroupId FROM PermissionSetAssignment WHERE Assignee.Username = 'jane@acme.example' AND PermissionSet.IsOwnedByProfile = false",
    );
    assert.deepEqual(
      jane.records.map(r => [r.PermissionSetId, r.PermissionSetGroupId]),
      [[set.Id, group.Id]],
    );
    const ops = t.org.org.find('User', u => u.Alias === 'oops')!;
    const created: any = await conn
      .sobject('PermissionSetAssignment')
      .create({ AssigneeId: ops.Id, PermissionSetGroupId: group.Id });
    assert.equal(created.success, true);
    const row: any = await conn.sobject('PermissionSetAssignment').retrieve(created.id);
    assert.deepEqual([row.PermissionSetId, row.PermissionSetGroupId], [set.Id, group.Id]);
    const root = t.org.org.find('User', u => u.Alias === 'aadmin')!;
    const direct = await raw(t.org, 'POST', `${v}/sobjects/PermissionSetAssignment`, {
      AssigneeId: root.Id,
      PermissionSetId: set.Id,
    });
    assert.equal(direct.status, 400);
    assert.equal(direct.body[0].errorCode, 'FIELD_INTEGRITY_EXCEPTION');
    const edit = await raw(t.org, 'PATCH', `${v}/sobjects/PermissionSet/${set.Id}`, { Label: 'Renamed' });
    assert.equal(edit.body[0].errorCode, 'INSUFFICIENT_ACCESS_OR_READONLY');
    const del = await raw(t.org, 'DELETE', `${v}/sobjects/PermissionSet/${set.Id}`);
    assert.equal(del.body[0].errorCode, 'INSUFFICIENT_ACCESS_OR_READONLY');
  });

  it("a group's set has the union of its components' permissions, and a user assigned the group has them", async () => {
    const o = t.org.org;
    const jane = jsforce(t.org, '64.0', t.org.tokenFor('jane@acme.example'));
    await assert.rejects(
      async () => jane.query('SELECT Id FROM PermissionSet'),
      (e: any) => e.errorCode === 'INVALID_TYPE',
    );
    const reader = o.create(
      'PermissionSet',
      { Name: 'Setup_Reader', Label: 'Setup Reader', PermissionsViewSetup: true, PermissionsViewRoles: true },
      admin(),
      64,
    );
    const group = o.find('PermissionSetGroup', g => g.DeveloperName === 'Sales_Ops')!;
    o.raw('PermissionSetGroupComponent', { PermissionSetGroupId: group.Id, PermissionSetId: reader.Id });
    const own = await jsforce(t.org).query<any>(
      `SELECT PermissionsRunReports, PermissionsViewSetup, PermissionsModifyAllData FROM PermissionSet WHERE PermissionSetGroupId = '${group.Id}'`,
    );
    assert.deepEqual(
      own.records.map(r => [r.PermissionsRunReports, r.PermissionsViewSetup, r.PermissionsModifyAllData]),
      [[true, true, false]],
    );
    assert.ok((await jane.query('SELECT Id FROM PermissionSet')).totalSize > 0, 'View Setup through the group');
  });
});

describe('test org: who may read what an extractor reads (Object Reference, special access rules)', () => {
  const t = useOrg({ scenario: 'fresh', coverage: false });

  it("without View Setup and Configuration the setup objects are INVALID_TYPE with Salesforce's text; UserRole needs View Roles; User, Group and GroupMember stay readable", async () => {
    const jane = jsforce(t.org, '64.0', t.org.tokenFor('jane@acme.example'));
    for (const object of [
      'PermissionSet',
      'PermissionSetAssignment',
      'PermissionSetGroup',
      'Profile',
      'UserLicense',
      'UserRole',
    ]) {
      for (const soql of [`SELECT Id FROM ${object}`, `SELECT COUNT() FROM ${object}`])
        await assert.rejects(
          async () => jane.query(soql),
          (e: any) => e.errorCode === 'INVALID_TYPE' && e.message === unsupported(soql, object),
          soql,
        );
    }
    for (const object of ['User', 'Group', 'GroupMember'])
      assert.ok((await jane.query(`SELECT COUNT() FROM ${object}`)).totalSize > 0, object);
    const o = t.org.org;
    const admin = o.find('User', u => u.Alias === 'aadmin')!.Id;
    const roles = o.create(
      'PermissionSet',
      { Name: 'Roles_Only', Label: 'Roles only', PermissionsViewRoles: true },
      admin,
      64,
    );
    o.create(
      'PermissionSetAssignment',
      { AssigneeId: o.find('User', u => u.Alias === 'jdoe')!.Id, PermissionSetId: roles.Id },
      admin,
      64,
    );
    assert.ok((await jane.query('SELECT COUNT() FROM UserRole')).totalSize > 0, 'View Roles shows the roles');
    await assert.rejects(
      async () => jane.query('SELECT Id FROM Profile'),
      (e: any) => e.errorCode === 'INVALID_TYPE',
    );
  });
});

describe('test org: profileAssignments (every user has an assignment of their profile’s permission set, KB 000387815)', () => {
  const t = useOrg({ scenario: 'fresh', users: 40, profileAssignments: true });

  it("gives each user one assignment of the profile's set, which the exporter's filter leaves out and which follows a change of profile", async () => {
    const conn = jsforce(t.org);
    const users = await conn.query<any>('SELECT Id, ProfileId FROM User');
    const owned = await conn.query<any>(
      'SELECT AssigneeId, PermissionSet.ProfileId FROM PermissionSetAssignment WHERE PermissionSet.IsOwnedByProfile = true',
    );
    assert.equal(owned.totalSize, users.totalSize);
    const profileOf = new Map(users.records.map(u => [u.Id, u.ProfileId]));
    for (const a of owned.records) assert.equal(a.PermissionSet.ProfileId, profileOf.get(a.AssigneeId));
    const all = (await conn.query('SELECT COUNT() FROM PermissionSetAssignment')).totalSize;
    const exported = (
      await conn.query('SELECT COUNT() FROM PermissionSetAssignment WHERE PermissionSet.IsOwnedByProfile = false')
    ).totalSize;
    assert.equal(all - exported, users.totalSize);
    const created: any = await conn.sobject('User').create({
      Username: 'new.hire@acme.example',
      Email: 'new.hire@acme.example',
      LastName: 'Hire',
      Alias: 'nhire',
      ProfileId: users.records[0].ProfileId,
      TimeZoneSidKey: 'GMT',
      LocaleSidKey: 'en_US',
      EmailEncodingKey: 'UTF-8',
      LanguageLocaleKey: 'en_US',
    });
    const readOnly = (await conn.query<any>("SELECT Id FROM Profile WHERE Name = 'Read Only'")).records[0].Id;
    await conn.sobject('User').update({ Id: created.id, ProfileId: readOnly });
    const mine = await conn.query<any>(
      `SELECT Id, PermissionSet.ProfileId FROM PermissionSetAssignment WHERE AssigneeId = '${created.id}' AND PermissionSet.IsOwnedByProfile = true`,
    );
    assert.deepEqual(
      mine.records.map(r => r.PermissionSet.ProfileId),
      [readOnly],
    );
    const del = await raw(t.org, 'DELETE', `${v}/sobjects/PermissionSetAssignment/${mine.records[0].Id}`);
    assert.equal(del.status, 400);
    assert.match(del.body[0].message, /associated with a profile/);
  });
});
