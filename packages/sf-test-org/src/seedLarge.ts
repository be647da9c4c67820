// `--users <n>`: n extra internal users with a realistic spread, for extractor and scale tests. Deterministic: a
// seeded generator and a clock frozen at SEED_EPOCH, so the same n gives the same records, Ids included (and the
// first k users are the same for every n >= k). Around them: standard profiles on licences raised to hold them, a
// role hierarchy of 50 roles (each with its role groups), 30 more permission sets, 5 more permission set groups,
// 20 more public groups (some nested, some holding role groups), 6 queues, and about three assignments per user
// (permission sets, permission set groups, public group and queue memberships). Of the users, a share is
// deactivated (inactiveShare, default 15%), 1% frozen, 0.5% password-locked; 5% of permission set assignments
// carry an ExpirationDate (one in five of them already past).
// `--external-users <m>` (seedExternalUsers): m portal, community and guest users (Customer Community, Customer
// Community Plus, Partner Community, one guest per site), with their licences, profiles and portal roles; they can
// be most of an org's users. They use their own generator, so the internal users stay the same.
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

/** Shares of the mix; each is drawn per user from the same generator, in order. */
export interface SeedMix {
  /** Internal users seeded deactivated (IsActive false): Salesforce never deletes users. Default 0.15. */
  inactiveShare?: number;
}
const FROZEN_SHARE = 0.01;
const LOCKED_SHARE = 0.005;
const EXPIRING_SHARE = 0.05;

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
  queues: Rec[];
}

export function seedUsers(org: Org, n: number, suffix = '', mix: SeedMix = {}): SeededUsers {
  const inactiveShare = mix.inactiveShare ?? 0.15;
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
    // Role groups (a role, or a role and its subordinates) as members of every other public group.
    const roleGroupsOf = (r: Rec) => org.table('Group').refs('RelatedId', r.Id);
    for (let i = 0; i < publicGroups.length; i += 2) {
      const candidates = roleGroupsOf(pick(roles));
      org.raw('GroupMember', { GroupId: publicGroups[i].Id, UserOrGroupId: pick(candidates).Id });
    }
    // Queues: a public group and a role group each, and users (below).
    const queues = names.QUEUES.map(([Name, SobjectType]) => {
      const q = org.raw('Group', { Name, DeveloperName: names.apiName(Name), Type: 'Queue' });
      org.raw('QueueSobject', { QueueId: q.Id, SobjectType });
      org.raw('GroupMember', { GroupId: q.Id, UserOrGroupId: pick(publicGroups).Id });
      org.raw('GroupMember', { GroupId: q.Id, UserOrGroupId: pick(roleGroupsOf(pick(roles))).Id });
      return q;
    });

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
      const handle = `${fold(first)}.${fold(last)}`
        .replace(/[^a-z0-9.'-]/g, '')
        .replace(/\.+/g, '.')
        .replace(/^\.|\.$/g, '');
      const seq = i + 1;
      const created = SEED_EPOCH - (90 + Math.floor(rand() * 1400)) * DAY - Math.floor(rand() * DAY);
      const active = rand() >= inactiveShare;
      if (active) s.count++;
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
        IsActive: active,
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
      // Frozen and password-locked users: their UserLogin (made with the user) says so.
      const lock = rand();
      if (lock < FROZEN_SHARE + LOCKED_SHARE) {
        const logins = org.table('UserLogin');
        const login = logins.last!;
        logins.set(login.Id, { ...login, ...(lock < FROZEN_SHARE ? { IsFrozen: true } : { IsPasswordLocked: true }) });
      }

      // About three assignments; Chatter Free users join groups only (their licence has no permission sets).
      let k = 0;
      for (let w = rand() * weightTotal; w >= ASSIGNMENT_WEIGHTS[k]; k++) w -= ASSIGNMENT_WEIGHTS[k];
      const taken = new Set<string>();
      for (let attempts = 0; taken.size < k && attempts < k * 4; attempts++) {
        const kind = s.userType === 'CsnOnly' ? 1 : rand();
        const target =
          kind < 0.55
            ? pick(permissionSets)
            : kind < 0.7
              ? pick(groups)
              : rand() < 0.2
                ? pick(queues)
                : pick(publicGroups);
        const key = idKey(target.Id);
        if (taken.has(key)) continue;
        taken.add(key);
        const since = at(created + Math.floor(rand() * 80) * DAY);
        // Some assignments expire: most in the next year or two, one in five a year or two ago.
        const expiry = kind < 0.7 ? rand() : 1;
        const ExpirationDate =
          expiry < EXPIRING_SHARE
            ? at(SEED_EPOCH + (expiry < EXPIRING_SHARE / 5 ? -1 : 1) * (400 + Math.floor(rand() * 400)) * DAY)
            : null;
        if (kind < 0.55)
          org.raw('PermissionSetAssignment', {
            AssigneeId: user.Id,
            PermissionSetId: target.Id,
            ExpirationDate,
            CreatedDate: since,
            LastModifiedDate: since,
          });
        else if (kind < 0.7)
          org.raw('PermissionSetAssignment', {
            AssigneeId: user.Id,
            PermissionSetGroupId: target.Id,
            ExpirationDate,
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
    return { users, roles, permissionSets, groups, publicGroups, queues };
  } finally {
    org.frozenAt = undefined;
  }
}

/** A name as it appears in a username: ASCII, lower case, no spaces. */
const fold = (s: string) => names.ascii(s).toLowerCase().replace(/\s+/g, '');

/**
 * External users' licences, by LicenseDefinitionKey, with their user type and share. Keys and user types: Object
 * Reference, UserLicense (LicenseDefinitionKey: PID_Customer_Community, PID_Customer_Community_Login,
 * PID_Partner_Community) and User (UserType: CspLitePortal, PowerCustomerSuccess, PowerPartner, Guest); the keys of
 * Customer Community Plus and the guest licence are [I].
 */
const EXTERNAL_SPREAD: Array<
  [license: string, key: string, profile: string, userType: string, share: number, portalType?: string]
> = [
  ['Customer Community', 'PID_Customer_Community', 'Customer Community User', 'CspLitePortal', 0.5],
  ['Customer Community Login', 'PID_Customer_Community_Login', 'Customer Community Login User', 'CspLitePortal', 0.25],
  [
    'Customer Community Plus',
    'PID_Customer_Community_Plus',
    'Customer Community Plus User',
    'PowerCustomerSuccess',
    0.1,
    'CustomerPortal',
  ],
  ['Partner Community', 'PID_Partner_Community', 'Partner Community User', 'PowerPartner', 0.15, 'Partner'],
];
const EXTERNAL_INACTIVE_SHARE = 0.2;

export interface SeededExternalUsers {
  users: Rec[];
  guests: Rec[];
  portalRoles: Rec[];
}

/**
 * m external users (portal, community; with one guest user per site besides), deterministic like seedUsers and
 * independent of it. Needs Digital Experiences (the seed turns it on): their portal roles get all three role groups.
 */
export function seedExternalUsers(org: Org, m: number, suffix = ''): SeededExternalUsers {
  const rand = prng(0xe77e);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const at = (t: number) => org.iso(t);
  org.frozenAt = SEED_EPOCH;
  try {
    const license = (name: string, key: string) =>
      org.find('UserLicense', l => l.LicenseDefinitionKey === key) ??
      org.raw('UserLicense', {
        Name: name,
        MasterLabel: name,
        LicenseDefinitionKey: key,
        Status: 'Active',
        TotalLicenses: 0,
      });
    const spread = EXTERNAL_SPREAD.map(([name, key, profileName, userType, share, portalType]) => {
      const lic = license(name, key);
      const profile =
        org.find('Profile', p => p.Name === profileName) ??
        org.raw('Profile', { Name: profileName, UserLicenseId: lic.Id, UserType: userType, ...perms('ApiEnabled') });
      return { lic, profile, userType, share, portalType, count: 0 };
    });
    // Portal roles: each account with Customer Community Plus or partner users has a role for them, under the role of
    // the internal user who owns the account.
    const owners = [...org.table('UserRole').values()].filter(r => r.PortalType === 'None' && r.ParentRoleId);
    const portalRoles: Rec[] = [];
    const rolesOf = new Map<string, Rec[]>();
    for (const s of spread.filter(x => x.portalType)) {
      const list: Rec[] = [];
      for (const account of names.PORTAL_ACCOUNTS) {
        const label = `${account} ${s.portalType === 'Partner' ? 'Partner User' : 'Customer User'}`;
        const r = org.raw('UserRole', {
          Name: label,
          DeveloperName: names.apiName(label),
          ParentRoleId: pick(owners).Id,
          PortalType: s.portalType,
        });
        list.push(r);
        portalRoles.push(r);
      }
      rolesOf.set(s.userType, list);
    }
    // A permission set for portal users and a public group for partners.
    const access =
      org.find('PermissionSet', p => p.Name === 'Community_Access') ??
      org.raw('PermissionSet', {
        Name: 'Community_Access',
        Label: 'Community Access',
        IsOwnedByProfile: false,
        IsCustom: true,
        Type: 'Regular',
        ...perms('ApiEnabled'),
      });
    org.syncPermissionSetMeta(access);
    const partners =
      org.find('Group', g => g.DeveloperName === 'Partner_Portal_Users') ??
      org.raw('Group', { Name: 'Partner Portal Users', DeveloperName: 'Partner_Portal_Users', Type: 'Regular' });

    // One guest user per site, each on its own profile of the guest licence.
    const guestLicense = license('Guest User License', 'PID_Guest_User');
    const guests = names.SITES.map(site => {
      const profile =
        org.find('Profile', p => p.Name === `${site} Profile`) ??
        org.raw('Profile', { Name: `${site} Profile`, UserLicenseId: guestLicense.Id, UserType: 'Guest', ...perms() });
      const handle = names.apiName(site).toLowerCase();
      const guest = org.raw('User', {
        Username: `${handle}@acme-corp.my.site.com${suffix}`,
        Email: `noreply@acme-corp.example`,
        FirstName: null,
        LastName: `${site} Site Guest User`,
        Alias: handle.replace(/_/g, '').slice(0, 8),
        CommunityNickname: `${handle}_guest`,
        ProfileId: profile.Id,
        IsActive: true,
        TimeZoneSidKey: 'GMT',
        LocaleSidKey: 'en_US',
        EmailEncodingKey: STANDARD_ENCODINGS[0],
        LanguageLocaleKey: 'en_US',
        UserType: 'Guest',
        CreatedDate: at(SEED_EPOCH - 700 * DAY),
        LastModifiedDate: at(SEED_EPOCH - 700 * DAY),
      });
      return guest;
    });
    const lics = org.table('UserLicense');
    const guestLic = lics.get(guestLicense.Id)!;
    lics.set(guestLic.Id, { ...guestLic, TotalLicenses: guestLic.TotalLicenses + guests.length });

    let sum = 0;
    const cumulative = spread.map(x => (sum += x.share));
    const users: Rec[] = [];
    for (let i = 0; i < m; i++) {
      const [first, last] = [pick(names.FIRST_NAMES), pick(names.LAST_NAMES)];
      const r = rand() * cumulative[cumulative.length - 1];
      const s = spread[cumulative.findIndex(c => r < c)] ?? spread[0];
      const active = rand() >= EXTERNAL_INACTIVE_SHARE;
      if (active) s.count++;
      const handle = `${fold(first)}.${fold(last)}`.replace(/[^a-z0-9.'-]/g, '').replace(/\.+/g, '.');
      const seq = i + 1;
      const created = SEED_EPOCH - (10 + Math.floor(rand() * 1000)) * DAY - Math.floor(rand() * DAY);
      const portalRoles = rolesOf.get(s.userType);
      const user = org.raw('User', {
        Username: `${handle}.${seq}@customers.acme-corp.example${suffix}`,
        Email: `${handle}.${seq}@mail.example`,
        FirstName: first,
        LastName: last,
        Alias: `x${seq.toString(36)}`.slice(0, 8),
        CommunityNickname: `${fold(first).replace(/[^a-z]/g, '')}.x${seq}`,
        ProfileId: s.profile.Id,
        UserRoleId: portalRoles ? pick(portalRoles).Id : null,
        IsActive: active,
        TimeZoneSidKey: pick(STANDARD_TIMEZONES),
        LocaleSidKey: pick(SEED_LOCALES),
        EmailEncodingKey: STANDARD_ENCODINGS[0],
        LanguageLocaleKey: pick(SEED_LANGUAGES),
        UserType: s.userType,
        LastLoginDate: rand() < 0.6 ? at(SEED_EPOCH - Math.floor(rand() * 180 * DAY)) : null,
        CreatedDate: at(created),
        LastModifiedDate: at(created),
      });
      users.push(user);
      // A third hold the community permission set; partners are in the partners' public group.
      if (rand() < 0.33) org.raw('PermissionSetAssignment', { AssigneeId: user.Id, PermissionSetId: access.Id });
      if (s.userType === 'PowerPartner') org.raw('GroupMember', { GroupId: partners.Id, UserOrGroupId: user.Id });
    }
    for (const s of spread) {
      const table = org.table('UserLicense');
      const lic = table.get(s.lic.Id)!;
      table.set(lic.Id, { ...lic, TotalLicenses: lic.TotalLicenses + s.count });
    }
    return { users, guests, portalRoles };
  } finally {
    org.frozenAt = undefined;
  }
}
