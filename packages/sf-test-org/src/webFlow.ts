// The OAuth 2.0 web server flow with PKCE, as the Salesforce CLI (`sf org login web`) uses it: the authorize page
// (a login form; the test org asks for a username only — FIDELITY.md), the redirect with a code, and the
// authorization_code grant. Salesforce's rules kept: the client id must be known and the redirect URI must be the
// app's callback exactly (redirect_uri_mismatch), the code is single-use and short-lived, and with a code_challenge
// the token request must carry the matching code_verifier (S256) [O: OAuth 2.0 Web Server Flow; RFC 7636], and a
// code_verifier for a code issued without a challenge is refused (RFC 9700 §2.1.1: a PKCE downgrade).
import { createHash, randomBytes } from 'node:crypto';
import { Org } from './state';

/** Salesforce's global connected app of the CLI; its only callback is on port 1717 (the option cliCallbackPort). */
export const PLATFORM_CLI = { clientId: 'PlatformCLI' };
const callbackOf = (org: Org) => `http://localhost:${org.options.cliCallbackPort}/OauthRedirect`;
const CODE_TTL_MS = 15 * 60 * 1000;

interface Grant {
  userId: string;
  clientId: string;
  redirectUri: string;
  challenge?: string;
  expires: number;
}

const esc = (s: string) => s.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);

export class WebFlow {
  private readonly codes = new Map<string, Grant>();
  constructor(private readonly org: Org) {}

  /**
   * GET: the login page, or an error page for a bad client or redirect (never a redirect to an unknown URI). Its form
   * posts back to the page's own path ("authorize", relative): the page works wherever a browser reaches the org,
   * also through a browser-based VS Code's port proxy (code-server opens loopback URLs under /proxy/<port>/).
   */
  page(q: URLSearchParams): { status: number; html: string } {
    const bad = this.badRequest(q);
    if (bad) return { status: 400, html: `<h1>error=${bad}</h1>` };
    const hidden = ['response_type', 'client_id', 'redirect_uri', 'state', 'code_challenge', 'code_challenge_method']
      .filter(k => q.get(k) !== null)
      .map(k => `<input type="hidden" name="${k}" value="${esc(q.get(k)!)}">`)
      .join('');
    return {
      status: 200,
      html:
        `<!DOCTYPE html><html><head><title>Login | Salesforce</title></head><body>` +
        `<form method="POST" action="authorize">${hidden}` +
        `<label for="username">Username</label><input id="username" name="username">` +
        `<button type="submit" name="approve" value="allow">Log In and Allow</button>` +
        `<button type="submit" name="approve" value="deny">Deny</button></form></body></html>`,
    };
  }

  /** POST of the login form: a redirect to the callback with a code (or error=access_denied). */
  submit(form: URLSearchParams): { status: number; location?: string; html?: string } {
    const bad = this.badRequest(form);
    if (bad) return { status: 400, html: `<h1>error=${bad}</h1>` };
    const redirect = new URL(form.get('redirect_uri')!);
    const state = form.get('state');
    if (state !== null) redirect.searchParams.set('state', state);
    if (form.get('approve') !== 'allow') {
      redirect.searchParams.set('error', 'access_denied');
      redirect.searchParams.set('error_description', 'end-user denied authorization');
      return { status: 302, location: redirect.toString() };
    }
    const user = this.org.find('User', u => u.Username === form.get('username') && !!u.IsActive);
    if (!user) return { status: 200, html: '<p class="error">Please check your username and password.</p>' };
    const code = `aPr${randomBytes(24).toString('base64url')}`;
    this.codes.set(code, {
      userId: user.Id,
      clientId: form.get('client_id')!,
      redirectUri: form.get('redirect_uri')!,
      challenge: form.get('code_challenge') ?? undefined,
      expires: this.org.now() + CODE_TTL_MS,
    });
    redirect.searchParams.set('code', code);
    return { status: 302, location: redirect.toString() };
  }

  /** The authorization_code grant: the code's user, or Salesforce's error pair. */
  redeem(form: URLSearchParams): { userId: string; clientId: string } | { error: string; description: string } {
    const code = form.get('code') ?? '';
    const grant = this.codes.get(code);
    this.codes.delete(code); // single use, whatever the outcome
    if (!grant || grant.expires < this.org.now())
      return { error: 'invalid_grant', description: 'invalid authorization code' };
    if (form.get('client_id') !== grant.clientId)
      return { error: 'invalid_client_id', description: 'client identifier invalid' };
    if (form.get('redirect_uri') !== grant.redirectUri)
      return { error: 'redirect_uri_mismatch', description: 'redirect_uri must match configuration' };
    const verifier = form.get('code_verifier');
    if (grant.challenge) {
      if (
        createHash('sha256')
          .update(verifier ?? '')
          .digest('base64url') !== grant.challenge
      )
        return { error: 'invalid_grant', description: 'invalid code verifier' };
    } else if (verifier !== null) {
      // A PKCE downgrade: a verifier for a code issued without a challenge is refused, so that a client whose
      // challenge was stripped on the way finds out (RFC 9700 §2.1.1, a MUST for authorization servers).
      return { error: 'invalid_grant', description: 'invalid code verifier' };
    }
    return { userId: grant.userId, clientId: grant.clientId };
  }

  private badRequest(q: URLSearchParams): string | undefined {
    if (q.get('response_type') !== 'code') return 'unsupported_response_type';
    if (q.get('client_id') !== PLATFORM_CLI.clientId) return 'invalid_client_id';
    if (q.get('redirect_uri') !== callbackOf(this.org)) return 'redirect_uri_mismatch';
    const method = q.get('code_challenge_method');
    if (q.get('code_challenge') !== null && method !== null && method !== 'S256') return 'invalid_request';
    return undefined;
  }
}
