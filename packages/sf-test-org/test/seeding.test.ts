// `users`: extra active users with a realistic spread (seedLarge.ts), deterministic, every reference resolvable.
import assert from 'node:assert/strict';
import { seed } from '../src/scenarios';
import type { Org, Rec } from '../src/state';

const values = (org: Org, object: string): Rec[] => [...org.table(object).values()];
const key = (id: unknown) => String(id).slice(0, 15);

describe('test org: seeding extra users (--users)', () => {
  const n = 3000;
  let org: Org, extra: NonNullable<ReturnType<typeof seed>['extra']>, users: Rec[];
  before(() => {
    const s = seed('fresh', { users: n });
    [org, extra, users] = [s.org, s.extra!, s.extra!.users];
  });
  const byKey = (object: string) => new Map(values(org, object).map(r => [key(r.Id), r]));

  it('adds n active users, each with a profile on a licence whose TotalLicenses hold its active users', () => {
    assert.equal(users.length, n);
    assert.equal(org.table('User').size, n + 3, 'the scenario’s three users stay');
    assert.ok(users.every(u => u.IsActive === true));
    const profiles = byKey('Profile');
    const used = new Map<string, number>();
    for (const u of users) {
      const p = profiles.get(key(u.ProfileId));
      assert.ok(p, `profile of ${u.Username}`);
      assert.equal(u.UserType, p.UserType);
    }
    const spread = new Map<string, number>();
    for (const u of users) {
      const name = profiles.get(key(u.ProfileId))!.Name;
      spread.set(name, (spread.get(name) ?? 0) + 1);
    }
    for (const name of ['Standard User', 'Standard Platform User', 'Read Only', 'Marketing User', 'Chatter Free User'])
      assert.ok(spread.has(name), `users on ${name}`);
    assert.ok(spread.size >= 7, `${spread.size} profiles in use`);
    for (const lic of org.all('UserLicense')) {
      used.set(lic.LicenseDefinitionKey, lic.UsedLicenses);
      assert.ok(lic.UsedLicenses <= lic.TotalLicenses, `${lic.Name}: ${lic.UsedLicenses} of ${lic.TotalLicenses}`);
    }
    assert.ok(used.get('SFDC')! > n / 2 && used.get('AUL')! > n / 10 && used.get('CSN_User')! > n / 20);
  });

  it('builds a role hierarchy of about 50 roles with one root and gives about 80% of the users a role', () => {
    const roles = byKey('UserRole');
    assert.ok(roles.size >= 45 && roles.size <= 55, `${roles.size} roles`);
    assert.equal([...roles.values()].filter(r => !r.ParentRoleId).length, 1, 'one root (CEO)');
    for (const r of roles.values()) {
      const seen = new Set<string>();
      for (let cur: Rec | undefined = r; cur; cur = cur.ParentRoleId ? roles.get(key(cur.ParentRoleId)) : undefined) {
        assert.ok(!seen.has(key(cur.Id)), `no cycle through ${r.Name}`);
        seen.add(key(cur.Id));
        if (cur.ParentRoleId) assert.ok(roles.has(key(cur.ParentRoleId)), `parent of ${cur.Name} exists`);
      }
    }
    const withRole = users.filter(u => u.UserRoleId).length / n;
    assert.ok(withRole > 0.75 && withRole < 0.85, `${withRole} with a role`);
    assert.ok(users.every(u => !u.UserRoleId || roles.has(key(u.UserRoleId))));
  });

  it('adds 30 regular permission sets, 5 permission set groups with components and 20 public groups, some nested', () => {
    assert.equal(extra.permissionSets.length, 30);
    assert.ok(
      extra.permissionSets.every(ps => ps.Type === 'Regular' && !ps.IsOwnedByProfile && !ps.PermissionSetGroupId),
    );
    assert.equal(extra.groups.length, 5);
    for (const g of extra.groups) {
      assert.ok(org.refs('PermissionSetGroupComponent', 'PermissionSetGroupId', g.Id).length >= 2, g.DeveloperName);
      assert.equal(org.refs('PermissionSet', 'PermissionSetGroupId', g.Id).length, 1, `${g.DeveloperName}'s own set`);
    }
    assert.equal(extra.publicGroups.length, 20);
    assert.ok(extra.publicGroups.every(g => g.Type === 'Regular'));
    const nested = values(org, 'GroupMember').filter(m => m.UserOrGroupId.startsWith('00G'));
    assert.ok(nested.length >= 5, `${nested.length} groups in groups`);
    const index = new Map(extra.publicGroups.map((g, i) => [key(g.Id), i]));
    for (const m of nested) assert.ok(index.get(key(m.UserOrGroupId))! > index.get(key(m.GroupId))!, 'no cycles');
  });

  it('makes about three assignments per user (permission sets, groups of them, public groups), all resolvable and none twice', () => {
    const userKeys = new Set(users.map(u => key(u.Id)));
    const sets = byKey('PermissionSet');
    const psgs = byKey('PermissionSetGroup');
    const groups = byKey('Group');
    // (Not the assignment of each user's profile's own set, which Salesforce makes with every user.)
    const psas = values(org, 'PermissionSetAssignment').filter(
      a => userKeys.has(key(a.AssigneeId)) && !sets.get(key(a.PermissionSetId))?.IsOwnedByProfile,
    );
    const members = values(org, 'GroupMember').filter(m => userKeys.has(key(m.UserOrGroupId)));
    const perUser = (psas.length + members.length) / n;
    assert.ok(perUser > 2.8 && perUser < 3.2, `${perUser} assignments per user`);
    const toGroups = psas.filter(a => a.PermissionSetGroupId);
    assert.ok(toGroups.length > n * 0.3 && psas.length - toGroups.length > n * 1.2 && members.length > n * 0.7);
    const seen = new Set<string>();
    for (const a of psas) {
      const ps = sets.get(key(a.PermissionSetId));
      assert.ok(ps, 'the permission set exists');
      if (a.PermissionSetGroupId) {
        assert.ok(psgs.has(key(a.PermissionSetGroupId)));
        assert.equal(key(ps.PermissionSetGroupId), key(a.PermissionSetGroupId), "a group's assignment names its set");
      } else assert.equal(ps.Type, 'Regular');
      const pair = `${key(a.AssigneeId)}/${key(a.PermissionSetGroupId ?? a.PermissionSetId)}`;
      assert.ok(!seen.has(pair), `assigned once: ${pair}`);
      seen.add(pair);
    }
    for (const m of members) {
      assert.ok(groups.has(key(m.GroupId)));
      assert.ok(!seen.has(`${key(m.UserOrGroupId)}/${key(m.GroupId)}`));
      seen.add(`${key(m.UserOrGroupId)}/${key(m.GroupId)}`);
    }
    const chatterFree = new Set(users.filter(u => u.UserType === 'CsnOnly').map(u => key(u.Id)));
    assert.ok(!psas.some(a => chatterFree.has(key(a.AssigneeId))), 'Chatter Free users hold no permission sets');
  });

  it('uses realistic names with commas, double quotes, apostrophes and non-ASCII letters, valid unique usernames, and LastLoginDate for most', () => {
    const names = users.map(u => org.view('User', u).Name as string);
    assert.ok(names.includes('Zoë Ångström'));
    assert.ok(names.some(x => x.includes(',')) && names.some(x => x.includes('"')) && names.some(x => x.includes("'")));
    assert.ok(names.filter(x => /[^\x20-\x7e]/.test(x)).length > n / 4, 'non-ASCII names are common');
    const usernames = new Set(values(org, 'User').map(u => u.Username.toLowerCase()));
    assert.equal(usernames.size, n + 3, 'usernames are unique');
    for (const u of users) {
      assert.match(u.Username, /^[^\s@"]+@[^\s@]+\.[^\s@]+$/);
      assert.match(u.Email, /^[^\s@"]+@[^\s@]+\.[^\s@]+$/);
      assert.ok(u.Alias.length >= 1 && u.Alias.length <= 8);
    }
    const logins = users.filter(u => u.LastLoginDate).length / n;
    assert.ok(logins > 0.85 && logins < 0.95, `${logins} have logged in`);
    assert.ok(users.every(u => !u.LastLoginDate || u.LastLoginDate > u.CreatedDate));
  });

  it('is deterministic: the same n gives the same records and Ids, and a smaller n the same first users', () => {
    const snapshot = (o: Org, count: number) => {
      const us = values(o, 'User').slice(3, 3 + count);
      const ids = new Set(us.map(u => key(u.Id)));
      return JSON.stringify({
        us,
        roles: values(o, 'UserRole'),
        sets: values(o, 'PermissionSet').filter(p => p.Type === 'Regular' && p.Name !== 'Report_Builder'),
        psas: values(o, 'PermissionSetAssignment').filter(a => ids.has(key(a.AssigneeId))),
        members: values(o, 'GroupMember').filter(m => ids.has(key(m.UserOrGroupId))),
      });
    };
    const a = seed('fresh', { users: 400 }).org;
    const b = seed('fresh', { users: 400 }).org;
    assert.equal(snapshot(a, 400), snapshot(b, 400));
    assert.equal(snapshot(seed('fresh', { users: 250 }).org, 250), snapshot(a, 250));
  });

  it('keeps the licence headroom of the scenario: no-licenses with users still has no Salesforce Platform seat left', () => {
    const full = seed('no-licenses', { users: 200 }).org.find('UserLicense', l => l.LicenseDefinitionKey === 'AUL')!;
    assert.ok(full.UsedLicenses > 20);
    assert.equal(full.UsedLicenses, full.TotalLicenses);
    assert.throws(() => seed('fresh', { users: -1 }), /whole number/);
  });
});
