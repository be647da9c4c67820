// What can go wrong on the wire, in words an admin can act on: an expired session, an org that does not answer
// or redirects elsewhere, an HTML page or an empty body where Salesforce documents data. Never a token.
import { redact } from '../core/redact';
import { salesforceCode } from '../core/errorCodes';
import { isSetupError, SetupError } from '../core/types';

export class ConnectionError extends SetupError {
  constructor(
    message: string,
    code: 'SESSION_EXPIRED' | 'UNREACHABLE' | 'TIMEOUT' | 'API_DISABLED_FOR_ORG' | 'API_TOO_OLD' | 'AUTH',
    public readonly detail?: string,
  ) {
    super(message, code);
  }
}

/** A redirect is never followed: the token would go with it (jsforce copies the Authorization header). */
export class RedirectRefused extends Error {
  constructor(readonly location: string) {
    super(`redirect to ${location}`);
    this.name = 'RedirectRefused';
  }
}

const looksHtml = (s: string) => /^\s*<(!doctype|html|head|body)/i.test(s) || /<html[\s>]/i.test(s.slice(0, 2000));

/** Turns transport errors into typed ones the UI can show, and never lets a token into a message. */
export function classify(e: unknown, instanceUrl: string, what = 'a request'): Error {
  if (isSetupError(e)) return e;
  // What a transport or Salesforce error may carry (jsforce's: errorCode, name; Node's: code).
  const err = (e ?? {}) as {
    name?: unknown;
    errorCode?: unknown;
    code?: unknown;
    message?: unknown;
    location?: unknown;
  };
  if (e instanceof RedirectRefused || err.name === 'RedirectRefused') {
    let where = String(err.location);
    try {
      const u = new URL(where, instanceUrl);
      where = `${u.protocol}//${u.host}${u.pathname}`;
    } catch {
      /* keep as is */
    }
    return new ConnectionError(
      `${instanceUrl} answered ${what} with a redirect to ${where}. The access token was not sent there: redirects ` +
        `are not followed. ` +
        "Connect with the org's own My Domain URL (https://yourcompany.my.salesforce.com).",
      'UNREACHABLE',
    );
  }
  const code = err.errorCode ?? err.name ?? err.code;
  const msg = redact(String(err.message ?? e));
  if (code === 'INVALID_SESSION_ID' || code === 'sf:INVALID_SESSION_ID')
    return new ConnectionError(
      'The Salesforce session has expired or the access token is not valid. ' +
        'Log in again (with the Salesforce CLI: sf org login web), use a new access token, or switch org.',
      'SESSION_EXPIRED',
    );
  // Salesforce's code and its own words, then what it means: the user lacks "API Enabled", or the org's edition has
  // no API access.
  if (code === 'API_DISABLED_FOR_ORG' || code === 'sf:API_DISABLED_FOR_ORG')
    return new ConnectionError(
      `Salesforce answered ${what} with API_DISABLED_FOR_ORG: ${msg.replace(/^(sf:)?API_DISABLED_FOR_ORG:\s*/, '')} ` +
        'The user needs "API Enabled" (profile or permission set), and the org an edition with API access.',
      'API_DISABLED_FOR_ORG',
    );
  // jsforce 3.10 refuses a JWT-based access token for SOAP before sending anything (Salesforce Help, "JWT-Based Access
  // Tokens": REST APIs only); JsforceClient refuses it first with the same code.
  if (/SOAP API does not support JWT-based access tokens/i.test(msg)) return soapRefusesJwtToken(what);
  if (err.name === 'AbortError' || /aborted due to timeout/i.test(msg))
    return new ConnectionError(`${instanceUrl} did not answer ${what} in time.`, 'TIMEOUT', msg);
  if (/ECONNREFUSED|ENOTFOUND|ECONNRESET|EAI_AGAIN|socket hang up|fetch failed|network/i.test(`${code} ${msg}`))
    return new ConnectionError(
      `Cannot reach ${instanceUrl} (${/^[A-Z_]+$/.test(String(code)) ? code : 'connection failed'}) during ${what}.`,
      'UNREACHABLE',
      msg,
    );
  const status = /^ERROR_HTTP_(\d+)/.exec(String(code))?.[1];
  if (/html content/i.test(msg) || looksHtml(msg))
    return new SetupError(
      `Salesforce answered ${what} with an HTML page${status ? ` (HTTP ${status})` : ''} instead of data. ` +
        (Number(status) >= 500
          ? 'Try again in a minute.'
          : "Check that the instance URL is the org's My Domain URL and that no proxy or login page is in between."),
      status && Number(status) >= 500 ? 'SERVER_ERROR' : 'UNEXPECTED_RESPONSE',
    );
  if (status && Number(status) >= 500)
    return new SetupError(
      `Salesforce answered ${what} with a server error (HTTP ${status}). Try again in a minute.`,
      'SERVER_ERROR',
    );
  const passed = code === undefined || code === null ? 'UNKNOWN' : salesforceCode(String(code));
  return new SetupError(`${code ? `${code}: ` : ''}${msg}`.slice(0, 2000), passed);
}

/** A Metadata API (SOAP) call not made because the session's token is JWT-based (REST only). */
export function soapRefusesJwtToken(what: string): SetupError {
  return new SetupError(
    `${what} was not sent: this session's access token is JWT-based, and Salesforce accepts JWT-based access tokens ` +
      'for REST APIs only (Salesforce Help, "JWT-Based Access Tokens"), not for the Metadata API\'s SOAP calls.',
    'SOAP_REFUSES_JWT_TOKEN',
  );
}

/** The body must be what the API documents; anything else (an HTML page, `{}`, text) gets a plain message. */
export function expect<T>(
  body: unknown,
  ok: (b: Partial<T> | undefined) => boolean,
  instanceUrl: string,
  what: string,
): T {
  if (ok(body as Partial<T> | undefined)) return body as T;
  const text = typeof body === 'string' ? body : JSON.stringify(body ?? null);
  if (typeof body === 'string' && looksHtml(body))
    throw new SetupError(
      `Salesforce answered ${what} with an HTML page at ${instanceUrl} instead of data. Check that the instance URL ` +
        `is the org's My Domain URL and that no proxy or login page is in between.`,
      'UNEXPECTED_RESPONSE',
    );
  const empty = text === '{}' || text === '""' || text === 'null';
  throw new SetupError(
    `Salesforce answered ${what} with ${empty ? 'an empty response' : 'something that is not the expected data'} ` +
      `(${redact(text.slice(0, 120))}). Run again; if it repeats, check the instance URL.`,
    'UNEXPECTED_RESPONSE',
  );
}
