// `users`: extra internal users with a realistic spread (seedLarge.ts), deterministic, every reference resolvable;
// `externalUsers`: portal, community and guest users with their licences, profiles and portal roles.
import assert from 'node:assert/strict';
import { seed } from '../src/scenarios';
import { SEED_EPOCH } from '../src/seedLarge';
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

  it('adds n users, about 15% of them deactivated, each with a profile on a licence whose TotalLicenses hold its active users', () => {
    assert.equal(users.length, n);
    assert.equal(org.table('User').size, n + 6, 'the scenario’s six users stay (three from coverage.ts)');
    const inactive = users.filter(u => u.IsActive === false).length / n;
    assert.ok(inactive > 0.12 && inactive < 0.18, `${inactive} deactivated`);
    assert.ok(users.every(u => typeof u.IsActive === 'boolean'));
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
    const index = new Map(extra.publicGroups.map((g, i) => [key(g.Id), i]));
    const nested = values(org, 'GroupMember').filter(m => index.has(key(m.UserOrGroupId)));
    assert.ok(nested.length >= 5, `${nested.length} groups in groups`);
    for (const m of nested)
      if (index.has(key(m.GroupId)))
        assert.ok(index.get(key(m.UserOrGroupId))! > index.get(key(m.GroupId))!, 'no cycles');
    // Role groups (Role, RoleAndSubordinates) inside public groups, and queues holding users, groups and role groups.
    const groups = byKey('Group');
    const roleMembers = values(org, 'GroupMember').filter(
      m => index.has(key(m.GroupId)) && /^Role/.test(groups.get(key(m.UserOrGroupId))?.Type ?? ''),
    );
    assert.equal(roleMembers.length, 10, 'every other public group holds a role group');
    assert.equal(extra.queues.length, 6);
    for (const q of extra.queues) {
      assert.equal(q.Type, 'Queue');
      const members = values(org, 'GroupMember').filter(m => key(m.GroupId) === key(q.Id));
      const types = members.map(m =>
        m.UserOrGroupId.startsWith('005') ? 'User' : groups.get(key(m.UserOrGroupId))!.Type,
      );
      assert.ok(
        types.includes('Regular') && types.some(t => t.startsWith('Role')) && types.includes('User'),
        types.join(),
      );
      assert.equal(values(org, 'QueueSobject').filter(x => key(x.QueueId) === key(q.Id)).length, 1);
    }
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
    assert.equal(usernames.size, n + 6, 'usernames are unique');
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
      const us = values(o, 'User')
        .filter(u => u.Username.includes('@acme-corp.example'))
        .slice(0, count);
      const ids = new Set(us.map(u => key(u.Id)));
      return JSON.stringify({
        us,
        roles: values(o, 'UserRole'),
        groups: values(o, 'Group').map(g => [g.Id, g.Type, g.RelatedId]),
        logins: values(o, 'UserLogin').filter(l => ids.has(key(l.UserId))),
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
    assert.throws(() => seed('fresh', { externalUsers: 1.5 }), /whole number/);
    assert.throws(() => seed('fresh', { users: 10, inactiveShare: 2 }), /between 0 and 1/);
  });

  it('freezes about 1% and password-locks about 0.5% of the users (UserLogin), and gives 5% of the assignments an ExpirationDate, a fifth of them past', () => {
    const ids = new Set(users.map(u => key(u.Id)));
    const logins = values(org, 'UserLogin').filter(l => ids.has(key(l.UserId)));
    assert.equal(logins.length, n, 'one UserLogin per user');
    const frozen = logins.filter(l => l.IsFrozen).length / n;
    const locked = logins.filter(l => l.IsPasswordLocked).length / n;
    assert.ok(frozen > 0.004 && frozen < 0.02, `${frozen} frozen`);
    assert.ok(locked > 0.001 && locked < 0.012, `${locked} locked`);
    const psas = values(org, 'PermissionSetAssignment').filter(
      a => ids.has(key(a.AssigneeId)) && !byKey('PermissionSet').get(key(a.PermissionSetId))?.IsOwnedByProfile,
    );
    const expiring = psas.filter(a => a.ExpirationDate);
    const share = expiring.length / psas.length;
    assert.ok(share > 0.035 && share < 0.065, `${share} expire`);
    const past = expiring.filter(a => Date.parse(a.ExpirationDate) < SEED_EPOCH).length / expiring.length;
    assert.ok(past > 0.1 && past < 0.3, `${past} already expired`);
  });
});

describe('test org: seeding external users (--external-users)', () => {
  const m = 4000;
  let s: ReturnType<typeof seed>;
  before(() => {
    s = seed('fresh', { users: 500, externalUsers: m });
  });

  it('adds m portal and community users on their licences (CspLitePortal, PowerCustomerSuccess, PowerPartner) and one guest per site, most of the org', () => {
    const ext = s.external!;
    assert.equal(ext.users.length, m);
    assert.equal(ext.guests.length, 3);
    assert.ok(ext.guests.every(g => g.UserType === 'Guest' && g.IsActive));
    const byType = new Map<string, number>();
    for (const u of ext.users) byType.set(u.UserType, (byType.get(u.UserType) ?? 0) + 1);
    assert.ok(byType.get('CspLitePortal')! > m * 0.65, 'customer community users are the most');
    assert.ok(byType.get('PowerPartner')! > m * 0.1 && byType.get('PowerCustomerSuccess')! > m * 0.05);
    assert.ok(values(s.org, 'User').filter(u => u.UserType !== 'Standard').length > values(s.org, 'User').length / 2);
    const profiles = new Map(values(s.org, 'Profile').map(p => [key(p.Id), p]));
    const licences = new Map(values(s.org, 'UserLicense').map(l => [key(l.Id), l]));
    for (const u of [...ext.users, ...ext.guests]) {
      const p = profiles.get(key(u.ProfileId))!;
      assert.equal(p.UserType, u.UserType, 'the profile says the user type');
      assert.ok(licences.get(key(p.UserLicenseId)), 'on a licence');
    }
    for (const l of s.org.all('UserLicense'))
      assert.ok(l.UsedLicenses <= l.TotalLicenses, `${l.Name}: ${l.UsedLicenses} of ${l.TotalLicenses}`);
    const keys = s.org.all('UserLicense').map(l => l.LicenseDefinitionKey);
    for (const k of [
      'PID_Customer_Community',
      'PID_Customer_Community_Login',
      'PID_Partner_Community',
      'PID_Guest_User',
    ])
      assert.ok(keys.includes(k), k);
    const inactive = ext.users.filter(u => !u.IsActive).length / m;
    assert.ok(inactive > 0.15 && inactive < 0.25, `${inactive} deactivated`);
  });

  it('puts Customer Community Plus and partner users in portal roles (PortalType) with all three role groups, Digital Experiences being on', () => {
    const ext = s.external!;
    assert.equal(s.org.options.digitalExperiences, true);
    assert.ok(ext.portalRoles.length >= 20);
    const roles = new Map(values(s.org, 'UserRole').map(r => [key(r.Id), r]));
    for (const u of ext.users) {
      if (u.UserType === 'PowerPartner' || u.UserType === 'PowerCustomerSuccess') {
        const r = roles.get(key(u.UserRoleId))!;
        assert.equal(r.PortalType, u.UserType === 'PowerPartner' ? 'Partner' : 'CustomerPortal');
      } else assert.equal(u.UserRoleId, null, `${u.UserType} users have no role`);
    }
    for (const r of roles.values()) {
      const types = values(s.org, 'Group')
        .filter(g => key(g.RelatedId ?? '') === key(r.Id))
        .map(g => g.Type)
        .sort();
      assert.deepEqual(types, ['Role', 'RoleAndSubordinates', 'RoleAndSubordinatesInternal'], r.Name);
    }
  });

  it('leaves the internal users as they are without external users (their own generator)', () => {
    const plain = seed('fresh', { users: 500 }).org;
    // (Ids differ: with Digital Experiences every role has one group more.)
    const names = (o: Org) => {
      const profiles = new Map(values(o, 'Profile').map(p => [key(p.Id), p.Name]));
      const roles = new Map(values(o, 'UserRole').map(r => [key(r.Id), r.Name]));
      return values(o, 'User')
        .filter(u => u.Username.includes('@acme-corp.example'))
        .map(u => [u.Username, u.IsActive, profiles.get(key(u.ProfileId)), roles.get(key(u.UserRoleId ?? ''))]);
    };
    assert.deepEqual(names(s.org), names(plain));
  });
});
