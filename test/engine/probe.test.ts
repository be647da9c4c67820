// The single cheap reads outside the full check (src/core/probe.ts), against the test org: who the connected admin
// is (Run All's proposals before a manifest exists) and the integration user's latest logins (the watch's one query
// per poll). An answer without rows, or without a body, is "nobody" and "no logins", never an error.
import assert from 'node:assert/strict';
import { apply } from '../../src/core/engine';
import { latestLogins, whoAmI } from '../../src/core/probe';
import { adminClient, engineInput, loginFromElsewhere, useOrg } from '../support/helpers';

describe('probe: who the admin is and the latest logins', function () {
  this.timeout(30000);
  const t = useOrg({ scenario: 'fresh', deployMs: 20 });
  afterEach(() => t.org.clearFaults());

  it("whoAmI: the username and email of the session's own user", async () => {
    const client = await adminClient(t.org);
    const admin = t.org.org.get('User', client.userId)!;
    assert.deepEqual(await whoAmI(client), { username: admin.Username, email: admin.Email });
  });
  it('whoAmI: a query answered with no rows gives no username and no email, without an error', async () => {
    const client = await adminClient(t.org);
    t.org.addFault({ method: 'GET', path: '/query\\?q=SELECT', status: 200, body: { totalSize: 0, done: true } });
    assert.deepEqual(await whoAmI(client), { username: undefined, email: undefined });
    t.org.addFault({
      method: 'GET',
      path: '/query\\?q=SELECT',
      status: 200,
      body: { totalSize: 0, done: true, records: [] },
    });
    assert.deepEqual(await whoAmI(client), { username: undefined, email: undefined });
  });
  it('whoAmI: a query answered with an empty body (204) gives no username and no email, without an error', async () => {
    const client = await adminClient(t.org);
    t.org.addFault({ method: 'GET', path: '/query\\?q=SELECT', status: 204, body: '' });
    assert.deepEqual(await whoAmI(client), { username: undefined, email: undefined });
  });
  it("latestLogins: the integration user's login through the app, from BalkanID's address; none for another user", async () => {
    t.org.reset('fresh');
    const client = await adminClient(t.org);
    const { report } = await apply(engineInput(client));
    const username = report.handoff!.username;
    assert.deepEqual(await latestLogins(client, username), []);
    assert.equal(await loginFromElsewhere(t.org, report.handoff!.consumerKey!), 200);
    const rows = await latestLogins(client, username);
    assert.deepEqual(
      rows.map(r => [r.Status, r.LoginType, r.SourceIp]),
      [['Success', 'Remote Access 2.0', '203.0.113.7']],
    );
    assert.deepEqual(await latestLogins(client, 'nobody@example.test'), []);
  });
  it('latestLogins: a query answered without records, or with an empty body (204), is no logins', async () => {
    const client = await adminClient(t.org);
    t.org.addFault({ method: 'GET', path: '/query\\?q=SELECT', status: 200, body: { totalSize: 0, done: true } });
    assert.deepEqual(await latestLogins(client, 'balkanid@example.test'), []);
    t.org.addFault({ method: 'GET', path: '/query\\?q=SELECT', status: 204, body: '' });
    assert.deepEqual(await latestLogins(client, 'balkanid@example.test'), []);
  });
});
