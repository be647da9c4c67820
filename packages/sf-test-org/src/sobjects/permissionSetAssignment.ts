// PermissionSetAssignment: a user and either a permission set or a group, once; never a profile's own set nor a
// group's own set; the user's licence must allow it. Active until its expiration date. An assignment of a group
// carries the group's own (aggregate) permission set in PermissionSetId as well (Object Reference,
// PermissionSetAssignment and PermissionSet).
import { SfError } from '../errors';
import { sameId, to18 } from '../ids';
import { PERMISSION_LABELS, audit, bool, obj, ref, ro } from '../schema';
import type { Org } from '../state';
import { checkLicenseAllows } from './permissionRules';
import { SObject } from './types';

/**
 * Salesforce Help, "Set Assignment Expiration Details for Users in Permission Sets and Permission Set Groups": "If a
 * permission set or permission set group contains any of the following permissions, it can't have an expiration date
 * associated with it: Assign Permission Set, Manage Profiles, Manage Users". Code and text [I].
 */
const NO_EXPIRY = ['AssignPermissionSets', 'ManageProfilesPermissionsets', 'ManageUsers'];
function checkMayExpire(org: Org, v: Record<string, any>): void {
  const set = v.PermissionSetId
    ? org.get('PermissionSet', v.PermissionSetId)
    : org.table('PermissionSet').refs('PermissionSetGroupId', v.PermissionSetGroupId)[0];
  const perm = NO_EXPIRY.find(p => set?.[`Permissions${p}`]);
  if (perm)
    throw new SfError(
      'FIELD_INTEGRITY_EXCEPTION',
      `You can't set an expiration date for this assignment because the permission set or permission set group includes the ${PERMISSION_LABELS[perm]} permission.`,
      400,
      ['ExpirationDate'],
    );
}

/** With expiredAssignments 'removed', assignments past their ExpirationDate are gone (called before each read). */
export function removeExpiredAssignments(org: Org): void {
  if (org.options.expiredAssignments !== 'removed') return;
  const now = org.now();
  const table = org.table('PermissionSetAssignment');
  for (const a of [...table.values()]) if (a.ExpirationDate && Date.parse(a.ExpirationDate) <= now) table.delete(a.Id);
}

export const PermissionSetAssignment: SObject = {
  def: obj(
    'PermissionSetAssignment',
    '0Pa',
    [
      ref('AssigneeId', ['User'], 'Assignee', { required: true, updateable: false }),
      ref('PermissionSetId', ['PermissionSet'], 'PermissionSet', { updateable: false }),
      ref('PermissionSetGroupId', ['PermissionSetGroup'], 'PermissionSetGroup', { updateable: false }),
      // Both "available in API version 52.0 and later" (Object Reference, PermissionSetAssignment).
      ro(bool('IsActive', { since: 52 })),
      { name: 'ExpirationDate', type: 'datetime', createable: true, updateable: true, nillable: true, since: 52 },
      ...audit(),
    ],
    { label: 'Permission Set Assignment', createable: true, updateable: true, deletable: true },
  ),
  materialize: (org, r) => ({ ...r, IsActive: !r.ExpirationDate || Date.parse(r.ExpirationDate) > org.now() }),
  computed: new Set(['IsActive']),
  beforeInsert(org, rec) {
    if (rec.PermissionSetGroupId && !rec.PermissionSetId)
      rec.PermissionSetId =
        org.table('PermissionSet').refs('PermissionSetGroupId', rec.PermissionSetGroupId)[0]?.Id ?? null;
  },
  create(org, v, asUser) {
    org.requirePerm(asUser, ['AssignPermissionSets', 'ManageUsers']);
    if (v.ExpirationDate) checkMayExpire(org, v);
    const user = org.get('User', v.AssigneeId);
    if (!user) throw new SfError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', 400, ['AssigneeId']);
    if (!!v.PermissionSetId === !!v.PermissionSetGroupId)
      throw new SfError(
        'FIELD_INTEGRITY_EXCEPTION',
        'Specify either a permission set or a permission set group, not both.',
        400,
        ['PermissionSetId'],
      );
    const dupKey = v.PermissionSetId ? 'PermissionSetId' : 'PermissionSetGroupId';
    if (v.PermissionSetId) {
      const ps = org.get('PermissionSet', v.PermissionSetId);
      if (!ps) throw new SfError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', 400, ['PermissionSetId']);
      if (ps.IsOwnedByProfile)
        throw new SfError(
          'FIELD_INTEGRITY_EXCEPTION',
          "You can't assign or unassign this permission set because it's associated with a profile.",
        );
      if (ps.PermissionSetGroupId)
        throw new SfError(
          'FIELD_INTEGRITY_EXCEPTION',
          "You can't assign this permission set because it belongs to a permission set group. Assign the group instead.",
          400,
          ['PermissionSetId'],
        ); // [I] text
      checkLicenseAllows(org, ps, user.Id, asUser);
    } else if (!org.get('PermissionSetGroup', v.PermissionSetGroupId)) {
      throw new SfError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', 400, ['PermissionSetGroupId']);
    }
    if (org.refs('PermissionSetAssignment', 'AssigneeId', v.AssigneeId).some(a => sameId(a[dupKey], v[dupKey])))
      throw new SfError(
        'DUPLICATE_VALUE',
        `Duplicate PermissionSetAssignment. Assignee: ${to18(v.AssigneeId)}; Permission Set: ${to18(v[dupKey])}`,
      ); // exact text [I]
    return org.raw('PermissionSetAssignment', v);
  },
  update(org, next, _current, asUser) {
    org.requirePerm(asUser, ['AssignPermissionSets', 'ManageUsers']);
    if (next.ExpirationDate) checkMayExpire(org, next);
  },
  delete(org, rec, asUser) {
    org.requirePerm(asUser, ['AssignPermissionSets', 'ManageUsers']);
    if (org.get('PermissionSet', rec.PermissionSetId)?.IsOwnedByProfile)
      throw new SfError(
        'FIELD_INTEGRITY_EXCEPTION',
        "You can't assign or unassign this permission set because it's associated with a profile.",
      );
  },
};
