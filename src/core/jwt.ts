// JWT bearer assertions (RS256, signed with jsonwebtoken) and what each token-endpoint error means for this setup.
import { randomUUID, type KeyObject } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { SetupError } from './types';
import { isSalesforceHost, trustedOrgHost } from './url';

/** How long an assertion is valid: Salesforce allows up to 3 minutes; a short life limits a replay. */
export const JWT_LIFETIME_S = 60;

export function jwtAssertion(key: KeyObject, claims: { iss: string; sub: string; aud: string }, now: number): string {
  // exp in seconds; a jti of its own (RFC 7519 4.1.7) so that each assertion is one of a kind; no iat (Salesforce
  // does not ask for it).
  return sign({ ...claims, exp: Math.floor(now / 1000) + JWT_LIFETIME_S, jti: randomUUID() }, key, {
    algorithm: 'RS256',
    noTimestamp: true,
  });
}

/**
 * Where an assertion for `audience` may be posted: the org's own token endpoint when the org is at a Salesforce host
 * (its My Domain: Salesforce documents posting there with the login/test audience) or is the loopback test org;
 * otherwise the audience's own (login.salesforce.com, test.salesforce.com, a Salesforce site). An assertion never goes
 * to a host outside Salesforce, where it could be replayed at Salesforce within its lifetime.
 */
export function jwtTokenUrl(audience: string, instanceUrl: string): string {
  if (trustedOrgHost(instanceUrl)) return `${new URL(instanceUrl).origin}/services/oauth2/token`;
  let aud: URL | undefined;
  try {
    aud = new URL(audience);
  } catch {
    aud = undefined;
  }
  if (aud?.protocol === 'https:' && isSalesforceHost(aud.hostname)) return `${aud.origin}/services/oauth2/token`;
  throw new SetupError(
    `The JWT login was not tried: its assertion is posted only to Salesforce, and neither the org's address ` +
      `(${instanceUrl}) nor the audience (${audience}) is a Salesforce host.`,
    'JWT_LOGIN_FAILED',
    'verify',
  );
}

export interface JwtDiagnosis {
  cause: string;
  fix: string;
  retryable: boolean;
}

/** The token endpoint's error → cause → fix table (salesforce-api.md, section I). Matched on the description. */
export function explainJwtError(error: string, description: string): JwtDiagnosis {
  const d = description.toLowerCase();
  if (error === 'invalid_client_id' || d.includes('client identifier invalid'))
    return {
      cause: 'Salesforce does not know this consumer key yet, or the app or its OAuth plugin is disabled.',
      fix: 'Check the consumer key; right after creating the app, wait a few minutes (propagation) and retry.',
      retryable: true,
    };
  if (d.includes("hasn't approved") || d.includes('has not approved'))
    return {
      cause:
        'Permitted Users is not "Admin approved users are pre-authorized" (or the audience does not match the org).',
      fix: 'Run the External Client App step; check the login URL (login vs test).',
      retryable: true,
    };
  if (error === 'invalid_app_access' || d.includes('not admin approved'))
    return {
      cause: 'The integration user holds no permission set or profile linked to the app.',
      fix: 'Run the permission set and link steps (assignment + SetupEntityAccess).',
      retryable: true,
    };
  if (d.includes('audience'))
    return {
      cause:
        'The JWT audience is not the login URL this org expects (production: login.salesforce.com, sandbox: ' +
        'test.salesforce.com).',
      fix: 'Set "loginUrl" in the manifest to match the org type.',
      retryable: false,
    };
  if (d.includes('invalid assertion'))
    return {
      cause:
        "The signature does not match the app's certificate: a different key, a certificate cleared by a redeploy, " +
        'or an expired certificate.',
      fix:
        'Run the External Client App step (it re-sends the certificate) and use the key that matches ' +
        'salesforce.crt.',
      retryable: false,
    };
  if (d.includes('expired authorization code'))
    return {
      cause: "The assertion's exp is in the past or too far ahead (clock skew).",
      fix: 'Sync the computer clock; exp must be within 3 minutes.',
      retryable: false,
    };
  if (d.includes('inactive user'))
    return {
      cause: 'The integration user is inactive or frozen.',
      fix: 'Reactivate or unfreeze the user in Setup → Users.',
      retryable: false,
    };
  if (d.includes('ip restricted'))
    return {
      cause: "The integration user's profile has Login IP Ranges that exclude this client; JWT always enforces them.",
      fix: "Remove the profile's Login IP Ranges or add BalkanID's egress IPs.",
      retryable: false,
    };
  if (d.includes('authentication failure'))
    return {
      cause: 'The username is wrong or belongs to another org.',
      fix: 'Check "user.username" in the manifest and the org you are connected to.',
      retryable: false,
    };
  if (error === 'unsupported_grant_type')
    return {
      cause: 'The token request was malformed.',
      fix: 'This is a bug in the tool; please report it.',
      retryable: false,
    };
  return {
    cause: `Salesforce refused the login (${error}: ${description}).`,
    fix: 'Check the app, the user and the certificate in Setup.',
    retryable: false,
  };
}

/**
 * Whether an access token is JWT-based (Salesforce Help, "JWT-Based Access Tokens": issued to apps with "Issue JSON Web
 * Token (JWT)-based access tokens for named users"; "can be used only to access REST APIs"): three base64url parts,
 * the first a JSON header naming its algorithm. An opaque session Id ("00D…!AQ…") has no dots.
 */
export function isJwtAccessToken(token: string): boolean {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some(p => !/^[A-Za-z0-9_-]+$/.test(p))) return false;
  try {
    const header: unknown = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null && typeof (header as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}
