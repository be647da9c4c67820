// What long exports meet on real orgs, each at a chosen page of a chosen query (queryFaults.ts): QUERY_TIMEOUT, an
// expired cursor, 500/502/503 from Salesforce or a proxy; a slow COUNT(); pages of 200 to 2,000 rows; and the way
// back: `WHERE Id > '<last>' ORDER BY Id` resumes a list where it broke off.
import assert from 'node:assert/strict';
import { jsforce, raw, useOrg } from './helpers';

const v = '/services/data/v64.0';
const q = (soql: string) => `${v}/query?q=${encodeURIComponent(soql)}`;
const USERS = 'SELECT Id, Username FROM User ORDER BY Id';

describe('test org: failures of long exports at a chosen page (QUERY_TIMEOUT, INVALID_QUERY_LOCATOR, 5xx)', () => {
  const t = useOrg({ scenario: 'fresh', users: 30 });
  const pageSize = 5;
  beforeEach(() => {
    t.org.clearFaults();
    t.org.queryBatchSize = pageSize;
  });
  after(() => (t.org.queryBatchSize = 2000));
  /** The first `pages` pages of the user list, then the response to the next one. */
  const upTo = async (pages: number) => {
    let r = await raw(t.org, 'GET', q(USERS));
    const rows: any[] = [];
    let url = '';
    for (let p = 1; p < pages; p++) {
      assert.equal(r.status, 200, `page ${p}`);
      rows.push(...r.body.records);
      url = r.body.nextRecordsUrl;
      r = await raw(t.org, 'GET', url);
    }
    return { rows, url, failed: r };
  };

  it("QUERY_TIMEOUT on page 3 of the users: 400 with Salesforce's code, the cursor is gone, and WHERE Id > the last Id read, ORDER BY Id, gives exactly the rest", async () => {
    t.org.addQueryFault({ soql: 'FROM User\\b', page: 3, error: 'QUERY_TIMEOUT' });
    const { rows, url, failed } = await upTo(3);
    assert.equal(rows.length, 2 * pageSize);
    assert.equal(failed.status, 400);
    assert.deepEqual(failed.body, [
      { errorCode: 'QUERY_TIMEOUT', message: 'Your query request was running for too long.' },
    ]);
    const retry = await raw(t.org, 'GET', url);
    assert.equal(retry.body[0].errorCode, 'INVALID_QUERY_LOCATOR', 'the cursor ended with the timeout');
    const last = rows[rows.length - 1].Id;
    const rest = await jsforce(t.org).query<any>(`SELECT Id, Username FROM User WHERE Id > '${last}' ORDER BY Id`, {
      autoFetch: true,
      maxFetch: 10000,
    });
    const all = await jsforce(t.org).query<any>(USERS, { autoFetch: true, maxFetch: 10000 });
    assert.deepEqual(
      [...rows, ...rest.records].map(r => r.Id),
      all.records.map(r => r.Id),
      'nothing lost, nothing twice',
    );
  });

  it('INVALID_QUERY_LOCATOR on page 2: the locator no longer works, the other lists are untouched', async () => {
    t.org.addQueryFault({ soql: 'FROM User\\b', page: 2, error: 'INVALID_QUERY_LOCATOR' });
    const other = await raw(t.org, 'GET', q('SELECT Id FROM UserLogin ORDER BY Id'));
    const { url, failed } = await upTo(2);
    assert.deepEqual(failed.body, [{ errorCode: 'INVALID_QUERY_LOCATOR', message: 'invalid query locator' }]);
    assert.equal((await raw(t.org, 'GET', url)).body[0].errorCode, 'INVALID_QUERY_LOCATOR');
    assert.equal((await raw(t.org, 'GET', other.body.nextRecordsUrl)).status, 200);
  });

  it("500 on page 2 with Salesforce's UNKNOWN_EXCEPTION and an ErrorId; the same nextRecordsUrl then answers the page (the cursor survives a 5xx)", async () => {
    t.org.addQueryFault({ soql: 'FROM User\\b', page: 2, error: 500 });
    const { url, failed } = await upTo(2);
    assert.equal(failed.status, 500);
    assert.equal(failed.body[0].errorCode, 'UNKNOWN_EXCEPTION');
    assert.match(
      failed.body[0].message,
      /^An unexpected error occurred\. Please include this ErrorId if you contact support: \d+-\d+ \(-\d+\)$/,
    );
    const retry = await raw(t.org, 'GET', url);
    assert.equal(retry.status, 200);
    assert.equal(retry.body.records.length, pageSize);
  });

  it('502 from a proxy and 503 from the CDN answer HTML, 503 from Salesforce SERVER_UNAVAILABLE JSON; times: 2 fails the retry as well', async () => {
    t.org.addQueryFault({ soql: 'FROM User\\b', page: 2, error: 502, times: 2 });
    const first = await upTo(2);
    const url = first.url;
    let failed = first.failed;
    assert.equal(failed.status, 502);
    assert.match(failed.headers.get('content-type')!, /^text\/html/);
    assert.match(failed.text, /502 Bad Gateway/);
    assert.equal((await raw(t.org, 'GET', url)).status, 502, 'the second time too');
    assert.equal((await raw(t.org, 'GET', url)).status, 200, 'then it answers');
    t.org.addQueryFault({ soql: 'FROM User\\b', page: 2, error: 503, from: 'proxy' });
    ({ failed } = await upTo(2));
    assert.equal(failed.status, 503);
    assert.match(failed.text, /This error originated from Salesforce CDN partner/);
    t.org.addQueryFault({ soql: 'FROM User\\b', page: 2, error: 503 });
    ({ failed } = await upTo(2));
    assert.deepEqual(
      [failed.status, failed.body],
      [503, [{ errorCode: 'SERVER_UNAVAILABLE', message: 'Server too busy' }]],
    );
  });

  it('a fault on page 1 fails the query request itself, only for the query it matches; the control over HTTP arms the same', async () => {
    const res = await fetch(`${t.org.url}/__testorg/query-faults`, {
      method: 'POST',
      body: JSON.stringify({ soql: 'FROM PermissionSetAssignment', page: 1, error: 'QUERY_TIMEOUT', cursor: 'keep' }),
    });
    assert.deepEqual(await res.json(), { pending: 1 });
    assert.equal((await raw(t.org, 'GET', q('SELECT Id FROM User'))).status, 200);
    const failed = await raw(t.org, 'GET', q('SELECT Id FROM PermissionSetAssignment ORDER BY Id'));
    assert.equal(failed.body[0].errorCode, 'QUERY_TIMEOUT');
    assert.equal((await raw(t.org, 'GET', q('SELECT Id FROM PermissionSetAssignment ORDER BY Id'))).status, 200);
    assert.equal(t.org.pendingQueryFaults, 0);
  });

  it('pages by 2,000 rows unless Sforce-Query-Options asks for a batchSize from 200 to 2,000 (outside it, the nearest bound)', async () => {
    t.org.queryBatchSize = 2000;
    const big = useCount(await raw(t.org, 'GET', q('SELECT Id FROM UserLogin')));
    assert.equal(big, 36, 'all rows of a small table on one page');
    t.org.reset('fresh', { users: 2500 });
    const pageOf = async (header?: string) =>
      (
        await raw(
          t.org,
          'GET',
          q('SELECT Id FROM User ORDER BY Id'),
          undefined,
          header ? { 'Sforce-Query-Options': header } : {},
        )
      ).body.records.length;
    assert.equal(await pageOf(), 2000);
    assert.equal(await pageOf('batchSize=500'), 500);
    assert.equal(await pageOf('batchSize=50'), 200);
    assert.equal(await pageOf('batchSize=5000'), 2000);
    t.org.reset('fresh', { users: 30 });
  });
});

const useCount = (r: { body: any }) => r.body.records.length;

describe('test org: a slow COUNT() (countTimeoutRows) and resuming by Id', () => {
  const t = useOrg({ scenario: 'fresh', users: 300, countTimeoutRows: 500 });

  it('answers QUERY_TIMEOUT to SELECT COUNT() over a table above the threshold, alone and as its own subrequest of a composite/batch; smaller counts and row queries work', async () => {
    const alone = await raw(t.org, 'GET', q('SELECT COUNT() FROM PermissionSetAssignment'));
    assert.deepEqual(alone.body, [
      { errorCode: 'QUERY_TIMEOUT', message: 'Your query request was running for too long.' },
    ]);
    const batch = await raw(t.org, 'POST', `${v}/composite/batch`, {
      batchRequests: [
        { method: 'GET', url: `v64.0/query?q=${encodeURIComponent('SELECT COUNT() FROM User')}` },
        { method: 'GET', url: `v64.0/query?q=${encodeURIComponent('SELECT COUNT() FROM PermissionSetAssignment')}` },
      ],
    });
    assert.equal(batch.body.results[0].statusCode, 200);
    assert.ok(batch.body.results[0].result.totalSize > 300);
    assert.equal(batch.body.results[1].statusCode, 400);
    assert.equal(batch.body.results[1].result[0].errorCode, 'QUERY_TIMEOUT');
    assert.equal((await raw(t.org, 'GET', q('SELECT Id FROM PermissionSetAssignment LIMIT 5'))).body.records.length, 5);
  });

  it('WHERE Id > / >= / < / <= with ORDER BY Id and LIMIT reads in Id order from the given Id, whatever else the WHERE says', async () => {
    const conn = jsforce(t.org);
    const all = (
      await conn.query<any>('SELECT Id, IsActive FROM User ORDER BY Id', { autoFetch: true, maxFetch: 5000 })
    ).records;
    const pivot = all[100].Id;
    const after = await conn.query<any>(`SELECT Id FROM User WHERE Id > '${pivot}' ORDER BY Id LIMIT 10`);
    assert.deepEqual(
      after.records.map(r => r.Id),
      all.slice(101, 111).map(r => r.Id),
    );
    assert.equal(after.totalSize, 10);
    const from15 = await conn.query<any>(`SELECT Id FROM User WHERE Id >= '${pivot.slice(0, 15)}' ORDER BY Id LIMIT 2`);
    assert.deepEqual(
      from15.records.map(r => r.Id),
      all.slice(100, 102).map(r => r.Id),
      'a 15-character Id too',
    );
    const below = await conn.query<any>(`SELECT Id FROM User WHERE Id < '${pivot}' AND IsActive = false ORDER BY Id`);
    assert.deepEqual(
      below.records.map(r => r.Id),
      all
        .slice(0, 100)
        .filter(r => !r.IsActive)
        .map(r => r.Id),
    );
    const upTo = await conn.query<any>(`SELECT COUNT() FROM User WHERE Id <= '${pivot}'`);
    assert.equal(upTo.totalSize, 101);
    const none = await conn.query<any>(
      `SELECT Id FROM User WHERE Id > '${all[all.length - 1].Id}' ORDER BY Id LIMIT 5`,
    );
    assert.equal(none.totalSize, 0);
  });
});
