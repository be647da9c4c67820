// Another run changing the org at the same time (src/core/concurrency.ts), against the test org: after a duplicate
// error or a failed deploy, the org is read again; what appeared that this run was not creating itself is named, in
// the guide's order, and the error says nothing was duplicated. What this run created itself, or nothing new, is no
// other run; an org that cannot be read again leaves the original error standing.
import assert from 'node:assert/strict';
import { concurrentRun } from '../../src/core/concurrency';
import { Facts, gatherFacts } from '../../src/core/facts';
import { Write } from '../../src/core/types';
import { adminClient, guideManifest, useOrg } from '../support/helpers';

const m = guideManifest();
const create = (step: Write['step'], target: string): Write => ({ step, action: 'create', target, detail: 'd' });
/** The writes of a whole setup, as apply reports them. */
const ALL_WRITES = [
  create('profile', 'profile'),
  create('user', 'integration user'),
  create('permissionSet', 'permission set'),
  create('permissionSet', 'permission set assignment'),
  { ...create('app', 'External Client App "BalkanID Extractor"'), action: 'deploy' as const },
  { ...create('link', 'External Client App "BalkanID Extractor" policies'), action: 'update' as const },
];
/** Facts from before the setup: none of what it creates. */
const beforeSetup = (f: Facts): Facts => ({
  ...f,
  profile: undefined,
  user: undefined,
  permissionSet: undefined,
  app: undefined,
});

describe('concurrency: another run changing the org', function () {
  this.timeout(30000);
  const t = useOrg({ scenario: 'done' });
  afterEach(() => t.org.clearFaults());

  it('everything the setup creates appeared meanwhile and this run wrote nothing: each is named, in the order of the guide', async () => {
    t.org.reset('done');
    const client = await adminClient(t.org);
    const now = await gatherFacts(client, m);
    const err = await concurrentRun(client, m, beforeSetup(now), 'user', []);
    assert.ok(err);
    assert.deepEqual([err.code, err.step, err.writes], ['CONCURRENT_RUN', 'user', []]);
    assert.equal(
      err.message,
      'Step "Integration user": another run is changing this org — the profile "BalkanID Integration", the user ' +
        'balkanid@example.test, the permission set "BalkanID Extractor", the permission set assignment, the ' +
        'External Client App "BalkanID Extractor", the link between the permission set and the app appeared while ' +
        'this run was writing. Nothing was duplicated. Run again when the other run has finished. Nothing was written.',
    );
  });
  it('what this run created itself is not named: its records by target, the app and the link by step', async () => {
    t.org.reset('done');
    const client = await adminClient(t.org);
    const before = beforeSetup(await gatherFacts(client, m));
    assert.equal(await concurrentRun(client, m, before, 'link', ALL_WRITES), undefined);
    const appAndLink = ALL_WRITES.slice(4);
    const err = await concurrentRun(client, m, before, 'link', appAndLink);
    assert.match(
      err!.message,
      / — the profile "BalkanID Integration", the user balkanid@example\.test, the permission set "BalkanID Extractor", the permission set assignment appeared while this run was writing\./,
    );
    assert.deepEqual(err!.writes, appAndLink);
    const records = ALL_WRITES.slice(0, 4);
    const other = await concurrentRun(client, m, before, 'app', records);
    assert.match(
      other!.message,
      /^Step "External Client App with JWT bearer": another run is changing this org — the External Client App "BalkanID Extractor", the link between the permission set and the app appeared while this run was writing\. .* Written before the failure: /,
    );
    assert.equal(other!.step, 'app');
  });
  it('an assignment that appeared on a permission set that had none (null or empty) is named alone', async () => {
    t.org.reset('done');
    const client = await adminClient(t.org);
    const now = await gatherFacts(client, m);
    for (const Assignments of [null, { records: [] }]) {
      const before = { ...now, permissionSet: { ...now.permissionSet!, Assignments } };
      const err = await concurrentRun(client, m, before, 'permissionSet', []);
      assert.match(
        err!.message,
        /another run is changing this org — the permission set assignment appeared while this run was writing\./,
        JSON.stringify(Assignments),
      );
    }
  });
  it('a link that appeared between an existing permission set and app is named alone', async () => {
    t.org.reset('done');
    const client = await adminClient(t.org);
    const now = await gatherFacts(client, m);
    const before = { ...now, permissionSet: { ...now.permissionSet!, SetupEntityAccessItems: { records: [] } } };
    const err = await concurrentRun(client, m, before, 'link', []);
    assert.match(
      err!.message,
      /this org — the link between the permission set and the app appeared while this run was writing\./,
    );
  });
  it('nothing new in the org (a fresh org read twice, or a finished one): no other run', async () => {
    t.org.reset('fresh');
    const fresh = await adminClient(t.org);
    assert.equal(await concurrentRun(fresh, m, await gatherFacts(fresh, m), 'profile', []), undefined);
    t.org.reset('done');
    const done = await adminClient(t.org);
    assert.equal(await concurrentRun(done, m, await gatherFacts(done, m), 'profile', []), undefined);
  });
  it('an org that cannot be read again (the session expired): no other run is claimed', async () => {
    t.org.reset('done');
    const client = await adminClient(t.org);
    const before = beforeSetup(await gatherFacts(client, m));
    t.org.addFault({ path: '.*', expireSessions: true, times: 100 });
    assert.equal(await concurrentRun(client, m, before, 'user', []), undefined);
  });
});
