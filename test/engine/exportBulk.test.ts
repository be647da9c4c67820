// Large lists by Bulk API 2.0 query jobs (issue 21 §3), against the test org's jobs API: the same files as by REST
// whatever the results' sets look like (a header row on every set or only the first, sets of 50 rows); a job that
// fails, a job Bulk refuses and a set that answers 500 once end in the same files (REST from the last Id, or the
// same locator again); CSV that is not the list's records, or a set with other rows than it says, is an error.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tempDir } from '../support/temp';
import { ManualClock, NOW } from '../support/clock';
import { adminClient, useOrg } from '../support/helpers';
import { exportToDir } from '../../src/node/exportFiles';
import { systemClock } from '../../src/core/clock';
import type { ReadTuning } from '../../src/core/extract/read';

/** The first list read by a job: Groups and Queues, whose CSV starts with this header. */
const GROUP_HEADER = 'Id,Name,DeveloperName,Type,RelatedId,Related.Name';
const BULK: Partial<ReadTuning> = { bulkFromRows: 1, bulkMaxRecords: 50, bulkPollMs: 10, backoffMs: 10 };
const REST: Partial<ReadTuning> = { bulkFromRows: Infinity };

describe('export: large lists by Bulk API 2.0 query jobs', function () {
  this.timeout(120000);
  // The org's clock stands still: a reset seeds the same records, dates included, so every export can be compared
  // with the first one.
  const clock = new ManualClock(NOW);
  const t = useOrg({ scenario: 'done', users: 300, bulkQueryMs: 20, clock });
  let reference: { entities: string; relations: string };
  const run = async (tuning: Partial<ReadTuning>, notes: string[] = []) => {
    const r = await exportToDir(await adminClient(t.org), tempDir('bid-bulk-'), {
      reader: 'You',
      tuning,
      // Polls wait for the test org's job (20 ms) on the system clock; no result depends on how many there are.
      clock: systemClock,
      onProgress: p => p.note && notes.push(p.note),
    });
    return { r, entities: readFileSync(r.files.entities, 'utf8'), relations: readFileSync(r.files.relations, 'utf8') };
  };
  before(async () => {
    reference = await run(REST);
  });

  for (const every of [true, false])
    it(`reads users, groups, assignments and memberships by jobs in sets of 50 (a header ${every ? 'on every set' : 'on the first set only'}): the same files as by REST, each list reconciled`, async () => {
      t.org.reset('done', { users: 300, bulkQueryMs: 20, clock, bulkHeaderOnEverySet: every });
      const got = await run(BULK);
      const bulk = got.r.lists.filter(l => l.via === 'Bulk API 2.0').map(l => l.source);
      assert.deepEqual(bulk.sort(), ['group', 'groupMember', 'permissionSetAssignment', 'user']);
      assert.equal(got.entities, reference.entities);
      assert.equal(got.relations, reference.relations);
      assert.ok(got.r.lists.every(l => l.reconciled === 'matches COUNT()'));
      const jobs = t.org.log.filter(l => /\/jobs\/query$/.test(l.route) && l.method === 'POST').length;
      assert.equal(jobs, 4, 'one job per large list');
      t.org.reset('done', { users: 300, bulkQueryMs: 20, clock, bulkHeaderOnEverySet: true });
    });

  it('sets larger than a REST page (up to 5,000 rows, handed on 2,000 at a time): the same files as by REST, each set counted whole against Sforce-NumberOfRecords', async () => {
    t.org.reset('done', { users: 2500, bulkQueryMs: 20, clock, bulkHeaderOnEverySet: true });
    try {
      const byRest = await run(REST);
      const got = await run({ ...BULK, bulkMaxRecords: 5000 });
      const big = got.r.lists.filter(l => l.via === 'Bulk API 2.0' && l.rows > 2000);
      assert.ok(big.length > 0, 'at least one list has a set of more than 2,000 rows');
      assert.equal(got.entities, byRest.entities);
      assert.equal(got.relations, byRest.relations);
      assert.ok(got.r.lists.every(l => l.reconciled === 'matches COUNT()'));
    } finally {
      t.org.reset('done', { users: 300, bulkQueryMs: 20, clock, bulkHeaderOnEverySet: true });
    }
  });

  it('a job that ends Failed (retried more than 15 times): the list is read by REST instead, said in the progress, the same files', async () => {
    t.org.failBulkJob('FROM User\\b');
    const notes: string[] = [];
    const got = await run(BULK, notes);
    assert.equal(got.r.lists.find(l => l.source === 'user')!.via, 'Bulk API 2.0, then REST');
    assert.ok(
      notes.some(
        n =>
          /^Users: the Bulk API 2\.0 job ended Failed \(Retried more than 15 times/.test(n) &&
          /reading it by REST instead/.test(n),
      ),
      notes.join('\n'),
    );
    assert.equal(got.entities, reference.entities);
    assert.equal(got.relations, reference.relations);
  });

  it('a job Bulk API refuses (403): REST for that list, the same files', async () => {
    t.org.addFault({
      method: 'POST',
      path: '/jobs/query$',
      status: 403,
      body: [{ errorCode: 'API_DISABLED_FOR_ORG', message: 'Bulk API is not enabled for this Organization' }],
    });
    try {
      const notes: string[] = [];
      const got = await run(BULK, notes);
      assert.ok(
        notes.some(n =>
          /Groups and Queues: Bulk API 2\.0 refused the query job \(API_DISABLED_FOR_ORG\); reading it by REST instead/.test(
            n,
          ),
        ),
        notes.join('\n'),
      );
      assert.equal(got.entities, reference.entities);
      assert.equal(got.relations, reference.relations);
    } finally {
      t.org.clearFaults();
    }
  });

  it('a set of results that answers 500 once is asked for again with the same locator: the same files, one retry', async () => {
    t.org.addFault({ path: '/jobs/query/750\\w+/results', after: 2, status: 500 });
    try {
      const got = await run(BULK);
      assert.equal(
        got.r.lists.reduce((a, l) => a + l.retries, 0),
        1,
      );
      assert.equal(got.entities, reference.entities);
      assert.equal(got.relations, reference.relations);
    } finally {
      t.org.clearFaults();
    }
  });

  for (const [name, body, headers, message] of [
    ['CSV with a quote that is never closed', `${GROUP_HEADER}\n"00G`, {}, /a quoted cell is not closed/],
    [
      'rows of other columns than asked for',
      `${GROUP_HEADER}\n00G5g0Q0x00000KECQ,x\n`,
      {},
      /row 1 has 2 columns where 6 were asked for/,
    ],
    [
      'without their header row',
      '00G5g0Q0x00000KECQ,,CEO,Role,00E5g0Q0x00000JECQ,CEO\n',
      {},
      /the first set of results has no header row/,
    ],
  ] as const)
    it(`results that are ${name}: EXPORT_MALFORMED naming the list, nothing written`, async () => {
      t.org.addFault({
        path: '/jobs/query/750\\w+/results',
        status: 200,
        body,
        contentType: 'text/csv',
        headers: { 'Sforce-Locator': 'null', ...headers },
        times: 20,
      });
      const dir = tempDir('bid-bulkbad-');
      try {
        await assert.rejects(
          exportToDir(await adminClient(t.org), dir, { reader: 'You', tuning: BULK, clock: systemClock }),
          (e: any) => {
            assert.equal(e.code, 'EXPORT_MALFORMED');
            assert.match(
              e.message,
              /Salesforce answered Groups and Queues with Bulk API 2\.0 results that are not its records/,
            );
            assert.match(e.message, /Nothing was written to /);
            assert.match(e.message, message);
            return true;
          },
        );
      } finally {
        t.org.clearFaults();
      }
    });

  it('a set with fewer rows than its Sforce-NumberOfRecords says: EXPORT_MALFORMED', async () => {
    t.org.addFault({
      path: '/jobs/query/750\\w+/results',
      status: 200,
      body: `${GROUP_HEADER}\n`,
      contentType: 'text/csv',
      headers: { 'Sforce-Locator': 'null', 'Sforce-NumberOfRecords': '7' },
    });
    try {
      await assert.rejects(
        exportToDir(await adminClient(t.org), tempDir('bid-bulkn-'), {
          reader: 'You',
          tuning: BULK,
          clock: systemClock,
        }),
        (e: any) => e.code === 'EXPORT_MALFORMED' && /of 0 rows that said it held 7/.test(e.message),
      );
    } finally {
      t.org.clearFaults();
    }
  });
});
