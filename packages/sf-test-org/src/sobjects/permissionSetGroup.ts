// PermissionSetGroup: a group of permission sets. Salesforce keeps one permission set per group holding the
// group's aggregated permissions (Type 'Group', PermissionSetGroupId = the group; Object Reference, PermissionSet:
// "PermissionSet contains the aggregated permissions for the group"); an assignment of the group points at it.
import { obj, ro, str } from '../schema';
import { SObject } from './types';

export const PermissionSetGroup: SObject = {
  def: obj('PermissionSetGroup', '0PG', [str('DeveloperName'), str('MasterLabel'), ro(str('Status'))], {
    label: 'Permission Set Group',
  }),
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
