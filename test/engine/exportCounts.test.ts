// Each list's rows against its COUNT(), in the export's own process (the CLI's suites see the same from outside):
// an org that changes while it is read, a count that times out or fails, a short answer, and what the summary says.
import assert from 'node:assert/strict';
import { ManualClock, NOW } from '../support/clock';
import { adminClient, useOrg } from '../support/helpers';
import { exportOrg, ExportOptions, ExportSummary } from '../../src/core/extract/export';
import { SourceId } from '../../src/core/extract/sources';
import { SetupError } from '../../src/core/types';

const NOWHERE = { entity: () => undefined, relation: () => undefined };

describe('export: every list against its COUNT()', function () {
  this.timeout(60000);
  const t = useOrg({ scenario: 'done', clock: new ManualClock(NOW) });
  afterEach(() => t.org.clearFaults());

  const newUser = (n: number) => {
    const o = t.org.org;
    o.raw('User', {
      Username: `new${n}@acme.example`,
      LastName: `New ${n}`,
      Email: `new${n}@acme.example`,
      IsActive: true,
      UserType: 'Standard',
      ProfileId: o.find('Profile', p => p.Name === 'Standard User')!.Id,
    });
  };
  /** Runs `change` once, as the export starts reading the list `at`. */
  const when = (at: SourceId, change: () => void): ExportOptions['onProgress'] => {
    let done = false;
    return p => {
      if (p.source.id === at && p.read === 0 && !done) {
        done = true;
        change();
      }
    };
  };
  const run = async (o: Partial<ExportOptions> = {}) => {
    // Retries wait on a clock that moves at once.
    const clock = new ManualClock(NOW, true);
    return exportOrg(await adminClient(t.org, { clock }), NOWHERE, { reader: 'You', clock, ...o });
  };
  const list = (s: ExportSummary, id: SourceId) => s.lists.find(l => l.source === id)!;
  let n = 0;

  it('a user added while Users is read: it matches COUNT() after the read, one request more, and says the org changed meanwhile', async () => {
    const users = t.org.org.all('User').filter(u => u.UserType === 'Standard').length;
    const quiet = await run();
    assert.ok(
      quiet.lists.every(l => l.reconciled === 'matches COUNT()'),
      'an org that stays still matches',
    );
    const s = await run({ onProgress: when('user', () => newUser(++n)) });
    assert.deepEqual(
      { rows: list(s, 'user').rows, count: list(s, 'user').count, reconciled: list(s, 'user').reconciled },
      {
        rows: users + 1,
        count: users,
        reconciled: `matches COUNT() after the read (${users} before: the org changed meanwhile)`,
      },
    );
    assert.equal(s.requests, quiet.requests + 1, 'one batch of second counts, for the lists that differ');
    assert.ok(s.lists.filter(l => l.source !== 'user').every(l => l.reconciled === 'matches COUNT()'));
  });

  it('a user added during the read and another after it: not reconciled, with both counts and the rows read', async () => {
    const users = t.org.org.all('User').filter(u => u.UserType === 'Standard').length;
    const during = when('user', () => newUser(++n));
    const after = when('permissionSetAssignment', () => newUser(++n));
    const s = await run({ onProgress: p => (during!(p), after!(p)) });
    assert.equal(
      list(s, 'user').reconciled,
      `not reconciled: the org changed while it was read (COUNT() ${users} before, ${users + 2} after, ${users + 1} rows read)`,
    );
  });

  it('a COUNT() that timed out or failed: the list is read, not reconciled, and says why', async () => {
    t.org.addQueryFault({ soql: '^SELECT COUNT\\(\\) FROM Profile$', error: 'QUERY_TIMEOUT' });
    t.org.addQueryFault({ soql: '^SELECT COUNT\\(\\) FROM UserRole$', error: 500 });
    const s = await run();
    assert.equal(list(s, 'profile').count, undefined);
    assert.equal(list(s, 'profile').rows, t.org.org.all('Profile').length);
    assert.equal(
      list(s, 'profile').reconciled,
      'not reconciled: its COUNT() timed out (Salesforce could not count it in time); its rows add up to what its ' +
        'queries announced',
    );
    assert.equal(
      list(s, 'role').reconciled,
      'not reconciled: its COUNT() failed (UNKNOWN_EXCEPTION); its rows add up to what its queries announced',
    );
    assert.equal(t.org.pendingQueryFaults, 0);
  });

  it('rows short of COUNT() before and after the read: EXPORT_SHORT, naming the list and both numbers', async () => {
    const users = t.org.org.all('User').filter(u => u.UserType === 'Standard').length;
    const jane = t.org.org.find('User', u => u.Username === 'jane@acme.example')!;
    t.org.addFault({
      path: 'SELECT%20Id%2C%20Username%2C%20Name%2C',
      status: 200,
      body: {
        totalSize: 1,
        done: true,
        records: [{ attributes: { type: 'User' }, Id: jane.Id, Username: jane.Username, Name: 'Jane Doe' }],
      },
    });
    await assert.rejects(
      run(),
      (e: unknown) =>
        e instanceof SetupError &&
        e.code === 'EXPORT_SHORT' &&
        e.message.startsWith(
          `Salesforce sent 1 rows of Users where COUNT() says ${users}, before and after the read: a short answer.`,
        ),
    );
  });

  it('groups of other kinds inside public groups or queues: left out, counted by their Type (read by Id); "unknown" when the Type cannot be read', async () => {
    const o = t.org.org;
    const sales = o.find('Group', g => g.DeveloperName === 'Sales_Team')!;
    const west = o.raw('Group', { Name: 'West', DeveloperName: 'West', Type: 'Territory' });
    const boss = o.raw('Group', { Name: 'Manager', DeveloperName: 'Mgr', Type: 'Manager' });
    o.raw('GroupMember', { GroupId: sales.Id, UserOrGroupId: west.Id });
    o.raw('GroupMember', { GroupId: sales.Id, UserOrGroupId: boss.Id });
    const s = await run();
    assert.deepEqual(s.groupKindsLeftOut, { Territory: 1, Manager: 1 });
    assert.equal(s.skippedRelations.groupKind, 2);
    t.org.addQueryFault({ soql: '^SELECT Id, Type FROM Group WHERE Id IN', error: 500, times: 10 });
    const blind = await run();
    assert.deepEqual(blind.groupKindsLeftOut, { unknown: 2 });
  });
});
