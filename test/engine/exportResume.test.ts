// A failed page is not a failed export (issue 21 §2): for every list the export reads, each answer a long read meets
// on a real org — QUERY_TIMEOUT, INVALID_QUERY_LOCATOR, 500, a proxy's 502, 503 from Salesforce and from its CDN —
// at page 2 and at the last page, and the files come out byte-identical to those of an export without the fault:
// the list is resumed from the last Id received, said in the progress, after a backoff on the injectable clock.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tempDir } from '../support/temp';
import { ManualClock, NOW } from '../support/clock';
import { adminClient, useOrg } from '../support/helpers';
import { exportToDir } from '../../src/node/exportFiles';
import { selectAll, SOURCES } from '../../src/core/extract/sources';
import type { QueryFault } from '../../packages/sf-test-org/src/queryFaults';

const FAULTS: Array<[string, Pick<QueryFault, 'error' | 'from'>]> = [
  ['QUERY_TIMEOUT', { error: 'QUERY_TIMEOUT' }],
  ['INVALID_QUERY_LOCATOR', { error: 'INVALID_QUERY_LOCATOR' }],
  ['500 UNKNOWN_EXCEPTION', { error: 500 }],
  ["a proxy's 502 page", { error: 502, from: 'proxy' }],
  ['503 SERVER_UNAVAILABLE', { error: 503 }],
  ["the CDN's 503 page", { error: 503, from: 'proxy' }],
];
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('export: a failed page is resumed from the last Id, for every list, and the files are the same', function () {
  this.timeout(120000);
  const t = useOrg({ scenario: 'done', users: 5 });
  const rows: Record<string, number> = {};
  let reference: { entities: string; relations: string };
  const run = async (notes: string[] = [], page = 2000) => {
    t.org.queryBatchSize = page;
    const r = await exportToDir(await adminClient(t.org), tempDir('bid-res-'), {
      reader: 'You',
      clock: new ManualClock(NOW, true),
      onProgress: p => p.note && notes.push(p.note),
    });
    return { r, entities: readFileSync(r.files.entities, 'utf8'), relations: readFileSync(r.files.relations, 'utf8') };
  };
  before(async () => {
    const first = await run();
    reference = first;
    for (const l of first.r.lists) rows[l.source] = l.rows;
  });
  after(() => (t.org.queryBatchSize = 2000));

  it('every list has rows to page through (the reference export, without a fault)', () => {
    assert.deepEqual(Object.keys(rows).sort(), SOURCES.map(s => s.id).sort());
    assert.ok(
      Object.values(rows).every(n => n >= 2),
      JSON.stringify(rows),
    );
  });

  for (const source of SOURCES)
    for (const [name, fault] of FAULTS)
      it(`${source.label}: ${name} at page 2 and at the last page → resumed, the same files`, async () => {
        // Pages of a third of the list (at least one row): a page 2 and a last page.
        const size = Math.max(1, Math.ceil(rows[source.id]! / 3));
        const pages = Math.ceil(rows[source.id]! / size);
        assert.ok(pages >= 2);
        for (const page of [...new Set([2, pages])]) {
          t.org.clearFaults();
          // Only the list's own query (not its COUNT()): the SOQL the export sends, exactly.
          t.org.addQueryFault({ soql: `^${escape(selectAll(source, 'standard'))}$`, page, ...fault });
          const notes: string[] = [];
          const got = await run(notes, size);
          assert.equal(t.org.pendingQueryFaults, 0, `page ${page} of ${pages}: the fault was met`);
          const list = got.r.lists.find(l => l.source === source.id)!;
          assert.equal(list.retries, 1, `page ${page}`);
          assert.ok(
            notes.some(
              n => n.startsWith(`${source.label}: Salesforce answered `) && /resuming after the last Id/.test(n),
            ),
            notes.join('\n'),
          );
          assert.equal(got.entities, reference.entities, `page ${page} of ${pages}: entities.csv`);
          assert.equal(got.relations, reference.relations, `page ${page} of ${pages}: entity-relations.csv`);
          assert.equal(list.reconciled, 'matches COUNT()');
        }
      });
});
