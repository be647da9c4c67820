// How an org's records become BalkanID's entity and relation rows (src/core/extract/entities.ts; every column in
// docs/formats.md): one small org of every kind, streamed in the export's order, each row as the upload files hold it.
import assert from 'node:assert/strict';
import { ExportIndex, id18, rowsOf, settleRoleGroups, SkipReason } from '../../src/core/extract/entities';
import type { Flat } from '../../src/core/extract/records';
import { SourceId, sourceOf } from '../../src/core/extract/sources';

/** An 18-character Id of the object a key prefix names (`id('005', 1)`). */
const id = (prefix: string, n: number) => id18(`${prefix}${String(n).padStart(12, '0')}`);
const ORG = id('00D', 1);

const L = [id('100', 1), id('100', 2)];
const P = [id('00e', 1), id('00e', 2)];
const R = [id('00E', 1), id('00E', 2), id('00E', 3)];
const PS = [id('0PS', 1), id('0PS', 2)];
const PSG = [id('0PG', 1), id('0PG', 2)];
const G = {
  sales: id('00G', 1),
  queue: id('00G', 2),
  roleCeo: id('00G', 3),
  ceoAndBelow: id('00G', 4),
  vpInternal: id('00G', 5),
  everyone: id('00G', 6),
  unused: id('00G', 7),
  territory: id('00G', 8),
};
const U = [id('005', 1), id('005', 2), id('005', 3), id('005', 4)];

/** The org, in the order the export reads its lists. */
const ORG_ROWS: Array<[SourceId, Flat]> = [
  ['userLicense', { Id: L[0]!, Name: 'Salesforce', MasterLabel: 'Salesforce', LicenseDefinitionKey: 'SFDC' }],
  ['userLicense', { Id: L[1]!, Name: 'Salesforce Platform', MasterLabel: '', LicenseDefinitionKey: null }],
  ['profile', { Id: P[0]!, Name: 'System Administrator', UserLicenseId: L[0]! }],
  ['profile', { Id: P[1]!, Name: 'Custom: Partner', UserLicenseId: null }],
  ['role', { Id: R[0]!, Name: 'CEO', DeveloperName: 'CEO', ParentRoleId: null, PortalType: 'None' }],
  ['role', { Id: R[1]!, Name: 'VP Sales', DeveloperName: 'VPSales', ParentRoleId: R[0]!, PortalType: null }],
  [
    'role',
    { Id: R[2]!, Name: 'Acme Partner User', DeveloperName: 'AcmePartner', ParentRoleId: R[1]!, PortalType: 'Partner' },
  ],
  ['permissionSet', { Id: PS[0]!, Name: 'Report_Builder', Label: 'Report Builder', Type: 'Regular', IsCustom: true }],
  ['permissionSet', { Id: PS[1]!, Name: 'X_Api', Label: '', Type: null, IsCustom: null }],
  ['permissionSetGroup', { Id: PSG[0]!, DeveloperName: 'Sales_Ops', MasterLabel: 'Sales Ops', Status: 'Updated' }],
  ['permissionSetGroup', { Id: PSG[1]!, DeveloperName: 'Dev_Only', MasterLabel: '', Status: null }],
  ['permissionSetGroupComponent', { Id: id('0PH', 1), PermissionSetGroupId: PSG[0]!, PermissionSetId: PS[0]! }],
  [
    'group',
    {
      Id: G.sales,
      Name: 'Sales Team',
      DeveloperName: 'Sales_Team',
      Type: 'Regular',
      RelatedId: null,
      'Related.Name': null,
    },
  ],
  [
    'group',
    { Id: G.queue, Name: '', DeveloperName: 'Support_Q', Type: 'Queue', RelatedId: null, 'Related.Name': null },
  ],
  [
    'group',
    { Id: G.roleCeo, Name: null, DeveloperName: 'CEO_Role', Type: 'Role', RelatedId: R[0]!, 'Related.Name': 'CEO' },
  ],
  [
    'group',
    {
      Id: G.ceoAndBelow,
      Name: null,
      DeveloperName: 'CEO_All',
      Type: 'RoleAndSubordinates',
      RelatedId: R[0]!,
      'Related.Name': null,
    },
  ],
  [
    'group',
    {
      Id: G.vpInternal,
      Name: null,
      DeveloperName: 'VP_Internal',
      Type: 'RoleAndSubordinatesInternal',
      RelatedId: R[1]!,
      'Related.Name': null,
    },
  ],
  [
    'group',
    {
      Id: G.everyone,
      Name: 'All Internal Users',
      DeveloperName: 'AllInternalUsers',
      Type: 'Organization',
      RelatedId: null,
      'Related.Name': null,
    },
  ],
  [
    'group',
    { Id: G.unused, Name: null, DeveloperName: 'VP_Role', Type: 'Role', RelatedId: R[1]!, 'Related.Name': 'VP Sales' },
  ],
  ['groupNesting', { Id: id('011', 1), GroupId: G.sales, UserOrGroupId: G.ceoAndBelow }],
  ['groupNesting', { Id: id('011', 2), GroupId: G.queue, UserOrGroupId: G.vpInternal }],
  ['groupNesting', { Id: id('011', 3), GroupId: G.sales, UserOrGroupId: G.everyone }],
  ['groupNesting', { Id: id('011', 4), GroupId: G.queue, UserOrGroupId: G.roleCeo }],
  ['groupNesting', { Id: id('011', 5), GroupId: G.sales, UserOrGroupId: G.territory }],
  ['groupNesting', { Id: id('011', 6), GroupId: G.queue, UserOrGroupId: G.territory }],
  ['groupNesting', { Id: id('011', 7), GroupId: G.queue, UserOrGroupId: G.sales }],
  ['userLogin', { Id: id('060', 1), UserId: U[1]!, IsFrozen: true, IsPasswordLocked: false }],
  ['userLogin', { Id: id('060', 2), UserId: U[3]!, IsFrozen: false, IsPasswordLocked: true }],
  [
    'user',
    {
      Id: U[0]!,
      Username: 'ada@acme.example',
      Name: 'Ada Admin',
      Email: 'ada@acme.example',
      IsActive: true,
      UserType: 'Standard',
      ProfileId: P[0]!,
      UserRoleId: R[0]!,
      LastLoginDate: '2026-11-01T10:00:00.000Z',
      CreatedDate: '2025-01-01T00:00:00.000Z',
    },
  ],
  [
    'user',
    {
      Id: U[1]!,
      Username: 'jane@acme.example',
      Name: 'Jane Doe',
      Email: null,
      IsActive: true,
      UserType: 'Standard',
      ProfileId: P[1]!,
      UserRoleId: R[1]!,
      LastLoginDate: null,
      CreatedDate: null,
    },
  ],
  [
    'user',
    {
      Id: U[2]!,
      Username: 'pat@partner.example',
      Name: 'Pat Partner',
      Email: 'pat@partner.example',
      IsActive: true,
      UserType: 'PowerPartner',
      ProfileId: P[1]!,
      UserRoleId: R[2]!,
      LastLoginDate: null,
      CreatedDate: null,
    },
  ],
  [
    'user',
    {
      Id: U[3]!,
      Username: 'old@acme.example',
      Name: '',
      Email: null,
      IsActive: false,
      UserType: 'Standard',
      ProfileId: null,
      UserRoleId: null,
      LastLoginDate: null,
      CreatedDate: null,
    },
  ],
  [
    'permissionSetAssignment',
    {
      Id: id('0Pa', 1),
      AssigneeId: U[0]!,
      PermissionSetId: PS[0]!,
      PermissionSetGroupId: null,
      IsActive: true,
      ExpirationDate: '2027-01-01T00:00:00.000Z',
    },
  ],
  [
    'permissionSetAssignment',
    {
      Id: id('0Pa', 2),
      AssigneeId: U[1]!,
      PermissionSetId: id('0PS', 9),
      PermissionSetGroupId: PSG[0]!,
      IsActive: true,
      ExpirationDate: null,
    },
  ],
  [
    'permissionSetAssignment',
    {
      Id: id('0Pa', 3),
      AssigneeId: U[1]!,
      PermissionSetId: PS[1]!,
      PermissionSetGroupId: null,
      IsActive: false,
      ExpirationDate: '2026-01-01T00:00:00.000Z',
    },
  ],
  ['groupMember', { Id: id('011', 8), GroupId: G.sales, UserOrGroupId: U[0]! }],
  ['groupMember', { Id: id('011', 9), GroupId: G.queue, UserOrGroupId: G.sales }],
];

function exportRows() {
  const index = new ExportIndex('salesforce', ORG);
  const entities: string[][] = [];
  const relations: string[][] = [];
  const skipped: SkipReason[] = [];
  let last: SourceId | undefined;
  for (const [source, rec] of ORG_ROWS) {
    if (last === 'groupNesting' && source !== 'groupNesting') settleRoleGroups(index);
    last = source;
    const out = rowsOf(sourceOf(source), rec, index);
    entities.push(...out.entities);
    relations.push(...out.relations);
    skipped.push(...out.skipped);
  }
  return { index, entities, relations, skipped };
}

const line = (row: string[]) => row.join(' | ');

describe('export: the org as BalkanID receives it', () => {
  it('connections: profiles with their licence, roles with their parent (portal roles with their type), permission sets and groups by label or API name, public groups and queues, role groups and All Internal Users only when inside one', () => {
    assert.deepEqual(exportRows().entities.map(line), [
      'salesforce | System Administrator | connection | salesforce | 00e000000000001AAA | profile | v1 | {"license":"Salesforce","licenseKey":"SFDC","org":"00D000000000001EAA"}',
      'salesforce | Custom: Partner | connection | salesforce | 00e000000000002AAA | profile | v1 | {"license":null,"licenseKey":null,"org":"00D000000000001EAA"}',
      'salesforce | CEO | connection | salesforce | 00E000000000001EAA | role | v1 | {"developerName":"CEO","parentRoleId":null,"org":"00D000000000001EAA"}',
      'salesforce | VP Sales | connection | salesforce | 00E000000000002EAA | role | v1 | {"developerName":"VPSales","parentRoleId":"00E000000000001EAA","org":"00D000000000001EAA"}',
      'salesforce | Acme Partner User | connection | salesforce | 00E000000000003EAA | role | v1 | {"developerName":"AcmePartner","parentRoleId":"00E000000000002EAA","portalType":"Partner","org":"00D000000000001EAA"}',
      'salesforce | Report Builder | connection | salesforce | 0PS000000000001GAA | permission_set | v1 | {"apiName":"Report_Builder","type":"Regular","custom":true,"org":"00D000000000001EAA"}',
      'salesforce | X_Api | connection | salesforce | 0PS000000000002GAA | permission_set | v1 | {"apiName":"X_Api","type":null,"custom":false,"org":"00D000000000001EAA"}',
      'salesforce | Sales Ops | connection | salesforce | 0PG000000000001GAA | permission_set_group | v1 | {"apiName":"Sales_Ops","status":"Updated","org":"00D000000000001EAA"}',
      'salesforce | Dev_Only | connection | salesforce | 0PG000000000002GAA | permission_set_group | v1 | {"apiName":"Dev_Only","status":null,"org":"00D000000000001EAA"}',
      'salesforce | Sales Team | connection | salesforce | 00G000000000001EAA | group | v1 | {"apiName":"Sales_Team","type":"Regular","org":"00D000000000001EAA"}',
      'salesforce | Support_Q | connection | salesforce | 00G000000000002EAA | queue | v1 | {"apiName":"Support_Q","type":"Queue","org":"00D000000000001EAA"}',
      'salesforce | Role and Subordinates: CEO | connection | salesforce | 00G000000000004EAA | role_group | v1 | {"apiName":"CEO_All","type":"RoleAndSubordinates","roleId":"00E000000000001EAA","org":"00D000000000001EAA"}',
      'salesforce | Role and Internal Subordinates: VP Sales | connection | salesforce | 00G000000000005EAA | role_group | v1 | {"apiName":"VP_Internal","type":"RoleAndSubordinatesInternal","roleId":"00E000000000002EAA","org":"00D000000000001EAA"}',
      'salesforce | All Internal Users | connection | salesforce | 00G000000000006EAA | group | v1 | {"apiName":"AllInternalUsers","type":"Organization","org":"00D000000000001EAA"}',
      'salesforce | Role: CEO | connection | salesforce | 00G000000000003EAA | role_group | v1 | {"apiName":"CEO_Role","type":"Role","roleId":"00E000000000001EAA","org":"00D000000000001EAA"}',
      'salesforce | Ada Admin | identity | salesforce | 005000000000001AAA | user | v1 | {"username":"ada@acme.example","email":"ada@acme.example","active":true,"frozen":false,"passwordLocked":false,"userType":"Standard","license":"Salesforce","licenseKey":"SFDC","profile":"System Administrator","role":"CEO","lastLogin":"2026-11-01T10:00:00.000Z","created":"2025-01-01T00:00:00.000Z","org":"00D000000000001EAA"}',
      'salesforce | Jane Doe | identity | salesforce | 005000000000002AAA | user | v1 | {"username":"jane@acme.example","email":"","active":true,"frozen":true,"passwordLocked":false,"userType":"Standard","license":null,"licenseKey":null,"profile":"Custom: Partner","role":"VP Sales","lastLogin":null,"created":null,"org":"00D000000000001EAA"}',
      'salesforce | Pat Partner | identity | salesforce | 005000000000003AAA | user | v1 | {"username":"pat@partner.example","email":"pat@partner.example","active":true,"frozen":false,"passwordLocked":false,"userType":"PowerPartner","license":null,"licenseKey":null,"profile":"Custom: Partner","role":"Acme Partner User","lastLogin":null,"created":null,"org":"00D000000000001EAA"}',
      'salesforce | old@acme.example | identity | salesforce | 005000000000004AAA | user | v1 | {"username":"old@acme.example","email":"","active":false,"frozen":false,"passwordLocked":true,"userType":"Standard","license":null,"licenseKey":null,"profile":null,"role":null,"lastLogin":null,"created":null,"org":"00D000000000001EAA"}',
    ]);
  });

  it("relations: a permission set in its group, groups inside groups, each user's profile, role, role groups (subordinates' too, portal roles not in an internal one), All Internal Users for active internal users, assignments (a group's, not its sets'), memberships", () => {
    const r = exportRows();
    assert.deepEqual(r.relations.map(line), [
      'salesforce | 0PS000000000001GAA | connection | 0PG000000000001GAA | connection | salesforce | v1 | {"privilegeName":"component","privilegeValue":true,"connectionType":"permission_set_group","componentId":"0PH000000000001GAA"}',
      'salesforce | 00G000000000004EAA | connection | 00G000000000001EAA | connection | salesforce | v1 | {"privilegeName":"member","privilegeValue":true,"connectionType":"group","membershipId":"011000000000001AAA"}',
      'salesforce | 00G000000000005EAA | connection | 00G000000000002EAA | connection | salesforce | v1 | {"privilegeName":"member","privilegeValue":true,"connectionType":"queue","membershipId":"011000000000002AAA"}',
      'salesforce | 00G000000000006EAA | connection | 00G000000000001EAA | connection | salesforce | v1 | {"privilegeName":"member","privilegeValue":true,"connectionType":"group","membershipId":"011000000000003AAA"}',
      'salesforce | 00G000000000003EAA | connection | 00G000000000002EAA | connection | salesforce | v1 | {"privilegeName":"member","privilegeValue":true,"connectionType":"queue","membershipId":"011000000000004AAA"}',
      'salesforce | 00G000000000001EAA | connection | 00G000000000002EAA | connection | salesforce | v1 | {"privilegeName":"member","privilegeValue":true,"connectionType":"queue","membershipId":"011000000000007AAA"}',
      'salesforce | 005000000000001AAA | identity | 00e000000000001AAA | connection | salesforce | v1 | {"privilegeName":"profile","privilegeValue":true,"connectionType":"profile"}',
      'salesforce | 005000000000001AAA | identity | 00E000000000001EAA | connection | salesforce | v1 | {"privilegeName":"role","privilegeValue":true,"connectionType":"role"}',
      'salesforce | 005000000000001AAA | identity | 00G000000000003EAA | connection | salesforce | v1 | {"privilegeName":"member","privilegeValue":true,"connectionType":"role_group","through":"role","roleId":"00E000000000001EAA"}',
      'salesforce | 005000000000001AAA | identity | 00G000000000004EAA | connection | salesforce | v1 | {"privilegeName":"member","privilegeValue":true,"connectionType":"role_group","through":"role","roleId":"00E000000000001EAA"}',
      'salesforce | 005000000000001AAA | identity | 00G000000000006EAA | connection | salesforce | v1 | {"privilegeName":"member","privilegeValue":true,"connectionType":"group","through":"all internal users"}',
      'salesforce | 005000000000002AAA | identity | 00e000000000002AAA | connection | salesforce | v1 | {"privilegeName":"profile","privilegeValue":true,"connectionType":"profile"}',
      'salesforce | 005000000000002AAA | identity | 00E000000000002EAA | connection | salesforce | v1 | {"privilegeName":"role","privilegeValue":true,"connectionType":"role"}',
      'salesforce | 005000000000002AAA | identity | 00G000000000004EAA | connection | salesforce | v1 | {"privilegeName":"member","privilegeValue":true,"connectionType":"role_group","through":"role","roleId":"00E000000000002EAA"}',
      'salesforce | 005000000000002AAA | identity | 00G000000000005EAA | connection | salesforce | v1 | {"privilegeName":"member","privilegeValue":true,"connectionType":"role_group","through":"role","roleId":"00E000000000002EAA"}',
      'salesforce | 005000000000002AAA | identity | 00G000000000006EAA | connection | salesforce | v1 | {"privilegeName":"member","privilegeValue":true,"connectionType":"group","through":"all internal users"}',
      'salesforce | 005000000000003AAA | identity | 00e000000000002AAA | connection | salesforce | v1 | {"privilegeName":"profile","privilegeValue":true,"connectionType":"profile"}',
      'salesforce | 005000000000003AAA | identity | 00E000000000003EAA | connection | salesforce | v1 | {"privilegeName":"role","privilegeValue":true,"connectionType":"role"}',
      'salesforce | 005000000000003AAA | identity | 00G000000000004EAA | connection | salesforce | v1 | {"privilegeName":"member","privilegeValue":true,"connectionType":"role_group","through":"role","roleId":"00E000000000003EAA"}',
      'salesforce | 005000000000001AAA | identity | 0PS000000000001GAA | connection | salesforce | v1 | {"privilegeName":"assigned","privilegeValue":true,"connectionType":"permission_set","assignmentId":"0Pa000000000001CAA","expires":"2027-01-01T00:00:00.000Z"}',
      'salesforce | 005000000000002AAA | identity | 0PG000000000001GAA | connection | salesforce | v1 | {"privilegeName":"assigned","privilegeValue":true,"connectionType":"permission_set_group","assignmentId":"0Pa000000000002CAA","expires":null}',
      'salesforce | 005000000000001AAA | identity | 00G000000000001EAA | connection | salesforce | v1 | {"privilegeName":"member","privilegeValue":true,"connectionType":"group","membershipId":"011000000000008AAA"}',
    ]);
    assert.deepEqual(
      r.skipped,
      ['groupKind', 'groupKind', 'inactiveAssignment'],
      'a territory twice, an expired assignment',
    );
    assert.deepEqual([...r.index.otherGroups], [[G.territory, 2]], 'the territory, to be named afterwards');
  });
});
