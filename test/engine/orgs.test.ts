// Several orgs in one command: in parallel (bounded), one table or one JSON entry per org, the worst exit code,
// and one org's failure never stops the others. Orgs are test orgs over HTTP; the Salesforce CLI's part (which
// org has which session) is given by the test, as `main`'s `deps`.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startTestOrg, TestOrg } from '../../packages/sf-test-org/src/server';
import { liveOrgs, mapLimit } from '../../src/cli/orgs';
import { runCli, workspace } from '../support/helpers';

describe('several orgs in one run', function () {
  this.timeout(120000);
  const orgs: TestOrg[] = [];
  let ws: string;
  const names = Array.from({ length: 12 }, (_, i) => `org${String(i + 1).padStart(2, '0')}`);
  const creds = (gate?: (name: string) => Promise<void>) => ({
    credentials: async (name: string) => {
      await gate?.(name);
      const i = names.indexOf(name);
      if (i < 0) throw new Error(`No authorization information found for ${name}.`);
      return { instanceUrl: orgs[i]!.url, accessToken: orgs[i]!.adminToken };
    },
  });
  before(async () => {
    for (const [i] of names.entries())
      orgs.push(await startTestOrg({ scenario: i % 3 === 0 ? 'done' : 'fresh', latencyMs: 20 }));
    ws = workspace();
  });
  after(async () => {
    await Promise.all(orgs.map(o => o.stop()));
  });
  const manifest = () => ['--manifest', join(ws, 'balkanid-setup.json')];
  const targets = (list: string[]) => list.flatMap(n => ['--target-org', n]);

  it('check on 12 orgs runs them concurrently (up to 20 at once by default: all 12 here) and ends with one table: org, steps done, writes, result', async () => {
    let waiting = 0;
    let open!: () => void;
    const opened = new Promise<void>(r => (open = r));
    // Each org's run waits until all 12 have started: a run that took orgs one at a time would never get past this.
    const gate = async () => {
      if (++waiting === 12) open();
      await Promise.race([opened, new Promise((_, no) => setTimeout(() => no(new Error('not concurrent')), 20000))]);
    };
    const r = await runCli(['check', ...manifest(), ...targets(names)], creds(gate));
    assert.equal(r.code, 1, 'the worst exit code: fresh orgs still have steps to do');
    assert.match(r.stdout, /^Org +Steps done +Result +Exit$/m, 'no Writes column: check writes nothing');
    for (const [i, n] of names.entries())
      assert.match(
        r.stdout,
        new RegExp(`^${n} +${i % 3 === 0 ? '[5-8]/8 +\\d (drifted|in error).*' : '1/8 +7 to do'} +1$`, 'm'),
        'each row says what is left (no "ok" next to exit code 1)',
      );
    assert.match(r.stdout, /12 org\(s\): the command ran on 12\./);
    assert.match(r.stderr, /check on 12 orgs, 12 at a time/);
  });

  it('one org that fails (no session) does not stop the others: its row names the error, the exit code is the worst (2)', async () => {
    const r = await runCli(['check', ...manifest(), ...targets(['org01', 'ghost', 'org02'])], creds());
    assert.equal(r.code, 2);
    assert.match(r.stdout, /^ghost +— +✖ Step "Preflight: connection, permissions, licences" failed: .* +2$/m);
    assert.match(r.stdout, /^ghost: .*No authorization information found for ghost\. Nothing was written\.$/m);
    assert.match(r.stdout, /^org01 +\d\/8/m);
    assert.match(r.stdout, /^org02 +1\/8/m);
    assert.match(r.stdout, /3 org\(s\): the command ran on 2, and failed on 1 \(below\)\./);
  });

  it('--json gives one entry per org (targetOrg) with its exit code and its own report or error', async () => {
    const r = await runCli(['check', '--json', ...manifest(), ...targets(['org02', 'ghost'])], creds());
    const entries = JSON.parse(r.stdout);
    assert.deepEqual(
      entries.map((e: any) => [e.targetOrg, e.exitCode]),
      [
        ['org02', 1],
        ['ghost', 2],
      ],
    );
    assert.equal(entries[0].steps.length, 8);
    assert.match(entries[1].error.message, /No authorization information found for ghost/);
    assert.equal(r.stderr, '', 'no progress on stderr with --json');
  });

  it('apply on several orgs without --yes writes nothing and says how to review first', async () => {
    const before = orgs.map(o => o.org.writes);
    const r = await runCli(['apply', ...manifest(), ...targets(['org02', 'org03'])], creds());
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /review what it would do with `balkanid-sf plan` on the same orgs, then run apply with --yes/,
    );
    assert.deepEqual(
      orgs.map(o => o.org.writes),
      before,
    );
  });

  it('apply --yes on two fresh orgs sets up both; each row counts its writes', async () => {
    const r = await runCli(['apply', '--yes', ...manifest(), ...targets(['org05', 'org06'])], creds());
    assert.equal(r.code, 0, r.stdout);
    for (const org of ['org05', 'org06'])
      assert.match(
        r.stdout,
        new RegExp(`^${org} +8/8 +(1[0-9]|[1-9]) +set up, waiting for BalkanID's first login +0$`, 'm'),
      );
  });

  it('--all-orgs takes every org the Salesforce CLI knows except expired scratch orgs', async () => {
    const known = [
      { username: 'a@x', alias: 'org07', isDefault: true },
      { username: 'b@x', alias: 'org08', isDefault: false, isExpired: true },
      { username: 'org09', isDefault: false },
    ];
    assert.deepEqual(liveOrgs(known), ['org07', 'org09']);
    const r = await runCli(['check', '--json', ...manifest(), '--all-orgs'], {
      ...creds(),
      listOrgs: async () => known,
    });
    assert.deepEqual(
      JSON.parse(r.stdout).map((e: any) => e.targetOrg),
      ['org07', 'org09'],
    );
  });

  it('mapLimit keeps at most `limit` tasks in flight, runs all of them, and keeps the order of the results', async () => {
    let inFlight = 0,
      most = 0;
    const results = await mapLimit([5, 1, 4, 2, 3, 1, 2], 3, async n => {
      most = Math.max(most, ++inFlight);
      await new Promise(r => setTimeout(r, n * 5));
      inFlight--;
      return n * 10;
    });
    assert.equal(most, 3);
    assert.deepEqual(results, [50, 10, 40, 20, 30, 10, 20]);
  });
});
