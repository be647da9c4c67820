// The External Client App and its four satellite types (global OAuth settings, OAuth settings, OAuth policies,
// app policies), as Salesforce's Metadata API Developer Guide describes them.
import { randomBytes } from 'node:crypto';
import { SfError } from '../errors';
import { sameId } from '../ids';
import type { Component, MetadataApi } from '../metadata';
import { parseCertificate, splitList } from '../metadata';
import { text } from '../xml';
import { Body, MetadataType } from './types';

export const ECA_PARENT = 'externalClientApplication';
const NAME = /^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*$/;
export const SCOPE_TOKENS = [
  'Basic',
  'Api',
  'Web',
  'Full',
  'RefreshToken',
  'OfflineAccess',
  'OpenID',
  'Chatter',
  'CustomApplications',
  'Visualforce',
  'Wave',
  'Eclair',
  'Pardot',
  'Lightning',
  'Content',
  'CDPQuery',
  'CDPProfile',
  'CDPIngest',
  'Forecasting',
  'UserInfo',
  'CustomPermissions',
  'MCP',
];

const denied = () => new SfError('INSUFFICIENT_ACCESS', 'insufficient access rights on object id');
/**
 * Creating an app: "Customize Application, and Modify All Data or Create, edit, and delete External Client Apps"
 * (Salesforce Help, External Client App permissions; audit row 24).
 */
const developer = (api: MetadataApi, userId: string) => {
  if (
    !api.org.can(userId, 'CustomizeApplication') ||
    !api.org.can(userId, 'ModifyAllData', 'ExternalClientAppDeveloper')
  )
    throw denied();
};
/** Policies: "View all External Client Apps, view their settings, and edit their policies" or the developer permission. */
const policyEditor = (api: MetadataApi, userId: string) => {
  if (!api.org.can(userId, 'ExternalClientAppAdmin', 'ExternalClientAppDeveloper')) throw denied();
};

/** A satellite needs its app, in the org or (unless the strict switch is on) in the same package. */
function requireParent(api: MetadataApi, c: Component, batch: Component[]): void {
  const parent = text(c.body[ECA_PARENT])!;
  const inBatch = batch.some(
    b => b.type === 'ExternalClientApplication' && b.fullName.toLowerCase() === parent.toLowerCase(),
  );
  if (!api.exists('ExternalClientApplication', parent) && (!inBatch || api.requireParentBeforeSatellites))
    throw new SfError(
      'INVALID_CROSS_REFERENCE_KEY',
      `In field: externalClientApplication - no ExternalClientApplication named ${parent} found`,
    );
}

const appOf = (api: MetadataApi, name: string) =>
  api.org.find('ExternalClientApplication', a => String(a.DeveloperName).toLowerCase() === String(name).toLowerCase())!;
const upsert = (api: MetadataApi, object: string, match: (r: Rec) => boolean, values: Body) => {
  const found = api.org.find(object, match);
  if (found) {
    Object.assign(api.org.table(object).get(found.Id.slice(0, 15))!, values);
    return api.org.get(object, found.Id)!;
  }
  return api.org.raw(object, values);
};
type Rec = import('../state').Rec;
const orgCase = (v: string) => v.replace(/_(\w+)$/, (_, rest: string) => `_${rest.toLowerCase()}`);
const newKey = () =>
  `3MVG9${randomBytes(60)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 80)}`;

export const ExternalClientApplication: MetadataType = {
  name: 'ExternalClientApplication',
  dir: 'externalClientApps',
  suffix: 'eca',
  minVersion: 59,
  required: ['label', 'distributionState'],
  elements: {
    contactEmail: 59,
    contactPhone: 59,
    description: 59,
    distributionState: 59,
    iconUrl: 59,
    infoUrl: 59,
    isProtected: 59,
    label: 59,
    logoUrl: 59,
    orgScopedExternalApp: 59,
    managedType: 59,
  },
  enums: { distributionState: ['ExtlClntAppDistState', ['Local', 'Packaged']] },
  defaults: { isProtected: 'false' },
  checkAccess: developer,
  validate(api, c) {
    if (!NAME.test(c.fullName) || c.fullName.endsWith('_'))
      throw new SfError('INVALID_NAME', `The ExternalClientApplication name ${c.fullName} is not valid.`);
    if (c.body.orgScopedExternalApp !== undefined && !api.exists(c.type, c.fullName))
      throw new SfError(
        'FIELD_INTEGRITY_EXCEPTION',
        'orgScopedExternalApp refers to another organization and cannot be deployed.',
      ); // [I]
  },
  sync: (api, c) =>
    upsert(api, 'ExternalClientApplication', r => String(r.DeveloperName).toLowerCase() === c.fullName.toLowerCase(), {
      DeveloperName: c.fullName,
      MasterLabel: c.label,
      ContactEmail: c.contactEmail ?? null,
      Description: c.description ?? null,
      DistributionState: c.distributionState,
      IsProtected: c.isProtected === 'true',
    }),
  /** Deleting the app deletes its satellites, their records and the links to it. */
  remove(api, fullName) {
    const org = api.org;
    const a = org.find(
      'ExternalClientApplication',
      r => String(r.DeveloperName).toLowerCase() === fullName.toLowerCase(),
    );
    for (const t of ECA_SATELLITES)
      for (const [k, v] of api.store(t.name))
        if (v.externalClientApplication.toLowerCase() === fullName.toLowerCase()) api.store(t.name).delete(k);
    if (!a) return;
    for (const object of ['ExtlClntAppOauthSettings', 'ExtlClntAppOauthPlcyCnfg', 'ExtlClntAppPlcyCnfg'])
      for (const r of org.all(object))
        if (sameId(r.ExternalClientApplicationId, a.Id)) org.table(object).delete(r.Id.slice(0, 15));
    for (const s of org.all('SetupEntityAccess'))
      if (sameId(s.SetupEntityId, a.Id)) org.table('SetupEntityAccess').delete(s.Id.slice(0, 15));
    org.table('ExternalClientApplication').delete(a.Id.slice(0, 15));
  },
};

export const ExtlClntAppGlobalOauthSettings: MetadataType = {
  name: 'ExtlClntAppGlobalOauthSettings',
  dir: 'extlClntAppGlobalOauthSets',
  suffix: 'ecaGlblOauth',
  minVersion: 59,
  required: [ECA_PARENT, 'label', 'callbackUrl'],
  elements: {
    callbackUrl: 59,
    certificate: 60,
    consumerKey: 59,
    consumerSecret: 59,
    externalClientApplication: 59,
    idTokenConfig: 59,
    isClientCredentialsFlowEnabled: 60,
    isCodeCredFlowEnabled: 61,
    isCodeCredPostOnly: 61,
    isConsumerSecretOptional: 59,
    isDeviceFlowEnabled: 59,
    isIntrospectAllTokens: 59,
    isNamedUserJwtEnabled: 61,
    isPkceRequired: 59,
    isRefreshTokenRotationEnabled: 59,
    isSecretRequiredForRefreshToken: 59,
    isSecretRequiredForTokenExchange: 60,
    isTokenExchangeEnabled: 60,
    label: 59,
    shouldRotateConsumerKey: 59,
    shouldRotateConsumerSecret: 59,
  },
  defaults: { isPkceRequired: 'true', isConsumerSecretOptional: 'false', isSecretRequiredForRefreshToken: 'true' },
  checkAccess(api, userId) {
    developer(api, userId);
    if (api.requireViewClientSecret && !api.org.can(userId, 'ViewClientSecret'))
      throw new SfError(
        'INSUFFICIENT_ACCESS',
        'You need the View External Client App Consumer Secrets in Metadata permission to configure global OAuth settings.',
      );
  },
  validate(api, c, batch) {
    requireParent(api, c, batch);
    const cert = text(c.body.certificate);
    if (cert && !parseCertificate(cert))
      throw new SfError('FIELD_INTEGRITY_EXCEPTION', 'The certificate is not a valid PEM-encoded X.509 certificate.'); // text [I]
    if (c.body.consumerSecret !== undefined)
      throw new SfError('FIELD_INTEGRITY_EXCEPTION', 'You cannot set the consumer secret of an external client app.'); // [I]
    const existing = api.getComponent(c.type, c.fullName);
    const key = text(c.body.consumerKey);
    if (existing && key && key !== existing.consumerKey)
      throw new SfError(
        'FIELD_INTEGRITY_EXCEPTION',
        'The consumer key of an existing external client app cannot be changed.',
      ); // [I]
    if (!existing) {
      const other = api
        .all(c.type)
        .find(o => o.externalClientApplication.toLowerCase() === text(c.body[ECA_PARENT])!.toLowerCase());
      if (other)
        throw new SfError('DUPLICATE_VALUE', `ExternalClientApplicationId duplicates value on ${other.fullName}`);
    }
  },
  /** The consumer key: generated on the first deploy (or taken from the file), stable afterwards, rotated on request. */
  prepare(api, next, existing) {
    next.consumerKey = existing?.consumerKey ?? next.consumerKey ?? newKey();
    if (next.shouldRotateConsumerKey === 'true') next.consumerKey = newKey();
    next.__consumerSecret = existing?.__consumerSecret ?? randomBytes(32).toString('hex').toUpperCase();
    // The OAuth consumer behind the key and secret: its Id (key prefix 888, as in live oauthLink values) names it
    // in ExtlClntAppOauthSettings.oauthLink and the Connect REST credentials routes.
    next.__consumerId = existing?.__consumerId ?? api.org.ids.next('888');
  },
};

export const ExtlClntAppOauthSettings: MetadataType = {
  name: 'ExtlClntAppOauthSettings',
  dir: 'extlClntAppOauthSettings',
  suffix: 'ecaOauth',
  minVersion: 59,
  required: [ECA_PARENT, 'label'],
  elements: {
    commaSeparatedOauthScopes: 59,
    customAttributes: 59,
    externalClientApplication: 59,
    isFirstPartyAppEnabled: 59,
    label: 59,
    oauthLink: 59,
    singleLogoutUrl: 59,
    trustedIpRanges: 59,
    clientAssertionCertificate: 59,
  },
  checkAccess: developer,
  validate(api, c, batch) {
    requireParent(api, c, batch);
    const bad = splitList(text(c.body.commaSeparatedOauthScopes)).find(s => !SCOPE_TOKENS.includes(s));
    if (bad)
      throw new SfError(
        'INVALID_FIELD',
        `'${bad}' is not a valid value for the enum 'OauthScope'. Valid values: ${SCOPE_TOKENS.join(', ')}`,
      );
  },
  sync(api, c) {
    const scopes = splitList(c.commaSeparatedOauthScopes);
    const a = appOf(api, c.externalClientApplication);
    const refresh = scopes.includes('RefreshToken') || scopes.includes('OfflineAccess');
    return upsert(api, 'ExtlClntAppOauthSettings', r => sameId(r.ExternalClientApplicationId, a.Id), {
      DeveloperName: c.fullName,
      ExternalClientApplicationId: a.Id,
      OauthScopesAPI: scopes.includes('Api') || scopes.includes('Full'),
      OauthScopesREFRESH_TOKEN: refresh,
      OauthScopesOFFLINE_ACCESS: refresh,
      // Filled in after the commit from the app's OAuth consumer (MetadataApi.afterCommit).
      OauthLink: null,
    });
  },
};

export const ExtlClntAppOauthConfigurablePolicies: MetadataType = {
  name: 'ExtlClntAppOauthConfigurablePolicies',
  dir: 'extlClntAppOauthPolicies',
  suffix: 'ecaOauthPlcy',
  minVersion: 59,
  required: [ECA_PARENT, 'label'],
  elements: {
    apexHandler: 59,
    clientCredentialsFlowUser: 59,
    commaSeparatedCustomScopes: 59,
    commaSeparatedPermissionSet: 59,
    commaSeparatedProfile: 59,
    customAttributes: 59,
    executeHandlerAs: 59,
    externalClientApplication: 59,
    ipRelaxationPolicyType: 59,
    isClientCredentialsFlowEnabled: 59,
    isGuestCodeCredFlowEnabled: 59,
    isNamedUserJwtEnabled: 59,
    isTokenExchangeFlowEnabled: 59,
    label: 59,
    permittedUsersPolicyType: 59,
    policyAction: 59,
    refreshTokenPolicyType: 59,
    refreshTokenValidityPeriod: 59,
    refreshTokenValidityUnit: 59,
    requiredSessionLevel: 59,
    sessionTimeoutInMinutes: 59,
    singleLogoutUrl: 59,
    startUrl: 59,
  },
  enums: {
    permittedUsersPolicyType: ['PermittedUsersPolicyType', ['AdminApprovedPreAuthorized', 'AllSelfAuthorized']],
    ipRelaxationPolicyType: ['IpRelaxationPolicyType', ['Bypass', 'Enforce', 'Bypass_2factor', 'Enforce_RelaxRefresh']],
    refreshTokenPolicyType: ['RefreshTokenPolicyType', ['Infinite', 'SpecificInactivity', 'SpecificLifetime', 'Zero']],
    requiredSessionLevel: ['RequiredSessionLevel', ['HIGH_ASSURANCE', 'LOW', 'STANDARD']],
    policyAction: ['PolicyAction', ['Block', 'RaiseSessionLevel']],
  },
  checkAccess: policyEditor,
  validate(api, c, batch) {
    requireParent(api, c, batch);
    const parent = text(c.body[ECA_PARENT])!.toLowerCase();
    const other = api
      .all(c.type)
      .find(
        o =>
          o.externalClientApplication.toLowerCase() === parent && o.fullName.toLowerCase() !== c.fullName.toLowerCase(),
      );
    if (other) throw new SfError('DUPLICATE_VALUE', `ExtlClntAppOauthSettingsId duplicates value on ${other.fullName}`);
    for (const name of splitList(text(c.body.commaSeparatedPermissionSet))) {
      // Field evidence: names, not IDs (the docs say IDs; an ID is "not found" here, as reported live).
      const inBatch = batch.some(b => b.type === 'PermissionSet' && b.fullName.toLowerCase() === name.toLowerCase());
      if (
        !inBatch &&
        !api.org.find('PermissionSet', p => !p.IsOwnedByProfile && String(p.Name).toLowerCase() === name.toLowerCase())
      )
        throw new SfError('INVALID_FIELD', `We couldn't find permission sets called ${name}`);
    }
    for (const name of splitList(text(c.body.commaSeparatedProfile)))
      if (!api.org.find('Profile', p => String(p.Name).toLowerCase() === name.toLowerCase()))
        throw new SfError('INVALID_FIELD', `We couldn't find profiles called ${name}`);
  },
  sync(api, c) {
    const org = api.org;
    const a = appOf(api, c.externalClientApplication);
    if (org.options.policyPermissionSetsCreateLinks) {
      for (const name of splitList(c.commaSeparatedPermissionSet)) {
        const ps = org.find(
          'PermissionSet',
          p => !p.IsOwnedByProfile && String(p.Name).toLowerCase() === name.toLowerCase(),
        );
        if (ps && !org.find('SetupEntityAccess', s => sameId(s.ParentId, ps.Id) && sameId(s.SetupEntityId, a.Id)))
          org.raw('SetupEntityAccess', { ParentId: ps.Id, SetupEntityId: a.Id });
      }
    }
    return upsert(api, 'ExtlClntAppOauthPlcyCnfg', r => sameId(r.ExternalClientApplicationId, a.Id), {
      DeveloperName: c.fullName,
      ExternalClientApplicationId: a.Id,
      PermittedUsersPolicyType: c.permittedUsersPolicyType ?? 'AllSelfAuthorized',
      // A live export reads back "Enforce_relaxrefresh" for Enforce_RelaxRefresh (audit row 5).
      IpRelaxationPolicyType: org.options.policyValuesInOrgCase
        ? orgCase(c.ipRelaxationPolicyType ?? 'Enforce')
        : (c.ipRelaxationPolicyType ?? 'Enforce'),
      RefreshTokenPolicyType: c.refreshTokenPolicyType ?? 'Infinite',
    });
  },
};

export const ExtlClntAppConfigurablePolicies: MetadataType = {
  name: 'ExtlClntAppConfigurablePolicies',
  dir: 'extlClntAppPolicies',
  suffix: 'ecaPlcy',
  minVersion: 60,
  required: [ECA_PARENT, 'isEnabled'],
  elements: { externalClientApplication: 60, isEnabled: 60, isOauthPluginEnabled: 60, label: 60 },
  defaults: { isOauthPluginEnabled: 'true' },
  checkAccess: policyEditor,
  validate: (api, c, batch) => requireParent(api, c, batch),
  sync(api, c) {
    const a = appOf(api, c.externalClientApplication);
    return upsert(api, 'ExtlClntAppPlcyCnfg', r => sameId(r.ExternalClientApplicationId, a.Id), {
      DeveloperName: c.fullName,
      ExternalClientApplicationId: a.Id,
      IsEnabled: c.isEnabled === 'true',
      OauthPluginStatus: c.isOauthPluginEnabled === 'false' ? 'Disabled' : 'Enabled',
    });
  },
};

export const ECA_SATELLITES = [
  ExtlClntAppGlobalOauthSettings,
  ExtlClntAppOauthSettings,
  ExtlClntAppOauthConfigurablePolicies,
  ExtlClntAppConfigurablePolicies,
];

export const ExternalClientAppSettings: MetadataType = {
  name: 'ExternalClientAppSettings',
  dir: 'settings',
  suffix: 'settings',
  minVersion: 58,
  elements: {
    enableClientSecretInRestApiAccess: 62,
    enableConsumerSecretApiAccess: 58,
    enableExternalClientAppsSecretsInMetadata: 58,
  },
  checkAccess(api, userId) {
    if (!api.org.can(userId, 'CustomizeApplication', 'ModifyAllData')) throw denied();
  },
};
