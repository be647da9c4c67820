// Verify: done only after BalkanID logged in through the app — a login this tool did not make, seen in the
// integration user's login history. The JWT self-test (and reading as the integration user) logs in through the app
// too: those logins are remembered (ownLogins.ts) and never counted; the self-test shows on its own line.
import { finding } from '../findings';
import { Facts, LOGIN_ROWS } from '../facts';
import { isOwnLogin, OwnLogin } from '../ownLogins';
import { Finding, LoginStatus } from '../types';
import { Step } from './step';
import { STEP_NAMES } from './names';

/** Salesforce's "2026-11-30T03:46:23.000+0000" as "2026-11-30 03:46 UTC". */
export const utcMinute = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/**
 * Only OAuth logins (the query's filter) made since the app exists count: a login of an app a teardown removed, or
 * of a former app of the same name, says nothing about this one. The logins this tool made (`own`) never count.
 */
export function loginStatus(f: Pick<Facts, 'logins' | 'failed' | 'app'>, own: readonly OwnLogin[] = []): LoginStatus {
  if (f.failed.logins) return { status: 'unreadable', complete: false, ...selfTestOf(own, f) };
  // No app (a teardown removed it): no login went through it, whatever the history holds.
  if (!f.app && !f.failed.app) return { status: 'waiting', complete: true };
  const since = f.app?.CreatedDate;
  const after = (iso: string) => !since || Date.parse(iso) >= Date.parse(since);
  const rows = (f.logins ?? []).filter(r => after(r.LoginTime) && !isOwnLogin(r, own));
  const ok = rows.filter(r => r.Status === 'Success');
  const latest = rows[0];
  const complete = (f.logins ?? []).length < LOGIN_ROWS;
  const mine = selfTestOf(own, f);
  if (latest && latest.Status !== 'Success') return { status: 'failing', latest, complete, since, ...mine };
  if (ok.length)
    return { status: 'connected', firstSuccess: ok[ok.length - 1]!.LoginTime, latest, complete, since, ...mine };
  return { status: 'waiting', complete, since, ...mine };
}

/** This tool's latest self-test through the app as it is now (since the app was created). */
function selfTestOf(own: readonly OwnLogin[], f: Pick<Facts, 'app'>): Pick<LoginStatus, 'selfTest'> {
  const since = f.app?.CreatedDate;
  const last = own.find(o => o.by === 'self-test' && (!since || Date.parse(o.at) >= Date.parse(since)));
  return last ? { selfTest: { at: last.at, ok: last.ok } } : {};
}

/** Salesforce's LoginHistory.Status texts for JWT logins, and what fixes each. */
function loginFix(status: string): string {
  const s = status.toLowerCase();
  if (s.includes('not admin approved') || s.includes('not approved'))
    return 'Run the link step: the permission set must be linked to the app (Policies → Select Permission Sets).';
  if (s.includes('inactive')) return 'Reactivate the integration user (Run All asks to).';
  if (/\bip\b/.test(s)) return "Remove the Login IP Ranges on the integration profile, or add BalkanID's addresses.";
  if (s.includes('assertion') || s.includes('signature') || s.includes('certificate'))
    return (
      "BalkanID's key does not match the app's certificate: use the salesforce.crt BalkanID gave you and run the " +
      'External Client App step.'
    );
  if (s.includes('audience'))
    return 'Set the Login URL in BalkanID to login.salesforce.com (test.salesforce.com for a sandbox).';
  return 'Check the values in BalkanID (username, consumer key, login URL), or run Verify with the private key.';
}

export const verify: Step = {
  id: 'verify',
  ...STEP_NAMES.verify,
  setupPage: '/lightning/setup/OrgLoginHistory/home',
  help: {
    guide: 'configure-salesforce-in-your-balkanid-tenant',
    docs: 'https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.remoteaccess_oauth_flow_errors.htm',
  },
  adminPermissions: [],
  dependsOn: [],
  evaluate({ facts: f, manifest: m, ownLogins }, earlier) {
    const findings: Finding[] = [];
    // The consumer key may be unreadable to this admin (typed by hand instead): it does not hold Verify back.
    const notDone = earlier.filter(s => s.state !== 'done' && s.id !== 'consumerKey').map(s => s.title);
    const login = loginStatus(f, ownLogins);
    const who = m.user.username;
    const when = utcMinute;
    if (login.selfTest)
      findings.push(
        finding(login.selfTest.ok ? 'self-test-passed' : 'self-test-failed', {
          subject: 'integration-user',
          message: login.selfTest.ok
            ? `Self-test passed: this tool logged in as ${who} through the app (JWT, ${when(login.selfTest.at)}). ` +
              "It is not counted as BalkanID's login."
            : `Self-test failed: this tool's JWT login as ${who} (${when(login.selfTest.at)}) did not succeed; it is ` +
              "not counted as BalkanID's login.",
          ...(login.selfTest.ok
            ? {}
            : { fix: 'Run Verify again for the cause and its fix (the private key must match salesforce.crt).' }),
        }),
      );
    if (login.status === 'failing' && login.latest) {
      const l = login.latest;
      findings.push(
        finding('login-failing', {
          subject: 'integration-user',
          message:
            `The latest login of ${who} (${when(l.LoginTime)}, ${l.Application || 'unknown app'}) failed: ` +
            `${l.Status}.`,
          fix: loginFix(l.Status),
        }),
      );
    } else if (login.status === 'connected')
      findings.push(
        finding('login-ok', {
          subject: 'integration-user',
          message:
            `BalkanID logged in as ${who} through the app (${login.complete ? 'first' : 'earliest seen'} login ` +
            `${when(login.firstSuccess!)}; a login this tool did not make).`,
        }),
      );
    else if (login.status === 'unreadable' && f.user)
      findings.push(
        finding('login-history-unreadable', {
          subject: 'admin',
          message:
            'Login history is not visible to you ("Manage Users" or "Monitor Login History" needed), so BalkanID\'s ' +
            'first login cannot be seen here.',
          fix: 'Run Verify with the private key, or ask BalkanID whether its test connection worked.',
        }),
      );
    if (notDone.length) {
      findings.push(finding('pending', { message: `Waiting for: ${notDone.join(', ')}.` }));
      return { findings, plan: [], done: false, state: 'todo' };
    }
    if (login.status === 'waiting')
      findings.push(
        finding('awaiting-login', {
          subject: 'integration-user',
          message: `Waiting for BalkanID's first login as ${who} through the app.`,
          fix:
            'Copy the values into BalkanID: it logs in when you save the integration. (Verify with the private key ' +
            "tests the login itself; only BalkanID's own login completes this step.)",
        }),
      );
    const state = login.status === 'connected' ? 'done' : login.status === 'failing' ? 'error' : 'waiting';
    return { findings, plan: [], done: state === 'done', state };
  },
};
