// Query cursors (cursors.ts): one locator per query, at most 10 open per user with the oldest released, released
// after 15 minutes idle and after 2 days in any case; each keeps the rows it was opened with.
import assert from 'node:assert/strict';
import { raw, useOrg } from './helpers';

const v = '/services/data/v64.0';
const q = (soql: string) => `${v}/query?q=${encodeURIComponent(soql)}`;
const MINUTE = 60000;

describe('test org: query cursors (SOAP API Developer Guide "QueryLocator"; API Query Cursor Limits)', () => {
  const t = useOrg({ scenario: 'fresh', coverage: false });
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const open = async (token = t.org.adminToken) => {
    const r = await raw(t.org, 'GET', q('SELECT Id FROM User ORDER BY Id'), undefined, as(token));
    assert.equal(r.body.done, false, 'a second page follows');
    return r.body.nextRecordsUrl as string;
  };
  const next = (url: string, token = t.org.adminToken) => raw(t.org, 'GET', url, undefined, as(token));
  const reset = (options = {}) => {
    t.org.reset('fresh', options);
    t.org.queryBatchSize = 2;
  };
  beforeEach(() => reset());
  after(() => t.org.reset('fresh'));

  it('pages one query through one locator, /query/<locator>-<offset>, with the same locator on every page', async () => {
    t.org.queryBatchSize = 1;
    const first = await open();
    const m = /\/query\/(01g\w{12})-1$/.exec(first)!;
    assert.ok(m, first);
    const second = await next(first);
    assert.equal(second.status, 200);
    assert.equal(second.body.nextRecordsUrl, `${v}/query/${m[1]}-2`);
    const third = await next(second.body.nextRecordsUrl);
    assert.equal(third.body.done, true);
    assert.equal(third.body.nextRecordsUrl, undefined);
  });

  it("opening an 11th cursor releases the user's oldest: its next page is INVALID_QUERY_LOCATOR, the other ten page on", async () => {
    const urls: string[] = [];
    for (let i = 0; i < 11; i++) urls.push(await open());
    const oldest = await next(urls[0]);
    assert.equal(oldest.status, 400);
    assert.deepEqual(oldest.body, [{ errorCode: 'INVALID_QUERY_LOCATOR', message: 'invalid query locator' }]);
    for (const url of urls.slice(1)) assert.equal((await next(url)).status, 200, url);
  });

  it("counts cursors per user: another user's cursor releases none of the admin's, and cannot be used by the admin", async () => {
    const jane = t.org.tokenFor('jane@acme.example');
    const urls: string[] = [];
    for (let i = 0; i < 10; i++) urls.push(await open());
    const janes = await open(jane);
    assert.equal((await next(urls[0])).status, 200, "the admin's oldest is still open");
    assert.equal((await next(janes)).body[0].errorCode, 'INVALID_QUERY_LOCATOR', "jane's locator is hers");
    assert.equal((await next(janes, jane)).status, 200);
  });

  it('queryCursorLimit 0 (no limit, as since API 56.0): an 11th cursor releases nothing', async () => {
    reset({ queryCursorLimit: 0 });
    const urls: string[] = [];
    for (let i = 0; i < 11; i++) urls.push(await open());
    for (const url of urls) assert.equal((await next(url)).status, 200, url);
  });

  it('releases a cursor unused for 15 minutes; using it within 15 minutes keeps it open', async () => {
    t.org.queryBatchSize = 1;
    const url = await open();
    t.org.org.clockOffsetMs += 14 * MINUTE;
    const second = await next(url);
    assert.equal(second.status, 200);
    t.org.org.clockOffsetMs += 14 * MINUTE;
    assert.equal((await next(second.body.nextRecordsUrl)).status, 200, '28 minutes after opening, 14 after last use');
    const other = await open();
    t.org.org.clockOffsetMs += 15 * MINUTE + 1000;
    const token = t.org.org.issueToken(t.org.org.find('User', u => u.Alias === 'aadmin')!.Id);
    assert.equal((await next(other, token)).body[0].errorCode, 'INVALID_QUERY_LOCATOR');
  });

  it('releases any cursor 2 days after its query, however often it is used', async () => {
    reset({ queryCursorIdleMs: 3 * 24 * 60 * MINUTE });
    t.org.queryBatchSize = 1;
    const admin = t.org.org.find('User', u => u.Alias === 'aadmin')!.Id;
    const url = await open();
    t.org.org.clockOffsetMs += 47 * 60 * MINUTE;
    const second = await next(url, t.org.org.issueToken(admin));
    assert.equal(second.status, 200);
    t.org.org.clockOffsetMs += 61 * MINUTE;
    assert.equal(
      (await next(second.body.nextRecordsUrl, t.org.org.issueToken(admin))).body[0].errorCode,
      'INVALID_QUERY_LOCATOR',
    );
  });

  it('keeps the rows of the query it was opened for: a later page shows records as they were [I]', async () => {
    const first = await raw(t.org, 'GET', q('SELECT Id, LastName FROM User ORDER BY Id'));
    const last = t.org.org.all('User').sort((a, b) => (a.Id < b.Id ? -1 : 1))[2];
    const patched = await raw(t.org, 'PATCH', `${v}/sobjects/User/${last.Id}`, { LastName: 'Renamed' });
    assert.equal(patched.status, 204);
    const second = await next(first.body.nextRecordsUrl);
    assert.deepEqual(
      second.body.records.map((r: any) => [r.Id, r.LastName]),
      [[last.Id, last.LastName]],
    );
    const again = await raw(t.org, 'GET', q(`SELECT LastName FROM User WHERE Id = '${last.Id}'`));
    assert.equal(again.body.records[0].LastName, 'Renamed');
  });
});
