// PermissionSetGroup: a group of permission sets. Salesforce keeps one permission set per group holding the
// group's aggregated permissions (Type 'Group', PermissionSetGroupId = the group; Object Reference, PermissionSet:
// "PermissionSet contains the aggregated permissions for the group"); an assignment of the group points at it.
import { bool, obj, ro, str } from '../schema';
import { SObject } from './types';

export const PermissionSetGroup: SObject = {
  // Fields as baton-salesforce reads them (IsDeleted, DeveloperName, Language, MasterLabel, NamespacePrefix,
  // Description, HasActivationRequired; Object Reference, PermissionSetGroup).
  def: obj(
    'PermissionSetGroup',
    '0PG',
    [
      str('DeveloperName'),
      str('MasterLabel'),
      ro(str('Status')),
      ro(bool('IsDeleted')),
      str('Language'),
      ro(str('NamespacePrefix')),
      str('Description'),
      bool('HasActivationRequired'),
    ],
    { label: 'Permission Set Group' },
  ),
  afterInsert(org, rec) {
    // Name and Label of the aggregate set are [I] (profile-owned sets are named X + the profile's Id).
    org.raw('PermissionSet', {
      Name: `X${rec.Id.slice(0, 15)}`,
      Label: rec.MasterLabel ?? rec.DeveloperName,
      IsOwnedByProfile: false,
      IsCustom: true,
      PermissionSetGroupId: rec.Id,
      Type: 'Group',
    });
  },
};
