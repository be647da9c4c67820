// SetupEntityAccess: links a permission set to a setup entity (an External Client App from API 60.0), once.
import { SfError } from '../errors';
import { sameId } from '../ids';
import { audit, obj, ref, ro, str } from '../schema';
import { OBJECT_BY_PREFIX } from '.';
import { SObject } from './types';

export const SetupEntityAccess: SObject = {
  def: obj(
    'SetupEntityAccess',
    '0J0',
    [
      ref('ParentId', ['PermissionSet'], 'Parent', { required: true, updateable: false }),
      {
        name: 'SetupEntityId',
        type: 'reference',
        refTo: ['ExternalClientApplication', 'ApexClass', 'ApexPage', 'CustomPermission'],
        createable: true,
        required: true,
      },
      ro(str('SetupEntityType')),
      ...audit(),
    ],
    { label: 'Setup Entity Access', createable: true, deletable: true },
  ),
  materialize: (_org, r) => ({
    ...r,
    SetupEntityType: OBJECT_BY_PREFIX.get(String(r.SetupEntityId).slice(0, 3))?.def.name ?? 'Unknown',
  }),
  computed: new Set(['SetupEntityType']),
  create(org, v, asUser, apiVersion) {
    org.requirePerm(asUser, ['ManageProfilesPermissionsets']);
    if (!org.get('PermissionSet', v.ParentId))
      throw new SfError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', 400, ['ParentId']);
    const target = org.byId(v.SetupEntityId);
    // SetupEntityType ExternalClientApplication exists from API 60.0 on.
    if (!target || (target.object.name === 'ExternalClientApplication' && apiVersion < 60))
      throw new SfError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', 400, ['SetupEntityId']);
    if (
      org.all('SetupEntityAccess').some(s => sameId(s.ParentId, v.ParentId) && sameId(s.SetupEntityId, v.SetupEntityId))
    )
      throw new SfError(
        'DUPLICATE_VALUE',
        'duplicate value found: <unknown> duplicates value on record with id: <unknown>',
      );
    return org.raw('SetupEntityAccess', v);
  },
  delete(org, _rec, asUser) {
    org.requirePerm(asUser, ['ManageProfilesPermissionsets']);
  },
};
