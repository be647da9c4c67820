// sObjects the test org serves for reading only (no write rules): definitions.
import { audit, bool, obj, permFields, ref, ro, str } from '../schema';
import { SObject } from './types';

const readOnly = (def: SObject['def']): SObject => ({ def });

export const READ_ONLY: SObject[] = [
  obj('Organization', '00D', [
    ro(str('Name')),
    ro(str('InstanceName')),
    ro(bool('IsSandbox')),
    ro(str('OrganizationType')),
    ro(str('NamespacePrefix')),
    ro({ name: 'TrialExpirationDate', type: 'datetime' }),
    ro(str('LanguageLocaleKey')),
    ro(str('DefaultLocaleSidKey')),
    ro(str('TimeZoneSidKey')),
  ]),
  obj('GroupMember', '011', [ref('GroupId', ['Group'], 'Group'), ref('UserOrGroupId', ['User', 'Group'], undefined)], {
    label: 'Group Member',
  }),
  // The objects a queue takes records of (Object Reference, QueueSobject; prefix [I]).
  obj('QueueSobject', '03g', [ref('QueueId', ['Group'], 'Queue'), str('SobjectType', { type: 'picklist' })], {
    label: 'Queue Sobject',
  }),
  obj(
    'PermissionSetGroupComponent',
    '0PH',
    [
      ref('PermissionSetGroupId', ['PermissionSetGroup'], 'PermissionSetGroup'),
      ref('PermissionSetId', ['PermissionSet'], 'PermissionSet'),
      ro(bool('IsDeleted')),
    ],
    { label: 'Permission Set Group Component' },
  ), // prefix [I]
  obj(
    'LoginHistory',
    '0Ya',
    [
      ro(ref('UserId', ['User'], undefined)),
      ro({ name: 'LoginTime', type: 'datetime' }),
      ro(str('Status')),
      ro(str('LoginType')),
      ro(str('Application')),
      ro(str('SourceIp')),
      ro(str('LoginUrl')),
      // Documented fields that could tell one client's logins from another's (Object Reference, LoginHistory).
      ro(str('ForwardedForIp')),
      ro(str('Browser')),
      ro(str('Platform')),
      ro(str('ApiType')),
      ro(str('ApiVersion')),
      ro(str('AuthMethodReference')),
      ro(str('ClientVersion')),
      ro(str('TlsProtocol')),
      ro(str('CipherSuite')),
    ],
    { label: 'Login History' },
  ),
  obj('UserPermissionAccess', '0Up', permFields().map(ro), { label: 'User Permission Access' }), // prefix [I]
  obj(
    'ExternalClientApplication',
    '0xI',
    [
      ro(str('DeveloperName')),
      ro(str('MasterLabel')),
      ro(str('ContactEmail')),
      ro(str('Description')),
      ro(str('DistributionState')),
      ro(bool('IsProtected')),
      ...audit(),
    ],
    {
      label: 'External Client App',
      children: [
        { relationshipName: 'SetupEntityAccessItems', childObject: 'SetupEntityAccess', field: 'SetupEntityId' },
      ],
    },
  ), // prefix [I]
  obj('ExtlClntAppOauthSettings', '0xT', [
    ro(str('DeveloperName')),
    ro(ref('ExternalClientApplicationId', ['ExternalClientApplication'], 'ExternalClientApplication')),
    ro(bool('OauthScopesAPI')),
    ro(bool('OauthScopesREFRESH_TOKEN')),
    ro(bool('OauthScopesOFFLINE_ACCESS')),
    ro(str('OauthLink')),
  ]), // prefix [I]
  obj('ExtlClntAppOauthPlcyCnfg', '0xP', [
    ro(str('DeveloperName')),
    ro(ref('ExternalClientApplicationId', ['ExternalClientApplication'], 'ExternalClientApplication')),
    ro(str('PermittedUsersPolicyType')),
    ro(str('IpRelaxationPolicyType')),
    ro(str('RefreshTokenPolicyType')),
  ]), // prefix [I]
  obj('ExtlClntAppPlcyCnfg', '0xC', [
    ro(str('DeveloperName')),
    ro(ref('ExternalClientApplicationId', ['ExternalClientApplication'], 'ExternalClientApplication')),
    ro(bool('IsEnabled')),
    ro(str('OauthPluginStatus')),
  ]), // prefix [I]
  obj(
    'PermissionDependency',
    '2Pd',
    [
      ro(str('Permission')),
      ro(str('RequiredPermission')),
      ro(str('RequiredPermissionType')),
      ro(str('PermissionType')),
    ],
    { label: 'Permission Dependency', api: 'tooling' },
  ), // prefix [I]
].map(readOnly);
