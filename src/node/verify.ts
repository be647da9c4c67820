// The JWT self-test: log in as the integration user exactly as BalkanID will (JWT bearer, RS256), then count what
// an identity-governance extractor reads (src/core/extract/sources.ts). Retries through the propagation window.
import { Clock, systemClock } from '../core/clock';
import type { KeyObject } from 'node:crypto';
import { explainJwtError, jwtAssertion, JwtDiagnosis, jwtTokenUrl } from '../core/jwt';
import { trustedOrgHost } from '../core/url';
import { SetupError, isSetupError, messageOf } from '../core/types';
import { checkInstanceUrl, classify, configureTransport, connect, JsforceClient } from './salesforce';
import { bindTransport } from './transport';
import { countSources, DEFAULT_USERS, readFix, SOURCES } from '../core/extract/sources';
import { registerSecret } from '../core/redact';
import { activeTrace } from './trace';
import type { OrgClient } from '../core/client';
import { loginsMadeBetween, OwnLogin } from '../core/ownLogins';
import { latestLogins } from '../core/probe';

export interface SelfTestOptions {
  instanceUrl: string;
  consumerKey: string;
  username: string;
  key: KeyObject;
  audience: string;
  /** Attempts for errors that settle with time (propagation): default 10, with doubling backoff. */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
  /** Only log in (for reading as the integration user): the result carries the session's client. */
  session?: boolean;
  /** The JWT's expiry and the waits between attempts. */
  clock?: Clock;
  /** The deadline of each exchange (the token request, then the session's requests). */
  timeoutMs?: number;
}

export interface SelfTestResult {
  /** Logins tried, and the most that would have been tried. */
  ok: boolean;
  attempts: number;
  maxAttempts: number;
  failure?: JwtDiagnosis & { error: string; description: string };
  /** What BalkanID can read: each list by its API name and Setup's label (as the preview shows it). */
  reads: Array<{ object: string; label: string; count?: number; error?: string; cause?: string }>;
  client?: JsforceClient;
}

const READER = 'The integration user';

/** What an extractor reads, counted in one round trip; an unreadable object names the permission that fixes it. */
async function readCounts(client: JsforceClient): Promise<SelfTestResult['reads']> {
  const { counts } = await countSources(client, DEFAULT_USERS);
  return SOURCES.filter(s => !s.hidden).map(s => {
    const c = counts[s.id];
    if ('count' in c) return { object: s.object, label: s.label, count: c.count };
    if ('timedOut' in c)
      return {
        object: s.object,
        label: s.label,
        error: 'QUERY_TIMEOUT',
        cause: `Salesforce could not count ${s.label} in time (readable).`,
      };
    return { object: s.object, label: s.label, error: c.code, cause: readFix(s, c.code, READER) };
  });
}

export async function jwtSelfTest(o: SelfTestOptions): Promise<SelfTestResult> {
  const instanceUrl = checkInstanceUrl(o.instanceUrl);
  // The assertion goes only to a token endpoint its audience is served by (jwtTokenUrl): never to a host outside
  // Salesforce that could replay it at Salesforce.
  const tokenUrl = jwtTokenUrl(o.audience, instanceUrl);
  const { OAuth2 } = await import('jsforce');
  await configureTransport();
  const oauth2 = bindTransport(new OAuth2({ loginUrl: new URL(tokenUrl).origin, tokenServiceUrl: tokenUrl }), {
    timeoutMs: o.timeoutMs,
    clock: o.clock,
    signal: o.signal,
  });
  activeTrace()?.attach((oauth2 as unknown as { _transport?: never })._transport);
  const attempts = o.attempts ?? 10;
  if (!Number.isInteger(attempts) || attempts < 1)
    throw new SetupError(
      `The number of JWT login attempts must be a whole number of at least 1, not ${attempts}.`,
      'USAGE',
      'verify',
    );
  const clock = o.clock ?? systemClock;
  let tried = 0;
  let delay = o.baseDelayMs ?? 15000;
  let last: SelfTestResult['failure'];
  for (let i = 1; i <= attempts; i++) {
    if (o.signal?.aborted) throw new SetupError('Verification cancelled.', 'CANCELLED', 'verify');
    o.onProgress?.(`JWT login as ${o.username} (attempt ${i} of at most ${attempts})…`);
    tried = i;
    try {
      const token = await oauth2.requestToken({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: jwtAssertion(o.key, { iss: o.consumerKey, sub: o.username, aud: o.audience }, clock.now()),
      });
      registerSecret(token.access_token);
      // The session is used at the org's address, or at another Salesforce host the token endpoint names; never
      // elsewhere (the integration user's token would go there).
      const sessionUrl = token.instance_url ?? instanceUrl;
      if (sessionUrl !== instanceUrl && !trustedOrgHost(sessionUrl))
        throw new SetupError(
          `The JWT login answered with an instance URL outside Salesforce (${sessionUrl}); its session was not used.`,
          'JWT_LOGIN_FAILED',
          'verify',
        );
      const client = await connect({
        instanceUrl: sessionUrl,
        accessToken: token.access_token,
        timeoutMs: o.timeoutMs,
        clock: o.clock,
        signal: o.signal,
      });
      if (o.session) return { ok: true, attempts: i, maxAttempts: attempts, reads: [], client };
      const reads = await readCounts(client);
      return { ok: reads.every(r => r.error === undefined), attempts: i, maxAttempts: attempts, reads };
    } catch (e) {
      if (isSetupError(e) && e.code === 'API_DISABLED_FOR_ORG')
        return {
          ok: false,
          attempts: i,
          maxAttempts: attempts,
          reads: SOURCES.filter(s => !s.hidden).map(s => ({
            object: s.object,
            label: s.label,
            error: 'API_DISABLED_FOR_ORG',
            cause: readFix(s, 'API_DISABLED_FOR_ORG', READER),
          })),
        };
      if (isSetupError(e)) throw e;
      const { name, message } = (e ?? {}) as { name?: unknown; message?: unknown };
      if (typeof name === 'string' && ['FetchError', 'AbortError', 'RedirectRefused'].includes(name))
        throw classify(e, instanceUrl, 'the JWT login');
      const error = String(name ?? 'error'),
        description = String(message ?? '');
      last = { error, description, ...explainJwtError(error, description) };
      if (!last.retryable || i === attempts) break;
      o.onProgress?.(
        `${description}: retrying in ${Math.round(delay / 1000)} s (changes can take minutes to reach the login ` +
          `servers)…`,
      );
      await clock.sleep(delay, o.signal).catch(() => {
        throw new SetupError('Verification cancelled.', 'CANCELLED', 'verify');
      });
      delay = Math.min(delay * 2, o.maxDelayMs ?? 60000);
    }
  }
  return { ok: false, attempts: tried, maxAttempts: attempts, failure: last, reads: [] };
}

/** Why a JWT login for reading (session: true) gave no session, as the admin can act on it. */
export function sessionFailure(r: SelfTestResult, username: string): string {
  const why = r.failure
    ? `${r.failure.description} — ${r.failure.fix}`
    : (r.reads.find(x => x.cause)?.cause ?? 'Salesforce gave no session');
  return `The JWT login as ${username} failed: ${why} Nothing was read.`;
}

/** Where a front end keeps the logins this tool made (the CLI: beside the manifest; VS Code: its global state). */
export type RememberLogins = (fresh: OwnLogin[]) => Promise<void>;

/**
 * A JWT login as the integration user that this tool remembers as its own, so it is never taken for BalkanID's: the
 * integration user's latest logins are read (as the admin) before and after, and the rows that appeared in between —
 * one per attempt at most — are handed to `remember`. Without access to the login history nothing can be remembered
 * (and nothing there can be taken for BalkanID's either): `remembered` is then undefined.
 */
export async function rememberedJwtLogin(
  admin: OrgClient,
  o: SelfTestOptions,
  remember: RememberLogins,
  by: OwnLogin['by'],
): Promise<RememberedLogin> {
  const before = await latestLogins(admin, o.username).catch(() => undefined);
  let result: RememberedLogin | undefined;
  try {
    result = await jwtSelfTest(o);
  } finally {
    // Even after a failure or a cancel: the attempts made are in the login history.
    if (before) {
      const attempts = result?.attempts ?? o.attempts ?? 10;
      const read = () => latestLogins(admin, o.username).catch(() => undefined);
      let after = await read();
      // A successful login is in the history; if it does not show yet, look once more a little later.
      if (result?.ok && after && !loginsMadeBetween(before, after, attempts, by).length) {
        await (o.clock ?? systemClock).sleep(2000, o.signal).catch(() => undefined);
        after = (await read()) ?? after;
      }
      const fresh = after ? loginsMadeBetween(before, after, attempts, by) : [];
      let forgotten: string | undefined;
      if (fresh.length) await remember(fresh).catch((e: unknown) => (forgotten = messageOf(e)));
      if (result) result = { ...result, remembered: fresh, ...(forgotten ? { forgotten } : {}) };
    }
  }
  return result!;
}

export interface RememberedLogin extends SelfTestResult {
  /** The login history rows of this login, remembered as the tool's (undefined: the history is not readable). */
  remembered?: OwnLogin[];
  /** Why they could not be kept (the memory's file could not be written). */
  forgotten?: string;
}
