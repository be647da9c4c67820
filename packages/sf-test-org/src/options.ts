// The test org's options: switches where Salesforce's behaviour is uncertain or has changed (FIDELITY.md), and
// the reference fields the org keeps indexes on.
export interface OrgOptions {
  /** Highest API version served by /services/data (default 64.0). */
  maxApiVersion?: number;
  /**
   * Open question 7 (salesforce-api.md): does a REST insert of a Profile/PermissionSet enable dependent
   * permissions itself, or fail with "depends on permission(s)"? Default: fail (the stricter behaviour).
   */
  autoEnableDependencies?: boolean;
  /**
   * Open question 3: does `commaSeparatedPermissionSet` on the OAuth policy write SetupEntityAccess rows?
   * Default: yes, as it most likely does (real-org audit, rows 13 and 18): a later insert of the same link is then
   * a duplicate. false models the other reading (the product must create the link itself).
   */
  policyPermissionSetsCreateLinks?: boolean;
  /**
   * How composite/batch refuses a subrequest to a resource it does not document (a Tooling URL): 'subrequest' (that
   * result fails, the others run) or 'request' (the whole batch is refused). Salesforce documents only which
   * resources are allowed (REST API Developer Guide, "Composite Batch") [I].
   */
  batchRefusal?: 'subrequest' | 'request';
  /**
   * User permissions this org does not have at all: their `Permissions…` fields do not exist, and a query naming one
   * fails with INVALID_FIELD "No such column" (which permission fields exist varies by edition and enabled features:
   * Object Reference, PermissionSet and Profile, "Fields"; the exact set per edition is [I]). Default none.
   */
  absentUserPermissions?: string[];
  /** PermissionDependency pages: batch size, and whether a page repeats the last row of the one before (reported live). */
  dependencyPageSize?: number;
  repeatDependencyBatch?: boolean;
  /** Real orgs reportedly have no PermissionDependency rows for View All Data (audit row 8) — yet enforce them. */
  dependencyRowsForViewAllData?: boolean;
  /** Whether readMetadata/retrieve of global OAuth settings return the certificate (unconfirmed; audit row 22). */
  readReturnsCertificate?: boolean;
  /** Policy values read back in the case real orgs use ("Enforce_relaxrefresh"; audit row 5). */
  policyValuesInOrgCase?: boolean;
  /** Permission refusals naming API names with empty `fields` (public real-org examples) instead of labels. */
  permissionErrorsByName?: boolean;
  /** How long a metadata deploy stays InProgress (default 150 ms; raise it to test slow deploys). */
  deployMs?: number;
  /** Session lifetime in seconds (default 2 hours). */
  sessionSeconds?: number;
  isSandbox?: boolean;
  /**
   * The port of the Salesforce CLI app's registered callback (`http://localhost:<port>/OauthRedirect`; Salesforce's
   * is 1717). The redirect URI must still match it exactly; only test runs side by side need their own port.
   */
  cliCallbackPort?: number;
  /**
   * Open query cursors (query locators) per user before the oldest is released (INVALID_QUERY_LOCATOR on its next
   * page). 10 is the documented rule up to API 56.0 (SOAP API Developer Guide, "QueryLocator"); Salesforce has since
   * lifted it ("API Query Cursor Limits"). Default 10, the stricter; 0 for no limit.
   */
  queryCursorLimit?: number;
  /** A cursor unused this long is released (default 15 minutes, the documented rule up to API 56.0). */
  queryCursorIdleMs?: number;
  /**
   * Every user has a PermissionSetAssignment to their profile's permission set (Salesforce KB 000387815). Default on,
   * as Salesforce does; off only for tests of the test org itself that predate it.
   */
  profileAssignments?: boolean;
  /** The org's clock (sessions, cursors, codes, JWT expiry, CreatedDate): the system clock unless a test injects one. */
  clock?: { now(): number };

  // ---- issue 19: a hardened org -----------------------------------------------------------------
  /**
   * The org setting "Allow access to External Client App consumer secrets via Metadata API"
   * (ExternalClientAppSettings.enableConsumerSecretApiAccess, DEPRECATED in API 66.0; Salesforce's security guidance
   * recommends Off). Default on (what today's engine reads the consumer key through); false is a hardened org.
   * An upsert of the ExternalClientAppSettings component changes it at run time, as an admin would in Setup.
   */
  consumerSecretsViaMetadata?: boolean;
  /**
   * What a hardened org (the setting above Off) withholds from the Metadata API; the documentation does not say:
   * 'secret' — only the consumer secret (never returned anyway; the Help page speaks of secrets only),
   * 'key' — the consumer key too, from readMetadata and retrieve of ExtlClntAppGlobalOauthSettings (issue 19's
   * reading), 'plugin' — the literal "Special Access Rules": the OAuth plugin types (ExtlClntAppGlobalOauthSettings
   * and ExtlClntAppOauthSettings) cannot be read, retrieved or deployed at all. Default 'key'.
   */
  hardenedMetadataWithholds?: 'secret' | 'key' | 'plugin';
  /**
   * The org setting "Allow access to External Client App consumer secrets via REST API"
   * (ExternalClientAppSettings.enableClientSecretInRestApiAccess, API 62.0+; recommended Off). Default off.
   */
  consumerSecretsViaRest?: boolean;
  /**
   * Whether the Connect REST credentials routes (apps/oauth/credentials) answer at all with the REST setting Off, or
   * only withhold the secret. Undocumented; sfdx-hardis reports the setting gates even apps/oauth/usage. Default
   * true (refused: FUNCTIONALITY_NOT_ENABLED); false lets a key-only read through.
   */
  credentialsKeyNeedsRestSetting?: boolean;
  /**
   * Every access token the org issues is JWT-based (as with "Issue JSON Web Token (JWT)-based access tokens for
   * named users" on the app the admin logs in through): the token endpoint (every grant), the admin's session and
   * tokenFor(). An External Client App whose global OAuth settings have isNamedUserJwtEnabled gets JWT-based tokens
   * from its JWT bearer logins whatever this says. Default off.
   */
  jwtAccessTokens?: boolean;
  /**
   * The first API version whose SOAP endpoint accepts JWT-based access tokens; null: none does (Salesforce Help,
   * "JWT-Based Access Tokens": "can be used only to access REST APIs"). jsforce PR #1791 (2026) says SOAP accepts
   * them from 67.0. Default null.
   */
  soapAcceptsJwtTokensFrom?: number | null;

  // ---- issue 19: any language -------------------------------------------------------------------
  /**
   * The language of the org and of every seeded user (LanguageLocaleKey): error messages, describe labels and the
   * names of standard profiles answer in it (i18n.ts). Default 'en'.
   */
  language?: 'en' | 'de' | 'ja' | 'es';
  /**
   * English refusals with typographic apostrophes ("doesn’t"), as some real orgs answer. Default on (issue 19: the
   * stricter setting, now that the engine reads no English text); off for straight ones.
   */
  curlyApostrophes?: boolean;
  /**
   * A user permission of Standard Platform User (Access Activities) depends on an object permission (Read Quotes):
   * a Profile insert without it fails "Permission Access Activities depends on permission(s): Read Quotes" — the
   * object-permission-label form, with no Permissions field to add. Default on (issue 19: the stricter setting, which
   * the engine meets: it reads the Object Permission rows of PermissionDependency before writing); off for none.
   */
  objectPermissionDependency?: boolean;
  /**
   * Digital Experiences (portals, Experience Cloud sites) enabled: every role then has a RoleAndSubordinatesInternal
   * group as well (userRole.ts). Default off, as a new org; seeding external users turns it on.
   */
  digitalExperiences?: boolean;
  /**
   * What an assignment past its ExpirationDate looks like. 'kept' (default): the row stays, IsActive false, until
   * Salesforce's clean-up removes it (when is not documented); 'removed': gone from every query at once. Salesforce
   * documents that access ends at the expiration date (Help, "Set Assignment Expiration Details"), not when the row
   * goes [I].
   */
  expiredAssignments?: 'kept' | 'removed';
  /**
   * A SELECT COUNT() over more rows than this answers QUERY_TIMEOUT (a count Salesforce could not finish in its
   * 120-second query time; REST API Developer Guide, "Status Codes and Error Responses"; audit part 2 row 7).
   * Default 0: never. How many rows a real org counts in time depends on the org and the filter [I].
   */
  countTimeoutRows?: number;
  /** How long a Bulk API 2.0 query job stays UploadComplete/InProgress before JobComplete (default 200 ms). */
  bulkQueryMs?: number;
  /**
   * Records per result set of a Bulk API 2.0 query job when the request names no maxRecords. Salesforce: "If you
   * don't provide a value for this parameter, the server uses a default value based on the service" (Get Results for
   * a Query Job); the value is not documented. Default 50,000 [I]; 0 for one set of everything.
   */
  bulkDefaultMaxRecords?: number;
  /**
   * Whether every set of Bulk API 2.0 query results starts with the CSV header row (default) or only the first. The
   * documentation shows the header in its examples; public clients disagree (jsforce parses every set with its
   * header; a client's notes say "the CSV header row is only included in the first chunk") [I].
   */
  bulkHeaderOnEverySet?: boolean;
}

export const DEFAULT_OPTIONS: Required<OrgOptions> = {
  maxApiVersion: 64,
  autoEnableDependencies: false,
  policyPermissionSetsCreateLinks: true,
  batchRefusal: 'subrequest',
  absentUserPermissions: [],
  dependencyPageSize: 2000,
  repeatDependencyBatch: true,
  dependencyRowsForViewAllData: true,
  readReturnsCertificate: true,
  policyValuesInOrgCase: true,
  permissionErrorsByName: false,
  deployMs: 150,
  sessionSeconds: 7200,
  isSandbox: false,
  cliCallbackPort: 1717,
  queryCursorLimit: 10,
  queryCursorIdleMs: 15 * 60 * 1000,
  profileAssignments: true,
  clock: { now: () => Date.now() },
  consumerSecretsViaMetadata: true,
  hardenedMetadataWithholds: 'key',
  consumerSecretsViaRest: false,
  credentialsKeyNeedsRestSetting: true,
  jwtAccessTokens: false,
  soapAcceptsJwtTokensFrom: null,
  language: 'en',
  curlyApostrophes: true,
  objectPermissionDependency: true,
  digitalExperiences: false,
  expiredAssignments: 'kept',
  countTimeoutRows: 0,
  bulkQueryMs: 200,
  bulkDefaultMaxRecords: 50000,
  bulkHeaderOnEverySet: true,
};

/** Reference fields the org indexes: a user's assignments, a set's assignees, a group's components, ... */
export const INDEXES: Array<[string, string]> = [
  ['PermissionSetAssignment', 'AssigneeId'],
  ['PermissionSetAssignment', 'PermissionSetId'],
  ['PermissionSetAssignment', 'PermissionSetGroupId'],
  ['PermissionSet', 'ProfileId'],
  ['PermissionSet', 'PermissionSetGroupId'],
  ['PermissionSetGroupComponent', 'PermissionSetGroupId'],
  ['Group', 'RelatedId'],
  ['GroupMember', 'GroupId'],
  ['User', 'UserRoleId'],
  ['UserRole', 'ParentRoleId'],
  ['QueueSobject', 'QueueId'],
  ['UserLogin', 'UserId'],
];
