// The preview against the test org over HTTP (jsforce): every sample line as Setup says it, group kinds and member
// names, what a failed sample, count or name lookup leaves, who the reader is, a cancel between its requests.
import assert from 'node:assert/strict';
import { ManualClock, NOW } from '../support/clock';
import { adminClient, useOrg } from '../support/helpers';
import { previewOrg, Preview } from '../../src/core/extract/preview';
import { SourceId } from '../../src/core/extract/sources';
import { SetupError } from '../../src/core/types';
import { connect } from '../../src/node/salesforce';
import { TestOrg } from '../../packages/sf-test-org/src/server';

const ADMIN = { kind: 'admin', username: 'admin@acme.example' } as const;
const sample = (p: Preview, id: SourceId) => p.sources.find(s => s.id === id)!.sample;
const line = (p: Preview, id: SourceId) => p.sources.find(s => s.id === id)!;
const clientAs = (org: TestOrg, username: string) => {
  const user = org.org.find('User', u => u.Username === username)!;
  return connect({ instanceUrl: org.url, accessToken: org.org.issueToken(user.Id) });
};

describe('preview: the counts, and every sample line in Setup words', function () {
  this.timeout(60000);
  const t = useOrg({ scenario: 'done', clock: new ManualClock(NOW) });

  it('counts every list as the org holds it, in three requests (two composite/batch requests, one naming the members)', async () => {
    const client = await adminClient(t.org);
    const before = t.org.stats().total;
    const p = await previewOrg(client, ADMIN);
    assert.equal(
      t.org.stats().total - before,
      3,
      "two composite/batch requests of at most 25 subrequests, sent together, and one for the members' names",
    );
    const o = t.org.org;
    const count = (id: string) => p.sources.find(s => s.id === id)!.count;
    const internal = o.all('User').filter(u => u.UserType === 'Standard');
    assert.equal(count('user'), internal.length);
    assert.equal(p.sources.find(s => s.id === 'user')!.active, internal.filter(u => u.IsActive).length);
    assert.equal(count('profile'), o.all('Profile').length);
    assert.equal(
      count('group'),
      o.all('Group').filter(g => ['Regular', 'Queue', 'Role', 'RoleAndSubordinates', 'Organization'].includes(g.Type))
        .length,
    );
    assert.ok(p.sources.every(s => !s.unreadable));
    assert.equal(p.sources.find(s => s.id === 'user')!.partial, undefined, 'the admin sees every user');
  });

  it("reads each list's first rows exactly: licences used of total, profiles with their licence, roles, permission sets, groups by kind, frozen and locked users, users with licence, profile, role and last login, assignments that expire or expired", async () => {
    const o = t.org.org;
    const ada = o.find('User', u => u.Username === 'admin@acme.example')!;
    o.table('User').set(ada.Id.slice(0, 15), { ...ada, LastLoginDate: '2026-11-29T08:05:59.000Z' });
    const p = await previewOrg(await adminClient(t.org), ADMIN);
    assert.deepEqual(Object.fromEntries(p.sources.map(s => [s.id, s.sample])), {
      userLicense: [
        'Salesforce — 4 of 20 used (Active)',
        'Salesforce Platform — 2 of 3 used (Active)',
        'Salesforce Integration — 0 of 5 used (Active)',
        'Chatter Free — 0 of 500 used (Active)',
      ],
      profile: [
        'System Administrator — Salesforce',
        'Standard User — Salesforce',
        'Standard Platform User — Salesforce Platform',
        'Read Only — Salesforce',
        'Minimum Access - Salesforce — Salesforce',
      ],
      role: ['CEO (CEO)', 'VP Sales (VPSales)'],
      permissionSet: ['Report Builder (Report_Builder)', 'BalkanID Extractor (BalkanID_Extractor)'],
      permissionSetGroup: ['Sales Ops (Sales_Ops) · status Updated'],
      permissionSetGroupComponent: ['Report Builder → Sales Ops'],
      group: [
        'Role: CEO',
        'Role and Subordinates: CEO',
        'Role: VP Sales',
        'Role and Subordinates: VP Sales',
        'Sales Team (Sales_Team) · public group',
      ],
      userLogin: ['Frida Frost · frozen', 'Lars Lock · password locked'],
      user: [
        'Ada Admin · admin@acme.example · active · Salesforce · System Administrator · CEO · last login 2026-11-29 08:05 UTC',
        'Jane Doe · jane@acme.example · active · Salesforce · Standard User · VP Sales · last login never',
        'Otto Ops · ops@acme.example · active · Salesforce Platform · Standard Platform User · no role · last login never',
        'Frida Frost · ffrost@acme.example · active · Salesforce · Standard User · no role · last login never',
        'Lars Lock · llock@acme.example · active · Salesforce · Standard User · no role · last login never',
      ],
      permissionSetAssignment: [
        'Jane Doe → Sales Ops (Permission Set Group)',
        'Jane Doe → Report Builder (Permission Set) · expires 2026-12-30 12:00 UTC',
        'Frida Frost → Report Builder (Permission Set) · expired',
        'BalkanID BalkanID → BalkanID Extractor (Permission Set)',
      ],
      groupMember: [
        'Sales Team (public group) ← Jane Doe (user)',
        'Support Queue (queue) ← Otto Ops (user)',
        'Support Queue (queue) ← VPSales (Role)',
        'Sales Team (public group) ← VPSales (Role and Subordinates)',
      ],
    });
    assert.deepEqual(
      p.sources.map(s => [s.id, s.count, s.label]),
      [
        ['userLicense', 4, 'User Licenses'],
        ['profile', 7, 'Profiles'],
        ['role', 2, 'Roles'],
        ['permissionSet', 2, 'Permission Sets'],
        ['permissionSetGroup', 1, 'Permission Set Groups'],
        ['permissionSetGroupComponent', 1, 'Permission Sets in Groups'],
        ['group', 7, 'Groups and Queues'],
        ['userLogin', 2, 'Frozen and Locked Users'],
        ['user', 7, 'Users'],
        ['permissionSetAssignment', 4, 'Permission Set Assignments'],
        ['groupMember', 4, 'Group and Queue Members'],
      ],
      'every list but the hidden one (groups and roles in groups), counted, with its Setup label',
    );
    assert.equal(line(p, 'user').active, 6, 'the users list alone says how many are active');
    assert.deepEqual(
      p.sources.filter(s => 'active' in s || 'partial' in s).map(s => s.id),
      ['user'],
    );
  });
});

describe('preview: groups, members and the users a line shows', function () {
  this.timeout(60000);
  const t = useOrg({ scenario: 'done', clock: new ManualClock(NOW) });

  it('a queue, a Role and Internal Subordinates group by its role, All Internal Users by that name whatever the group is called, a member group of another kind, a user both frozen and locked, a profile without a licence', async () => {
    const o = t.org.org;
    const groups = o.table('Group').ordered();
    const set = (g: (typeof groups)[number], change: Record<string, unknown>) =>
      o.table('Group').set(g.Id.slice(0, 15), { ...g, ...change });
    // The first five groups by Id: Role CEO, Role and Subordinates CEO, Role VP Sales, Role and Subordinates VP
    // Sales, Sales Team.
    set(groups[1]!, { Type: 'RoleAndSubordinatesInternal' });
    set(groups[2]!, { Type: 'Organization', Name: 'Everyone', DeveloperName: 'Everyone', RelatedId: null });
    set(groups[4]!, { Type: 'Queue' });
    const territory = o.raw('Group', { Name: 'West', DeveloperName: 'West', Type: 'Territory' });
    o.raw('GroupMember', { GroupId: groups[4]!.Id, UserOrGroupId: territory.Id });
    const login = o
      .table('UserLogin')
      .ordered()
      .find(l => l.IsFrozen)!;
    o.table('UserLogin').set(String(login.Id).slice(0, 15), { ...login, IsPasswordLocked: true });
    const admin = o.find('Profile', p => p.Name === 'System Administrator')!;
    o.table('Profile').set(admin.Id.slice(0, 15), { ...admin, UserLicenseId: null });

    const p = await previewOrg(await adminClient(t.org), ADMIN);
    assert.deepEqual(sample(p, 'group'), [
      'Role: CEO',
      'Role and Internal Subordinates: CEO',
      'All Internal Users',
      'Role and Subordinates: VP Sales',
      'Sales Team (Sales_Team) · queue',
    ]);
    assert.ok(
      sample(p, 'groupMember').includes('Sales Team (queue) ← West (group)'),
      sample(p, 'groupMember').join('\n'),
    );
    assert.equal(sample(p, 'userLogin')[0], 'Frida Frost · frozen, password locked');
    assert.equal(sample(p, 'profile')[0], 'System Administrator — ?');
    assert.match(
      sample(p, 'user')[0]!,
      /^Ada Admin · admin@acme\.example · active · \? · System Administrator · CEO ·/,
    );
  });
});

describe('preview: what a failed read leaves', function () {
  this.timeout(60000);
  const t = useOrg({ scenario: 'done', clock: new ManualClock(NOW, true) });
  afterEach(() => t.org.clearFaults());

  it("a sample Salesforce fails says '(no sample: CODE)' and keeps its count; a count that times out keeps the sample; a failed active count leaves it out", async () => {
    t.org.addQueryFault({ soql: '^SELECT Name, UserLicense\\.MasterLabel FROM Profile', error: 500 });
    t.org.addQueryFault({ soql: '^SELECT COUNT\\(\\) FROM UserRole$', error: 'QUERY_TIMEOUT' });
    t.org.addQueryFault({ soql: '^SELECT COUNT\\(\\) FROM User WHERE .*IsActive = true', error: 503 });
    const p = await previewOrg(await adminClient(t.org), ADMIN);
    assert.deepEqual(line(p, 'profile'), {
      id: 'profile',
      label: 'Profiles',
      count: 7,
      sample: ['(no sample: UNKNOWN_EXCEPTION)'],
    });
    assert.deepEqual(line(p, 'role'), {
      id: 'role',
      label: 'Roles',
      timedOut: true,
      sample: ['CEO (CEO)', 'VP Sales (VPSales)'],
    });
    assert.equal(line(p, 'user').count, 7);
    assert.equal('active' in line(p, 'user'), false, 'no active count when it failed');
    assert.equal(t.org.pendingQueryFaults, 0, 'each fault was met');
  });

  it("members whose names cannot be read keep their Ids: the users' lookup failed, then the whole lookup", async () => {
    const o = t.org.org;
    const jane = o.find('User', u => u.Username === 'jane@acme.example')!;
    t.org.addQueryFault({ soql: '^SELECT Id, Name FROM User WHERE Id IN', error: 500 });
    const p = await previewOrg(await adminClient(t.org), ADMIN);
    assert.equal(sample(p, 'groupMember')[0], `Sales Team (public group) ← ${jane.Id}`);
    assert.equal(sample(p, 'groupMember')[2], 'Support Queue (queue) ← VPSales (Role)', 'groups still named');

    t.org.addFault({ method: 'POST', path: 'composite/batch', after: 2, status: 500, body: 'down', times: 20 });
    const q = await previewOrg(await adminClient(t.org), ADMIN);
    assert.equal(sample(q, 'groupMember')[0], `Sales Team (public group) ← ${jane.Id}`);
    assert.match(sample(q, 'groupMember')[2]!, /^Support Queue \(queue\) ← 00G[a-zA-Z0-9]{15}$/);
    assert.deepEqual(sample(q, 'role'), ['CEO (CEO)', 'VP Sales (VPSales)'], 'the samples were read before');
  });

  it('no group members: no lookup of names (two requests, not three)', async () => {
    const o = t.org.org;
    const members = o.table('GroupMember').ordered();
    for (const m of members) o.table('GroupMember').delete(String(m.Id).slice(0, 15));
    try {
      const client = await adminClient(t.org);
      const before = t.org.stats().total;
      const p = await previewOrg(client, ADMIN);
      assert.deepEqual(sample(p, 'groupMember'), []);
      assert.equal(line(p, 'groupMember').count, 0);
      assert.equal(t.org.stats().total - before, 2);
    } finally {
      for (const m of members) o.table('GroupMember').set(String(m.Id).slice(0, 15), m);
    }
  });
});

describe('preview: who reads, and a cancel', function () {
  this.timeout(60000);
  const t = useOrg({ scenario: 'done', clock: new ManualClock(NOW) });

  it('as a user without "View Setup and Configuration": each unreadable list names the permission that fixes it', async () => {
    const p = await previewOrg(await clientAs(t.org, 'jane@acme.example'), {
      kind: 'integration',
      username: 'jane@acme.example',
    });
    const ps = p.sources.find(s => s.id === 'permissionSet')!;
    assert.equal(ps.count, undefined);
    assert.match(
      ps.unreadable!.fix,
      /The integration user needs "View Setup and Configuration" to read Permission Sets/,
    );
    const users = p.sources.find(s => s.id === 'user')!;
    assert.equal(users.unreadable, undefined, 'users stay readable');
    assert.match(users.partial!, /The integration user may see only some users: without "View All Users"/);
  });
  it('read as yourself without "View Setup and Configuration": each fix and the users\' note speak to you', async () => {
    const p = await previewOrg(await clientAs(t.org, 'jane@acme.example'), {
      kind: 'admin',
      username: 'jane@acme.example',
    });
    assert.deepEqual(line(p, 'permissionSet'), {
      id: 'permissionSet',
      label: 'Permission Sets',
      sample: [],
      unreadable: {
        code: line(p, 'permissionSet').unreadable!.code,
        fix: 'You need "View Setup and Configuration" to read Permission Sets.',
      },
    });
    assert.match(line(p, 'user').partial!, /^You may see only some users/);
  });

  it('a cancel before the counts come back, or while the members are named, stops with CANCELLED: nothing more is read', async () => {
    const cancelledError = (e: unknown) => e instanceof SetupError && e.code === 'CANCELLED';
    const client = await adminClient(t.org);
    const early = new AbortController();
    early.abort();
    let before = t.org.stats().total;
    await assert.rejects(previewOrg(client, ADMIN, early.signal), cancelledError);
    assert.equal(t.org.stats().total - before, 2, 'the counts, not the names');

    const late = new AbortController();
    const batch = client.batch.bind(client);
    let calls = 0;
    client.batch = async (...args: Parameters<typeof batch>) => {
      if (++calls === 3) late.abort();
      return batch(...args);
    };
    before = t.org.stats().total;
    await assert.rejects(previewOrg(client, ADMIN, late.signal), cancelledError);
    assert.equal(calls, 3, 'cancelled after naming the members, before the lines');
  });
});
