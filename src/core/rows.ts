// The rows the fact queries return (each type lists exactly the columns its query selects) and the Facts they make.

/** `Permissions<Name>` columns (profiles, permission sets, UserPermissionAccess). */
export type PermissionFields = { [K in `Permissions${string}`]?: boolean };
export interface QueryResult<T> {
  totalSize?: number;
  done?: boolean;
  records: T[];
}

/** The Organization record. */
export interface OrganizationRow {
  Name: string;
  IsSandbox: boolean;
  InstanceName: string;
}
export interface AdminRow {
  Id: string;
  Username: string;
  Name: string;
  Email?: string;
  TimeZoneSidKey?: string;
  LocaleSidKey?: string;
  LanguageLocaleKey?: string;
  EmailEncodingKey?: string;
}
export interface UserRow {
  Id: string;
  Username: string;
  Email: string;
  FirstName: string;
  LastName: string;
  Alias: string;
  IsActive: boolean;
  UserRoleId: string | null;
  ProfileId: string;
  Profile?: { Name: string; UserLicense?: { LicenseDefinitionKey: string } };
}
export interface UserLoginRow {
  UserId: string;
  IsFrozen: boolean;
}
export interface LicenseRow {
  Id: string;
  Name: string;
  MasterLabel: string;
  /** AUL: Salesforce Platform. */
  LicenseDefinitionKey?: string;
  TotalLicenses: number;
  UsedLicenses: number;
}
export interface OwnedPermissionSetRow {
  ProfileId: string;
  IsCustom: boolean;
  Profile?: { Name: string };
}
/** FIELDS(ALL) of a profile: the named columns plus every permission. */
export interface ProfileRow extends PermissionFields {
  Id: string;
  Name: string;
  UserLicenseId: string;
}
export interface PermissionSetRow extends PermissionFields {
  Id: string;
  Name: string;
  Label: string;
  LicenseId: string | null;
  Assignments?: QueryResult<{ Id: string; AssigneeId: string }> | null;
  SetupEntityAccessItems?: QueryResult<{ Id: string; SetupEntityId: string }> | null;
}
export interface DependencyRow {
  Permission: string;
  RequiredPermission: string;
}
export interface AppRow {
  Id: string;
  DeveloperName: string;
  MasterLabel: string;
  ContactEmail: string;
  DistributionState: string;
  CreatedDate?: string;
}
export interface AppOauthRow {
  Id: string;
  DeveloperName: string;
  OauthScopesAPI: boolean;
  OauthScopesREFRESH_TOKEN: boolean;
}
/** ExtlClntAppOauthPlcyCnfg: the OAuth policy (ecaNames().policy). */
export interface OauthPolicyRow {
  DeveloperName: string;
  PermittedUsersPolicyType: string;
  IpRelaxationPolicyType: string;
}
/** ExtlClntAppPlcyCnfg: the app policy (ecaNames().appPolicy). */
export interface AppPolicyRow {
  DeveloperName: string;
  IsEnabled: boolean;
  OauthPluginStatus: string;
}
export interface LoginRow {
  LoginTime: string;
  Status: string;
  Application: string | null;
  LoginType: string;
}
/** ExtlClntAppGlobalOauthSettings as the Metadata API reads it (values are strings in SOAP). */
export interface GlobalOauthMeta {
  fullName: string;
  consumerKey?: string;
  certificate?: string;
  callbackUrl?: string;
  isPkceRequired?: string | boolean;
}
export interface IpRange {
  startAddress: string;
  endAddress: string;
}

export interface Facts {
  apiVersion: string;
  org?: OrganizationRow;
  adminPerms?: Set<string>;
  admin?: AdminRow;
  user?: UserRow;
  userFrozen?: boolean;
  license?: LicenseRow;
  /** Active licences of other kinds with free seats (said when no Salesforce Platform licence is free). */
  otherLicenses?: LicenseRow[];
  sourceProfile?: ProfileRow;
  profile?: ProfileRow;
  permissionSet?: PermissionSetRow;
  dependencies: DependencyRow[];
  app?: AppRow;
  appOauth?: AppOauthRow;
  policy?: OauthPolicyRow;
  appPolicy?: AppPolicyRow;
  global?: GlobalOauthMeta;
  /** Login IP ranges on the integration profile (Profile metadata): JWT logins always enforce them. */
  profileIpRanges?: IpRange[];
  /** From Profile's describe (apply only): the Permissions fields the API may set, and the name for each label. */
  profileFields?: { createable: Set<string>; byLabel: Map<string, string> };
  logins?: LoginRow[];
  /** Reads that failed, by ref (e.g. INVALID_TYPE when the admin cannot see setup objects): unknown, not missing. */
  failed: Partial<Record<string, { errorCode: string; message: string }>>;
}
