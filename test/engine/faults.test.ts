// The fault matrix: each request of a full `balkanid-sf apply --yes --json` (run in-process, through the CLI's
// real output boundary) fails in turn, in each way a real org fails. At every position the run either
// completes, or its JSON error names the step, lists exactly the writes the org holds (or says which write
// may have been made), exits 2 (nothing written), 3 (some writes) or 1 (all writes made, check failed), and
// prints no secret the server echoed. A re-run then converges without duplicates.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { apply } from '../../src/core/engine';
import { STEP_IDS } from '../../src/core/types';
import { main } from '../../src/cli';
import {
  adminClient,
  assertNoDuplicates,
  engineInput,
  guideManifest,
  setUp,
  testCert,
  useOrg,
  workspace,
} from '../support/helpers';
import { ManualClock } from '../support/clock';
import { Fault, TestOrg } from '../../packages/sf-test-org/src/server';

const SECRET = 'C0FFEE00'.repeat(8); // a consumer-secret-shaped value a server might echo
const echo = (org: TestOrg) =>
  `Session ${org.adminToken} rejected (consumer secret ${SECRET}; key ${testCert().keyPem})`;

const KINDS: Record<string, (org: TestOrg, after: number) => Fault> = {
  '500 with an echo': (org, after) => ({
    path: '.*',
    after,
    status: 500,
    body: [{ message: echo(org), errorCode: 'UNKNOWN_EXCEPTION' }],
  }),
  'HTML page with status 200': (org, after) => ({
    path: '.*',
    after,
    status: 200,
    body: `<!DOCTYPE html><html><body>Maintenance. ${echo(org)}</body></html>`,
  }),
  'empty JSON body with status 200': (_org, after) => ({ path: '.*', after, status: 200, body: {} }),
  REQUEST_LIMIT_EXCEEDED: (org, after) => ({
    path: '.*',
    after,
    status: 403,
    body: [{ message: `TotalRequests Limit exceeded. ${echo(org)}`, errorCode: 'REQUEST_LIMIT_EXCEEDED' }],
  }),
  'session expiry': (_org, after) => ({ path: '.*', after, expireSessions: true }),
  'connection reset': (_org, after) => ({ path: '.*', after, reset: true }),
  // The org answers after the client's request timeout (--request-timeout 1): the write may still be made.
  timeout: (_org, after) => ({ path: '.*', after, delayMs: 1800 }),
};

/** What the org holds of the setup, by the same kinds the writes report. */
function existing(org: TestOrg): string[] {
  const o = org.org;
  const user = o.find('User', u => u.Username === 'balkanid@example.test');
  const ps = o.find('PermissionSet', p => p.Name === 'BalkanID_Extractor');
  return [
    o.find('Profile', p => p.Name === 'BalkanID Integration') && 'profile',
    user && 'integration user',
    ps && 'permission set',
    user &&
      ps &&
      o.all('PermissionSetAssignment').some(a => a.AssigneeId === user.Id && a.PermissionSetId === ps.Id) &&
      'permission set assignment',
    o.all('ExternalClientApplication').length && 'app',
    o.all('SetupEntityAccess').length && 'link',
  ].filter((x): x is string => !!x);
}
const kindOf = (w: { step: string; target: string }) => (w.step === 'app' || w.step === 'link' ? w.step : w.target);
/** The org holds what the writes made; a link the app's policy deploy made comes with the app's write. */
const heldFor = (org: TestOrg, reported: string[]) =>
  existing(org).filter(
    k =>
      !(
        k === 'link' &&
        !reported.includes('link') &&
        reported.includes('app') &&
        org.org.options.policyPermissionSetsCreateLinks
      ),
  );

describe('engine + CLI: fault matrix over a full apply on a fresh org', function () {
  this.timeout(600000);
  const t = useOrg({ scenario: 'fresh', deployMs: 20 });
  let ws: string;
  before(() => {
    ws = workspace();
  });

  async function cliApply(extra: string[] = []): Promise<{ code: number; text: string; json: any }> {
    const lines: string[] = [];
    const code = await main(
      [
        'apply',
        '--yes',
        '--json',
        '--manifest',
        join(ws, 'balkanid-setup.json'),
        '--instance-url',
        t.org.url,
        '--access-token',
        t.org.adminToken,
        ...extra,
      ],
      s => {
        lines.push(s);
        return true;
      },
      s => {
        lines.push(s);
        return true;
      },
    );
    const json = lines
      .map(l => {
        try {
          return JSON.parse(l);
        } catch {
          return undefined;
        }
      })
      .find(Boolean);
    return { code, text: lines.join('\n'), json };
  }

  for (const [kind, fault] of Object.entries(KINDS)) {
    it(`${kind}: at every request, the error names its step and its exact writes, the exit code matches, nothing secret is printed, and the next run converges`, async () => {
      t.org.reset('fresh');
      t.org.resetStats();
      assert.equal((await cliApply()).code, 0);
      const n = t.org.stats().total;
      // Connect (2), the lean read (2), the records (1), the deploy and a poll (2), the re-check (2).
      assert.ok(n >= 8, `a clean apply takes ${n} requests`);
      const outcomes: string[] = [];
      for (let i = 0; i < n; i++) {
        t.org.reset('fresh');
        t.org.addFault(fault(t.org, i));
        const r = await cliApply(kind === 'timeout' ? ['--request-timeout', '1'] : []);
        const at = `${kind} at request ${i}`;
        for (const secret of [t.org.adminToken, SECRET, testCert().keyPem.split('\n')[1]])
          assert.ok(!r.text.includes(secret), `${at}: a secret was printed: ${r.text.slice(0, 400)}`);
        if (r.code === 0 || (r.code === 1 && r.json?.steps)) {
          // Completed, or completed with a step left unchecked (a metadata read failed): the writes it reports are the org's.
          if (kind !== 'timeout')
            assert.deepEqual(
              heldFor(t.org, r.json.writes.map(kindOf)),
              r.json.writes.map(kindOf),
              `${at}: writes reported on success`,
            );
          outcomes.push(r.code === 0 ? 'ok' : 'unchecked');
        } else {
          const e = r.json?.error;
          assert.ok(e, `${at}: no JSON error (exit ${r.code}): ${r.text.slice(0, 400)}`);
          assert.ok(STEP_IDS.includes(e.step), `${at}: error.step is ${e.step}: ${e.message}`);
          assert.match(e.message, /^Step "[^"]+"|^All \d+ write\(s\) were made/, at);
          assert.ok(
            !/Cannot read properties|undefined is not|is not a function/.test(e.message),
            `${at}: ${e.message}`,
          );
          if (kind === 'timeout') await t.org.idle(); // the slow request finishes on the org's side first
          const reported: string[] = e.writes.map(kindOf);
          const held = heldFor(t.org, reported);
          for (const k of reported) assert.ok(held.includes(k), `${at}: reported ${k} but the org does not hold it`);
          if (!e.uncertain)
            assert.deepEqual(
              held,
              reported,
              `${at}: the org holds ${held} but the error reported ${reported}: ${e.message}`,
            );
          else
            assert.match(
              e.message,
              /may have been written: the answer did not arrive\. The next run checks and completes it\./,
              at,
            );
          assert.equal(
            r.code,
            e.code === 'RECHECK_FAILED' ? 1 : reported.length || e.uncertain ? 3 : 2,
            `${at}: exit code for ${e.code} with ${reported.length} write(s)`,
          );
          if (!reported.length && !e.uncertain) assert.match(e.message, /Nothing was written\./, at);
          outcomes.push(`${e.step}:${e.code}`);
        }
        t.org.clearFaults();
        t.org.adminToken = t.org.tokenFor(t.org.adminUsername); // an expired session needs a new login
        const rerun = await apply(engineInput(await adminClient(t.org)));
        assert.equal(
          setUp(rerun.report),
          true,
          `after a ${kind} at request ${i}: ${JSON.stringify(rerun.report.steps.map(s => [s.id, s.state]))}`,
        );
        assertNoDuplicates(t.org);
      }
      assert.ok(
        outcomes.some(o => o !== 'ok'),
        `${kind} never surfaced: ${outcomes.join(',')}`,
      );
      console.log(`      ${kind}: ${outcomes.join(' ')}`);
    });
  }

  it('a failed deploy names the app step and its component problem; the next run deploys', async () => {
    t.org.reset('fresh');
    t.org.meta.failNextDeploy =
      'UNKNOWN_EXCEPTION: An unexpected error occurred. Please include this ErrorId if you contact support: 1234-5678';
    await assert.rejects(
      apply(engineInput(await adminClient(t.org))),
      (e: any) =>
        e.step === 'app' &&
        /ErrorId/.test(e.message) &&
        /Failed/.test(e.message) &&
        e.writes.length === 4 &&
        /Written before the failure: Create profile/.test(e.message),
    );
    assert.equal(t.org.org.all('ExternalClientApplication').length, 0, 'rolled back');
    const rerun = await apply(engineInput(await adminClient(t.org)));
    assert.ok(setUp(rerun.report));
    assertNoDuplicates(t.org);
  });

  it('falls back to a two-phase deploy when the org wants the app before its satellites', async () => {
    t.org.reset('fresh');
    t.org.meta.requireParentBeforeSatellites = true;
    const { report, writes } = await apply(engineInput(await adminClient(t.org)));
    assert.ok(setUp(report));
    assert.deepEqual(
      writes.filter(w => w.step === 'app').map(w => w.detail.replace(/^deploy \w+ /, '')),
      ['(app)', '(global, oauth, policy, appPolicy)'],
    );
  });

  it('a deploy that outlasts the deadline is reported as still running in Salesforce; the next run finds it landed', async () => {
    // The engine's clock moves only by the waits it asks for: the deadline passes after a few polls, whatever the
    // machine's speed; the org's deploy finishes later in real time.
    t.org.reset('fresh', { deployMs: 1500 });
    const clock = new ManualClock(Date.now(), true);
    await assert.rejects(
      apply(engineInput(await adminClient(t.org, { clock }), testCert(), guideManifest(), clock), {
        deployTimeoutMs: 600,
      }),
      (e: any) =>
        e.code === 'DEPLOY_STILL_RUNNING' &&
        e.step === 'app' &&
        /is still running in Salesforce/.test(e.message) &&
        /next run checks whether it landed/.test(e.message) &&
        !!e.uncertain,
    );
    await t.org.idle();
    const { report, writes } = await apply(engineInput(await adminClient(t.org)));
    assert.ok(setUp(report), JSON.stringify(report.steps.map(s => [s.id, s.state])));
    assert.ok(!writes.some(w => w.step === 'app'), 'the app that landed is not deployed again');
    assertNoDuplicates(t.org);
  });

  it('two applies at once: each either completes or says another run is changing the org; the next run converges without duplicates', async () => {
    t.org.reset('fresh', { deployMs: 200 });
    const [a, b] = [await adminClient(t.org), await adminClient(t.org)];
    const results = await Promise.allSettled([apply(engineInput(a)), apply(engineInput(b))]);
    for (const r of results)
      if (r.status === 'rejected')
        assert.ok(
          r.reason.code === 'CONCURRENT_RUN' &&
            /another run is changing this org/.test(r.reason.message) &&
            r.reason.step,
          `${r.reason.code}: ${r.reason.message}`,
        );
    assert.ok(
      results.some(r => r.status === 'rejected'),
      'the second run noticed the first',
    );
    const { report } = await apply(engineInput(await adminClient(t.org)));
    assert.ok(setUp(report));
    assertNoDuplicates(t.org);
  });

  it('--json redacts a secret a server echoes inside JSON text (quotes escaped in the output)', async () => {
    t.org.reset('fresh');
    t.org.addFault({
      path: 'composite/batch',
      status: 400,
      body: [
        {
          errorCode: 'INVALID_QUERY',
          message: 'bad: {"access_token":"zzz-secret-zzz","consumerSecret":"yyy-secret-yyy"}',
        },
      ],
    });
    const r = await cliApply();
    assert.notEqual(r.code, 0);
    assert.ok(!/zzz-secret-zzz|yyy-secret-yyy/.test(r.text), r.text);
    t.org.clearFaults();
  });

  it('--json stays valid JSON when a server echoes the token in a plain-text error with quotes', async () => {
    t.org.reset('fresh');
    t.org.addFault({
      path: 'composite/batch',
      status: 400,
      contentType: 'text/plain',
      body: `bad session "${t.org.adminToken}" Bearer ${t.org.adminToken}`,
    });
    const r = await cliApply();
    assert.equal(r.code, 2);
    assert.ok(r.json?.error, `not valid JSON: ${r.text.slice(0, 300)}`);
    assert.ok(!r.text.includes(t.org.adminToken));
    t.org.clearFaults();
  });

  it('a redirect is not followed: the foreign host never receives the token, and the error says why', async () => {
    const http = await import('node:http');
    const seen: Array<string | undefined> = [];
    const foreign = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{}');
    });
    await new Promise<void>(res => foreign.listen(0, '127.0.0.2', () => res()));
    try {
      const port = (foreign.address() as import('node:net').AddressInfo).port;
      t.org.reset('fresh');
      for (const status of [302, 307]) {
        t.org.addFault({
          path: 'composite/batch',
          status,
          body: '',
          headers: { Location: `http://127.0.0.2:${port}/steal` },
        });
        const r = await cliApply();
        assert.equal(r.code, 2, r.text);
        assert.match(
          r.json.error.message,
          new RegExp(
            `answered POST /services/data/v\\d+\\.0/composite/batch with a redirect to http://127\\.0\\.0\\.2:${port}/steal\\. The access token was not sent there`,
          ),
        );
        assert.equal(r.json.error.step, 'preflight');
        t.org.clearFaults();
      }
      assert.deepEqual(seen, [], 'no request reached the foreign host');
    } finally {
      foreign.close();
    }
  });
});
