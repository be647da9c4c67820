// Bulk API 2.0 query jobs (bulk2.ts) as the Bulk API 2.0 Developer Guide documents them, through jsforce's own bulk2
// client and raw HTTP: create, state, results by Sforce-Locator and maxRecords in CSV, the SOQL it refuses, abort,
// delete, the daily allocation; every request counted as an API call.
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { jsforce, raw, useOrg } from './helpers';

const v = '/services/data/v64.0';
const usage = (r: { headers: Headers }) => Number(/api-usage=(\d+)/.exec(r.headers.get('sforce-limit-info') ?? '')![1]);

describe('test org: Bulk API 2.0 query jobs (Bulk API 2.0 and Bulk API Developer Guide)', () => {
  const t = useOrg({ scenario: 'fresh', users: 2500, bulkQueryMs: 60, bulkDefaultMaxRecords: 1000 });
  const create = (query: string, extra: Record<string, unknown> = {}) =>
    raw(t.org, 'POST', `${v}/jobs/query`, { operation: 'query', query, ...extra });

  it("jsforce's bulk2.query reads every row of a job, the same rows as a REST query; every set of results starts with the header row, which jsforce 3.10 then takes for a record", async () => {
    const conn = jsforce(t.org);
    conn.bulk2.pollInterval = 20;
    const soql = 'SELECT Id, Username, IsActive FROM User';
    const read = async () => {
      const rows: any[] = [];
      for await (const r of await conn.bulk2.query(soql)) rows.push(r);
      return rows;
    };
    const rest = await conn.query<any>(`${soql} ORDER BY Id`, { autoFetch: true, maxFetch: 10000 });
    const sets = Math.ceil(rest.totalSize / 1000);
    assert.ok(sets >= 3);
    // Sets of 1,000 (bulkDefaultMaxRecords): each begins with "Id","Username","IsActive".
    t.org.resetStats();
    const paged = await read();
    assert.equal(paged.filter(r => r.Id === 'Id').length, sets - 1, 'the header of every set after the first');
    assert.deepEqual(
      paged
        .filter(r => r.Id !== 'Id')
        .map(r => r.Id)
        .sort(),
      rest.records.map(r => r.Id).sort(),
    );
    const results = t.org.log.filter(l => /\/jobs\/query\/750\w+\/results$/.test(l.route));
    assert.equal(results.length, sets, 'one request per set of results');
    // One set: exactly the rows.
    t.org.reset('fresh', { bulkDefaultMaxRecords: 0 });
    const fresh = jsforce(t.org);
    fresh.bulk2.pollInterval = 20;
    const one: any[] = [];
    for await (const r of await fresh.bulk2.query(soql)) one.push(r);
    const all = await fresh.query('SELECT COUNT() FROM User');
    assert.equal(one.length, all.totalSize);
    assert.ok(one.every(r => r.Id !== 'Id'));
    t.org.reset('fresh', { bulkDefaultMaxRecords: 1000 });
  });

  it('creates a job in UploadComplete, reports InProgress then JobComplete with numberRecordsProcessed, and refuses results before (412 JOB_NOT_COMPLETE)', async () => {
    const created = await create('SELECT Id, Name FROM PermissionSet ORDER BY Id');
    assert.equal(created.status, 200);
    const job = created.body;
    assert.match(job.id, /^750\w{15}$/);
    for (const [k, val] of Object.entries({
      operation: 'query',
      object: 'PermissionSet',
      state: 'UploadComplete',
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: 64,
      lineEnding: 'LF',
      columnDelimiter: 'COMMA',
    }))
      assert.equal(job[k], val, k);
    const early = await raw(t.org, 'GET', `${v}/jobs/query/${job.id}/results`);
    assert.equal(early.status, 412);
    assert.equal(early.body[0].errorCode, 'JOB_NOT_COMPLETE');
    await t.org.idle();
    const info = await raw(t.org, 'GET', `${v}/jobs/query/${job.id}`);
    const count = (await raw(t.org, 'GET', `${v}/query?q=${encodeURIComponent('SELECT COUNT() FROM PermissionSet')}`))
      .body.totalSize;
    assert.deepEqual(
      [info.body.state, info.body.jobType, info.body.numberRecordsProcessed, info.body.retries],
      ['JobComplete', 'V2Query', count, 0],
    );
  });

  it('answers results in CSV with a header row, every value quoted, "" for null, relationship columns by path, and pages by maxRecords with a reusable Sforce-Locator', async () => {
    const job = (await create('SELECT Id, Name, Profile.Name, UserRole.Name, CreatedDate FROM User ORDER BY Id')).body;
    await t.org.idle();
    const first = await raw(t.org, 'GET', `${v}/jobs/query/${job.id}/results?maxRecords=700`);
    assert.equal(first.status, 200);
    assert.match(first.headers.get('content-type')!, /^text\/csv/);
    assert.equal(first.headers.get('sforce-numberofrecords'), '700');
    const locator = first.headers.get('sforce-locator')!;
    assert.equal(Buffer.from(locator, 'base64').toString(), '700');
    assert.equal(first.text.split('\n')[0], '"Id","Name","Profile.Name","UserRole.Name","CreatedDate"');
    const rows = parse(first.text, { columns: true }) as Array<Record<string, string>>;
    assert.equal(rows.length, 700);
    assert.ok(
      rows.some(r => r['UserRole.Name'] === ''),
      'a user without a role: ""',
    );
    assert.ok(rows.every(r => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(r.CreatedDate)));
    assert.ok(
      rows.some(r => r.Name.includes('"') || r.Name.includes(',')),
      'names that need quoting',
    );
    const again = await raw(t.org, 'GET', `${v}/jobs/query/${job.id}/results?locator=${locator}&maxRecords=700`);
    const same = await raw(t.org, 'GET', `${v}/jobs/query/${job.id}/results?locator=${locator}&maxRecords=700`);
    assert.equal(again.text, same.text, 'a locator can be used again');
    const rest = await jsforce(t.org).query<any>('SELECT Id FROM User ORDER BY Id', {
      autoFetch: true,
      maxFetch: 10000,
    });
    let seen = 700;
    let next = locator;
    while (next !== 'null') {
      const r = await raw(t.org, 'GET', `${v}/jobs/query/${job.id}/results?locator=${next}&maxRecords=700`);
      seen += Number(r.headers.get('sforce-numberofrecords'));
      next = r.headers.get('sforce-locator')!;
    }
    assert.equal(seen, rest.totalSize, 'the last set says "null"');
    const other = await raw(t.org, 'GET', `/services/data/v63.0/jobs/query/${job.id}/results`);
    assert.equal(other.status, 409, 'results at another API version');
  });

  it('bulkHeaderOnEverySet off: only the first set of results starts with the header row', async () => {
    t.org.reset('fresh', { bulkHeaderOnEverySet: false });
    const job = (await create('SELECT Id FROM User ORDER BY Id')).body;
    await t.org.idle();
    const first = await raw(t.org, 'GET', `${v}/jobs/query/${job.id}/results?maxRecords=10`);
    assert.equal(first.text.split('\n')[0], '"Id"');
    const second = await raw(
      t.org,
      'GET',
      `${v}/jobs/query/${job.id}/results?maxRecords=10&locator=${first.headers.get('sforce-locator')}`,
    );
    assert.match(second.text.split('\n')[0]!, /^"005\w{15}"$/);
    assert.equal(second.text.trim().split('\n').length, 10);
    t.org.reset('fresh', { bulkHeaderOnEverySet: true });
  });

  it('a job Salesforce gave up on ends Failed with its errorMessage, and its results are refused; results requests meet the generic faults (a 500 on the second set, then the same locator works)', async () => {
    t.org.failBulkJob('FROM UserLogin');
    const failed = (await create('SELECT Id FROM UserLogin')).body;
    const fine = (await create('SELECT Id FROM User')).body;
    await t.org.idle();
    const info = (await raw(t.org, 'GET', `${v}/jobs/query/${failed.id}`)).body;
    assert.equal(info.state, 'Failed');
    assert.match(info.errorMessage, /Retried more than 15 times/);
    assert.equal(
      (await raw(t.org, 'GET', `${v}/jobs/query/${failed.id}/results`)).body[0].errorCode,
      'JOB_NOT_COMPLETE',
    );
    t.org.addFault({ path: `/jobs/query/${fine.id}/results`, after: 1, status: 500 });
    const first = await raw(t.org, 'GET', `${v}/jobs/query/${fine.id}/results?maxRecords=1000`);
    const url = `${v}/jobs/query/${fine.id}/results?maxRecords=1000&locator=${first.headers.get('sforce-locator')}`;
    assert.equal((await raw(t.org, 'GET', url)).status, 500);
    const retry = await raw(t.org, 'GET', url);
    assert.equal(retry.status, 200);
    assert.equal(retry.headers.get('sforce-numberofrecords'), '1000');
  });

  it('honours columnDelimiter and lineEnding', async () => {
    const job = (await create('SELECT Id, Name FROM UserRole', { columnDelimiter: 'PIPE', lineEnding: 'CRLF' })).body;
    await t.org.idle();
    const r = await raw(t.org, 'GET', `${v}/jobs/query/${job.id}/results`);
    assert.ok(r.text.startsWith('"Id"|"Name"\r\n'));
    assert.ok(r.text.endsWith('\r\n'));
  });

  it('refuses COUNT(), GROUP BY, OFFSET, FIELDS(), TYPEOF and parent-to-child subqueries, and an unknown field as REST does', async () => {
    for (const soql of [
      'SELECT COUNT() FROM User',
      'SELECT COUNT(Id) FROM User',
      'SELECT Id FROM User LIMIT 5 OFFSET 5',
      'SELECT FIELDS(STANDARD) FROM User',
      'SELECT Id, (SELECT Id FROM PermissionSetAssignments) FROM User',
      'SELECT ProfileId FROM User GROUP BY ProfileId',
      'SELECT TYPEOF Related WHEN UserRole THEN Name END FROM Group',
    ]) {
      const r = await create(soql);
      assert.equal(r.status, 400, soql);
      assert.ok(['API_ERROR', 'MALFORMED_QUERY'].includes(r.body[0].errorCode), `${soql}: ${r.body[0].errorCode}`);
    }
    const bad = await create('SELECT Id, Nope FROM User');
    assert.equal(bad.body[0].errorCode, 'INVALID_FIELD');
    const op = await raw(t.org, 'POST', `${v}/jobs/query`, { operation: 'insert', query: 'SELECT Id FROM User' });
    assert.equal(op.status, 400);
    assert.equal(
      (
        await raw(t.org, 'POST', '/services/data/v46.0/jobs/query', {
          operation: 'query',
          query: 'SELECT Id FROM User',
        })
      ).status,
      404,
      'API 47.0 and later',
    );
  });

  it('aborts a running job (PATCH state Aborted), deletes a finished one, lists jobs, and counts each request as an API call and each job against DailyBulkV2QueryJobs', async () => {
    const before = (await raw(t.org, 'GET', `${v}/limits`)).body.DailyBulkV2QueryJobs;
    const a = await create('SELECT Id FROM User');
    const u0 = usage(a);
    const aborted = await raw(t.org, 'PATCH', `${v}/jobs/query/${a.body.id}`, { state: 'Aborted' });
    assert.equal(aborted.body.state, 'Aborted');
    assert.equal(usage(aborted), u0 + 1, 'one API call');
    const info = await raw(t.org, 'GET', `${v}/jobs/query/${a.body.id}`);
    assert.equal(info.body.state, 'Aborted');
    assert.equal((await raw(t.org, 'GET', `${v}/jobs/query/${a.body.id}/results`)).status, 412);
    const list = await raw(t.org, 'GET', `${v}/jobs/query`);
    assert.ok(list.body.records.some((j: any) => j.id === a.body.id && j.state === 'Aborted'));
    assert.equal((await raw(t.org, 'DELETE', `${v}/jobs/query/${a.body.id}`)).status, 204);
    assert.equal((await raw(t.org, 'GET', `${v}/jobs/query/${a.body.id}`)).status, 404);
    const after = (await raw(t.org, 'GET', `${v}/limits`)).body.DailyBulkV2QueryJobs;
    assert.equal(after.Max, 10000);
    assert.equal(before.Remaining - after.Remaining, 1);
  });
});
