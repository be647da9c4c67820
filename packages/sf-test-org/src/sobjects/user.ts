// User: a globally unique username in email form, restricted picklists, a profile, a licence with room; a
// UserLogin comes with it; users are never deleted, only deactivated.
import { SfError } from '../errors';
import { idKey, sameId } from '../ids';
import { audit, bool, obj, ref, ro, str } from '../schema';
import type { Org, Rec } from '../state';
import { SObject, Values } from './types';

export const STANDARD_TIMEZONES = [
  'America/Los_Angeles',
  'America/New_York',
  'Europe/London',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Asia/Tokyo',
  'GMT',
];
export const STANDARD_LOCALES = ['en_US', 'en_GB', 'de_DE', 'fr_FR', 'ja_JP', 'es_ES'];
export const STANDARD_LANGUAGES = ['en_US', 'de', 'fr', 'ja', 'es'];
export const STANDARD_ENCODINGS = ['UTF-8', 'ISO-8859-1'];

const DUPLICATE_USERNAME_MESSAGE =
  "Duplicate Username.<br>The username already exists in this or another Salesforce organization. Usernames must be unique across all Salesforce organizations. To resolve, use a different username (it doesn't need to match the user's email address). ";

function checkUser(org: Org, v: Values, current?: Rec): void {
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(String(v.Username)))
    throw new SfError(
      'INVALID_NEW_VALUE',
      'Username: The username must be in the form of an email address (for example, john@acme.com).',
      400,
      ['Username'],
    ); // [I]
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(String(v.Email)))
    throw new SfError('INVALID_EMAIL_ADDRESS', `Email: invalid email address: ${v.Email}`, 400, ['Email']);
  const lower = String(v.Username).toLowerCase();
  const others = [...org.table('User').values()].filter(u => !(current && sameId(u.Id, current.Id)));
  if (org.foreignUsernames.has(lower) || others.some(u => String(u.Username).toLowerCase() === lower))
    throw new SfError('DUPLICATE_USERNAME', DUPLICATE_USERNAME_MESSAGE, 400, ['Username']);
  const nickname = String(v.CommunityNickname).toLowerCase();
  if (v.CommunityNickname && others.some(u => String(u.CommunityNickname).toLowerCase() === nickname))
    throw new SfError(
      'DUPLICATE_COMM_NICKNAME',
      'Nickname: This nickname already exists. Enter a unique nickname.',
      400,
      ['CommunityNickname'],
    );
  const picklists: Array<[string, string, string[]]> = [
    ['TimeZoneSidKey', 'Time Zone', STANDARD_TIMEZONES],
    ['LocaleSidKey', 'Locale', STANDARD_LOCALES],
    ['LanguageLocaleKey', 'Language', STANDARD_LANGUAGES],
    ['EmailEncodingKey', 'Email Encoding', STANDARD_ENCODINGS],
  ];
  for (const [f, label, allowed] of picklists)
    if (!allowed.includes(v[f]))
      throw new SfError(
        'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
        `${label}: bad value for restricted picklist field: ${v[f]}`,
        400,
        [f],
      );
  const profile = org.get('Profile', v.ProfileId);
  if (!profile) throw new SfError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', 400, ['ProfileId']);
  if (v.UserRoleId && !org.get('UserRole', v.UserRoleId))
    throw new SfError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', 400, ['UserRoleId']);
  const license = org.get('UserLicense', profile.UserLicenseId)!;
  const counted =
    current &&
    current.IsActive &&
    (() => {
      const p = org.get('Profile', current.ProfileId);
      return p && sameId(p.UserLicenseId, license.Id);
    })();
  if (v.IsActive && !counted && license.UsedLicenses >= license.TotalLicenses)
    throw new SfError('LICENSE_LIMIT_EXCEEDED', 'License Limit Exceeded'); // [I] on exact wording
}

/**
 * The user's assignment of their profile's permission set, which every user has (Salesforce KB 000387815, "By
 * default, every Salesforce user has at least one PermissionSetAssignment record that links them to their
 * profile"); it follows the user's profile.
 */
function assignProfile(org: Org, user: Rec): void {
  const owned = org
    .table('PermissionSet')
    .refs('ProfileId', user.ProfileId)
    .find(ps => ps.IsOwnedByProfile);
  const psas = org.table('PermissionSetAssignment');
  const current = psas
    .refs('AssigneeId', user.Id)
    .find(a => org.table('PermissionSet').get(idKey(String(a.PermissionSetId)))?.IsOwnedByProfile);
  if (current && owned && sameId(current.PermissionSetId, owned.Id)) return;
  if (current) psas.delete(idKey(current.Id));
  if (owned) org.raw('PermissionSetAssignment', { AssigneeId: user.Id, PermissionSetId: owned.Id });
}

export const User: SObject = {
  def: obj(
    'User',
    '005',
    [
      str('Username', { required: true }),
      str('Email', { type: 'email', required: true }),
      str('FirstName'),
      str('LastName', { required: true }),
      ro(str('Name')),
      str('Alias', { required: true, length: 8 }),
      str('CommunityNickname'),
      ref('ProfileId', ['Profile'], 'Profile', { required: true }),
      ref('UserRoleId', ['UserRole'], 'UserRole'),
      bool('IsActive'),
      str('TimeZoneSidKey', { type: 'picklist', required: true }),
      str('LocaleSidKey', { type: 'picklist', required: true }),
      str('EmailEncodingKey', { type: 'picklist', required: true }),
      str('LanguageLocaleKey', { type: 'picklist', required: true }),
      ro(str('UserType')),
      ro({ name: 'LastLoginDate', type: 'datetime' }),
      ...audit(),
    ],
    {
      createable: true,
      updateable: true,
      children: [
        { relationshipName: 'PermissionSetAssignments', childObject: 'PermissionSetAssignment', field: 'AssigneeId' },
      ],
    },
  ),
  materialize: (_org, r) => ({ ...r, Name: [r.FirstName, r.LastName].filter(Boolean).join(' ') }),
  computed: new Set(['Name']),
  afterInsert(org, rec) {
    org.raw('UserLogin', { UserId: rec.Id, IsFrozen: false, IsPasswordLocked: false });
    if (org.options.profileAssignments) assignProfile(org, rec);
  },
  afterUpdate(org, stored) {
    if (org.options.profileAssignments) assignProfile(org, stored);
  },
  create(org, v, asUser) {
    org.requirePerm(asUser, ['ManageUsers']);
    const values: Values = { IsActive: true, ...v };
    if (!values.CommunityNickname) {
      const taken = new Set([...org.table('User').values()].map(u => String(u.CommunityNickname).toLowerCase()));
      const base = String(values.Username).split('@')[0];
      let nick = base,
        n = 1;
      while (taken.has(nick.toLowerCase())) nick = `${base}${n++}`;
      values.CommunityNickname = nick;
    }
    checkUser(org, values);
    return org.raw('User', { ...values, UserType: 'Standard' });
  },
  update(org, next, current, asUser) {
    org.requirePerm(asUser, ['ManageUsers']);
    checkUser(org, next, current);
  },
};
