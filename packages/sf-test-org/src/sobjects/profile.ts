// Profile: a unique name, a user licence, permissions within the licence and their dependencies; its own
// permission set comes with it; it cannot be deleted while users hold it.
import { SfError } from '../errors';
import { idKey, sameId } from '../ids';
import { audit, obj, permFields, ref, ro, str } from '../schema';

/**
 * Permission fields a profile carries but the API cannot set (the licence manages them): describe marks them
 * createable false, so a blind copy of a standard profile fails with INVALID_FIELD_FOR_INSERT_UPDATE. Salesforce
 * documents that only `createable` fields can be set (Object Reference, Profile; audit row 10); which ones are not
 * is [I].
 */
export const PROFILE_READ_ONLY_PERMISSIONS = ['ChatterInternalUser'];
import { checkPermissionRules } from './permissionRules';
import { SObject } from './types';

export const Profile: SObject = {
  def: obj(
    'Profile',
    '00e',
    [
      str('Name', { required: true }),
      str('Description'),
      ref('UserLicenseId', ['UserLicense'], 'UserLicense', { required: true, updateable: false }),
      ro(str('UserType')),
      ...permFields().map(f => (PROFILE_READ_ONLY_PERMISSIONS.includes(f.name.slice(11)) ? ro(f) : f)),
      ...audit(),
    ],
    {
      createable: true,
      updateable: true,
      deletable: true,
      children: [{ relationshipName: 'Users', childObject: 'User', field: 'ProfileId' }],
    },
  ),
  afterInsert(org, rec, fields) {
    org.raw('PermissionSet', {
      Name: `X00e${rec.Id.slice(3, 15)}`,
      Label: `00e${rec.Id.slice(3, 15)}`,
      IsOwnedByProfile: true,
      IsCustom: !!fields.__custom,
      ProfileId: rec.Id,
      Type: 'Profile',
    });
    delete rec.__custom;
  },
  create(org, v, asUser) {
    org.requirePerm(asUser, ['ManageProfilesPermissionsets']);
    if (!org.get('UserLicense', v.UserLicenseId))
      throw new SfError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', 400, ['UserLicenseId']);
    const dup = org.find('Profile', p => String(p.Name).toLowerCase() === String(v.Name).toLowerCase());
    if (dup)
      throw new SfError(
        'DUPLICATE_VALUE',
        `duplicate value found: Name duplicates value on record with id: ${dup.Id}`,
        400,
        ['Name'],
      ); // exact text [I]
    checkPermissionRules(org, v, v.UserLicenseId, asUser);
    return org.raw('Profile', { ...v, UserType: 'Standard', __custom: true });
  },
  update(org, next, current, asUser) {
    org.requirePerm(asUser, ['ManageProfilesPermissionsets']);
    checkPermissionRules(org, next, next.UserLicenseId, asUser, current);
  },
  delete(org, rec, asUser) {
    org.requirePerm(asUser, ['ManageProfilesPermissionsets']);
    // A standard profile cannot be deleted (Help, "Standard Profiles"); the code and text are [I].
    if (org.standardProfiles.has(idKey(rec.Id)))
      throw new SfError('INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id');
    if ([...org.table('User').values()].some(u => sameId(u.ProfileId, rec.Id)))
      throw new SfError(
        'DELETE_FAILED',
        'Cannot delete a profile that is assigned to users. Reassign the users to another profile first.',
      );
    for (const ps of org.refs('PermissionSet', 'ProfileId', rec.Id))
      if (ps.IsOwnedByProfile) org.table('PermissionSet').delete(idKey(ps.Id));
  },
};
