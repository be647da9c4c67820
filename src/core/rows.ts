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
/** A profile's own permission set: IsCustom false for a standard profile (Object Reference, PermissionSet). */
export interface OwnedPermissionSetRow {
  ProfileId: string;
  IsCustom: boolean;
  Profile?: { Name: string; UserType?: string };
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
/** Tooling PermissionDependency: `Permission` needs `RequiredPermission` (a user permission's API name, or an object
 *  permission such as "Quote<read>" in the object rows). */
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
  /** "<org Id>:<OAuth consumer Id>" (Metadata API, ExtlClntAppOauthSettings.oauthLink); null without a consumer. */
  OauthLink?: string | null;
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
  /** The LoginHistory row's Id: how the product recognises the logins it made itself (ownLogins.ts). */
  Id?: string;
  LoginTime: string;
  Status: string;
  Application: string | null;
  LoginType: string;
  /** The client's address as Salesforce saw it. */
  SourceIp?: string | null;
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

/** Why one route to the consumer key gave none: the route, and Salesforce's code and words. */
export interface KeyRefusal {
  route: 'metadata' | 'connect';
  code: string;
  message: string;
}

/** The consumer key as the org gave it (never the secret), and why each route that did not give it failed. */
export interface ConsumerKeyRead {
  key?: string;
  via?: 'metadata' | 'connect';
  refused: KeyRefusal[];
}

/** From Profile's describe: the Permissions fields the API may set, and Setup's label of each (the admin's
 *  language), both ways. Names without the `Permissions` prefix. */
export interface ProfileFields {
  createable: Set<string>;
  /** Lower-case label → name. */
  byLabel: Map<string, string>;
  /** Name → label. */
  labels: Map<string, string>;
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
  /** The standard profile of the Salesforce Platform licence, found by what does not change with the language. */
  sourceProfile?: ProfileRow;
  /** When more than one profile fits (none is chosen): their names. */
  sourceCandidates?: string[];
  profile?: ProfileRow;
  permissionSet?: PermissionSetRow;
  dependencies: DependencyRow[];
  /** PermissionDependency rows where a user permission needs an object permission (which no insert can grant). */
  objectDependencies: DependencyRow[];
  app?: AppRow;
  appOauth?: AppOauthRow;
  policy?: OauthPolicyRow;
  appPolicy?: AppPolicyRow;
  global?: GlobalOauthMeta;
  /** The consumer key: from the Metadata API, else the Connect REST credentials route (key only). */
  consumerKey?: ConsumerKeyRead;
  /** Login IP ranges on the integration profile (Profile metadata): JWT logins always enforce them. */
  profileIpRanges?: IpRange[];
  /** From Profile's describe (read with every check). */
  profileFields?: ProfileFields;
  logins?: LoginRow[];
  /** Reads that failed, by ref (e.g. INVALID_TYPE when the admin cannot see setup objects): unknown, not missing. */
  failed: Partial<Record<string, { errorCode: string; message: string }>>;
}
