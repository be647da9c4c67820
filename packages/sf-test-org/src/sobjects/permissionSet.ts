// PermissionSet: an API name, an optional licence, permissions within the licence of every assignee; the
// profile-owned ones (Type 'Profile') and the aggregate ones of permission set groups (Type 'Group') are read-only
// and computed; one that is assigned cannot be deleted. Kept in step with its metadata view.
import { SfError } from '../errors';
import { idKey, sameId } from '../ids';
import { PERMISSIONS, audit, bool, obj, permFields, ref, ro, str } from '../schema';
import type { Org, Rec } from '../state';
import { checkLicenseAllows, checkPermissionRules } from './permissionRules';
import { SObject } from './types';

/** Keeps the PermissionSet metadata view (read/retrieve) in step with the record. */
export function syncPermissionSetMeta(org: Org, rec: Rec): void {
  if (!org.meta.has('PermissionSet')) org.meta.set('PermissionSet', new Map());
  org.meta.get('PermissionSet')!.set(String(rec.Name).toLowerCase(), {
    fullName: rec.Name,
    label: rec.Label,
    description: rec.Description ?? undefined,
  });
}

export const PermissionSet: SObject = {
  def: obj(
    'PermissionSet',
    '0PS',
    [
      str('Name', { required: true }),
      str('Label', { required: true }),
      str('Description'),
      ref('LicenseId', ['UserLicense', 'PermissionSetLicense'], 'License'),
      ro(bool('IsOwnedByProfile')),
      ro(bool('IsCustom')),
      ro(ref('ProfileId', ['Profile'], 'Profile')),
      ro(ref('PermissionSetGroupId', ['PermissionSetGroup'], 'PermissionSetGroup')),
      ro(str('NamespacePrefix')),
      ro(str('Type')),
      ...permFields(),
      ...audit(),
    ],
    {
      label: 'Permission Set',
      createable: true,
      updateable: true,
      deletable: true,
      api: 'both',
      children: [
        { relationshipName: 'Assignments', childObject: 'PermissionSetAssignment', field: 'PermissionSetId' },
        { relationshipName: 'SetupEntityAccessItems', childObject: 'SetupEntityAccess', field: 'ParentId' },
      ],
    },
  ),
  materialize(org, r) {
    if (r.IsOwnedByProfile) {
      const p = org.table('Profile').get(idKey(r.ProfileId));
      const perms = Object.fromEntries(PERMISSIONS.map(k => [`Permissions${k}`, !!p?.[`Permissions${k}`]]));
      return { ...r, ...perms, LicenseId: p?.UserLicenseId ?? null };
    }
    if (!r.PermissionSetGroupId) return r;
    // A group's own set: the union of its components' permissions (muting permission sets are not modelled).
    const sets = org
      .table('PermissionSetGroupComponent')
      .refs('PermissionSetGroupId', r.PermissionSetGroupId)
      .map(c => org.table('PermissionSet').get(idKey(String(c.PermissionSetId))));
    const perms = Object.fromEntries(
      PERMISSIONS.map(k => [`Permissions${k}`, sets.some(s => !!s?.[`Permissions${k}`])]),
    );
    return { ...r, ...perms };
  },
  computed: new Set(['LicenseId', ...PERMISSIONS.map(k => `Permissions${k}`)]),
  create(org, v, asUser) {
    org.requirePerm(asUser, ['ManageProfilesPermissionsets']);
    if (!/^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*$/.test(v.Name) || v.Name.endsWith('_') || v.Name.length > 80)
      throw new SfError(
        'FIELD_INTEGRITY_EXCEPTION',
        'The API Name can only contain underscores and alphanumeric characters. It must be unique, begin with a letter, not include spaces, not end with an underscore, and not contain two consecutive underscores.',
        400,
        ['Name'],
      );
    const dup = org.find('PermissionSet', p => String(p.Name).toLowerCase() === String(v.Name).toLowerCase());
    if (dup)
      throw new SfError('DUPLICATE_DEVELOPER_NAME', `The API name you entered is already in use: ${v.Name}`, 400, [
        'Name',
      ]); // exact text [I]
    if (v.LicenseId && !org.get('UserLicense', v.LicenseId))
      throw new SfError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', 400, ['LicenseId']);
    checkPermissionRules(org, v, v.LicenseId ?? null, asUser);
    const rec = org.raw('PermissionSet', { ...v, IsOwnedByProfile: false, IsCustom: true, Type: 'Regular' });
    syncPermissionSetMeta(org, rec);
    return rec;
  },
  update(org, next, current, asUser) {
    org.requirePerm(asUser, ['ManageProfilesPermissionsets']);
    if (current.IsOwnedByProfile || current.PermissionSetGroupId)
      // a group's own set: edit the group [I]
      throw new SfError('INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id');
    checkPermissionRules(org, next, next.LicenseId, asUser, current);
    for (const a of org.refs('PermissionSetAssignment', 'PermissionSetId', next.Id))
      checkLicenseAllows(org, next, a.AssigneeId, asUser);
  },
  afterUpdate: syncPermissionSetMeta,
  delete(org, rec, asUser) {
    org.requirePerm(asUser, ['ManageProfilesPermissionsets']);
    if (rec.IsOwnedByProfile || rec.PermissionSetGroupId)
      throw new SfError('INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id');
    if (org.refs('PermissionSetAssignment', 'PermissionSetId', rec.Id).length)
      throw new SfError(
        'DELETE_FAILED',
        'This permission set is assigned to one or more users. Remove the assignments before deleting it.',
      );
    for (const sea of org.all('SetupEntityAccess'))
      if (sameId(sea.ParentId, rec.Id)) org.table('SetupEntityAccess').delete(idKey(sea.Id));
    org.meta.get('PermissionSet')?.delete(String(rec.Name).toLowerCase());
  },
};
