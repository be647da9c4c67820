// Uploading entities.csv and entity-relations.csv to BalkanID's Bulk API, against a loopback stand-in
// (test/support/balkanidStandIn.ts): order, bytes and header rows received, every error status with its message and
// nothing sent after it, retries (waits recorded through an injected sleep, never timed), an expired pre-signed URL,
// bad input sending nothing, and no secret or URL signature in any progress line or error.
import { tempDir } from '../support/temp';
import { ManualClock, NOW } from '../support/clock';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { csvRow, ENTITIES_FILE, ENTITY_HEADER, RELATION_HEADER, RELATIONS_FILE } from '../../src/core/extract/format';
import {
  checkPresignedUrl,
  checkTenantUrl,
  headerProblem,
  parseRetryAfter,
  retryDecision,
} from '../../src/core/extract/upload';
import { redact } from '../../src/core/redact';
import { isSetupError, SetupError } from '../../src/core/types';
import { uploadToBalkanId, UploadOptions } from '../../src/node/balkanidUpload';
import { BalkanIdStandIn, startBalkanIdStandIn } from '../support/balkanidStandIn';
import { Hostile, startHostile } from '../support/hostile';

const meta = (o: object) => JSON.stringify(o); // commas and quotes, quoted by csvRow
const ENTITIES =
  csvRow(ENTITY_HEADER) +
  csvRow(['salesforce', 'Zoë "Z" Šimić', 'identity', 'salesforce', '005A1', 'user', 'v1', meta({ a: 1, b: 'x,y' })]) +
  csvRow(['salesforce', 'Sales,\r\nEMEA', 'connection', 'salesforce', '00GA1', 'group', 'v1', meta({ q: '"' })]);
const RELATIONS =
  csvRow(RELATION_HEADER) +
  csvRow(['salesforce', '005A1', 'identity', '00GA1', 'connection', 'salesforce', 'v1', meta({ member: true })]);

type Files = { entities?: string | null; relations?: string | null }; // null: the file is missing
function csvDir({ entities = ENTITIES, relations = RELATIONS }: Files = {}) {
  const dir = tempDir('balkanid-upload-');
  if (entities !== null) writeFileSync(join(dir, ENTITIES_FILE), entities);
  if (relations !== null) writeFileSync(join(dir, RELATIONS_FILE), relations);
  return dir;
}

describe('upload to BalkanID (Bulk API stand-in)', function () {
  let s: BalkanIdStandIn;
  let output: string[];
  let clock: ManualClock;
  before(async () => {
    s = await startBalkanIdStandIn();
  });
  after(() => s.stop());
  beforeEach(() => {
    s.reset();
    output = [];
    clock = new ManualClock(NOW, true);
  });

  // The upload's own requests; the App's lookup in the tenant's apps has its tests below.
  const run = (dir = csvDir(), extra: Partial<UploadOptions> = {}) =>
    uploadToBalkanId({
      tenantUrl: s.url,
      keyId: s.keyId,
      secret: s.secret,
      dir,
      onProgress: m => output.push(m),
      clock,
      skipAppCheck: true,
      ...extra,
    });
  async function failure(p: Promise<unknown>): Promise<SetupError> {
    const e = await p.then(
      () => assert.fail('the upload succeeded'),
      (err: unknown) => err,
    );
    assert.ok(isSetupError(e), String(e));
    output.push(e.message);
    return e;
  }
  const trail = () => s.requests.map(r => `${r.method} ${r.endpoint} ${r.status}`);

  it('sends entities.csv then entity-relations.csv: bytes, header rows and RFC 4180 records arrive unchanged', async () => {
    const dir = csvDir();
    const r = await run(dir);
    assert.deepEqual(r.uploaded, [
      { file: ENTITIES_FILE, bytes: Buffer.byteLength(ENTITIES), requests: 2 },
      { file: RELATIONS_FILE, bytes: Buffer.byteLength(RELATIONS), requests: 2 },
    ]);
    assert.deepEqual(trail(), [
      'POST entities 200',
      'PUT upload:entities 200',
      'POST entity-relations 200',
      'PUT upload:entity-relations 200',
    ]);
    assert.deepEqual(
      s.received.map(f => [f.resource, f.bytes, f.header, f.rows, f.contentType]),
      [
        ['entities', Buffer.byteLength(ENTITIES), ENTITY_HEADER.join(','), 2, 'text/csv'],
        ['entity-relations', Buffer.byteLength(RELATIONS), RELATION_HEADER.join(','), 1, 'text/csv'],
      ],
    );
    assert.equal(s.received[0]!.text, readFileSync(join(dir, ENTITIES_FILE), 'utf8'));
  });

  it('sends the API key headers only to upload-url; the PUT to the pre-signed URL carries Content-Length, no key', async () => {
    await run();
    const posts = s.requests.filter(r => r.method === 'POST');
    const puts = s.requests.filter(r => r.method === 'PUT');
    assert.equal(posts.length, 2);
    assert.ok(posts.every(r => r.keyMatched && r.path.endsWith('/upload-url')));
    assert.equal(puts.length, 2);
    for (const p of puts) {
      assert.deepEqual(p.headers, ['content-type', 'content-length'], p.path);
      assert.ok(p.path.startsWith('/__s3/'));
    }
  });

  it('401 (wrong secret, echoed by the server): "API key ID or secret is wrong", nothing sent after it, no secret shown', async () => {
    const wrong = 'wrong-secret-' + 'x'.repeat(20);
    const echoed = await fetch(`${s.url}/api/rest/v0/entities/upload-url`, {
      method: 'POST',
      headers: { 'X-Api-Key-ID': s.keyId, 'X-Api-Key-Secret': wrong },
    }).then(r => r.text());
    assert.ok(echoed.includes(wrong), 'the stand-in echoes the secret it received');
    s.reset();
    const e = await failure(run(csvDir(), { secret: wrong }));
    assert.equal(e.code, 'UPLOAD_AUTH');
    assert.match(e.message, /asking for an upload URL for entities\.csv.*API key ID or secret is wrong/);
    assert.match(e.message, /Nothing was uploaded\.$/);
    assert.ok(!output.join('\n').includes(wrong));
    assert.deepEqual(trail(), ['POST entities 401']);
  });

  it('401 on the second file: the message says entities.csv was uploaded and entity-relations.csv was not', async () => {
    s.fail('entity-relations', 401);
    const e = await failure(run());
    assert.equal(e.code, 'UPLOAD_AUTH');
    assert.match(e.message, /entities\.csv was uploaded; entity-relations\.csv was not — run the upload again\.$/);
    assert.equal(s.received.map(f => f.resource).join(), 'entities');
    assert.equal(s.count, 3);
  });

  it('403 (key without permission): "lacks permission for bulk uploads", no file sent', async () => {
    s.permissionDenied = true;
    const e = await failure(run());
    assert.equal(e.code, 'UPLOAD_FORBIDDEN');
    assert.match(e.message, /HTTP 403.*entities\.csv.*lacks permission for bulk uploads.*Nothing was uploaded\./);
    assert.deepEqual(trail(), ['POST entities 403']);
  });

  it('429 four times: waits for each Retry-After, then "too many requests … 4 attempts", nothing sent after it', async () => {
    s.fail('entities', 429, { retryAfter: 3, times: 4 });
    const e = await failure(run());
    assert.equal(e.code, 'UPLOAD_RATE_LIMITED');
    assert.match(e.message, /too many requests" \(HTTP 429\) while asking .* entities\.csv, 4 attempts/);
    assert.deepEqual(clock.sleeps, [3000, 3000, 3000]);
    assert.equal(s.count, 4);
  });

  it('5xx four times: backs off 1 s, 2 s, 4 s, then "server error (HTTP 503) … 4 attempts", no PUT', async () => {
    s.fail('entities', 503, { times: 4 });
    const e = await failure(run());
    assert.equal(e.code, 'UPLOAD_SERVER');
    assert.match(e.message, /server error \(HTTP 503\) while asking for an upload URL for entities\.csv, 4 att/);
    assert.deepEqual(clock.sleeps, [1000, 2000, 4000]);
    assert.deepEqual(trail(), Array(4).fill('POST entities 503'));
  });

  it('one 429 with Retry-After: 2 → waits 2000 ms and the upload succeeds', async () => {
    s.fail('entities', 429, { retryAfter: 2 });
    const r = await run();
    assert.deepEqual(clock.sleeps, [2000]);
    assert.equal(r.uploaded[0]!.requests, 3);
    assert.equal(s.received.length, 2);
  });

  it('500, 502, 503 on upload-url and a 503 on the PUT are retried: both files arrive whole', async () => {
    s.fail('entities', 500).fail('entities', 502).fail('entities', 503).fail('upload:entity-relations', 503);
    const r = await run();
    assert.deepEqual(clock.sleeps, [1000, 2000, 4000, 1000]);
    assert.equal(r.uploaded.map(u => u.requests).join(), '5,3');
    assert.equal(s.received.map(f => f.bytes).join(), `${Buffer.byteLength(ENTITIES)},${Buffer.byteLength(RELATIONS)}`);
  });

  it('an expired pre-signed URL (S3 403 "Request has expired"): a new URL is asked for once and the file arrives', async () => {
    s.expireNextUrl();
    const r = await run();
    assert.deepEqual(trail().slice(0, 4), [
      'POST entities 200',
      'PUT upload:entities 403',
      'POST entities 200',
      'PUT upload:entities 200',
    ]);
    assert.equal(r.uploaded[0]!.requests, 4);
    assert.equal(s.received.length, 2);
    assert.ok(output.some(m => /upload URL for entities\.csv expired/.test(m)));
  });

  it('a URL expired twice in a row: UPLOAD_EXPIRED, entity-relations.csv not asked for', async () => {
    s.expireNextUrl().expireNextUrl();
    const e = await failure(run());
    assert.equal(e.code, 'UPLOAD_EXPIRED');
    assert.match(e.message, /entities\.csv expired twice.*Nothing was uploaded\./);
    assert.equal(s.countOf('entity-relations'), 0);
  });

  it('a PUT refused with 400 is not retried and its reason is shown', async () => {
    s.fail('upload:entities', 400, { body: '{"message":"Row 2: Source ID is required"}' });
    const e = await failure(run());
    assert.equal(e.code, 'UPLOAD_REJECTED');
    assert.match(e.message, /refused entities\.csv \(HTTP 400\) while sending entities\.csv \(Row 2: Source ID is req/);
    assert.equal(s.countOf('upload:entities'), 1);
    assert.deepEqual(clock.sleeps, []);
  });

  it('an answer without `url`, or with a plain-http one: an error naming it, nothing PUT', async () => {
    s.fail('entities', 200, { body: '{"uploadUrl":"https://elsewhere.example/x"}' });
    const e = await failure(run());
    assert.equal(e.code, 'UPLOAD_NO_URL');
    assert.match(e.message, /BalkanID answered without an upload URL for entities\.csv/);
    assert.equal(s.count, 1);
    s.fail('entities', 200, { body: '{"url":"http://s3.example.com/k.csv?X-Amz-Signature=abc"}' });
    const plain = await failure(run());
    assert.equal(plain.code, 'INSECURE_URL');
    assert.match(plain.message, /not https \(http:\/\/s3\.example\.com\/k\.csv\); the file was not sent/);
    assert.equal(s.count, 2);
  });

  it('a redirect from upload-url is not followed: the key goes nowhere else', async () => {
    s.fail('entities', 307, { headers: { Location: `${s.url}/elsewhere?token=1` } });
    const e = await failure(run());
    assert.equal(e.code, 'UPLOAD_REDIRECT');
    assert.deepEqual(trail(), ['POST entities 307']);
  });

  it('an unreachable tenant: UPLOAD_NETWORK naming the address and the file', async () => {
    const closed = http.createServer();
    await new Promise<void>(r => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise(r => closed.close(r));
    const e = await failure(run(csvDir(), { tenantUrl: `http://127.0.0.1:${port}` }));
    assert.equal(e.code, 'UPLOAD_NETWORK');
    assert.match(
      e.message,
      new RegExp(`Cannot reach http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\).*entities\\.csv`),
    );
  });

  for (const [title, files, pattern] of [
    ['a missing entity-relations.csv', { relations: null }, /entity-relations\.csv is missing/],
    ['an empty entities.csv', { entities: '' }, /entities\.csv is empty/],
    [
      'a wrong header row',
      { entities: csvRow(['App', 'Name', 'Type']) },
      /entities\.csv does not start with the header row BalkanID expects: "App,Name,Entity Type,/,
    ],
    ['a UTF-8 BOM', { relations: '\uFEFF' + RELATIONS }, /entity-relations\.csv starts with a UTF-8 byte order mark/],
  ] as const)
    it(`${title}: UPLOAD_INPUT before any request`, async () => {
      const e = await failure(run(csvDir(files)));
      assert.equal(e.code, 'UPLOAD_INPUT');
      assert.match(e.message, /^Nothing was sent to BalkanID: /);
      assert.match(e.message, pattern);
      assert.equal(s.count, 0);
    });

  it('http to a non-loopback tenant, a path or a query: INSECURE_URL, and fetch is never called', async () => {
    const real = globalThis.fetch;
    let calls = 0;
    globalThis.fetch = (...args: Parameters<typeof fetch>) => (calls++, real(...args));
    try {
      for (const tenantUrl of [
        'http://app.balkan.id',
        'https://app.balkan.id/api/rest',
        'https://app.balkan.id/?x=1',
      ]) {
        const e = await failure(run(csvDir(), { tenantUrl }));
        assert.equal(e.code, 'INSECURE_URL', tenantUrl);
      }
    } finally {
      globalThis.fetch = real;
    }
    assert.equal(calls, 0);
    assert.equal(checkTenantUrl(undefined), 'https://app.balkan.id');
    assert.equal(checkTenantUrl('https://acme.balkan.id/'), 'https://acme.balkan.id');
    assert.equal(checkTenantUrl('http://[::1]:8080'), 'http://[::1]:8080');
  });

  it('no progress line or error holds the secret or a signature, also when a body echoes both', async () => {
    await run();
    s.expireNextUrl();
    await run();
    s.fail('entities', 403);
    await failure(run());
    s.fail('upload:entities', 400, { body: '<Error><Message>Bad PUT $URL</Message></Error>' });
    await failure(run());
    s.fail('entities', 500, { body: '{"message":"internal: key $SECRET"}', times: 4 });
    await failure(run());
    const all = output.join('\n');
    assert.ok(output.length > 10 && /Bad PUT \/__s3\//.test(all) && /internal: key/.test(all), all);
    assert.ok(!all.includes(s.secret), 'secret shown');
    for (const sig of s.signatures) assert.ok(!all.includes(sig), 'signature shown');
    assert.doesNotMatch(all, /X-Amz-(Signature|Credential)=(?!<redacted>)/);
  });

  it('redact() hides pre-signed URL signatures, credentials and S3 error echoes', () => {
    const text = redact(
      'https://b.s3.amazonaws.com/k.csv?X-Amz-Credential=AKIAX%2F2025&X-Amz-Signature=deadbeef99 ' +
        'https://a.blob.core.windows.net/c/f?sv=2022&sig=abc%2Bdef&se=1 <SignatureProvided>f00d</SignatureProvided> ' +
        '(…&X-Amz-Signature=cafe).',
    );
    for (const leaked of ['AKIAX', 'deadbeef99', 'abc%2Bdef', 'f00d']) assert.ok(!text.includes(leaked), text);
    assert.match(text, /X-Amz-Signature=<redacted> .*&X-Amz-Signature=<redacted>\)\.$/);
  });

  it('Retry-After: seconds or an HTTP-date, capped at 60 s; 400/401/403/404 never retried; at most 4 attempts', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('2', now), 2000);
    assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now), 30000);
    assert.equal(parseRetryAfter('3600', now), 60000);
    assert.equal(parseRetryAfter('soon', now), undefined);
    for (const status of [400, 401, 403, 404]) assert.deepEqual(retryDecision(status, 1, null, now), { retry: false });
    assert.deepEqual(retryDecision(429, 3, '5', now), { retry: true, waitMs: 5000 });
    assert.deepEqual(retryDecision(502, 4, null, now), { retry: false });
    assert.equal(headerProblem(ENTITY_HEADER.join(','), ENTITY_HEADER), undefined);
    assert.match(headerProblem(RELATION_HEADER.join(','), ENTITY_HEADER) ?? '', /does not start with/);
  });
});

describe('upload: where a pre-signed URL may point', () => {
  it('https anywhere; plain http to loopback only when the tenant is a loopback stand-in too', () => {
    assert.ok(checkPresignedUrl('https://bucket.s3.amazonaws.com/k.csv?X-Amz-Signature=a', 'https://app.balkan.id'));
    assert.equal(checkPresignedUrl('http://127.0.0.1:9000/k.csv', 'https://app.balkan.id'), undefined);
    assert.ok(checkPresignedUrl('http://127.0.0.1:9000/k.csv', 'http://127.0.0.1:8080'));
    assert.equal(checkPresignedUrl('http://s3.example.com/k.csv', 'http://127.0.0.1:8080'), undefined);
  });
});

describe("upload: the App looked up in the tenant's apps before anything is sent (Bulk Apps Download API)", function () {
  let s: BalkanIdStandIn;
  let clock: ManualClock;
  const defaults = () => s.apps.slice();
  let apps: BalkanIdStandIn['apps'];
  before(async () => {
    s = await startBalkanIdStandIn();
    apps = defaults();
  });
  after(() => s.stop());
  beforeEach(() => {
    s.reset();
    s.apps = apps.slice();
    clock = new ManualClock(NOW, true);
  });
  const withApp = (app: string) =>
    csvDir({
      entities: ENTITIES.replace(/^salesforce,/gm, `${app},`),
      relations: RELATIONS.replace(/^salesforce,/gm, `${app},`),
    });
  const run = (dir: string, extra: Partial<UploadOptions> = {}) =>
    uploadToBalkanId({ tenantUrl: s.url, keyId: s.keyId, secret: s.secret, dir, clock, ...extra });
  const trail = () => s.requests.map(r => `${r.method} ${r.endpoint} ${r.status}`);

  it('asks for the apps list with the API key, polls it with HEAD until it is ready, reads it, finds the App, then sends both files; the pre-signed URLs get no key', async () => {
    const r = await run(withApp('salesforce'));
    assert.deepEqual(r.app, { value: 'salesforce', checked: true, requests: 4 });
    assert.deepEqual(trail(), [
      'POST apps 200',
      'HEAD apps:poll 404',
      'HEAD apps:poll 200',
      'GET apps:file 200',
      'POST entities 200',
      'PUT upload:entities 200',
      'POST entity-relations 200',
      'PUT upload:entity-relations 200',
    ]);
    for (const x of s.requests.filter(x => x.endpoint === 'apps:poll' || x.endpoint === 'apps:file'))
      assert.ok(!x.headers.includes('x-api-key-secret') && !x.headers.includes('x-api-key-id'), x.endpoint);
    assert.deepEqual(clock.sleeps, [1000], 'one wait while the list was not ready');
  });

  it("an App the tenant does not have: UPLOAD_UNKNOWN_APP naming it and the tenant's ids (Salesforce's first), and not one upload request", async () => {
    s.apps = [...apps.filter(a => a.id !== 'salesforce'), { id: 'sfdc-prod', name: 'Salesforce (production)' }];
    const e = await run(withApp('salesforce')).then(
      () => assert.fail('uploaded'),
      (err: SetupError) => err,
    );
    assert.equal(e.code, 'UPLOAD_UNKNOWN_APP');
    assert.match(
      e.message,
      /^The App "salesforce" in entities\.csv is not an app of your BalkanID tenant http:\/\/127\.0\.0\.1:\d+ \(its apps: sfdc-prod \(Salesforce \(production\)\), asana \(Asana\), aws \(Amazon Web Services\), okta \(Okta\)\)\. Export again with --app sfdc-prod/,
    );
    assert.match(e.message, /Nothing was uploaded\.$/);
    assert.deepEqual(
      s.requests.filter(x => x.endpoint === 'entities' || x.endpoint === 'entity-relations'),
      [],
    );
    assert.equal(s.received.length, 0);
  });

  it('the apps list never ready: gives up after the deadline (60 s on the clock) with UPLOAD_APPS, nothing sent; --skip-app-check uploads without it', async () => {
    s.appsNotReadyPolls = 1000;
    const e = await run(withApp('salesforce')).then(
      () => assert.fail('uploaded'),
      (err: SetupError) => err,
    );
    assert.equal(e.code, 'UPLOAD_APPS');
    assert.match(e.message, /BalkanID did not have the apps list ready within 60 s\)\. Nothing was uploaded\./);
    assert.match(e.message, /upload with --skip-app-check/);
    const waited = clock.sleeps.reduce((a, b) => a + b, 0);
    assert.ok(waited <= 60_000 && s.countOf('apps:poll') <= 20, `${waited} ms, ${s.countOf('apps:poll')} polls`);
    assert.equal(s.received.length, 0);
    const r = await run(withApp('salesforce'), { skipAppCheck: true });
    assert.deepEqual(r.app, { value: 'salesforce', checked: false, requests: 0 });
    assert.equal(s.received.length, 2);
  });

  it('an apps list over 2 MB is refused as it arrives (UPLOAD_APPS), nothing sent', async () => {
    s.apps = Array.from({ length: 12_000 }, (_, i) => ({
      id: `app-${i}`,
      name: `App ${i}`,
      description: 'x'.repeat(200),
    }));
    const e = await run(withApp('salesforce')).then(
      () => assert.fail('uploaded'),
      (err: SetupError) => err,
    );
    assert.equal(e.code, 'UPLOAD_APPS');
    assert.match(e.message, /more than the 2,097,152 bytes allowed/);
    assert.equal(s.received.length, 0);
  });

  it('a 503 on the apps request is tried again; a 403 says the key may not download apps (UPLOAD_FORBIDDEN), nothing sent', async () => {
    s.fail('apps', 503);
    await run(withApp('salesforce'));
    assert.deepEqual(trail().slice(0, 2), ['POST apps 503', 'POST apps 200']);
    s.reset();
    s.permissionDenied = true;
    const e = await run(withApp('salesforce')).then(
      () => assert.fail('uploaded'),
      (err: SetupError) => err,
    );
    assert.equal(e.code, 'UPLOAD_FORBIDDEN');
    assert.match(e.message, /\(HTTP 403\) while asking for the tenant's apps: the API key may not download apps/);
    assert.ok(!e.message.includes(s.secret), 'the echoed secret is not shown');
    assert.equal(s.received.length, 0);
  });
});

describe('upload: one deadline per exchange and a size cap on every answer (issue 18, points 3 and 4)', function () {
  this.timeout(20000);
  let h: Hostile;
  before(async () => {
    h = await startHostile();
  });
  after(() => h.stop());
  beforeEach(() => h.clear());
  const upload = (extra: Partial<UploadOptions> = {}) =>
    uploadToBalkanId({
      tenantUrl: h.url,
      keyId: 'bid-key-0123456789',
      secret: 'a-secret-of-enough-length',
      dir: csvDir(),
      clock: new ManualClock(NOW, true),
      // The App lookup has its own test below; these are about the upload's own exchanges.
      skipAppCheck: true,
      ...extra,
    });
  const urlAnswer = () => ({
    kind: 'body' as const,
    status: 200,
    body: JSON.stringify({ url: `${h.url}/__s3/entities.csv?X-Amz-Signature=abc` }),
  });

  it('looking the App up: an apps answer that stalls after its headers fails at --request-timeout (UPLOAD_APPS), nothing sent', async () => {
    h.add({ method: 'POST', path: /apps\/download-url/, do: { kind: 'stall-after-headers', first: '{"url":' } });
    await assert.rejects(
      upload({ timeoutMs: 1000, skipAppCheck: false }),
      (e: any) =>
        e.code === 'UPLOAD_APPS' &&
        /did not finish answering within 1 s\)\. Nothing was uploaded\./.test(e.message) &&
        !e.message.includes('a-secret-of-enough-length'),
    );
    assert.equal(h.seen.filter(l => /upload-url|__s3/.test(l.path)).length, 0, 'nothing asked for or sent');
  });

  it('asking for an upload URL: an answer that stalls after its headers fails at --request-timeout, naming the step', async () => {
    h.add({ method: 'POST', path: /upload-url/, do: { kind: 'stall-after-headers', first: '{"url":' } });
    await assert.rejects(
      upload({ timeoutMs: 1000 }),
      (e: any) =>
        e.code === 'UPLOAD_TIMEOUT' &&
        /did not finish answering within 1 s while asking for an upload URL for entities\.csv/.test(e.message) &&
        /Nothing was uploaded\.$/.test(e.message),
    );
  });

  it('a PUT whose answer never comes fails at the deadline (the request timeout plus the time the file takes at 256 KB/s)', async () => {
    h.add({ method: 'POST', path: /upload-url/, do: urlAnswer() });
    h.add({ method: 'PUT', path: /__s3/, do: { kind: 'stall-before-headers' } });
    await assert.rejects(
      upload({ timeoutMs: 1000 }),
      (e: any) =>
        e.code === 'UPLOAD_TIMEOUT' &&
        /did not finish answering within 2 s while sending entities\.csv/.test(e.message) &&
        /the file may have arrived/.test(e.message),
    );
  });

  it('an endless answer to the upload URL request is refused at 1 MB (the limit for an upload answer); reading stops', async () => {
    h.add({ method: 'POST', path: /upload-url/, do: { kind: 'endless-body', prefix: '{"url":"' } });
    const before = h.bytesSent();
    await assert.rejects(
      upload(),
      (e: any) =>
        e.code === 'TOO_LARGE' &&
        /answered with more than 1 MB \(the limit for an upload answer\) while asking for an upload URL for entities\.csv/.test(
          e.message,
        ),
    );
    await new Promise(resolve => setTimeout(resolve, 200));
    assert.ok(h.bytesSent() - before < 32 * 1024 * 1024);
  });

  it('an endless error body from the storage is read up to 1 MB only', async () => {
    h.add({ method: 'POST', path: /upload-url/, do: urlAnswer() });
    h.add({ method: 'PUT', path: /__s3/, do: { kind: 'endless-body', status: 400, prefix: '<Error><Message>' } });
    await assert.rejects(
      upload(),
      (e: any) => e.code === 'TOO_LARGE' && /HTTP 400 error of more than 1 MB/.test(e.message),
    );
  });
});
