// Every way into BalkanID from the command line, end to end: preview as the integration user (JWT), export to the
// CSV files, upload them to a stand-in of BalkanID's Bulk API, several orgs at once; no secret in any output.
import { tempDir } from '../support/temp';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, useOrg, workspace } from '../support/helpers';
import { BalkanIdStandIn, startBalkanIdStandIn } from '../support/balkanidStandIn';
import { ENTITY_HEADER, RELATION_HEADER } from '../../src/core/extract/format';

describe('preview, export and upload from the command line', function () {
  this.timeout(120000);
  const t = useOrg({ scenario: 'done' });
  let bid: BalkanIdStandIn;
  let ws: string;
  const env = { ...process.env };
  before(async () => {
    bid = await startBalkanIdStandIn({ keyId: 'key-id-1', secret: 'bid-secret-0123456789abcdef' });
    ws = workspace(undefined, t.org.demo);
    process.env.SF_ACCESS_TOKEN = t.org.adminToken;
  });
  after(async () => {
    await bid.stop();
    process.env = env;
  });
  const conn = () => ['--instance-url', t.org.url];

  it('preview without --key reads as the admin and says that BalkanID may see less', async () => {
    const r = await runCli(['preview', ...conn()]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /— as you \(admin@acme\.example\)\. BalkanID reads as the integration user, which may see less/,
    );
    assert.match(r.stdout, /^✔ Users +\d+ \(\d+ active\)$/m);
    assert.match(r.stdout, /All 11 lists can be read\./);
    assert.match(r.stdout, /^    ~ internal users, active and deactivated \(--users standard\)/m);
  });

  it('preview --key logs in as the integration user with JWT and reads with its session', async () => {
    const before = t.org.org.all('LoginHistory').length;
    const r = await runCli([
      'preview',
      '--key',
      join(ws, 'key.pem'),
      '--manifest',
      join(ws, 'balkanid-setup.json'),
      ...conn(),
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /as the integration user balkanid@example\.test \(JWT login, exactly as BalkanID reads\)/);
    assert.equal(t.org.org.all('LoginHistory').length, before + 1, 'one JWT login was made');
  });

  it('export --out writes both files and says how many of each, how fast, and what to do next', async () => {
    const out = tempDir('bid-out-');
    const r = await runCli(['export', '--out', out, ...conn()]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /Wrote .*entities\.csv \(App "salesforce": \d+ identities, \d+ connections\) and .*entity-relations\.csv \(\d+ relations\)/,
    );
    assert.match(r.stdout, /records\/s/);
    assert.match(r.stdout, /^Every list matches its COUNT\(\) \(12 lists\)\.$/m);
    assert.match(r.stdout, /balkanid-sf upload --dir /);
    assert.equal(readFileSync(join(out, 'entities.csv'), 'utf8').split('\r\n')[0], ENTITY_HEADER.join(','));
  });

  it('upload --dir sends entities.csv then entity-relations.csv with the API key from the environment; no secret in any output', async () => {
    const out = tempDir('bid-up-');
    assert.equal((await runCli(['export', '--out', out, ...conn()])).code, 0);
    process.env.BALKANID_API_KEY_ID = 'key-id-1';
    process.env.BALKANID_API_KEY_SECRET = 'bid-secret-0123456789abcdef';
    const r = await runCli(['upload', '--dir', out, '--tenant-url', bid.url, '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(
      bid.received.map(f => [f.resource, f.header]),
      [
        ['entities', ENTITY_HEADER.join(',')],
        ['entity-relations', RELATION_HEADER.join(',')],
      ],
    );
    assert.equal(bid.received[0]!.bytes, readFileSync(join(out, 'entities.csv')).length);
    assert.deepEqual(
      JSON.parse(r.stdout).uploaded.map((u: any) => u.file),
      ['entities.csv', 'entity-relations.csv'],
    );
    assert.ok(!(r.stdout + r.stderr).includes('bid-secret-0123456789abcdef'));
    for (const s of bid.signatures) assert.ok(!(r.stdout + r.stderr).includes(s), 'no pre-signed URL signature');
  });

  it('upload with a wrong secret: exit 2, the 401 explained, the secret BalkanID echoed is not printed', async () => {
    const out = tempDir('bid-bad-');
    assert.equal((await runCli(['export', '--out', out, ...conn()])).code, 0);
    process.env.BALKANID_API_KEY_SECRET = 'wrong-secret-abcdefghijklmnop';
    const sent = bid.received.length;
    const r = await runCli(['upload', '--dir', out, '--tenant-url', bid.url]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /BalkanID refused the API key \(HTTP 401\)/);
    assert.match(r.stderr, /Nothing was uploaded\./);
    assert.ok(!r.stderr.includes('wrong-secret-abcdefghijklmnop'));
    assert.equal(bid.received.length, sent);
  });

  it('upload names the tenant and the key before sending; an address outside balkan.id is pointed out', async () => {
    process.env.BALKANID_API_KEY_SECRET = 'bid-secret-0123456789abcdef';
    const out = tempDir('bid-name-');
    assert.equal((await runCli(['export', '--out', out, ...conn()])).code, 0);
    const r = await runCli(['upload', '--dir', out, '--tenant-url', bid.url]);
    assert.match(
      r.stderr,
      new RegExp(`^Uploading to ${bid.url.replace(/[.]/g, '\\.')} with the API key key-id-1\\.$`, 'm'),
    );
    assert.ok(!/not a balkan\.id address/.test(r.stderr), 'a loopback stand-in is not flagged');
    // (127.0.0.2: a host outside balkan.id that answers at once with "connection refused", offline too.)
    const typo = await runCli(['upload', '--dir', out, '--tenant-url', 'https://127.0.0.2:1']);
    assert.match(typo.stderr, /~ 127\.0\.0\.2 is not a balkan\.id address: check --tenant-url/);
    assert.equal(typo.code, 2);
  });

  it('upload of a folder export wrote for several orgs says so and sends nothing', async () => {
    const out = tempDir('bid-orgs-');
    const creds = async () => ({ instanceUrl: t.org.url, accessToken: t.org.adminToken });
    await runCli(['export', '--out', out, '--target-org', 'prod', '--target-org', 'uat'], { credentials: creds });
    const count = bid.count;
    const r = await runCli(['upload', '--dir', out, '--tenant-url', bid.url]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /holds one folder per org \(prod, uat\), as export writes for several orgs/);
    assert.equal(bid.count, count);
  });

  it('export into a folder that has the files says it replaced them', async () => {
    const out = tempDir('bid-again-');
    assert.equal((await runCli(['export', '--out', out, ...conn()])).code, 0);
    const again = await runCli(['export', '--out', out, ...conn()]);
    assert.match(again.stdout, /\(Replaced the entities\.csv and entity-relations\.csv that were there\.\)/);
  });

  it('upload without the secret in the environment: exit 2, says which variable, nothing sent', async () => {
    delete process.env.BALKANID_API_KEY_SECRET;
    const count = bid.count;
    const r = await runCli(['upload', '--dir', ws, '--tenant-url', bid.url, '--api-key-id', 'key-id-1']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /set \$BALKANID_API_KEY_SECRET/);
    assert.equal(bid.count, count);
  });

  it('export on several orgs writes one folder per org and ends with the table', async () => {
    const out = tempDir('bid-many-');
    const creds = async (name: string) => ({ instanceUrl: t.org.url, accessToken: t.org.adminToken, label: name });
    const r = await runCli(['export', '--out', out, '--target-org', 'prod', '--target-org', 'uat'], {
      credentials: creds,
    });
    assert.equal(r.code, 0, r.stdout);
    for (const org of ['prod', 'uat']) {
      const rows = readFileSync(join(out, org, 'entities.csv'), 'utf8')
        .split('\r\n')
        .slice(1, -1);
      // The App is BalkanID's catalogue id; the org is in each entity's metadata.
      assert.ok(rows.length > 0 && rows.every(r => /^salesforce,/.test(r)), `${org}: App "salesforce"`);
      assert.ok(
        rows.every(r => /""org"":""00D\w{15}""/.test(r)),
        `${org}: its Org ID in the metadata`,
      );
    }
    assert.match(r.stdout, /^Org +Result +Exit$/m, 'no empty Steps or Writes columns');
    assert.match(r.stdout, /^prod +[\d,]+ users, [\d,]+ relations +0$/m);
  });
});

describe('export from a terminal: Ctrl+C', function () {
  this.timeout(60000);
  const t = useOrg({ scenario: 'done', users: 3000, latencyMs: 30 });

  it('stops the export between pages, removes its temporary files and says nothing was written, naming Ctrl+C (exit 2)', async () => {
    const out = tempDir('bid-int-');
    const cli = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
    const child = spawn(process.execPath, [cli, 'export', '--out', out, '--instance-url', t.org.url], {
      env: { ...process.env, SF_ACCESS_TOKEN: t.org.adminToken },
    });
    let stderr = '';
    child.stderr.on('data', d => {
      stderr += d;
      // The first list is read: the export is under way (its temporary files exist).
      if (/User Licenses: \d/.test(stderr) && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>(resolve => child.on('exit', resolve));
    assert.equal(code, 2, stderr);
    assert.match(stderr, /Export cancelled \(Ctrl\+C\): nothing was written to /);
    assert.deepEqual(readdirSync(out), [], 'no file and no temporary file left');
  });
});
