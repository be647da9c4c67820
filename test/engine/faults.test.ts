// The fault matrix: fail each request of a full apply in turn, in each way a real org fails; the run must end
// with a clear error naming the step (or ride it out), and a re-run must converge without duplicates.
import assert from 'node:assert/strict';
import { apply } from '../../src/core/engine';
import { SetupError } from '../../src/core/types';
import { adminClient, engineInput, useOrg } from '../support/helpers';
import { assertNoDuplicates } from './engine.test';
import { Fault } from '../org/server';

const KINDS: Record<string, (after: number) => Fault> = {
  '500': after => ({ path: '.*', after, status: 500, body: [{ message: 'An unexpected error occurred.', errorCode: 'UNKNOWN_EXCEPTION' }] }),
  'REQUEST_LIMIT_EXCEEDED': after => ({ path: '.*', after, status: 403, body: [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }] }),
  'INVALID_SESSION_ID': after => ({ path: '.*', after, expireSessions: true }),
  'connection reset': after => ({ path: '.*', after, reset: true }),
  // The org takes longer than the client's request timeout (shortened to 400 ms below).
  'timeout': after => ({ path: '.*', after, delayMs: 1200 }),
};

describe('engine: fault matrix over a full apply on a fresh org', function () {
  this.timeout(300000);
  const t = useOrg({ scenario: 'fresh', deployMs: 20 });

  it('counts the requests of a clean apply', async () => {
    const input = engineInput(await adminClient(t.org));
    t.org.resetStats();
    await apply(input);
    assert.ok(t.org.stats().total >= 8);
  });

  for (const [kind, fault] of Object.entries(KINDS)) {
    it(`${kind}: fails or recovers at every request, and the next run converges`, async () => {
      t.org.reset('fresh');
      const input0 = engineInput(await adminClient(t.org));
      t.org.resetStats();
      await apply(input0);
      const n = t.org.stats().total;
      const outcomes: string[] = [];
      for (let i = 0; i < n; i++) {
        t.org.reset('fresh');
        const input = engineInput(await adminClient(t.org, kind === 'timeout' ? 400 : undefined));
        t.org.addFault(fault(i));
        try {
          await apply(input);
          outcomes.push('ok');
        } catch (e: any) {
          assert.ok(e instanceof SetupError, `request ${i}: ${e?.stack ?? e}`);
          assert.ok(!/00D\w{12}!/.test(e.message), 'no token in the message');
          if (e.step) assert.match(e.message, /Step "|cannot|failed|Teardown/);
          outcomes.push(e.step ?? e.code);
        }
        t.org.clearFaults();
        if (kind === 'timeout') await new Promise(r => setTimeout(r, 1300)); // let the slow request finish on the org's side
        t.org.adminToken = t.org.tokenFor(t.org.adminUsername); // an expired session needs a new login
        const rerun = await apply(engineInput(await adminClient(t.org)));
        assert.equal(rerun.report.steps.every(s => s.state === 'done'), true, `after a ${kind} at request ${i}: ${JSON.stringify(rerun.report.steps.map(s => [s.id, s.state]))}`);
        assertNoDuplicates(t.org);
      }
      assert.ok(outcomes.some(o => o !== 'ok'), `${kind} never surfaced: ${outcomes.join(',')}`);
    });
  }

  it('a failed deploy names the app step and its component problem; the next run deploys', async () => {
    t.org.reset('fresh');
    t.org.meta.failNextDeploy = 'UNKNOWN_EXCEPTION: An unexpected error occurred. Please include this ErrorId if you contact support: 1234-5678';
    await assert.rejects(apply(engineInput(await adminClient(t.org))), (e: any) => e.step === 'app' && /ErrorId/.test(e.message) && /Failed/.test(e.message));
    assert.equal(t.org.org.all('ExternalClientApplication').length, 0, 'rolled back');
    const rerun = await apply(engineInput(await adminClient(t.org)));
    assert.ok(rerun.report.steps.every(s => s.state === 'done'));
    assertNoDuplicates(t.org);
  });

  it('falls back to a two-phase deploy when the org wants the app before its satellites', async () => {
    t.org.reset('fresh');
    t.org.meta.requireParentBeforeSatellites = true;
    const { report, writes } = await apply(engineInput(await adminClient(t.org)));
    assert.ok(report.steps.every(s => s.state === 'done'));
    assert.deepEqual(writes.filter(w => w.step === 'app').map(w => w.detail.replace(/^deploy \w+ /, '')), ['(app)', '(global, oauth, policy, appPolicy)']);
  });
});
