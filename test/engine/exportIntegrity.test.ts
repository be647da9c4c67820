// An export that is what it says (issue 18, "What failed" §6): SIGTERM and SIGHUP stop it like Ctrl+C; leftovers of
// killed runs are removed by the next export; the two files are replaced as a pair (a run killed between its renames
// is finished, and upload never sends a new entities.csv beside an old entity-relations.csv); every row is checked
// (a row without its Id or Username, an ID of another kind, an over-long name, a NUL) and each list reconciled (a
// short answer) — an error, exit 2, nothing written, never uploaded; cells that start like a formula are counted and,
// on request, neutralized.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { tempDir } from '../support/temp';
import { runCli, useOrg } from '../support/helpers';
import { BalkanIdStandIn, startBalkanIdStandIn } from '../support/balkanidStandIn';

const cli = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const read = (file: string) => parse(readFileSync(file)) as string[][];
const snapshot = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map(f => [f, readFileSync(join(dir, f), 'utf8')]),
  );

describe('export: SIGTERM and SIGHUP stop it as Ctrl+C does', function () {
  this.timeout(60000);
  const t = useOrg({ scenario: 'done', users: 3000, latencyMs: 30 });

  for (const signal of ['SIGTERM', 'SIGHUP'] as const)
    it(`${signal} between pages: exit 2, "Export cancelled (${signal})", and no file or temporary file is left`, async () => {
      const out = tempDir('bid-sig-');
      const child = spawn(process.execPath, [cli, 'export', '--out', out, '--instance-url', t.org.url], {
        env: { ...process.env, SF_ACCESS_TOKEN: t.org.adminToken },
      });
      let stderr = '';
      let sent = false;
      child.stderr.on('data', d => {
        stderr += d;
        // The first list is read: the export is under way (its temporary files exist).
        if (/User Licenses: \d/.test(stderr) && !sent) {
          sent = true;
          child.kill(signal);
        }
      });
      const code = await new Promise<number | null>(resolve => child.on('exit', c => resolve(c)));
      assert.equal(code, 2, stderr);
      assert.match(stderr, new RegExp(`Export cancelled \\(${signal}\\): nothing was written to `));
      assert.deepEqual(readdirSync(out), [], 'no file and no temporary file left');
    });
});

describe('export: leftovers, the pair of files, and what upload sends', function () {
  this.timeout(60000);
  const t = useOrg({ scenario: 'done' });
  let bid: BalkanIdStandIn;
  const env = { ...process.env };
  before(async () => {
    bid = await startBalkanIdStandIn({ keyId: 'key-id-1', secret: 'bid-secret-0123456789abcdef' });
    process.env.SF_ACCESS_TOKEN = t.org.adminToken;
    process.env.BALKANID_API_KEY_ID = 'key-id-1';
    process.env.BALKANID_API_KEY_SECRET = 'bid-secret-0123456789abcdef';
  });
  after(async () => {
    await bid.stop();
    process.env = env;
  });
  beforeEach(() => bid.reset());
  const exportTo = async (out: string, ...more: string[]) => {
    const r = await runCli(['export', '--out', out, '--instance-url', t.org.url, ...more]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    return r;
  };

  it('the temporary files of a killed run are removed by the next export; those of an export still running are left alone', async () => {
    const out = tempDir('bid-left-');
    // A process that has ended: its id names no running process.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      const dead = [`entities.csv.partial-${gone}-1`, `entity-relations.csv.partial-${gone}-1`];
      const live = `entities.csv.partial-${sleeper.pid}-2`;
      for (const f of [...dead, live]) writeFileSync(join(out, f), 'App,Name\r\nsalesforce,Jane Doe\r\n');
      const r = await exportTo(out);
      for (const f of dead) assert.ok(!existsSync(join(out, f)), `${f} removed`);
      assert.ok(existsSync(join(out, live)), 'the running export’s file is left alone');
      assert.match(r.stdout, new RegExp(`Removed 2 temporary file\\(s\\) of export\\(s\\) that were killed`));
    } finally {
      sleeper.kill();
    }
  });

  it('a run killed between its two renames is finished by the next upload, which sends the new pair — never a new entities.csv beside an old entity-relations.csv', async () => {
    const dir = tempDir('bid-pair-');
    await exportTo(dir); // the old pair
    const oldRelations = readFileSync(join(dir, 'entity-relations.csv'), 'utf8');
    // The next export, with one more user, as it stood when it was killed: committed (its manifest in place),
    // entities.csv renamed, entity-relations.csv still under its temporary name.
    const o = t.org.org;
    o.raw('User', {
      Username: 'newbie@acme.example',
      LastName: 'Newbie',
      Email: 'newbie@acme.example',
      IsActive: true,
      UserType: 'Standard',
      ProfileId: o.find('Profile', p => p.Name === 'Standard User')!.Id,
    });
    const next = tempDir('bid-next-');
    await exportTo(next);
    const manifest = JSON.parse(readFileSync(join(next, 'balkanid-export.json'), 'utf8'));
    copyFileSync(join(next, 'balkanid-export.json'), join(dir, 'balkanid-export.json'));
    copyFileSync(join(next, 'entities.csv'), join(dir, 'entities.csv'));
    copyFileSync(join(next, 'entity-relations.csv'), join(dir, `entity-relations.csv.partial-${manifest.generation}`));
    assert.equal(readFileSync(join(dir, 'entity-relations.csv'), 'utf8'), oldRelations, 'the mixed state');

    const r = await runCli(['upload', '--dir', dir, '--tenant-url', bid.url]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(
      bid.received.map(f => f.text),
      [readFileSync(join(next, 'entities.csv'), 'utf8'), readFileSync(join(next, 'entity-relations.csv'), 'utf8')],
      'the new pair, both files',
    );
    assert.equal(
      readFileSync(join(dir, 'entity-relations.csv'), 'utf8'),
      readFileSync(join(next, 'entity-relations.csv'), 'utf8'),
    );
    assert.ok(!readdirSync(dir).some(f => f.includes('.partial-')));
  });

  it('upload refuses a folder whose entity-relations.csv comes from another export: the reason, exit 2, nothing sent', async () => {
    const a = tempDir('bid-a-');
    const b = tempDir('bid-b-');
    await exportTo(a);
    const o = t.org.org;
    o.raw('GroupMember', {
      GroupId: o.find('Group', g => g.Type === 'Regular')!.Id,
      UserOrGroupId: o.find('User', u => u.Username === 'jane@acme.example')!.Id,
    });
    await exportTo(b);
    copyFileSync(join(b, 'entity-relations.csv'), join(a, 'entity-relations.csv'));
    const r = await runCli(['upload', '--dir', a, '--tenant-url', bid.url]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /Nothing was sent to BalkanID: entity-relations\.csv is not the file the export of .* wrote \(its size or SHA-256 differs from balkanid-export\.json\)/,
    );
    assert.equal(bid.count, 0, 'not one request');
  });

  /** A user-list page whose rows are `records` (the test org's answer to that query, replaced once). */
  const userPage = (records: object[], totalSize = records.length, done = true) =>
    t.org.addFault({
      // The export's user list (not the admin's own row that preview and export read first).
      path: 'SELECT%20Id%2C%20Username%2C%20Name%2C',
      status: 200,
      body: { totalSize, done, records: records.map(r => ({ attributes: { type: 'User' }, ...r })) },
    });
  const jane = () => {
    const u = t.org.org.find('User', x => x.Username === 'jane@acme.example')!;
    return { Id: u.Id, Username: u.Username, Name: 'Jane Doe', Email: u.Email, IsActive: true, UserType: 'Standard' };
  };

  for (const [name, row, message] of [
    ['a row without its Id', () => ({ ...jane(), Id: null }), /Id is missing/],
    ['a row without its Username', () => ({ ...jane(), Username: null }), /Username is missing/],
    [
      'an Id of another object (an Account)',
      () => ({ ...jane(), Id: '001000000000001AAA' }),
      /Id "001000000000001AAA" is not the ID of a record whose ID starts 005/,
    ],
    [
      'an Id whose case-safe suffix is wrong',
      () => ({ ...jane(), Id: `${jane().Id.slice(0, 15)}AAA` }),
      /is not the ID of a record/,
    ],
    [
      'a name of 300 characters',
      () => ({ ...jane(), Name: 'x'.repeat(300) }),
      /Name has 300 characters, more than a Salesforce field holds/,
    ],
    ['a NUL in a name', () => ({ ...jane(), Name: 'Jane\u0000Doe' }), /Name holds a NUL character/],
  ] as const)
    it(`${name}: exit 2 (EXPORT_MALFORMED), the list and the row named, the folder untouched`, async () => {
      const out = tempDir('bid-bad-');
      await exportTo(out);
      const before = snapshot(out);
      t.org.clearFaults();
      userPage([row()]);
      try {
        const r = await runCli(['export', '--out', out, '--instance-url', t.org.url, '--json']);
        assert.equal(r.code, 2, r.stdout);
        const error = JSON.parse(r.stdout).error;
        assert.equal(error.code, 'EXPORT_MALFORMED');
        assert.match(
          error.message,
          /Export stopped while reading Users .*Salesforce answered Users with a row that is not a record/,
        );
        assert.match(error.message, message);
        assert.match(error.message, /Nothing was written to /);
        assert.deepEqual(snapshot(out), before, 'the folder as it was');
      } finally {
        t.org.clearFaults();
      }
    });

  it('a query that says it is done before its totalSize is a short answer: exit 2 (EXPORT_SHORT), nothing written', async () => {
    const out = tempDir('bid-short-');
    userPage([jane()], 40, true);
    try {
      const r = await runCli(['export', '--out', out, '--instance-url', t.org.url, '--json']);
      assert.equal(r.code, 2, r.stdout);
      const error = JSON.parse(r.stdout).error;
      assert.equal(error.code, 'EXPORT_SHORT');
      assert.match(error.message, /Salesforce announced 40 rows of Users and sent 1 before saying it was done/);
      assert.deepEqual(readdirSync(out), []);
    } finally {
      t.org.clearFaults();
    }
  });

  it('a list whose rows fall short of its COUNT(), before and after the read, is an error: exit 2 (EXPORT_SHORT), nothing written', async () => {
    const out = tempDir('bid-count-');
    userPage([jane()]); // a consistent page of one user, where the org has more
    try {
      const r = await runCli(['export', '--out', out, '--instance-url', t.org.url, '--json']);
      assert.equal(r.code, 2, r.stdout);
      const error = JSON.parse(r.stdout).error;
      assert.equal(error.code, 'EXPORT_SHORT');
      assert.match(
        error.message,
        /Salesforce sent 1 rows of Users where COUNT\(\) says \d+, before and after the read: a short answer/,
      );
      assert.deepEqual(readdirSync(out), []);
    } finally {
      t.org.clearFaults();
    }
  });

  it('cells that start like a formula (= + - @ TAB CR) are counted in the summary and written as they are; --neutralize-formulas prefixes each with a single quote', async () => {
    const o = t.org.org;
    const names = ['=HYPERLINK("http://x","y")', '+SUM(A1:A9)', '-2+3', '@cmd', '\tTabby', '\rCarrie'];
    for (const [i, last] of names.entries())
      o.raw('User', {
        Username: `formula${i}@acme.example`,
        LastName: last,
        Email: `formula${i}@acme.example`,
        IsActive: true,
        UserType: 'Standard',
        ProfileId: o.find('Profile', p => p.Name === 'Standard User')!.Id,
      });
    const formulaCells = (file: string) =>
      read(file)
        .flat()
        .filter(c => /^[=+\-@\t\r]/.test(c));
    const plain = tempDir('bid-f-');
    const r = await exportTo(plain);
    const raw = formulaCells(join(plain, 'entities.csv'));
    for (const name of names) assert.ok(raw.includes(name), `${JSON.stringify(name)} as Salesforce holds it`);
    const all = raw.length + formulaCells(join(plain, 'entity-relations.csv')).length;
    assert.match(r.stdout, new RegExp(`~ ${all} cell\\(s\\) start with = \\+ - @ TAB or CR .*--neutralize-formulas`));
    const safe = tempDir('bid-fs-');
    const s = await exportTo(safe, '--neutralize-formulas');
    assert.deepEqual(formulaCells(join(safe, 'entities.csv')), []);
    const cells = read(join(safe, 'entities.csv')).flat();
    for (const name of names) assert.ok(cells.includes(`'${name}`), `'${JSON.stringify(name)}`);
    assert.match(s.stdout, new RegExp(`~ ${all} cell\\(s\\) starting with = \\+ - @ TAB or CR were neutralized`));
  });

  it('a failed export is never uploaded: after EXPORT_MALFORMED the folder holds no files for upload to send', async () => {
    const out = tempDir('bid-never-');
    userPage([{ ...jane(), Username: null }]);
    try {
      assert.equal((await runCli(['export', '--out', out, '--instance-url', t.org.url])).code, 2);
    } finally {
      t.org.clearFaults();
    }
    const r = await runCli(['upload', '--dir', out, '--tenant-url', bid.url]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /entities\.csv is missing/);
    assert.equal(bid.count, 0);
  });
});
