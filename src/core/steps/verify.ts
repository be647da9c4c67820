// Verify: done only after a real login through the app succeeded — BalkanID's own (seen in the integration user's
// login history) or the JWT self-test's (which Salesforce records there too). Until then it waits for one.
import { finding } from '../findings';
import { Facts, LOGIN_ROWS } from '../facts';
import { Finding, LoginStatus } from '../types';
import { Step } from './step';
import { STEP_NAMES } from './names';

/**
 * Only OAuth logins (the query's filter) made since the app exists count: a login of an app a teardown removed, or
 * of a former app of the same name, says nothing about this one.
 */
export function loginStatus(f: Pick<Facts, 'logins' | 'failed' | 'app'>): LoginStatus {
  if (f.failed.logins) return { status: 'unreadable', complete: false };
  // No app (a teardown removed it): no login went through it, whatever the history holds.
  if (!f.app && !f.failed.app) return { status: 'waiting', complete: true };
  const since = f.app?.CreatedDate;
  const rows = (f.logins ?? []).filter(r => !since || Date.parse(r.LoginTime) >= Date.parse(since));
  const ok = rows.filter(r => r.Status === 'Success');
  const latest = rows[0];
  const complete = (f.logins ?? []).length < LOGIN_ROWS;
  if (latest && latest.Status !== 'Success') return { status: 'failing', latest, complete, since };
  if (ok.length) return { status: 'connected', firstSuccess: ok[ok.length - 1]!.LoginTime, latest, complete, since };
  return { status: 'waiting', complete, since };
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
  evaluate({ facts: f, manifest: m }, earlier) {
    const findings: Finding[] = [];
    // The consumer key may be unreadable to this admin (typed by hand instead): it does not hold Verify back.
    const notDone = earlier.filter(s => s.state !== 'done' && s.id !== 'consumerKey').map(s => s.title);
    const login = loginStatus(f);
    const who = m.user.username;
    // Salesforce's "2026-11-30T03:46:23.000+0000" as "2026-11-30 03:46 UTC".
    const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
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
            `${who} logged in through the app (${login.complete ? 'first' : 'earliest seen'} login ` +
            `${when(login.firstSuccess!)}).`,
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
          message: `Waiting for the first login of ${who} through the app.`,
          fix:
            'Copy the values into BalkanID (it logs in when you save the integration), or run Verify with the ' +
            'private key.',
        }),
      );
    const state = login.status === 'connected' ? 'done' : login.status === 'failing' ? 'error' : 'waiting';
    return { findings, plan: [], done: state === 'done', state };
  },
};
