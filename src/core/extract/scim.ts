// The SCIM way into BalkanID: Salesforce's SCIM 2.0 endpoints under the org's My Domain
// (Salesforce Help, "SCIM and REST API Reference Sheet", xcloud.identity_scim_rest_api.htm; Winter '19 release
// notes "Use the REST API to Manage User Identities with SCIM 2.0"). "You must supply an OAuth 2.0 access token."

export const SCIM_REFERENCE = 'https://help.salesforce.com/s/articleView?id=xcloud.identity_scim_rest_api.htm&type=5';

/** What the SCIM endpoints serve (the reference sheet's table), in its words. */
export const SCIM_ENDPOINTS = [
  'Users (provision and manage users)',
  'Groups (public groups and their members)',
  'Entitlements (profiles and permission sets assigned to users; at most 200 when all are listed)',
  'Roles (roles assigned to users)',
];

/** The org's SCIM base URL: its own My Domain address (the instance URL the session uses). */
export function scimBaseUrl(instanceUrl: string): string {
  return `${instanceUrl.replace(/\/+$/, '')}/services/scim/v2/`;
}

/** What the integration user needs for SCIM, said plainly (what Salesforce documents, and what it does not). */
export function scimAccess(username: string): string {
  return (
    `An OAuth 2.0 access token for ${username}: the External Client App's JWT bearer flow gives one, with the ` +
    'same consumer key and certificate as the direct integration (scope "api"). Salesforce\'s reference names no ' +
    "further permission for reading; this setup's API Enabled, View Setup and Configuration, View Roles and Role " +
    'Hierarchy and View All Data cover the same records through the REST API. Creating, changing or deactivating ' +
    'users through SCIM is user management ("Manage Users"), which this setup does not grant.'
  );
}
