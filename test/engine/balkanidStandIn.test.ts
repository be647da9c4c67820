// The BalkanID stand-in itself (test/support/balkanidStandIn.ts), over HTTP: the Bulk Apps Download API as
// developer.balkan.id documents it (POST download-url → url and pollingUrl; HEAD until 200; GET the CSV), and the
// switches the audit suggests (relations only after the entities synced; a URL signed for one Content-Type). Then
// today's upload under the stricter settings.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { tempDir } from '../support/temp';
import { ManualClock, NOW } from '../support/clock';
import { APPS_HEADER, BalkanIdStandIn, startBalkanIdStandIn } from '../support/balkanidStandIn';
import { csvRow, ENTITIES_FILE, ENTITY_HEADER, RELATION_HEADER, RELATIONS_FILE } from '../../src/core/extract/format';
import { uploadToBalkanId } from '../../src/node/balkanidUpload';

describe('BalkanID stand-in: Bulk Apps Download API and the stricter upload rules', () => {
  let s: BalkanIdStandIn;
  before(async () => {
    s = await startBalkanIdStandIn();
  });
  after(() => s.stop());
  beforeEach(() => s.reset());
  const key = () => ({ 'X-Api-Key-ID': s.keyId, 'X-Api-Key-Secret': s.secret, 'Content-Type': 'application/json' });
  const post = (path: string, headers: Record<string, string> = key()) =>
    fetch(`${s.url}/api/rest/v0/${path}`, { method: 'POST', headers, body: '{}' });

  it("POST apps/download-url answers a url and a pollingUrl; HEAD the polling URL is 404 until the file is ready, then 200; GET the url is the CSV of the tenant's apps with their catalogue ids", async () => {
    s.appsNotReadyPolls = 2;
    const r = await post('apps/download-url');
    assert.equal(r.status, 200);
    const { url, pollingUrl } = (await r.json()) as { url: string; pollingUrl: string };
    assert.match(url, /X-Amz-Signature=/);
    assert.notEqual(url, pollingUrl);
    const polls: number[] = [];
    for (let i = 0; i < 3; i++) polls.push((await fetch(pollingUrl, { method: 'HEAD' })).status);
    assert.deepEqual(polls, [404, 404, 200]);
    const file = await fetch(url);
    assert.equal(file.status, 200);
    const rows = parse(await file.text(), { columns: true }) as Array<Record<string, string>>;
    assert.deepEqual(Object.keys(rows[0]!), [...APPS_HEADER]);
    assert.deepEqual(
      rows.map(x => x.ID),
      ['asana', 'aws', 'okta', 'salesforce'],
    );
    assert.deepEqual(
      [rows[0]!['Tenant ID'], rows[0]!['Tenant Name'], rows[0]!['Tenant Status'], rows[0]!.Name],
      ['01XB', 'default', 'active', 'Asana'],
    );
    assert.deepEqual(
      s.requests.map(x => `${x.method} ${x.endpoint} ${x.status}`),
      ['POST apps 200', 'HEAD apps:poll 404', 'HEAD apps:poll 404', 'HEAD apps:poll 200', 'GET apps:file 200'],
    );
  });

  it('serves the apps it is given (quoted as RFC 4180 needs), refuses a wrong key (401), a GET before the file is ready (404 NoSuchKey) and a URL used with the other method (403)', async () => {
    const apps = s.apps;
    s.apps = [{ id: 'salesforce-eu', name: 'Salesforce, EU "prod"' }];
    try {
      assert.equal((await post('apps/download-url', { ...key(), 'X-Api-Key-Secret': 'wrong' })).status, 401);
      const { url, pollingUrl } = (await (await post('apps/download-url')).json()) as {
        url: string;
        pollingUrl: string;
      };
      const early = await fetch(url);
      assert.equal(early.status, 404);
      assert.match(await early.text(), /<Code>NoSuchKey<\/Code>/);
      assert.equal((await fetch(pollingUrl)).status, 403, 'the polling URL is signed for HEAD');
      assert.equal((await fetch(url, { method: 'HEAD' })).status, 403, 'the file URL is signed for GET');
      assert.equal((await fetch(pollingUrl, { method: 'HEAD' })).status, 404);
      assert.equal((await fetch(pollingUrl, { method: 'HEAD' })).status, 200);
      const text = await (await fetch(url)).text();
      assert.match(text, /,salesforce-eu,"Salesforce, EU ""prod""",,\r\n$/);
    } finally {
      s.apps = apps;
    }
  });

  it('requireSyncedEntities: the relations upload URL is refused (409) until an entities file has synced, and relations to Source IDs it did not hold are refused (400)', async () => {
    s.requireSyncedEntities = true;
    s.holdEntitySync = true;
    assert.equal((await post('entity-relations/upload-url')).status, 409);
    const put = async (resource: string, text: string) => {
      const { url } = (await (await post(`${resource}/upload-url`)).json()) as { url: string };
      return fetch(url, { method: 'PUT', headers: { 'Content-Type': 'text/csv' }, body: text });
    };
    const entities =
      csvRow(ENTITY_HEADER) +
      csvRow(['salesforce', 'Ann', 'identity', 'salesforce', '005A', 'user', 'v1', '{}']) +
      csvRow(['salesforce', 'Sales', 'connection', 'salesforce', '00GA', 'group', 'v1', '{}']);
    assert.equal((await put('entities', entities)).status, 200);
    assert.equal((await post('entity-relations/upload-url')).status, 409, 'received but not synced yet');
    s.completeEntitySync();
    const good =
      csvRow(RELATION_HEADER) +
      csvRow(['salesforce', '005A', 'identity', '00GA', 'connection', 'salesforce', 'v1', '{}']);
    const bad =
      csvRow(RELATION_HEADER) +
      csvRow(['salesforce', '005B', 'identity', '00GA', 'connection', 'salesforce', 'v1', '{}']);
    const refused = await put('entity-relations', bad);
    assert.equal(refused.status, 400);
    assert.match(await refused.text(), /1 Source IDs are not in the last synced entities \(e\.g\. 005B\)/);
    assert.equal((await put('entity-relations', good)).status, 200);
    assert.deepEqual(
      s.received.map(f => [f.resource, f.rows]),
      [
        ['entities', 2],
        ['entity-relations', 1],
      ],
    );
  });

  it('signedContentType: the URL lists content-type among the signed headers, and a PUT with another Content-Type answers 403 SignatureDoesNotMatch', async () => {
    s.signedContentType = 'text/csv';
    const upload = async (contentType: string) => {
      const { url } = (await (await post('entities/upload-url')).json()) as { url: string };
      assert.equal(new URL(url).searchParams.get('X-Amz-SignedHeaders'), 'content-type;host');
      return fetch(url, { method: 'PUT', headers: { 'Content-Type': contentType }, body: csvRow(ENTITY_HEADER) });
    };
    const other = await upload('text/csv; charset=utf-8');
    assert.equal(other.status, 403);
    assert.match(await other.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
    assert.equal((await upload('text/csv')).status, 200);
  });

  it("today's upload succeeds with both stricter settings on: entities first, relations after their sync, Content-Type exactly text/csv", async () => {
    s.requireSyncedEntities = true;
    s.signedContentType = 'text/csv';
    const dir = tempDir('balkanid-strict-');
    writeFileSync(
      join(dir, ENTITIES_FILE),
      csvRow(ENTITY_HEADER) +
        csvRow(['salesforce', 'Ann', 'identity', 'salesforce', '005A', 'user', 'v1', '{}']) +
        csvRow(['salesforce', 'Sales', 'connection', 'salesforce', '00GA', 'group', 'v1', '{}']),
    );
    writeFileSync(
      join(dir, RELATIONS_FILE),
      csvRow(RELATION_HEADER) +
        csvRow(['salesforce', '005A', 'identity', '00GA', 'connection', 'salesforce', 'v1', '{}']),
    );
    const r = await uploadToBalkanId({
      tenantUrl: s.url,
      keyId: s.keyId,
      secret: s.secret,
      dir,
      onProgress: () => undefined,
      clock: new ManualClock(NOW, true),
    });
    assert.equal(r.uploaded.length, 2);
    assert.deepEqual(
      s.received.map(f => [f.resource, f.rows, f.contentType]),
      [
        ['entities', 2, 'text/csv'],
        ['entity-relations', 1, 'text/csv'],
      ],
    );
  });
});
