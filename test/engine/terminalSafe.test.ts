// Issue 18, point 5: org text never drives the admin's terminal. A user who can edit their own name plants an OSC 52
// clipboard write, an OSC 8 link, a screen clear, a carriage-return overwrite, a right-to-left override and a newline;
// every text field of every answer can carry them (test/support/hostile.ts `poison`); so can an error message, a
// deploy problem and the Salesforce CLI's output. What reaches stdout and stderr shows them, never obeys them; --json
// stays exact.
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, useOrg, workspace } from '../support/helpers';
import { Hostile, PAYLOAD, startHostile } from '../support/hostile';
import { tempDir } from '../support/temp';

/** A character a terminal acts on instead of showing (LF and TAB aside: the output's own lines). */

const OBEYED = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

describe('org text in the terminal: shown, never interpreted', function () {
  this.timeout(30000);
  const t = useOrg({ scenario: 'fresh', deployMs: 20 });
  let h: Hostile;
  let ws: string;
  before(async () => {
    h = await startHostile(t.org.url);
    ws = workspace();
  });
  after(() => h.stop());
  beforeEach(() => {
    h.clear();
    t.org.reset('fresh', { deployMs: 20 });
  });
  const org = (url = t.org.url) => ['--instance-url', url, '--access-token', t.org.adminToken];
  const plant = () => {
    // The first users by Id are the sample preview shows: every one of them gets the payload in its name.
    for (const u of [...t.org.org.table('User').values()].slice(0, 5)) u.LastName = `${u.LastName}${PAYLOAD}`;
  };

  it("preview: a user's name with an OSC 52 clipboard write, an OSC 8 link, a screen clear, CR, RLO and a newline is shown on its one line, escaped", async () => {
    plant();
    const r = await runCli(['preview', ...org()]);
    assert.ok(!OBEYED.test(r.stdout + r.stderr), JSON.stringify(r.stdout.match(OBEYED)));
    const row = r.stdout.split('\n').find(l => l.includes('ZWNobyBwd25lZA=='));
    assert.ok(row, r.stdout);
    assert.ok(
      row!.includes(
        '\\x1b[2J\\x1b]52;c;ZWNobyBwd25lZA==\\x07\\x1b]8;;https://evil.example/\\x1b\\click\\x1b]8;;\\x1b\\\\rOVERWRITTEN' +
          '<U+202E>txt.exe<U+200B>\\x9b31m\\nFAKE LINE',
      ),
      row,
    );
    assert.ok(!/^FAKE LINE/m.test(r.stdout), 'the newline did not start a line of its own');
    console.log(`      preview row: ${row!.trim().slice(0, 160)}…`);
  });

  it('preview --json keeps the name exact (it parses back to the very characters) while no raw control character is printed', async () => {
    plant();
    const r = await runCli(['preview', '--json', ...org()]);
    assert.ok(!OBEYED.test(r.stdout.replace(/\n/g, '')), 'escaped as \\uXXXX');
    const users = JSON.parse(r.stdout).sources.find((s: any) => s.id === 'user');
    assert.ok(
      users.sample.some((row: string) => row.includes(PAYLOAD)),
      'the JSON holds the name as the org has it',
    );
  });

  for (const command of ['check', 'preview'])
    it(`${command} against an org that plants control sequences in every text field of every answer (names, labels, usernames, messages): nothing printed is obeyed`, async () => {
      h.add({ path: /./, do: { kind: 'poison' } });
      const r = await runCli([command, '--manifest', join(ws, 'balkanid-setup.json'), ...org(h.url)]);
      assert.ok(r.stdout.includes('\\x1b]52;c;'), `the planted text is shown: ${r.stdout.slice(0, 300)}`);
      assert.ok(!OBEYED.test(r.stdout + r.stderr), JSON.stringify((r.stdout + r.stderr).match(OBEYED)));
    });

  it("an error message and a deploy problem from the org are printed escaped (apply's message keeps its writes)", async () => {
    t.org.meta.failNextDeploy = `UNKNOWN_EXCEPTION: ${PAYLOAD}`;
    const r = await runCli(['apply', '--yes', '--manifest', join(ws, 'balkanid-setup.json'), ...org()]);
    assert.equal(r.code, 3);
    assert.ok(!OBEYED.test(r.stdout + r.stderr));
    assert.match(r.stderr, /\\x1b\]52;c;ZWNobyBwd25lZA==\\x07/);
    assert.match(r.stderr, /Written before the failure: Create profile/);
    h.add({
      path: /composite\/batch/,
      do: {
        kind: 'body',
        status: 400,
        body: JSON.stringify([{ errorCode: 'INVALID_QUERY', message: `bad ${PAYLOAD}` }]),
      },
    });
    const e = await runCli(['check', '--manifest', join(ws, 'balkanid-setup.json'), ...org(h.url)]);
    assert.equal(e.code, 2);
    assert.ok(!OBEYED.test(e.stdout + e.stderr));
    assert.match(e.stderr, /bad \\x1b\[2J/);
  });

  it("the Salesforce CLI's message (an alias it could not find, with an escape sequence) is printed escaped", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'sf'),
      `#!${process.execPath}\nprocess.stdout.write(JSON.stringify({ status: 1, message: ${JSON.stringify(`No org ${PAYLOAD}`)} }));\n`,
    );
    chmodSync(join(dir, 'sf'), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${dir}:${path}`;
    try {
      const r = await runCli(['check', '--manifest', join(ws, 'balkanid-setup.json'), '--target-org', 'acme']);
      assert.equal(r.code, 2);
      assert.ok(!OBEYED.test(r.stdout + r.stderr));
      assert.match(r.stderr, /No org \\x1b\[2J\\x1b\]52;c;/);
    } finally {
      process.env.PATH = path;
    }
  });
});
