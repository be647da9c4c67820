// UserLicense: read-only; UsedLicenses counts the active users on profiles of the licence.
import { obj, ro, str } from '../schema';
import { SObject } from './types';

export const UserLicense: SObject = {
  def: obj(
    'UserLicense',
    '100',
    [
      ro(str('Name')),
      ro(str('MasterLabel')),
      ro(str('LicenseDefinitionKey')),
      ro(str('Status')),
      ro({ name: 'TotalLicenses', type: 'int' }),
      ro({ name: 'UsedLicenses', type: 'int' }),
    ],
    { label: 'User License' },
  ),
  materialize: (org, r) => ({ ...r, UsedLicenses: org.usedLicenses(r.Id) }),
  computed: new Set(['UsedLicenses']),
};
