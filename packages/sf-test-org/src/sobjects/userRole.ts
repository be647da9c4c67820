// UserRole: a node of the role hierarchy (ParentRoleId). Salesforce keeps groups for every role, which sharing rules
// and public groups use as members: one of Type 'Role' (the users in the role) and one 'RoleAndSubordinates' (the
// users in the role and every role below it), and, once Digital Experiences (portals, sites) are on, one
// 'RoleAndSubordinatesInternal' (the same without portal roles). Each has RelatedId = the role and no Name of its
// own (extractors read the role's name through the polymorphic relationship: `Related.Name`).
// Sources: Object Reference, Group (Type, RelatedId) and UserRole (PortalType); ConductorOne baton-salesforce
// (pkg/connector/client/salesforce.go getGroupName: "Role groups ... have no names of their own", Related.Name);
// SalesforceLabs OrgCheck (orgcheck-api-dataset-groups.js: Related.Name for Role, RoleAndSubordinates and
// RoleAndSubordinatesInternal). Which types exist without Digital Experiences, and DeveloperName = the role's, [I].
import { obj, ref, str } from '../schema';
import type { Org, Rec } from '../state';
import { SObject } from './types';

/** The role group types Salesforce keeps for a role in this org. */
export function roleGroupTypes(org: Org): string[] {
  return org.options.digitalExperiences
    ? ['Role', 'RoleAndSubordinates', 'RoleAndSubordinatesInternal']
    : ['Role', 'RoleAndSubordinates'];
}

/** Creates the role's groups that do not exist yet (a role inserted, or Digital Experiences switched on). */
export function ensureRoleGroups(org: Org, role: Rec): void {
  const existing = new Set(
    org
      .table('Group')
      .refs('RelatedId', role.Id)
      .map(g => g.Type),
  );
  for (const type of roleGroupTypes(org))
    if (!existing.has(type))
      org.raw('Group', {
        Name: null,
        DeveloperName: role.DeveloperName ?? null,
        Type: type,
        RelatedId: role.Id,
        DoesIncludeBosses: false,
      });
}

export const UserRole: SObject = {
  def: obj(
    'UserRole',
    '00E',
    [
      str('Name', { required: true }),
      str('DeveloperName'),
      ref('ParentRoleId', ['UserRole'], undefined),
      // None for internal roles; Partner or CustomerPortal for the roles of portal (Experience Cloud) accounts.
      str('PortalType', { type: 'picklist', createable: false, updateable: false }),
    ],
    { label: 'Role' },
  ),
  beforeInsert(_org, rec) {
    rec.PortalType ??= 'None';
  },
  afterInsert(org, rec) {
    ensureRoleGroups(org, rec);
  },
};
