// The OAuth token endpoint: the JWT bearer grant verified like Salesforce does (signature against the
// External Client App's certificate, iss/sub/aud/exp, pre-authorization), the refresh_token grant, and
// userinfo / identity. Every login attempt is written to LoginHistory.
import { verify as verifyJwt } from 'jsonwebtoken';
import { LoginClient, Org, Rec } from './state';
import { MetadataApi, parseCertificate, splitList } from './metadata';
import { sameId } from './ids';
import { WebFlow } from './webFlow';
import { randomBytes } from 'node:crypto';

export interface OAuthResult {
  status: number;
  body: Record<string, unknown>;
}

const fail = (error: string, error_description: string): OAuthResult => ({
  status: 400,
  body: { error, error_description },
});

// LoginHistory.Status text per failure. Salesforce's exact wording for these is unconfirmed [I].
const LOGIN_STATUS: Record<string, string> = {
  'invalid assertion': 'Failed: Invalid Assertion',
  'audience is invalid': 'Failed: Invalid Audience',
  'expired authorization code': 'Failed: Assertion Expired',
  "user hasn't approved this consumer": 'Failed: OAuth Approval Required',
  'user is not admin approved to access this app': 'Failed: Not Admin Approved',
  'ip restricted': 'Restricted IP',
  'inactive user': 'User is inactive',
  'user is frozen': 'User is Frozen',
};

export function jwtAudiences(org: Org, baseUrl: string): string[] {
  const own = [
    baseUrl,
    `${baseUrl}/`,
    baseUrl.replace('127.0.0.1', 'localhost'),
    `${baseUrl.replace('127.0.0.1', 'localhost')}/`,
  ];
  return [...own, org.options.isSandbox ? 'https://test.salesforce.com' : 'https://login.salesforce.com'];
}

function b64json(part: string): any {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

export class OAuth {
  readonly web: WebFlow;
  /** The client of the token request being answered (LoginHistory's SourceIp, Browser, Platform). */
  private client: LoginClient = {};
  constructor(
    private readonly org: Org,
    private readonly meta: MetadataApi,
  ) {
    this.web = new WebFlow(org);
  }

  token(form: URLSearchParams, baseUrl: string, client: LoginClient = {}): OAuthResult {
    this.client = client;
    const grant = form.get('grant_type');
    if (grant === 'urn:ietf:params:oauth:grant-type:jwt-bearer') return this.jwt(form.get('assertion') ?? '', baseUrl);
    if (grant === 'refresh_token') return this.refresh(form.get('refresh_token') ?? '', form.get('client_id'), baseUrl);
    if (grant === 'authorization_code') {
      const r = this.web.redeem(form);
      if ('error' in r) return fail(r.error, r.description);
      const user = this.org.get('User', r.userId)!;
      this.org.recordLogin(user.Id, 'Success', r.clientId, baseUrl, this.client);
      const refreshToken = `5Aep${randomBytes(30).toString('base64url')}`;
      this.org.refreshTokens.set(refreshToken, { userId: user.Id, clientId: r.clientId });
      return this.success(user, baseUrl, 'api refresh_token web', r.clientId, { refresh_token: refreshToken });
    }
    return fail('unsupported_grant_type', 'grant type not supported');
  }

  private success(
    user: Rec,
    baseUrl: string,
    scope: string,
    clientId: string,
    extra: Record<string, unknown> = {},
    jwt = this.org.options.jwtAccessTokens,
  ): OAuthResult {
    const accessToken = this.org.issueToken(user.Id, clientId, { jwt, issuer: baseUrl, scopes: scope.split(' ') });
    const issuedAt = String(this.org.now());
    return {
      status: 200,
      body: {
        access_token: accessToken,
        // A JWT-based token comes with token_format "jwt" (@salesforce/agents NamedUserJwtResponse) [I for others].
        ...(jwt ? { token_format: 'jwt' } : {}),
        scope,
        instance_url: baseUrl,
        id: `${baseUrl}/id/${this.org.orgId}/${user.Id}`,
        token_type: 'Bearer',
        issued_at: issuedAt,
        signature: Buffer.from(issuedAt).toString('base64'),
        ...extra,
      },
    };
  }

  private jwt(assertion: string, baseUrl: string): OAuthResult {
    const parts = assertion.split('.');
    const header = b64json(parts[0] ?? '');
    const claims = b64json(parts[1] ?? '');
    if (parts.length !== 3 || !header || !claims) return fail('invalid_grant', 'invalid assertion');
    const apps = this.meta.all('ExtlClntAppGlobalOauthSettings');
    const app = apps.find(a => a.consumerKey === claims.iss);
    const appName = app?.externalClientApplication;
    const plcy =
      appName && this.meta.all('ExtlClntAppConfigurablePolicies').find(p => p.externalClientApplication === appName);
    if (!app || (plcy && (plcy.isEnabled === 'false' || plcy.isOauthPluginEnabled === 'false')))
      return fail('invalid_client_id', 'client identifier invalid');
    const user = this.org.find(
      'User',
      u => String(u.Username).toLowerCase() === String(claims.sub ?? '').toLowerCase(),
    );
    const denied = (error: string, description: string): OAuthResult => {
      this.org.recordLogin(
        user?.Id,
        LOGIN_STATUS[description] ?? `Failed: ${description}`,
        appName ?? '',
        baseUrl,
        this.client,
      );
      return fail(error, description);
    };
    const cert = app.certificate ? parseCertificate(app.certificate) : undefined;
    if (header.alg !== 'RS256' || !cert) return denied('invalid_grant', 'invalid assertion');
    // Signature only (RS256): exp is judged below, in seconds or in the milliseconds the sf CLI sends.
    let ok = true;
    try {
      verifyJwt(assertion, cert.publicKey, { algorithms: ['RS256'], ignoreExpiration: true, ignoreNotBefore: true });
    } catch {
      ok = false;
    }
    const now = this.org.now();
    if (!ok || Date.parse(cert.validTo) < now || Date.parse(cert.validFrom) > now)
      return denied('invalid_grant', 'invalid assertion');
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.some((a: unknown) => jwtAudiences(this.org, baseUrl).includes(String(a))))
      return denied('invalid_grant', 'audience is invalid');
    // exp in seconds; the sf CLI sends milliseconds (Date.now() + 300), which Salesforce evidently accepts.
    const exp = typeof claims.exp === 'number' ? (claims.exp > 1e11 ? claims.exp : claims.exp * 1000) : NaN;
    if (!(exp > now) || exp > now + 3 * 60 * 1000 + 5000) return denied('invalid_grant', 'expired authorization code');
    if (!user) return fail('invalid_grant', 'authentication failure');
    if (!user.IsActive) return denied('invalid_grant', 'inactive user');
    const login = this.org.find('UserLogin', l => sameId(l.UserId, user.Id));
    if (login?.IsFrozen) return denied('invalid_grant', 'inactive user'); // frozen users fail like inactive ones [I]
    if (this.org.ipRestrictedProfiles.has(String(user.ProfileId).slice(0, 15)))
      return denied('invalid_grant', 'ip restricted');
    const policy = this.meta
      .all('ExtlClntAppOauthConfigurablePolicies')
      .find(p => p.externalClientApplication === appName);
    if (policy?.permittedUsersPolicyType !== 'AdminApprovedPreAuthorized')
      return denied('invalid_grant', "user hasn't approved this consumer");
    if (!this.preAuthorized(user, appName, policy))
      return denied('invalid_app_access', 'user is not admin approved to access this app');
    this.org.recordLogin(user.Id, 'Success', appName, baseUrl, this.client);
    const settings = this.meta.all('ExtlClntAppOauthSettings').find(s => s.externalClientApplication === appName);
    const scopes = splitList(settings?.commaSeparatedOauthScopes).map(
      s =>
        (
          ({
            Api: 'api',
            RefreshToken: 'refresh_token offline_access',
            Full: 'full',
            Web: 'web',
            OpenID: 'openid',
          }) as any
        )[s] ?? s.toLowerCase(),
    );
    // "Issue JSON Web Token (JWT)-based access tokens for named users" (isNamedUserJwtEnabled, API 61.0+).
    const jwt = this.org.options.jwtAccessTokens || app.isNamedUserJwtEnabled === 'true';
    return this.success(user, baseUrl, scopes.join(' '), claims.iss, {}, jwt);
  }

  /** Admin-approved pre-authorization: a profile named in the policy, or a permission set linked through SetupEntityAccess. */
  preAuthorized(user: Rec, appName: string, policy: Record<string, any>): boolean {
    const profile = this.org.get('Profile', user.ProfileId);
    if (
      profile &&
      splitList(policy.commaSeparatedProfile).some(n => n.toLowerCase() === String(profile.Name).toLowerCase())
    )
      return true;
    const app = this.org.find('ExternalClientApplication', a => a.DeveloperName === appName);
    if (!app) return false;
    const linked = new Set(
      this.org
        .all('SetupEntityAccess')
        .filter(s => sameId(s.SetupEntityId, app.Id))
        .map(s => s.ParentId.slice(0, 15)),
    );
    const owned = this.org.refs('PermissionSet', 'ProfileId', user.ProfileId).find(p => p.IsOwnedByProfile);
    if (owned && linked.has(owned.Id.slice(0, 15))) return true;
    return this.org
      .refs('PermissionSetAssignment', 'AssigneeId', user.Id)
      .some(a => a.IsActive && a.PermissionSetId && linked.has(a.PermissionSetId.slice(0, 15)));
  }

  private refresh(refreshToken: string, clientId: string | null, baseUrl: string): OAuthResult {
    const grant = this.org.refreshTokens.get(refreshToken);
    if (!grant) return fail('invalid_grant', 'expired access/refresh token');
    if (clientId && clientId !== grant.clientId) return fail('invalid_client_id', 'client identifier invalid');
    const user = this.org.get('User', grant.userId);
    if (!user?.IsActive) return fail('invalid_grant', 'inactive user');
    this.org.recordLogin(user.Id, 'Success', grant.clientId, baseUrl, this.client);
    return this.success(user, baseUrl, 'api refresh_token full', grant.clientId);
  }

  userinfo(user: Rec, baseUrl: string): Record<string, unknown> {
    const v = `${baseUrl}/services/data/v{version}`;
    return {
      sub: `${baseUrl}/id/${this.org.orgId}/${user.Id}`,
      user_id: user.Id,
      organization_id: this.org.orgId,
      preferred_username: user.Username,
      nickname: user.CommunityNickname,
      name: user.Name,
      email: user.Email,
      email_verified: true,
      given_name: user.FirstName,
      family_name: user.LastName,
      zoneinfo: user.TimeZoneSidKey,
      photos: {},
      profile: `${baseUrl}/${user.Id}`,
      picture: null,
      address: {},
      is_salesforce_integration_user: false,
      urls: {
        enterprise: `${baseUrl}/services/Soap/c/{version}/${this.org.orgId}`,
        metadata: `${baseUrl}/services/Soap/m/{version}/${this.org.orgId}`,
        partner: `${baseUrl}/services/Soap/u/{version}/${this.org.orgId}`,
        rest: `${v}/`,
        sobjects: `${v}/sobjects/`,
        search: `${v}/search/`,
        query: `${v}/query/`,
        recent: `${v}/recent/`,
        tooling_soap: `${baseUrl}/services/Soap/T/{version}/${this.org.orgId}`,
        tooling_rest: `${v}/tooling/`,
        profile: `${baseUrl}/${user.Id}`,
        feeds: `${v}/chatter/feeds`,
        groups: `${v}/chatter/groups`,
        users: `${v}/chatter/users`,
        feed_items: `${v}/chatter/feed-items`,
        feed_elements: `${v}/chatter/feed-elements`,
        custom_domain: baseUrl,
      },
      active: !!user.IsActive,
      user_type: 'STANDARD',
      language: user.LanguageLocaleKey,
      locale: user.LocaleSidKey,
      utcOffset: 0,
      updated_at: user.LastModifiedDate,
      is_app_installed: true,
    };
  }

  identity(user: Rec, baseUrl: string): Record<string, unknown> {
    const info = this.userinfo(user, baseUrl);
    return {
      id: info.sub,
      asserted_user: true,
      user_id: user.Id,
      organization_id: this.org.orgId,
      username: user.Username,
      nick_name: user.CommunityNickname,
      display_name: user.Name,
      email: user.Email,
      email_verified: true,
      first_name: user.FirstName,
      last_name: user.LastName,
      timezone: user.TimeZoneSidKey,
      photos: {},
      addr_street: null,
      addr_city: null,
      addr_state: null,
      addr_country: null,
      addr_zip: null,
      mobile_phone: null,
      mobile_phone_verified: false,
      is_lightning_login_user: false,
      status: { created_date: null, body: null },
      urls: info.urls,
      active: !!user.IsActive,
      user_type: 'STANDARD',
      language: user.LanguageLocaleKey,
      locale: user.LocaleSidKey,
      utcOffset: 0,
      last_modified_date: user.LastModifiedDate,
      is_app_installed: true,
    };
  }
}
