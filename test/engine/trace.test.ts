// `--trace`: every exchange of a full run as HAR 1.2, with no secret the run used.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli';
import { csvRow, ENTITIES_FILE, ENTITY_HEADER, RELATION_HEADER, RELATIONS_FILE } from '../../src/core/extract/format';
import { startBalkanIdStandIn } from '../support/balkanidStandIn';
import { runCli, testCert, useOrg, workspace } from '../support/helpers';
import { Hostile, startHostile } from '../support/hostile';
import { tempDir } from '../support/temp';

describe('balkanid-sf --trace', function () {
  this.timeout(120000);
  const t = useOrg({ scenario: 'fresh', deployMs: 20 });

  it('writes each command of a full run (check, apply, verify with the key, handoff, teardown) as HAR 1.2 holding no secret', async () => {
    const ws = workspace();
    const files: string[] = [];
    const cli = async (args: string[]) => {
      const file = join(ws, `${args[0]}.har`);
      files.push(file);
      const code = await main(
        [
          ...args,
          '--manifest',
          join(ws, 'balkanid-setup.json'),
          '--instance-url',
          t.org.url,
          '--access-token',
          t.org.adminToken,
          '--trace',
          file,
        ],
        () => true,
        () => true,
      );
      return code;
    };
    assert.equal(await cli(['check']), 1);
    assert.equal(await cli(['apply', '--yes']), 0);
    assert.equal(await cli(['verify', '--key', join(ws, 'key.pem'), '--retries', '1']), 0);
    assert.equal(await cli(['handoff']), 0);
    const consumerKey = t.org.meta.all('ExtlClntAppGlobalOauthSettings')[0]!.consumerKey as string;
    const consumerSecret = t.org.meta.all('ExtlClntAppGlobalOauthSettings')[0]!.__consumerSecret as string;
    assert.equal(await cli(['teardown', '--yes']), 0);

    const lines = (pem: string) => pem.split('\n').filter(l => l.length >= 40 && !l.startsWith('-----'));
    const secrets = [
      t.org.adminToken,
      ...t.org.org.sessions.keys(),
      consumerKey,
      consumerSecret,
      ...lines(testCert().keyPem),
      ...lines(testCert().certPem),
    ];
    assert.ok(t.org.org.sessions.size >= 2, 'the integration user logged in too');
    const routes = new Set<string>();
    for (const file of files) {
      assert.equal(statSync(file).mode & 0o077, 0, 'readable by its owner only');
      const text = readFileSync(file, 'utf8');
      for (const s of secrets)
        assert.ok(!text.includes(s), `${file.split('/').pop()} holds a secret: ${s.slice(0, 8)}…`);
      const har = JSON.parse(text);
      assert.equal(har.log.version, '1.2');
      assert.ok(har.log.entries.length > 0);
      for (const e of har.log.entries) {
        assert.match(e.startedDateTime, /^\d{4}-\d\d-\d\dT/);
        assert.match(e.request.method, /^(GET|POST|PATCH|DELETE)$/);
        assert.ok(e.request.url.startsWith(t.org.url), e.request.url);
        assert.equal(typeof e.response.status, 'number');
        assert.ok(Array.isArray(e.request.headers) && Array.isArray(e.response.headers));
        routes.add(`${e.request.method} ${new URL(e.request.url).pathname.replace(/\/0Af\w+$/, '/{id}')}`);
      }
    }
    for (const r of [
      'POST /services/oauth2/token',
      'POST /services/data/v64.0/composite/batch',
      'POST /services/data/v64.0/metadata/deployRequest',
      'POST /services/data/v64.0/composite',
    ])
      assert.ok(routes.has(r), `${r} traced; got ${[...routes].join(', ')}`);
    const apply = JSON.parse(readFileSync(files[1]!, 'utf8'));
    const auth = apply.log.entries[0].request.headers.find((h: { name: string }) => /^authorization$/i.test(h.name));
    assert.equal(auth.value, 'Bearer <redacted>');
  });
});

describe('--trace: a fresh file, never through a link; every exchange, uploads included; every encoding redacted', function () {
  this.timeout(60000);
  const t = useOrg({ scenario: 'fresh', deployMs: 20 });
  let h: Hostile;
  before(async () => {
    h = await startHostile(t.org.url);
  });
  after(() => h.stop());
  const check = (file: string, extra: string[] = [], url = t.org.url) =>
    runCli([
      'check',
      '--manifest',
      join(workspace(), 'balkanid-setup.json'),
      '--instance-url',
      url,
      '--access-token',
      t.org.adminToken,
      '--trace',
      file,
      ...extra,
    ]);

  it('an existing trace file readable by others (0644) is replaced by a fresh one readable by its owner only', async () => {
    const file = join(tempDir(), 'run.har');
    writeFileSync(file, 'old', { mode: 0o644 });
    chmodSync(file, 0o644);
    assert.equal((await check(file)).code, 1);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).log.version, '1.2');
  });

  it('a symbolic link at the trace path is refused before anything runs; the file it points at is untouched', async () => {
    const dir = tempDir();
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'keep me');
    for (const [name, target] of [
      ['link.har', victim],
      ['dangling.har', join(dir, 'nowhere.txt')],
    ] as const) {
      symlinkSync(target, join(dir, name));
      t.org.resetStats();
      const r = await check(join(dir, name));
      assert.equal(r.code, 2);
      assert.match(
        r.stderr,
        /--trace .*: that is a symbolic link; the trace is never written through a link\. Nothing was done\./,
      );
      assert.equal(t.org.stats().total, 0, 'nothing was sent');
    }
    assert.equal(readFileSync(victim, 'utf8'), 'keep me');
    assert.ok(!existsSync(join(dir, 'nowhere.txt')), 'the dangling link created nothing');
  });

  it('a token the server echoes percent-encoded (lower-case hex) and base64-encoded reaches neither the output nor the HAR', async () => {
    const file = join(tempDir(), 'echo.har');
    const token = t.org.adminToken;
    const lower = encodeURIComponent(token).replace(/%[0-9A-F]{2}/g, m => m.toLowerCase());
    const b64 = Buffer.from(`Bearer ${token}`).toString('base64');
    h.clear();
    h.add({
      path: /composite\/batch/,
      do: {
        kind: 'body',
        status: 400,
        body: JSON.stringify([{ errorCode: 'INVALID_SESSION', message: `bad ${lower} / ${b64}` }]),
      },
    });
    const r = await check(file, ['--json'], h.url);
    assert.equal(r.code, 2);
    const har = readFileSync(file, 'utf8');
    for (const text of [r.stdout, r.stderr, har]) {
      assert.ok(!text.includes(lower) && !text.includes(encodeURIComponent(token)), 'percent-encoded token');
      assert.ok(!text.includes(b64.slice(8, 40)), 'base64 token');
    }
    assert.match(r.stdout, /bad <redacted>/);
  });

  it('upload --trace records every exchange with BalkanID (the apps lookup, the upload URL requests and the PUTs), with no secret, signature or file content', async () => {
    const s = await startBalkanIdStandIn();
    const dir = tempDir();
    writeFileSync(
      join(dir, ENTITIES_FILE),
      csvRow(ENTITY_HEADER) + csvRow(['salesforce', 'Zoë', 'identity', 'salesforce', '005A1', 'user', 'v1', '{}']),
    );
    writeFileSync(join(dir, RELATIONS_FILE), csvRow(RELATION_HEADER));
    const file = join(tempDir(), 'upload.har');
    const env = { ...process.env };
    process.env.BALKANID_API_KEY_ID = s.keyId;
    process.env.BALKANID_API_KEY_SECRET = s.secret;
    try {
      const r = await runCli(['upload', '--dir', dir, '--tenant-url', s.url, '--trace', file]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /Trace of 8 exchange\(s\) written/);
      const text = readFileSync(file, 'utf8');
      const har = JSON.parse(text);
      assert.deepEqual(
        har.log.entries.map(
          (e: any) =>
            `${e.request.method} ${new URL(e.request.url).pathname.replace(/__s3\/.*$/, '__s3/…')} ${e.response.status}`,
        ),
        [
          // The App looked up in the tenant's apps first (Bulk Apps Download API), then the two files.
          'POST /api/rest/v0/apps/download-url 200',
          'HEAD /__s3/… 404',
          'HEAD /__s3/… 200',
          'GET /__s3/… 200',
          'POST /api/rest/v0/entities/upload-url 200',
          'PUT /__s3/… 200',
          'POST /api/rest/v0/entity-relations/upload-url 200',
          'PUT /__s3/… 200',
        ],
      );
      assert.ok(!text.includes(s.secret), 'the API key secret');
      for (const sig of s.signatures) assert.ok(!text.includes(sig), 'a URL signature');
      assert.ok(!text.includes('Zoë'), "the file's content");
      assert.equal(statSync(file).mode & 0o777, 0o600);
    } finally {
      process.env = env;
      await s.stop();
    }
  });
});
