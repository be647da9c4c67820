// Verify: a static audit of the steps before it, and what the integration user's latest login says.
import { Finding } from '../types';
import { Step } from './step';

export const verify: Step = {
  id: 'verify',
  title: 'Verified',
  label: 'Verify',
  setupPage: '/lightning/setup/OrgLoginHistory/home',
  adminPermissions: [],
  dependsOn: [],
  reads: ['logins', 'user', 'failed'],
  evaluate({ facts: f, manifest: m }, earlier) {
    const findings: Finding[] = [];
    const notDone = earlier.filter(s => s.state !== 'done').map(s => s.title);
    const latest = f.logins?.[0];
    if (latest) {
      const where = `${latest.LoginTime}, ${latest.Application || 'unknown app'}`;
      if (latest.Status !== 'Success')
        findings.push({
          code: 'login-failing',
          severity: 'warning',
          subject: 'integration-user',
          message: `The latest login of ${m.user.username} (${where}) failed: ${latest.Status}.`,
          fix: 'Run Verify with the private key to see the cause.',
        });
      else
        findings.push({
          code: 'login-ok',
          severity: 'info',
          subject: 'integration-user',
          message: `The latest login of ${m.user.username} succeeded (${where}).`,
        });
    }
    if (f.failed.logins && f.user)
      findings.push({
        code: 'login-history-unreadable',
        severity: 'info',
        subject: 'admin',
        message: 'Login history is not visible to you ("Manage Users" or "Monitor Login History" needed).',
      });
    if (notDone.length)
      findings.push({ code: 'pending', severity: 'info', message: `Waiting for: ${notDone.join(', ')}.` });
    // Done only when every earlier step is and the latest login did not fail.
    const state = notDone.length ? 'todo' : findings.some(x => x.code === 'login-failing') ? 'error' : 'done';
    return { findings, plan: [], done: !notDone.length, state };
  },
};
