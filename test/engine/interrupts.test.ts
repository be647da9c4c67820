// Issue 18, points 2 and 9 and the Salesforce CLI child process: a stalled org is one error row and the table always
// comes out; Ctrl+C or SIGTERM during apply stops at once and says what was written so far, per org, keeping the
// finished orgs' results; `sf` is stopped at its deadline and its output is capped. The signals are sent in-process
// (process.emit) at the moment the test chooses: when the org receives the deploy.
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestOrg, TestOrg } from '../../packages/sf-test-org/src/server';
import { listOrgs, sfCredentials } from '../../src/node/sfcli';
import { runCli, workspace } from '../support/helpers';
import { Hostile, startHostile } from '../support/hostile';
import { tempDir } from '../support/temp';

describe('several orgs and interrupts: every org ends, and what was written is said', function () {
  this.timeout(20000);
  let a: TestOrg, b: TestOrg, c: TestOrg;
  let h: Hostile;
  let ws: string;
  before(async () => {
    [a, b, c] = await Promise.all(
      ['fresh', 'fresh', 'fresh'].map(() => startTestOrg({ scenario: 'fresh', deployMs: 20 })),
    );
    h = await startHostile(c!.url);
    ws = workspace();
  });
  after(async () => {
    await h.stop();
    await Promise.all([a, b, c].map(o => o.stop()));
  });
  beforeEach(() => {
    h.clear();
    for (const o of [a, b, c]) o.reset('fresh', { deployMs: 20 });
  });
  /** The Salesforce CLI's part: alias → session (org "c" is behind the hostile server). */
  const deps = {
    credentials: async (name: string) => {
      const org = { a, b, c, 'evil\nrow': a, 'esc\x1b[2Jalias': b }[name];
      if (!org) throw new Error(`No authorization information found for ${name}.`);
      return { instanceUrl: org === c ? h.url : org.url, accessToken: org.adminToken };
    },
  };
  const manifest = () => ['--manifest', join(ws, 'balkanid-setup.json')];

  it('check on three orgs where one stalls after every header: with --request-timeout 2 the table comes out, the stalled org is one error row, the others are checked', async () => {
    h.add({ path: /\/services\/data\/v/, do: { kind: 'stall-after-headers' } });
    const r = await runCli(
      ['check', ...manifest(), '--target-org', 'a', '--target-org', 'c', '--target-org', 'b', '--request-timeout', '2'],
      deps,
    );
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stdout, /^a +1\/8 +7 to do +1$/m);
    assert.match(r.stdout, /^b +1\/8 +7 to do +1$/m);
    assert.match(r.stdout, /^c +— +✖ Step "Preflight[^"]*" failed: .* +2$/m);
    assert.match(r.stdout, /^c: .*did not finish answering GET \/services\/data\/v\d+\.0 within 2 s/m);
    assert.match(r.stdout, /3 org\(s\): the command ran on 2, and failed on 1/);
  });

  it('Ctrl+C during apply while the deploy is in flight: stops at once, names the writes made and the deploy that may have been made, exit 3', async () => {
    h.add({
      method: 'POST',
      path: /metadata\/deployRequest$/,
      do: { kind: 'stall-before-headers' },
      onHit: () => setImmediate(() => process.emit('SIGINT')),
    });
    const r = await runCli(['apply', '--yes', ...manifest(), '--target-org', 'c'], deps);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /Ctrl\+C: stopping now; what each org had done follows/);
    assert.match(
      r.stderr,
      /Step "[^"]*External Client App[^"]*" failed: Interrupted \(Ctrl\+C\)\. .* Written before the failure: create profile .*; create integration user .*; create permission set .*; create permission set assignment/i,
    );
    assert.match(r.stderr, /The External Client App deploy \(all components\) may have been written/);
    assert.equal(process.listenerCount('SIGINT'), 0, 'the handlers are removed');
  });

  it('SIGTERM during apply on three orgs (one at a time): the two finished orgs keep their rows, the interrupted one lists its writes; exit 3', async () => {
    h.add({
      method: 'POST',
      path: /metadata\/deployRequest$/,
      do: { kind: 'stall-before-headers' },
      onHit: () => setImmediate(() => process.emit('SIGTERM')),
    });
    const r = await runCli(
      [
        'apply',
        '--yes',
        ...manifest(),
        '--concurrency',
        '1',
        '--target-org',
        'a',
        '--target-org',
        'b',
        '--target-org',
        'c',
      ],
      deps,
    );
    assert.equal(r.code, 3);
    assert.match(r.stdout, /^a +8\/8 +\d+ +set up.* +0$/m);
    assert.match(r.stdout, /^b +8\/8 +\d+ +set up.* +0$/m);
    assert.match(r.stdout, /^c +— +4 +✖ Step "External Client App[^"]*" failed: Interrupted \(SIGTERM\)\..* +3$/m);
    assert.match(r.stdout, /^c: .*Written before the failure: create profile .*may have been written/im);
    assert.equal(process.listenerCount('SIGTERM'), 0);
  });

  it('an alias with a newline or an escape sequence stays on its one row of the table, shown visibly', async () => {
    const r = await runCli(
      ['check', ...manifest(), '--target-org', 'evil\nrow', '--target-org', 'esc\x1b[2Jalias'],
      deps,
    );
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^evil\\nrow +1\/8 +7 to do +1$/m);
    assert.match(r.stdout, /^esc\\x1b\[2Jalias +1\/8 +7 to do +1$/m);
    assert.ok(!/\x1b/.test(r.stdout + r.stderr), 'no escape character reaches the terminal');
  });
});

describe('the Salesforce CLI child process: a deadline and an output cap', function () {
  this.timeout(20000);
  const fake = (body: string) => {
    const file = join(tempDir(), 'sf');
    writeFileSync(file, `#!${process.execPath}\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  };

  it('an sf that never answers is stopped at the deadline, and the error names the command and the limit', async () => {
    const sf = fake('setInterval(() => {}, 1000);');
    await assert.rejects(
      sfCredentials('acme', { sf, timeoutMs: 1000 }),
      (e: any) =>
        e.code === 'TIMEOUT' && /did not finish `sf org (display|auth)` within 1 s; it was stopped/.test(e.message),
    );
  });

  it('an sf that prints without end is stopped at 8 MB, and its output is not used', async () => {
    const sf = fake("const b = 'x'.repeat(1 << 16); const w = () => process.stdout.write(b, w); w();");
    await assert.rejects(listOrgs({ sf, timeoutMs: 15000 }), (e: any) =>
      /printed more than 8 MB for `sf org list`; it was stopped/.test(e.message),
    );
  });
});
