// The External Client App as Metadata API files. Pure: builds the file contents; the Node adapter zips them.
import { Manifest } from './manifest';

const NS = 'http://soap.sforce.com/2006/04/metadata';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const xml = (root: string, fields: Array<[string, string | undefined]>) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${NS}">\n${fields
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `    <${k}>${esc(v!)}</${k}>`)
    .join('\n')}\n</${root}>\n`;

/**
 * The API version the app is deployed (and removed) at: the highest the engine's tests run against (the test org
 * serves up to 64.0), never the org's newest. At a newer version Salesforce may know metadata this product does not
 * send — `ExtlClntAppOauthSecuritySettings` appeared in tooling for API 66.0 without a documented page
 * (docs/research/real-org-2026.md, (d)) — and a deploy resets what it omits to defaults (salesforce-api.md, 0). Raise
 * it only after a real-org run at the new version.
 */
export const ECA_DEPLOY_API_VERSION = '64.0';
/** The version a deploy uses on an org whose newest is `orgVersion`: the pinned one, or the org's when older. */
export const deployVersion = (orgVersion: string) =>
  Number(orgVersion) < Number(ECA_DEPLOY_API_VERSION) ? orgVersion : ECA_DEPLOY_API_VERSION;

export interface EcaNames {
  app: string;
  global: string;
  oauth: string;
  policy: string;
  appPolicy: string;
}

/**
 * Setup's own naming convention, so later edits in Setup line up; components that exist keep the names they have
 * (an app made by another tool is adopted, not duplicated).
 */
export function ecaNames(app: string, existing: Partial<Omit<EcaNames, 'app'>> = {}): EcaNames {
  return {
    app,
    global: existing.global ?? `${app}_glbloauth`,
    oauth: existing.oauth ?? `${app}_oauth`,
    policy: existing.policy ?? `${app}_oauthPlcy`,
    appPolicy: existing.appPolicy ?? `${app}_plcy`,
  };
}

export const ECA_TYPES = {
  app: { type: 'ExternalClientApplication', dir: 'externalClientApps', suffix: 'eca' },
  global: { type: 'ExtlClntAppGlobalOauthSettings', dir: 'extlClntAppGlobalOauthSets', suffix: 'ecaGlblOauth' },
  oauth: { type: 'ExtlClntAppOauthSettings', dir: 'extlClntAppOauthSettings', suffix: 'ecaOauth' },
  policy: { type: 'ExtlClntAppOauthConfigurablePolicies', dir: 'extlClntAppOauthPolicies', suffix: 'ecaOauthPlcy' },
  appPolicy: { type: 'ExtlClntAppConfigurablePolicies', dir: 'extlClntAppPolicies', suffix: 'ecaPlcy' },
} as const;
export type EcaPart = keyof typeof ECA_TYPES;

/**
 * The files of one deploy. The certificate is sent every time (a redeploy without it clears it); the consumer
 * key is never sent (Salesforce generates it) and the consumer secret never appears. `certificateBody` is the
 * base64 body without BEGIN/END lines, the form the Metadata API's examples use (both forms work live).
 */
export function ecaFiles(
  m: Manifest,
  names: EcaNames,
  certificateBody: string,
  apiVersion: string,
  parts: EcaPart[] = ['app', 'global', 'oauth', 'policy', 'appPolicy'],
): Record<string, string> {
  const a = m.app;
  const content: Record<EcaPart, string> = {
    app: xml('ExternalClientApplication', [
      ['contactEmail', a.contactEmail],
      ['description', 'BalkanID identity-governance extractor (JWT bearer)'],
      ['distributionState', 'Local'],
      ['isProtected', 'false'],
      ['label', a.label],
    ]),
    global: xml('ExtlClntAppGlobalOauthSettings', [
      ['callbackUrl', a.callbackUrl],
      ['certificate', certificateBody],
      ['externalClientApplication', names.app],
      ['isClientCredentialsFlowEnabled', 'false'],
      ['isCodeCredFlowEnabled', 'false'],
      ['isConsumerSecretOptional', 'false'],
      ['isDeviceFlowEnabled', 'false'],
      ['isIntrospectAllTokens', 'false'],
      ['isPkceRequired', 'false'],
      ['isRefreshTokenRotationEnabled', 'false'],
      ['isSecretRequiredForRefreshToken', 'true'],
      ['isTokenExchangeEnabled', 'false'],
      ['label', names.global],
      ['shouldRotateConsumerKey', 'false'],
      ['shouldRotateConsumerSecret', 'false'],
    ]),
    oauth: xml('ExtlClntAppOauthSettings', [
      ['commaSeparatedOauthScopes', a.scopes.join(', ')],
      ['externalClientApplication', names.app],
      ['isFirstPartyAppEnabled', 'false'],
      ['label', names.oauth],
    ]),
    // Permission set *names* (field evidence), not the IDs the documentation mentions; the SetupEntityAccess
    // link is created and verified separately, so either interpretation ends in a working link.
    policy: xml('ExtlClntAppOauthConfigurablePolicies', [
      ['commaSeparatedPermissionSet', m.permissionSet.name],
      ['externalClientApplication', names.app],
      ['ipRelaxationPolicyType', a.ipRelaxation],
      ['isClientCredentialsFlowEnabled', 'false'],
      ['isGuestCodeCredFlowEnabled', 'false'],
      ['isTokenExchangeFlowEnabled', 'false'],
      ['label', names.policy],
      ['permittedUsersPolicyType', 'AdminApprovedPreAuthorized'],
      ['refreshTokenPolicyType', 'Infinite'],
      ['requiredSessionLevel', 'STANDARD'],
    ]),
    appPolicy: xml('ExtlClntAppConfigurablePolicies', [
      ['externalClientApplication', names.app],
      ['isEnabled', 'true'],
      ['isOauthPluginEnabled', 'true'],
      ['label', names.appPolicy],
    ]),
  };
  const files: Record<string, string> = {};
  const types: string[] = [];
  for (const part of parts) {
    const t = ECA_TYPES[part];
    files[`${t.dir}/${names[part]}.${t.suffix}`] = content[part];
    types.push(
      `    <types>\n        <members>${esc(names[part])}</members>\n        <name>${t.type}</name>\n    </types>`,
    );
  }
  files['package.xml'] =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="${NS}">\n${types.join('\n')}\n    ` +
    `<version>${apiVersion}</version>\n</Package>\n`;
  return files;
}

/** destructiveChanges for teardown: the app and its satellites. */
export function ecaDestructiveFiles(names: EcaNames, apiVersion: string): Record<string, string> {
  const members = (Object.keys(ECA_TYPES) as EcaPart[]).map(
    p =>
      `    <types>\n        <members>${esc(names[p])}</members>\n        <name>${ECA_TYPES[p].type}</name>\n    ` +
      `</types>`,
  );
  return {
    'package.xml':
      `<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="${NS}">\n    ` +
      `<version>${apiVersion}</version>\n</Package>\n`,
    'destructiveChanges.xml':
      `<?xml version="1.0" encoding="UTF-8"?>\n<Package ` +
      `xmlns="${NS}">\n${members.join('\n')}\n    <version>${apiVersion}</version>\n</Package>\n`,
  };
}
