// The queries BalkanID's exporter sends (jsforce conn.query, then conn.queryMore(nextRecordsUrl), pages of 2000),
// against an org with extra users: every row, in Id order, across pages; COUNT() and LIMIT 5 agree.
import assert from 'node:assert/strict';
import type { Connection } from 'jsforce';
import type { Rec } from '../src/state';
import type { TestOrg } from '../src/server';
import { jsforce, useOrg } from './helpers';

const EXPORT: Record<string, { soql: string; rows: (org: TestOrg) => Rec[] }> = {
  UserLicense: {
    soql: 'SELECT Id, Name, MasterLabel, LicenseDefinitionKey, Status, TotalLicenses, UsedLicenses FROM UserLicense ORDER BY Id',
    rows: org => stored(org, 'UserLicense').map(l => ({ ...l, UsedLicenses: activeUsersOn(org, l.Id) })),
  },
  Profile: { soql: 'SELECT Id, Name, UserLicenseId FROM Profile ORDER BY Id', rows: org => stored(org, 'Profile') },
  UserRole: {
    soql: 'SELECT Id, Name, DeveloperName, ParentRoleId FROM UserRole ORDER BY Id',
    rows: org => stored(org, 'UserRole'),
  },
  PermissionSet: {
    soql: 'SELECT Id, Name, Label, Type, IsCustom FROM PermissionSet WHERE IsOwnedByProfile = false AND PermissionSetGroupId = null ORDER BY Id',
    rows: org => stored(org, 'PermissionSet').filter(p => !p.IsOwnedByProfile && !p.PermissionSetGroupId),
  },
  PermissionSetGroup: {
    soql: 'SELECT Id, DeveloperName, MasterLabel, Status FROM PermissionSetGroup ORDER BY Id',
    rows: org => stored(org, 'PermissionSetGroup'),
  },
  Group: {
    soql: "SELECT Id, Name, DeveloperName FROM Group WHERE Type = 'Regular' ORDER BY Id",
    rows: org => stored(org, 'Group').filter(g => g.Type === 'Regular'),
  },
  User: {
    soql: 'SELECT Id, Username, Name, Email, IsActive, UserType, ProfileId, UserRoleId, LastLoginDate, CreatedDate FROM User ORDER BY Id',
    rows: org => stored(org, 'User').map(u => ({ ...u, Name: [u.FirstName, u.LastName].filter(Boolean).join(' ') })),
  },
  PermissionSetAssignment: {
    soql: 'SELECT Id, AssigneeId, PermissionSetId, PermissionSetGroupId FROM PermissionSetAssignment WHERE PermissionSet.IsOwnedByProfile = false ORDER BY Id',
    rows: org => {
      const profileOwned = new Set(
        stored(org, 'PermissionSet')
          .filter(p => p.IsOwnedByProfile)
          .map(p => p.Id),
      );
      return stored(org, 'PermissionSetAssignment').filter(a => !profileOwned.has(a.PermissionSetId));
    },
  },
  GroupMember: {
    soql: "SELECT Id, GroupId, UserOrGroupId FROM GroupMember WHERE Group.Type = 'Regular' ORDER BY Id",
    rows: org => {
      const regular = new Set(
        stored(org, 'Group')
          .filter(g => g.Type === 'Regular')
          .map(g => g.Id),
      );
      return stored(org, 'GroupMember').filter(m => regular.has(m.GroupId));
    },
  },
};

/** Stored records in Id order (Ids are base-62 numbers written 0-9A-Za-z: code-unit order). */
function stored(org: TestOrg, object: string): Rec[] {
  return [...org.org.table(object).values()].sort((a, b) => (a.Id < b.Id ? -1 : a.Id > b.Id ? 1 : 0));
}
function activeUsersOn(org: TestOrg, licenseId: string): number {
  const profiles = new Set(
    stored(org, 'Profile')
      .filter(p => p.UserLicenseId === licenseId)
      .map(p => p.Id),
  );
  return stored(org, 'User').filter(u => u.IsActive && profiles.has(u.ProfileId)).length;
}
const fieldsOf = (soql: string) => /^SELECT (.+?) FROM/.exec(soql)![1].split(', ');
const project = (r: Rec, fields: string[]) => Object.fromEntries(fields.map(f => [f, r[f] ?? null]));

/** As the exporter pages: query, then queryMore(nextRecordsUrl) until done. */
export async function fetchAll(
  conn: Connection,
  soql: string,
): Promise<{ records: any[]; pages: number; totalSize: number }> {
  let page = await conn.query<any>(soql, { autoFetch: false });
  const records = [...page.records];
  let pages = 1;
  while (!page.done) {
    page = await conn.queryMore<any>(page.nextRecordsUrl!);
    records.push(...page.records);
    pages++;
  }
  return { records, pages, totalSize: page.totalSize };
}

describe("test org: the exporter's queries on an org with 5,000 extra users (jsforce, pages of 2000)", function () {
  this.timeout(60000);
  const t = useOrg({ scenario: 'done', users: 5000 });

  for (const [object, q] of Object.entries(EXPORT)) {
    it(`${object}: every row in Id order across pages, the same count from COUNT(), the first five with LIMIT 5`, async () => {
      const conn = jsforce(t.org);
      const fields = fieldsOf(q.soql);
      const expected = q.rows(t.org).map(r => project(r, fields));
      assert.ok(expected.length > 0);
      const got = await fetchAll(conn, q.soql);
      assert.equal(got.totalSize, expected.length);
      assert.equal(got.pages, Math.max(1, Math.ceil(expected.length / 2000)));
      assert.deepEqual(
        got.records.map(r => project(r, fields)),
        expected,
      );
      assert.ok(got.records.every(r => r.attributes.type === object));
      const count = await conn.query(
        q.soql.replace(/^SELECT .+? FROM/, 'SELECT COUNT() FROM').replace(/ ORDER BY Id$/, ''),
      );
      assert.equal(count.totalSize, expected.length);
      const five = await conn.query<any>(`${q.soql} LIMIT 5`);
      assert.deepEqual(
        five.records.map(r => project(r, fields)),
        expected.slice(0, 5),
      );
    });
  }

  it('the large objects really span pages, and COUNT() of active users counts the active ones', async () => {
    const conn = jsforce(t.org);
    for (const object of ['User', 'PermissionSetAssignment', 'GroupMember'])
      assert.ok(EXPORT[object].rows(t.org).length > 4000, object);
    const active = stored(t.org, 'User').filter(u => u.IsActive).length;
    assert.equal((await conn.query('SELECT COUNT() FROM User WHERE IsActive = true')).totalSize, active);
    const someone = stored(t.org, 'User')[3];
    t.org.org.update('User', someone.Id, { IsActive: false }, t.org.org.find('User', u => u.Alias === 'aadmin')!.Id);
    assert.equal((await conn.query('SELECT COUNT() FROM User WHERE IsActive = true')).totalSize, active - 1);
  });
});

describe('test org: WHERE on an Id or an indexed reference (answered by lookup) matches what a scan matches', () => {
  const t = useOrg({ scenario: 'fresh', users: 300, coverage: false });

  it("finds a user's assignments by AssigneeId and a record by Id, 15 or 18 characters, and still applies the rest of the WHERE", async () => {
    const conn = jsforce(t.org);
    const ids = async (soql: string) => (await conn.query<any>(soql)).records.map(r => r.Id);
    for (const user of stored(t.org, 'User').slice(3, 40)) {
      const theirs = stored(t.org, 'PermissionSetAssignment').filter(a => a.AssigneeId === user.Id);
      for (const id of [user.Id, user.Id.slice(0, 15)])
        assert.deepEqual(
          await ids(`SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = '${id}' ORDER BY Id`),
          theirs.map(a => a.Id),
        );
      const groupOnes = theirs.filter(a => a.PermissionSetGroupId).map(a => a.Id);
      assert.deepEqual(
        await ids(
          `SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = '${user.Id}' AND PermissionSetGroupId != null ORDER BY Id`,
        ),
        groupOnes,
      );
      assert.deepEqual(await ids(`SELECT Id FROM User WHERE Id = '${user.Id.slice(0, 15)}'`), [user.Id]);
      assert.deepEqual(await ids(`SELECT Id FROM User WHERE Id = '${user.Id}' AND IsActive = ${!user.IsActive}`), []);
      assert.deepEqual(await ids(`SELECT Id FROM User WHERE Id = '${user.Id}' AND IsActive = ${user.IsActive}`), [
        user.Id,
      ]);
      assert.deepEqual(
        await ids(`SELECT Id FROM User WHERE Id = '${user.Id}' OR Username = 'admin@acme.example' ORDER BY Id`).then(
          x => x.length,
        ),
        2,
      );
    }
  });
});

describe('test org: paging all permission set assignments of 20,000 users', function () {
  this.timeout(120000);
  const t = useOrg({ scenario: 'fresh', users: 20000 });

  it('returns each non-profile assignment exactly once, in Id order, page after page, each pointing at an existing user and set', async () => {
    const q = EXPORT.PermissionSetAssignment;
    const got = await fetchAll(jsforce(t.org), q.soql);
    const expected = q.rows(t.org);
    assert.ok(expected.length > 30000, `${expected.length} assignments`);
    assert.equal(got.records.length, expected.length);
    assert.equal(got.pages, Math.ceil(expected.length / 2000));
    assert.deepEqual(
      got.records.map(r => r.Id),
      expected.map(r => r.Id),
    );
    const users = new Set(stored(t.org, 'User').map(u => u.Id));
    const sets = new Set(stored(t.org, 'PermissionSet').map(p => p.Id));
    for (let i = 0; i < got.records.length; i++) {
      const r = got.records[i];
      if (i) assert.ok(r.Id > got.records[i - 1].Id, 'strictly increasing Ids');
      assert.ok(users.has(r.AssigneeId) && sets.has(r.PermissionSetId), r.Id);
    }
  });
});
