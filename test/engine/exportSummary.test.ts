// The export's own account of what it did, against the test org (src/core/extract/export.ts exportOrg): the rows
// written per list, the relations, the records read and the requests it took (one batch of counts, then each page),
// its progress per list, what it could not read and why, and how it stops when a page fails or has no records.
import assert from 'node:assert/strict';
import { exportOrg, ExportSink, SourceProgress } from '../../src/core/extract/export';
import { countSources, SOURCES, SourceId } from '../../src/core/extract/sources';
import { isSetupError } from '../../src/core/types';
import { adminClient, useOrg } from '../support/helpers';
import { connect } from '../../src/node/salesforce';
import { TestOrg } from '../../packages/sf-test-org/src/server';

/** A sink that keeps the rows it is given. */
function memory() {
  const entities: string[][] = [];
  const relations: string[][] = [];
  const sink: ExportSink = { entity: r => void entities.push(r), relation: r => void relations.push(r) };
  return { sink, entities, relations };
}
function clientAs(org: TestOrg, username: string) {
  const user = org.org.find('User', u => u.Username === username)!;
  return connect({ instanceUrl: org.url, accessToken: org.org.issueToken(user.Id) });
}
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => {
      assert.ok(isSetupError(e), String(e));
      return e;
    },
  );

describe('export: its summary, progress and stops', function () {
  this.timeout(30000);
  const t = useOrg({ scenario: 'done' });
  afterEach(() => {
    t.org.clearFaults();
    t.org.queryBatchSize = 2000;
  });

  it('in pages of 2: every record read once, one request per page after the counts, entities and relations as written, progress per page', async () => {
    t.org.queryBatchSize = 2;
    const client = await adminClient(t.org);
    const { counts } = await countSources(client);
    const total = (id: SourceId) => (counts[id] as { count: number }).count;
    const m = memory();
    const progress: SourceProgress[] = [];
    const before = t.org.stats().total;
    const s = await exportOrg(client, m.sink, {
      reader: 'You',
      app: 'my-app',
      onProgress: p => progress.push({ ...p }),
    });
    assert.equal(s.app, 'my-app');
    assert.equal(
      s.records,
      SOURCES.reduce((n, x) => n + total(x.id), 0),
    );
    const pages = SOURCES.reduce((n, x) => n + Math.max(1, Math.ceil(total(x.id) / 2)), 0);
    assert.equal(s.requests, 1 + pages);
    assert.equal(t.org.stats().total - before, s.requests);
    assert.equal(
      Object.values(s.entities).reduce((n, x) => n + (x ?? 0), 0),
      m.entities.length,
    );
    assert.equal(s.relations, m.relations.length);
    assert.deepEqual(s.unreadable, []);
    assert.equal(s.usersPartial, undefined);
    for (const x of SOURCES) {
      const mine = progress.filter(p => p.source.id === x.id);
      assert.deepEqual(
        mine.map(p => [p.read, p.total]),
        [
          [0, total(x.id)],
          ...Array.from({ length: Math.ceil(total(x.id) / 2) }, (_, i) => [
            Math.min(2 * (i + 1), total(x.id)),
            total(x.id),
          ]),
        ],
        x.id,
      );
    }
    assert.ok((s.entities.user ?? 0) > 0 && (s.entities.profile ?? 0) > 0);
  });

  it("without an app name, the App column is the org's: salesforce- and its 18-character Id (a loopback host)", async () => {
    const client = await adminClient(t.org);
    const s = await exportOrg(client, memory().sink, { reader: 'You' });
    assert.match(s.app, /^salesforce-00D[A-Za-z0-9]{15}$/);
  });

  it('a reader who cannot read some lists: each named with its code and fix, one request each, the others exported; its users may be partial', async () => {
    const client = await clientAs(t.org, 'jane@acme.example');
    const { counts } = await countSources(client);
    const s = await exportOrg(client, memory().sink, { reader: 'The integration user' });
    assert.ok(s.unreadable.length > 0);
    for (const u of s.unreadable) {
      assert.equal(u.label, SOURCES.find(x => x.id === u.source)!.label);
      assert.ok(
        ['INVALID_TYPE', 'INSUFFICIENT_ACCESS', 'INSUFFICIENT_ACCESS_OR_READONLY', 'NOT_FOUND'].includes(u.code),
      );
      assert.match(u.fix, /^The integration user /);
    }
    const readable = SOURCES.filter(x => !s.unreadable.some(u => u.source === x.id));
    assert.equal(
      s.requests,
      1 + s.unreadable.length + readable.length,
      'the counts, one refused request per unreadable list, one page per readable one',
    );
    assert.equal(
      s.records,
      readable.reduce((n, x) => n + (counts[x.id] as { count: number }).count, 0),
    );
    assert.match(s.usersPartial!, /^The integration user may see only some users/);
  });

  it('a page refused after the first: "Export stopped while reading <list> (<read> of <total> read)", with Salesforce\'s code', async () => {
    t.org.queryBatchSize = 2;
    const client = await adminClient(t.org);
    t.org.addFault({
      path: '/query/01g',
      status: 400,
      body: [{ errorCode: 'INVALID_QUERY_LOCATOR', message: 'invalid query locator' }],
    });
    const e = await failure(exportOrg(client, memory().sink, { reader: 'You' }));
    assert.equal(e.code, 'INVALID_QUERY_LOCATOR');
    assert.match(e.message, /^Export stopped while reading User Licenses \(2 of \d+ read\): /);
  });

  it('a first page refused with a code that is not about access: the export stops, naming the list and 0 read', async () => {
    const client = await adminClient(t.org);
    t.org.addFault({
      method: 'GET',
      path: '/query\\?q=SELECT',
      status: 400,
      body: [{ errorCode: 'MALFORMED_QUERY', message: 'unexpected token' }],
    });
    const e = await failure(exportOrg(client, memory().sink, { reader: 'You' }));
    assert.equal(e.code, 'MALFORMED_QUERY');
    assert.match(e.message, /^Export stopped while reading User Licenses \(0 of \d+ read\): /);
  });

  it('a page without records: UNEXPECTED_RESPONSE, the list and how far it got', async () => {
    const client = await adminClient(t.org);
    t.org.addFault({ method: 'GET', path: '/query\\?q=SELECT', status: 200, body: { totalSize: 4, done: true } });
    const e = await failure(exportOrg(client, memory().sink, { reader: 'You' }));
    assert.equal(e.code, 'UNEXPECTED_RESPONSE');
    assert.match(
      e.message,
      /^Export stopped while reading User Licenses \(0 of \d+ read\): Salesforce answered a query page without records \(SELECT /,
    );
  });

  it('counts that could not be read: progress has no total, and a failure says how many were read without "of"', async () => {
    t.org.queryBatchSize = 2;
    const client = await adminClient(t.org);
    t.org.addFault({
      method: 'POST',
      path: '/composite/batch$',
      status: 200,
      body: {
        hasErrors: true,
        results: [
          ...SOURCES.map(() => ({ statusCode: 500, result: [{ errorCode: 'UNKNOWN_EXCEPTION', message: 'Down.' }] })),
          { statusCode: 200, result: { totalSize: 1, done: true, records: [{ PermissionsViewAllUsers: true }] } },
        ],
      },
    });
    t.org.addFault({
      path: '/query/01g',
      status: 400,
      body: [{ errorCode: 'INVALID_QUERY_LOCATOR', message: 'invalid query locator' }],
    });
    const progress: SourceProgress[] = [];
    const e = await failure(
      exportOrg(client, memory().sink, { reader: 'You', onProgress: p => progress.push({ ...p }) }),
    );
    assert.match(e.message, /^Export stopped while reading User Licenses \(2 read\): /);
    assert.ok(progress.every(p => p.total === undefined));
  });
});
