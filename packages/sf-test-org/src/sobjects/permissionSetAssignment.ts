// PermissionSetAssignment: a user and either a permission set or a group, once; never a profile's own set nor a
// group's own set; the user's licence must allow it. Active until its expiration date. An assignment of a group
// carries the group's own (aggregate) permission set in PermissionSetId as well (Object Reference,
// PermissionSetAssignment and PermissionSet).
import { SfError } from '../errors';
import { sameId, to18 } from '../ids';
import { audit, bool, obj, ref, ro } from '../schema';
import { checkLicenseAllows } from './permissionRules';
import { SObject } from './types';

export const PermissionSetAssignment: SObject = {
  def: obj(
    'PermissionSetAssignment',
    '0Pa',
    [
      ref('AssigneeId', ['User'], 'Assignee', { required: true, updateable: false }),
      ref('PermissionSetId', ['PermissionSet'], 'PermissionSet', { updateable: false }),
      ref('PermissionSetGroupId', ['PermissionSetGroup'], 'PermissionSetGroup', { updateable: false }),
      ro(bool('IsActive')),
      { name: 'ExpirationDate', type: 'datetime', createable: true, updateable: true, nillable: true },
      ...audit(),
    ],
    { label: 'Permission Set Assignment', createable: true, deletable: true },
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
  delete(org, rec, asUser) {
    org.requirePerm(asUser, ['AssignPermissionSets', 'ManageUsers']);
    if (org.get('PermissionSet', rec.PermissionSetId)?.IsOwnedByProfile)
      throw new SfError(
        'FIELD_INTEGRITY_EXCEPTION',
        "You can't assign or unassign this permission set because it's associated with a profile.",
      );
  },
};
