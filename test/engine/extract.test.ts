// preview and export against the test org over HTTP (jsforce): the CSV files in BalkanID's formats, read back with
// a standard CSV parser; unreadable lists; a failure or a cancel mid-export leaves the folder as it was.
import { tempDir } from '../support/temp';
import { ManualClock, NOW } from '../support/clock';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { adminClient, useOrg } from '../support/helpers';
import { exportToDir } from '../../src/node/exportFiles';
import { ExportIndex, id18, rowsOf } from '../../src/core/extract/entities';
import { SOURCES } from '../../src/core/extract/sources';
import { ENTITY_HEADER, RELATION_HEADER } from '../../src/core/extract/format';
import { connect } from '../../src/node/salesforce';
import { TestOrg } from '../../packages/sf-test-org/src/server';

const tmp = () => tempDir('balkanid-export-');
const read = (file: string) => parse(readFileSync(file), { bom: false, relax_quotes: false }) as string[][];

/** A session for one of the org's users (to read as someone with fewer permissions than the admin). */
function clientAs(org: TestOrg, username: string) {
  const user = org.org.find('User', u => u.Username === username)!;
  return connect({ instanceUrl: org.url, accessToken: org.org.issueToken(user.Id) });
}

describe('export: entities.csv and entity-relations.csv', function () {
  this.timeout(60000);
  const t = useOrg({ scenario: 'done' });

  it('writes both files that a standard CSV parser reads back: header first, one row per record, counts equal the org', async () => {
    const o = t.org.org;
    o.raw('User', {
      Username: 'zoe@acme.example',
      LastName: 'Ångström, "Z"',
      FirstName: 'Zoë',
      Email: 'zoe@acme.example',
      IsActive: true,
      UserType: 'Standard',
      ProfileId: o.find('Profile', p => p.Name === 'Standard User')!.Id,
    });
    const dir = tmp();
    const r = await exportToDir(await adminClient(t.org), dir, { reader: 'You' });
    const entities = read(r.files.entities);
    const relations = read(r.files.relations);
    assert.deepEqual(entities[0], [...ENTITY_HEADER]);
    assert.deepEqual(relations[0], [...RELATION_HEADER]);
    const byType = (type: string) => entities.slice(1).filter(e => e[5] === type);
    const internal = o.all('User').filter(u => u.UserType === 'Standard');
    assert.equal(byType('user').length, internal.length, 'every internal user is an identity (--users standard)');
    assert.equal(byType('profile').length, o.all('Profile').length);
    assert.equal(byType('role').length, o.all('UserRole').length);
    assert.equal(byType('permission_set_group').length, o.all('PermissionSetGroup').length);
    assert.equal(
      byType('permission_set').length,
      o.all('PermissionSet').filter(p => !p.IsOwnedByProfile && !p.PermissionSetGroupId).length,
    );
    assert.equal(byType('group').length, o.all('Group').filter(g => g.Type === 'Regular').length);
    assert.equal(byType('queue').length, o.all('Group').filter(g => g.Type === 'Queue').length);
    assert.ok(byType('user').every(e => e[2] === 'identity' && e[3] === 'salesforce' && e[6] === 'v1'));
    assert.ok(
      entities.slice(1).every(e => e.length === 8 && /^[a-zA-Z0-9]{18}$/.test(e[4]!)),
      '18-character IDs',
    );
    const zoe = entities.slice(1).find(e => JSON.parse(e[7]!).username === 'zoe@acme.example')!;
    assert.equal(zoe[1], 'Zoë Ångström, "Z"', 'commas, quotes and non-ASCII survive RFC 4180 quoting in UTF-8');
    assert.deepEqual(
      { ...JSON.parse(zoe[7]!), created: undefined },
      {
        username: 'zoe@acme.example',
        email: 'zoe@acme.example',
        active: true,
        frozen: false,
        passwordLocked: false,
        userType: 'Standard',
        license: 'Salesforce',
        licenseKey: 'SFDC',
        profile: 'Standard User',
        role: null,
        lastLogin: null,
        created: undefined,
        org: id18(t.org.org.orgId.slice(0, 15)),
      },
    );
    assert.equal(r.entities.user, byType('user').length);
    assert.equal(r.relations, relations.length - 1);
  });

  it('every relation goes from a user (or a nested group) to a connection that is an entity in the file, with the privilege', async () => {
    const dir = tmp();
    const r = await exportToDir(await adminClient(t.org), dir, { reader: 'You' });
    const entities = new Map(
      read(r.files.entities)
        .slice(1)
        .map(e => [e[4]!, e[2]!]),
    );
    const relations = read(r.files.relations).slice(1);
    assert.ok(relations.length > 0);
    for (const [, parent, parentType, child, childType, system, version, meta] of relations) {
      assert.equal(entities.get(parent!), parentType, `parent ${parent} is an entity of type ${parentType}`);
      assert.equal(entities.get(child!), childType, `child ${child} is an entity of type ${childType}`);
      assert.equal(childType, 'connection');
      assert.deepEqual([system, version], ['salesforce', 'v1']);
      assert.equal(JSON.parse(meta!).privilegeValue, true);
    }
    const o = t.org.org;
    const users = o.all('User').filter(u => u.UserType === 'Standard');
    const kinds = relations.map(r => JSON.parse(r[7]!).connectionType);
    assert.equal(kinds.filter(k => k === 'profile').length, users.length, 'each user → its profile');
    assert.equal(kinds.filter(k => k === 'role').length, users.filter(u => u.UserRoleId).length);
  });

  it('the same org exported twice, in pages of 2, gives byte-identical files (stable order across pages)', async () => {
    t.org.queryBatchSize = 2;
    after(() => (t.org.queryBatchSize = 2000));
    const client = await adminClient(t.org);
    const [a, b] = [
      await exportToDir(client, tmp(), { reader: 'You' }),
      await exportToDir(client, tmp(), { reader: 'You' }),
    ];
    assert.equal(readFileSync(a.files.entities, 'utf8'), readFileSync(b.files.entities, 'utf8'));
    assert.equal(readFileSync(a.files.relations, 'utf8'), readFileSync(b.files.relations, 'utf8'));
  });

  it('a user without "View Setup and Configuration": users are exported, the lists it cannot read are named with the permission, their relations left out', async () => {
    const r = await exportToDir(await clientAs(t.org, 'jane@acme.example'), tmp(), { reader: 'The integration user' });
    const labels = r.unreadable.map(u => u.label);
    assert.ok(labels.includes('Permission Sets'), labels.join());
    assert.match(
      r.unreadable.find(u => u.label === 'Permission Sets')!.fix,
      /The integration user needs "View Setup and Configuration" to read Permission Sets/,
    );
    assert.ok((r.entities.user ?? 0) > 0);
    const entities = new Set(
      read(r.files.entities)
        .slice(1)
        .map(e => e[4]),
    );
    for (const rel of read(r.files.relations).slice(1)) assert.ok(entities.has(rel[1]) && entities.has(rel[3]));
  });

  it('a list that keeps failing gives up after 5 tries in a row, waiting 1, 2, 4 and 8 s between them: the folder as it was, and the error names the list, the rows read and what to try', async () => {
    t.org.queryBatchSize = 2; // small pages (Salesforce pages by 200 to 2,000; the rule is the same)
    const dir = tmp();
    writeFileSync(join(dir, 'entities.csv'), 'an earlier export\r\n');
    // The cursor expires on page 2; every query resuming after the last Id then times out.
    t.org.addQueryFault({ soql: "FROM User WHERE .*Id > '", page: 1, error: 'QUERY_TIMEOUT', times: 100 });
    t.org.addQueryFault({ soql: '^SELECT Id, Username, .* FROM User\\b', page: 2, error: 'INVALID_QUERY_LOCATOR' });
    const clock = new ManualClock(NOW, true);
    const notes: string[] = [];
    try {
      await assert.rejects(
        exportToDir(await adminClient(t.org), dir, {
          reader: 'You',
          clock,
          onProgress: p => p.note && notes.push(p.note),
        }),
        (e: any) => {
          assert.equal(e.code, 'EXPORT_FAILED');
          assert.match(e.message, /^Export stopped while reading Users \(2 of \d+ read\)/);
          assert.match(
            e.message,
            /Salesforce answered QUERY_TIMEOUT 5 times in a row while reading Users after 2 rows/,
          );
          assert.match(e.message, /run the export again when the org is less busy/);
          assert.match(e.message, /Nothing was written to .*; run export again/);
          return true;
        },
      );
      assert.deepEqual(clock.sleeps, [1000, 2000, 4000, 8000]);
      assert.match(
        notes[0]!,
        /^Users: Salesforce answered INVALID_QUERY_LOCATOR after 2 rows; resuming after the last Id received in 1 s \(attempt 2 of 5\)\.$/,
      );
      assert.deepEqual(readdirSync(dir), ['entities.csv'], 'no new file and no partial file');
      assert.equal(readFileSync(join(dir, 'entities.csv'), 'utf8'), 'an earlier export\r\n');
    } finally {
      t.org.queryBatchSize = 2000;
      t.org.clearFaults();
    }
  });

  it('a cancel between pages stops the export: CANCELLED, and no file is left', async () => {
    const dir = tmp();
    const abort = new AbortController();
    await assert.rejects(
      exportToDir(await adminClient(t.org), dir, {
        reader: 'You',
        signal: abort.signal,
        onProgress: p => p.source.id === 'role' && abort.abort(),
      }),
      (e: any) => e.code === 'CANCELLED',
    );
    assert.deepEqual(readdirSync(dir), []);
    assert.ok(!existsSync(join(dir, 'entities.csv')));
  });
});

describe('export: where the next page is', function () {
  this.timeout(60000);
  const t = useOrg({ scenario: 'done' });

  it('a next-page address outside the org is refused, not followed: the token never goes there', async () => {
    t.org.addFault({
      path: 'UserLicense',
      status: 200,
      body: {
        totalSize: 9,
        done: false,
        records: [],
        nextRecordsUrl: 'https://evil.example/services/data/v64.0/query/x',
      },
    });
    const dir = tmp();
    await assert.rejects(exportToDir(await adminClient(t.org), dir, { reader: 'You' }), (e: any) => {
      assert.match(
        e.message,
        /"https:\/\/evil\.example\/.*", which is not a query locator of this org; it was not followed/,
      );
      return true;
    });
    assert.deepEqual(readdirSync(dir), []);
  });
});

describe('export: relations whose other end is not in the file', () => {
  const rows = (source: string, rec: Record<string, unknown>, index: ExportIndex) =>
    rowsOf(
      SOURCES.find(s => s.id === source)!,
      rec as never,
      index,
    );

  it('are left out with their reason: a user not in the file, a record of an unreadable list, an expired assignment, a group of another kind', () => {
    const index = new ExportIndex('salesforce', '00D000000000001AAA');
    const user = '005000000000001AAA',
      group = '00G000000000001AAA';
    index.users.add(user);
    index.connections.set(group, 'group');
    const member = (of: string, who: string) =>
      rows('groupMember', { Id: '011000000000001AAA', GroupId: of, UserOrGroupId: who }, index);
    assert.equal(member(group, user).relations.length, 1);
    assert.deepEqual(member(group, '005000000000009AAA').skipped, ['user']);
    const nested = rows(
      'groupNesting',
      { Id: '011000000000002AAA', GroupId: group, UserOrGroupId: '00G000000000009AAA' },
      index,
    );
    assert.deepEqual(nested.skipped, ['groupKind'], 'a territory or manager group inside a public group');
    const psa = rows(
      'permissionSetAssignment',
      { Id: '0Pa000000000001AAA', AssigneeId: user, PermissionSetId: '0PS000000000009AAA', IsActive: true },
      index,
    );
    assert.deepEqual(psa.skipped, ['unreadable']);
    const expired = rows(
      'permissionSetAssignment',
      { Id: '0Pa000000000002AAA', AssigneeId: user, PermissionSetId: '0PS000000000009AAA', IsActive: false },
      index,
    );
    assert.deepEqual(expired.skipped, ['inactiveAssignment']);
  });

  it('a 15-character ID becomes its 18-character form (the case-safe suffix Salesforce documents)', () => {
    assert.equal(id18('001D000000IRFma'), '001D000000IRFmaIAH');
    assert.equal(id18('001D000000IRFmaIAH'), '001D000000IRFmaIAH');
  });
});
