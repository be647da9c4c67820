// Issue 18: whatever the network or the org sends, every exchange ends — one deadline per exchange covering connect,
// headers and body, a size cap per kind of answer, a retry policy that waits on the engine's clock — and the error
// names the request, the step and the limit. The org is a test org behind a hostile loopback server
// (test/support/hostile.ts) that misbehaves on the requests a rule picks.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { apply } from '../../src/core/engine';
import { connect } from '../../src/node/salesforce';
import { jwtSelfTest } from '../../src/node/verify';
import { ManualClock, NOW } from '../support/clock';
import { engineInput, runCli, testCert, useOrg, workspace } from '../support/helpers';
import { Hostile, startHostile } from '../support/hostile';
import { tempDir } from '../support/temp';
import { systemClock } from '../../src/core/clock';

const MB = 1024 * 1024;
/** The export's first list (User Licenses) — not the probe that names the reader, which comes before. */
const LICENCES = /\/query\?q=SELECT[^&]*FROM%20UserLicense/;

describe('a hostile network: one deadline per exchange, body included, and a size cap per kind of answer', function () {
  this.timeout(15000);
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
  const org = (...more: string[]) => [
    '--manifest',
    join(ws, 'balkanid-setup.json'),
    '--instance-url',
    h.url,
    '--access-token',
    t.org.adminToken,
    ...more,
  ];

  it('check --request-timeout 2: a batch answer whose body stalls after the headers ends the run with exit 2, naming the request and the 2 s', async () => {
    h.add({ path: /composite\/batch/, do: { kind: 'stall-after-headers' } });
    const r = await runCli(['check', ...org('--request-timeout', '2', '--json')]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    const e = JSON.parse(r.stdout).error;
    assert.equal(e.code, 'TIMEOUT');
    assert.equal(e.step, 'preflight');
    assert.match(e.message, /did not finish answering POST \/services\/data\/v\d+\.0\/composite\/batch within 2 s/);
    assert.match(e.message, /Nothing was written\./);
  });

  it('apply --request-timeout 2: the record writes answer headers and then stall; exit 3, the error says those writes may have been made, the next run completes', async () => {
    h.add({
      method: 'POST',
      path: /\/composite$/,
      do: { kind: 'stall-after-headers', first: '{"compositeResponse":[' },
    });
    const r = await runCli(['apply', '--yes', ...org('--request-timeout', '2', '--json')]);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    const e = JSON.parse(r.stdout).error;
    assert.equal(e.code, 'TIMEOUT');
    assert.match(e.message, /did not finish answering POST \/services\/data\/v\d+\.0\/composite within 2 s/);
    assert.match(e.message, /may have been written: the answer did not arrive/);
    h.clear();
    await t.org.idle();
    assert.equal((await runCli(['apply', '--yes', ...org()])).code, 0);
  });

  it('a body that trickles one byte every 200 ms (never idle for long) is still stopped at the deadline of the whole exchange', async () => {
    h.add({ path: /composite\/batch/, do: { kind: 'trickle', intervalMs: 200 } });
    const r = await runCli(['check', ...org('--request-timeout', '2', '--json')]);
    assert.equal(r.code, 2);
    assert.match(JSON.parse(r.stdout).error.message, /did not finish answering .* within 2 s/);
  });

  // A stalled page is one failed page of a long export (issue 21 §2): read again from the last Id received, within
  // the reader's bounded tries; each try has its own deadline (--request-timeout), so the export never hangs.
  it('export --request-timeout 1: a query page that stalls after its headers once is read again (said in the progress) and the files are written', async () => {
    const out = tempDir();
    h.add({ path: LICENCES, times: 1, do: { kind: 'stall-after-headers' } });
    const r = await runCli(['export', ...org('--request-timeout', '1', '--out', out)], {
      clock: new ManualClock(NOW, true),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /User Licenses: Salesforce answered TIMEOUT after 0 rows; resuming after the last Id received/,
    );
    assert.ok(existsSync(join(out, 'entities.csv')), 'the files are written');
  });

  it('export --request-timeout 1: a query page that always stalls gives up after 5 tries, naming the list, the rows read and what to try; no file written', async () => {
    const out = tempDir();
    h.add({ path: LICENCES, do: { kind: 'stall-after-headers' } });
    const r = await runCli(['export', ...org('--request-timeout', '1', '--out', out)], {
      clock: new ManualClock(NOW, true),
    });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /Salesforce answered TIMEOUT 5 times in a row while reading User Licenses after 0 rows/);
    assert.match(r.stderr, /did not finish answering GET /);
    assert.match(r.stderr, /The org stopped answering: check the network connection, then run the export again\./);
    assert.ok(!existsSync(join(out, 'entities.csv')), 'no file written');
  });

  it('the deploy poll honours the deploy deadline whatever the server does: a status answer that stalls after its headers ends in DEPLOY_STILL_RUNNING at the deadline, not at the request timeout', async () => {
    h.add({ method: 'GET', path: /deployRequest\/0Af/, do: { kind: 'stall-after-headers', first: '{"id":' } });
    const client = await connect({ instanceUrl: h.url, accessToken: t.org.adminToken, timeoutMs: 600_000 });
    await assert.rejects(
      apply(engineInput(client, testCert(), undefined, systemClock), { deployTimeoutMs: 1500 }),
      (e: any) =>
        e.code === 'DEPLOY_STILL_RUNNING' && e.step === 'app' && /still running in Salesforce/.test(e.message),
    );
    await t.org.idle();
  });

  it('an endless query page is refused at the query-page limit (32 MB), naming it; the server stops sending soon after', async () => {
    const out = tempDir();
    h.add({ path: LICENCES, times: 1, do: { kind: 'endless-body' } });
    const before = h.bytesSent();
    const r = await runCli(['export', ...org('--out', out)]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /Export stopped while reading .*answered GET .* with more than 32 MB \(the limit for a query page\)/,
    );
    await new Promise(resolve => setTimeout(resolve, 200)); // sockets settle
    const sent = h.bytesSent() - before;
    assert.ok(sent < 64 * MB, `the client kept reading: ${Math.round(sent / MB)} MB sent`);
    assert.equal(h.open(), 0, 'the connection was closed');
  });

  it('a 40 MB batch answer (valid JSON) is refused at the batch limit, naming the step', async () => {
    h.add({
      path: /composite\/batch/,
      do: {
        kind: 'giant-body',
        bytes: 40 * MB,
        prefix: '{"hasErrors":false,"results":[{"statusCode":200,"result":"',
        suffix: '"}]}',
      },
    });
    const r = await runCli(['check', ...org('--json')]);
    assert.equal(r.code, 2);
    const e = JSON.parse(r.stdout).error;
    assert.equal(e.code, 'TOO_LARGE');
    assert.equal(e.step, 'preflight');
    assert.match(e.message, /^Step "Preflight[^"]*" failed: .* with more than 32 MB \(the limit for a batch answer\)/);
  });

  it('an error answer is read up to 1 MB only: an endless HTTP 500 body is refused as an error body too large, and reading stops', async () => {
    h.add({ path: /composite\/batch/, do: { kind: 'endless-body', status: 500, prefix: '[{"message":"' } });
    const before = h.bytesSent();
    const r = await runCli(['check', ...org('--json')]);
    assert.equal(r.code, 2);
    assert.match(
      JSON.parse(r.stdout).error.message,
      /HTTP 500 error of more than 1 MB \(the limit for an error answer\)/,
    );
    await new Promise(resolve => setTimeout(resolve, 200));
    const sent = h.bytesSent() - before;
    assert.ok(sent < 32 * MB, `${Math.round(sent / MB)} MB sent`);
  });

  it('the JWT login (OAuth token endpoint) has the same deadline: a token answer that stalls after its headers fails with TIMEOUT', async () => {
    h.add({ path: /\/services\/oauth2\/token/, do: { kind: 'stall-after-headers', first: '{"access_token":"' } });
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await assert.rejects(
      jwtSelfTest({
        instanceUrl: h.url,
        consumerKey: '3MVG9' + 'x'.repeat(80),
        username: 'balkanid@example.test',
        key: privateKey,
        audience: 'https://login.salesforce.com',
        attempts: 1,
        timeoutMs: 1000,
      }),
      (e: any) =>
        e.code === 'TIMEOUT' && /did not finish answering POST \/services\/oauth2\/token within 1 s/.test(e.message),
    );
  });
});

describe('retries: only reads, only what may pass, waiting on the engine clock within the deadline', function () {
  this.timeout(30000);
  const t = useOrg({ scenario: 'done' });
  let h: Hostile;
  before(async () => {
    h = await startHostile(t.org.url);
  });
  after(() => h.stop());
  beforeEach(() => h.clear());

  it('a GET answered 503 twice is tried a third time and succeeds; the waits (500 ms, 1 s) are asked of the clock', async () => {
    const clock = new ManualClock(NOW, true);
    const client = await connect({ instanceUrl: h.url, accessToken: t.org.adminToken, clock });
    h.add({
      method: 'GET',
      path: /\/query\?q=/,
      times: 2,
      do: { kind: 'body', status: 503, body: 'busy', contentType: 'text/plain' },
    });
    const before = h.seen.length;
    const page: any = await client.request(
      'GET',
      `/services/data/v${client.apiVersion}/query?q=SELECT+Id+FROM+Profile`,
    );
    assert.ok(Array.isArray(page.records));
    assert.equal(h.seen.length - before, 3);
    assert.deepEqual(clock.sleeps, [500, 1000]);
  });

  it('a POST is never tried again: a reset on composite/batch fails at once', async () => {
    const clock = new ManualClock(NOW, true);
    const client = await connect({ instanceUrl: h.url, accessToken: t.org.adminToken, clock });
    h.add({ method: 'POST', path: /composite\/batch/, do: { kind: 'reset' } });
    const before = h.seen.length;
    await assert.rejects(
      client.batch([{ ref: 'a', url: `/services/data/v${client.apiVersion}/limits` }]),
      (e: any) => e.code === 'UNREACHABLE',
    );
    assert.equal(h.seen.length - before, 1);
    assert.deepEqual(clock.sleeps, []);
  });

  it('a refused connection (nothing listens: a wrong address) fails at once, with no retry and no wait', async () => {
    const port = await new Promise<number>(resolve => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as import('node:net').AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const clock = new ManualClock(NOW, true);
    await assert.rejects(
      connect({ instanceUrl: `http://127.0.0.1:${port}`, accessToken: t.org.adminToken, clock }),
      (e: any) => e.code === 'UNREACHABLE' && /ECONNREFUSED/.test(e.message),
    );
    assert.deepEqual(clock.sleeps, []);
  });
});
