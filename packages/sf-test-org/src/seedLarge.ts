// `--users <n>`: n extra active users with a realistic spread, for extractor and scale tests. Deterministic: a
// seeded generator and a clock frozen at SEED_EPOCH, so the same n gives the same records, Ids included (and the
// first k users are the same for every n >= k). Around them: standard profiles on licences raised to hold them, a
// role hierarchy of 50 roles, 30 more permission sets, 5 more permission set groups, 20 more public groups (some
// nested), and about three assignments per user (permission sets, permission set groups, group memberships).
import type { Org, Rec } from './state';
import { idKey } from './ids';
import { PERMISSIONS } from './schema';
import { STANDARD_ENCODINGS, STANDARD_TIMEZONES } from './sobjects/user';
import { STANDARD_PROFILES, standardProfileKey } from './i18n';
import * as names from './seedNames';

/** The seeded users' languages and locales (kept as they were, so the same n gives the same users). */
const SEED_LOCALES = ['en_US', 'en_GB', 'de_DE', 'fr_FR', 'ja_JP'];
const SEED_LANGUAGES = ['en_US', 'de', 'fr', 'ja'];

/** The seeded records' clock: CreatedDate, LastLoginDate and the like are set relative to it. */
export const SEED_EPOCH = Date.parse('2026-11-01T00:00:00.000Z');
const DAY = 86400000;

/** mulberry32: a small, fast, seedable generator (uniform in [0, 1)). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const perms = (...on: string[]) => Object.fromEntries(PERMISSIONS.map(p => [`Permissions${p}`, on.includes(p)]));
const BASIC = ['ApiEnabled', 'RunReports', 'ActivitiesAccess', 'ChatterInternalUser', 'LightningExperienceUser'];

/** Profiles of the extra users, with their share; missing ones are created on the licence named. */
const PROFILE_SPREAD: Array<[name: string, share: number, license: string, userType: string, perms: string[]]> = [
  ['Standard User', 0.38, 'SFDC', 'Standard', BASIC],
  ['Standard Platform User', 0.18, 'AUL', 'Standard', BASIC],
  ['Marketing User', 0.08, 'SFDC', 'Standard', BASIC],
  ['Contract Manager', 0.05, 'SFDC', 'Standard', BASIC],
  ['Solution Manager', 0.04, 'SFDC', 'Standard', BASIC],
  ['Read Only', 0.06, 'SFDC', 'Standard', ['ApiEnabled', 'RunReports']],
  ['Minimum Access - Salesforce', 0.07, 'SFDC', 'Standard', []],
  ['Chatter Free User', 0.14, 'CSN_User', 'CsnOnly', ['ChatterInternalUser']],
];

/** How many assignments a user gets (0..6), weighted to a mean of 3.0. */
const ASSIGNMENT_WEIGHTS = [7, 13, 20, 22, 18, 11, 9];

export interface SeededUsers {
  users: Rec[];
  roles: Rec[];
  permissionSets: Rec[];
  groups: Rec[];
  publicGroups: Rec[];
}

export function seedUsers(org: Org, n: number, suffix = ''): SeededUsers {
  const rand = prng(0x5eed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const at = (t: number) => org.iso(t);
  org.frozenAt = SEED_EPOCH;
  try {
    const byKey = (object: string, field: string) => {
      const m = new Map<string, Rec>();
      for (const r of org.table(object).values()) m.set(String(r[field]), r);
      return m;
    };
    // Profiles and licences.
    const licenses = byKey('UserLicense', 'LicenseDefinitionKey');
    // Standard profiles by their Metadata API name, whatever the org's language.
    const profiles = new Map<string, Rec>();
    for (const p of org.table('Profile').values()) {
      const key = org.standardProfiles.get(idKey(p.Id));
      if (key) profiles.set(key, p);
    }
    const spread = PROFILE_SPREAD.map(([name, share, key, userType, on]) => {
      const license = licenses.get(key)!;
      const apiName = standardProfileKey(name)!;
      let profile = profiles.get(apiName);
      if (!profile) {
        profile = org.raw('Profile', {
          Name: STANDARD_PROFILES[apiName][org.options.language],
          UserLicenseId: license.Id,
          UserType: userType,
          ...perms(...on),
        });
        org.standardProfiles.set(idKey(profile.Id), apiName);
      }
      return { profile, share, license, userType, count: 0 };
    });

    // Roles: the CEO's direct reports, a VP per department with a director per region, and a manager under each.
    const ceo = [...org.table('UserRole').values()].find(r => !r.ParentRoleId)!;
    const roles: Rec[] = [];
    const role = (name: string, parent: Rec) => {
      const r = org.raw('UserRole', { Name: name, DeveloperName: names.apiName(name), ParentRoleId: parent.Id });
      roles.push(r);
      return r;
    };
    role('Chief of Staff', ceo);
    for (const dept of names.DEPARTMENTS) {
      const vp = [...org.table('UserRole').values()].find(r => r.Name === `VP ${dept}`) ?? role(`VP ${dept}`, ceo);
      for (const region of names.REGIONS) role(`Manager – ${dept} ${region}`, role(`Director, ${dept} ${region}`, vp));
    }
    const assignableRoles = [...org.table('UserRole').values()].filter(r => r.ParentRoleId);

    // Permission sets, groups of them, public groups.
    const permissionSets = names.PERMISSION_SETS.map(([Name, Label, on, ns]) => {
      const ps = org.raw('PermissionSet', {
        Name,
        Label,
        IsOwnedByProfile: false,
        IsCustom: true,
        Type: 'Regular',
        NamespacePrefix: ns ?? null,
        ...perms(...on),
      });
      org.syncPermissionSetMeta(ps);
      return ps;
    });
    const psByName = new Map(permissionSets.map(ps => [ps.Name, ps]));
    const groups = names.PERMISSION_SET_GROUPS.map(([DeveloperName, MasterLabel, components]) => {
      const g = org.raw('PermissionSetGroup', { DeveloperName, MasterLabel, Status: 'Updated' });
      for (const c of components)
        org.raw('PermissionSetGroupComponent', { PermissionSetGroupId: g.Id, PermissionSetId: psByName.get(c)!.Id });
      return g;
    });
    const publicGroups = names.PUBLIC_GROUPS.map(Name =>
      org.raw('Group', { Name, DeveloperName: names.apiName(Name), Type: 'Regular' }),
    );
    // Nested groups: a group is a member of an earlier one (no cycles).
    for (let i = 1; i < publicGroups.length; i += 2)
      org.raw('GroupMember', { GroupId: publicGroups[Math.floor(rand() * i)].Id, UserOrGroupId: publicGroups[i].Id });

    // Users.
    const users: Rec[] = [];
    let sum = 0;
    const cumulative = spread.map(x => (sum += x.share));
    const weightTotal = ASSIGNMENT_WEIGHTS.reduce((a, b) => a + b, 0);
    for (let i = 0; i < n; i++) {
      const [first, last] =
        i < names.FIXED_PEOPLE.length ? names.FIXED_PEOPLE[i] : [pick(names.FIRST_NAMES), pick(names.LAST_NAMES)];
      const r = rand() * cumulative[cumulative.length - 1];
      const s = spread[cumulative.findIndex(c => r < c)] ?? spread[0];
      s.count++;
      const handle = `${fold(first)}.${fold(last)}`
        .replace(/[^a-z0-9.'-]/g, '')
        .replace(/\.+/g, '.')
        .replace(/^\.|\.$/g, '');
      const seq = i + 1;
      const created = SEED_EPOCH - (90 + Math.floor(rand() * 1400)) * DAY - Math.floor(rand() * DAY);
      const user = org.raw('User', {
        Username: `${handle}.${seq}@acme-corp.example${suffix}`,
        Email: rand() < 0.1 ? `${handle}+sfdc@acme-corp.example` : `${handle}@acme-corp.example`,
        FirstName: first,
        LastName: last,
        Alias: `${fold(first).slice(0, 1)}${fold(last)
          .replace(/[^a-z]/g, '')
          .slice(0, 4)}${seq % 1000}`.slice(0, 8),
        CommunityNickname: `${fold(first).replace(/[^a-z]/g, '')}${seq}`,
        ProfileId: s.profile.Id,
        UserRoleId: rand() < 0.8 ? pick(assignableRoles).Id : null,
        IsActive: true,
        TimeZoneSidKey: pick(STANDARD_TIMEZONES),
        LocaleSidKey: pick(SEED_LOCALES),
        EmailEncodingKey: STANDARD_ENCODINGS[0],
        LanguageLocaleKey: pick(SEED_LANGUAGES),
        UserType: s.userType,
        LastLoginDate: rand() < 0.9 ? at(SEED_EPOCH - Math.floor(rand() * 90 * DAY)) : null,
        CreatedDate: at(created),
        LastModifiedDate: at(created + Math.floor(rand() * 60) * DAY),
      });
      users.push(user);

      // About three assignments; Chatter Free users join groups only (their licence has no permission sets).
      let k = 0;
      for (let w = rand() * weightTotal; w >= ASSIGNMENT_WEIGHTS[k]; k++) w -= ASSIGNMENT_WEIGHTS[k];
      const taken = new Set<string>();
      for (let attempts = 0; taken.size < k && attempts < k * 4; attempts++) {
        const kind = s.userType === 'CsnOnly' ? 1 : rand();
        const target = kind < 0.55 ? pick(permissionSets) : kind < 0.7 ? pick(groups) : pick(publicGroups);
        const key = idKey(target.Id);
        if (taken.has(key)) continue;
        taken.add(key);
        const since = at(created + Math.floor(rand() * 80) * DAY);
        if (kind < 0.55)
          org.raw('PermissionSetAssignment', {
            AssigneeId: user.Id,
            PermissionSetId: target.Id,
            CreatedDate: since,
            LastModifiedDate: since,
          });
        else if (kind < 0.7)
          org.raw('PermissionSetAssignment', {
            AssigneeId: user.Id,
            PermissionSetGroupId: target.Id,
            CreatedDate: since,
            LastModifiedDate: since,
          });
        else org.raw('GroupMember', { GroupId: target.Id, UserOrGroupId: user.Id });
      }
    }

    // Room on each licence for the users put on it (headroom as before: a full licence stays full).
    const extra = new Map<string, number>();
    for (const s of spread) extra.set(s.license.Id, (extra.get(s.license.Id) ?? 0) + s.count);
    for (const [id, count] of extra) {
      const table = org.table('UserLicense');
      const lic = table.get(idKey(id))!;
      table.set(idKey(id), { ...lic, TotalLicenses: lic.TotalLicenses + count });
    }
    return { users, roles, permissionSets, groups, publicGroups };
  } finally {
    org.frozenAt = undefined;
  }
}

/** A name as it appears in a username: ASCII, lower case, no spaces. */
const fold = (s: string) => names.ascii(s).toLowerCase().replace(/\s+/g, '');
