// What the export covers beyond public groups and plain assignments (issue 21 §1), checked against the test org and
// its answer key: every group that carries access — role groups (Role, Role and Subordinates, Role and Internal
// Subordinates), queues and All Internal Users inside public groups and queues — with what it expands to, so that the
// users reaching a group through the file's member relations are exactly those groupUsers() says; groups of other
// kinds named and counted; permission set group components; expiring and expired assignments; frozen and locked
// users, user types and licences; which users (--users), with assignments and memberships following them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { tempDir } from '../support/temp';
import { ManualClock, NOW } from '../support/clock';
import { adminClient, useOrg } from '../support/helpers';
import { exportToDir, ExportResult } from '../../src/node/exportFiles';
import { previewOrg } from '../../src/core/extract/preview';
import { UsersChoice } from '../../src/core/extract/sources';
import { id18 } from '../../src/core/extract/records';
import { groupUsers } from '../../packages/sf-test-org/src/groups';
import { roleGroup } from '../../packages/sf-test-org/src/coverage';
import type { TestOrg } from '../../packages/sf-test-org/src/server';

const read = (file: string) => (parse(readFileSync(file)) as string[][]).slice(1);
const long = (id: unknown) => id18(String(id).slice(0, 15));

interface Files {
  r: ExportResult;
  /** Source ID → [name, source type, metadata]. */
  entities: Map<string, { name: string; type: string; meta: any }>;
  relations: Array<{ parent: string; child: string; meta: any }>;
}
async function exportOf(org: TestOrg, users?: UsersChoice): Promise<Files> {
  const r = await exportToDir(await adminClient(org), tempDir('bid-cov-'), {
    reader: 'You',
    ...(users ? { users } : {}),
  });
  const entities = new Map(
    read(r.files.entities).map(e => [e[4]!, { name: e[1]!, type: e[5]!, meta: JSON.parse(e[7]!) }]),
  );
  const relations = read(r.files.relations).map(x => ({ parent: x[1]!, child: x[3]!, meta: JSON.parse(x[7]!) }));
  return { r, entities, relations };
}

/** The users that reach each group through the file's member relations (direct, through groups and role groups). */
function reach(f: Files): Map<string, Set<string>> {
  const up = new Map<string, string[]>();
  for (const x of f.relations)
    if (x.meta.privilegeName === 'member') up.set(x.parent, [...(up.get(x.parent) ?? []), x.child]);
  const out = new Map<string, Set<string>>();
  for (const [id, e] of f.entities) {
    if (e.type !== 'user') continue;
    const seen = new Set<string>();
    const stack = [...(up.get(id) ?? [])];
    while (stack.length) {
      const g = stack.pop()!;
      if (seen.has(g)) continue;
      seen.add(g);
      if (!out.has(g)) out.set(g, new Set());
      out.get(g)!.add(id);
      stack.push(...(up.get(g) ?? []));
    }
  }
  return out;
}

/** For every public group, queue and role group in the file: the users reaching it = groupUsers() ∩ the file's. */
function assertExpansions(org: TestOrg, f: Files): number {
  const reached = reach(f);
  let checked = 0;
  for (const [id, e] of f.entities) {
    if (!['group', 'queue', 'role_group'].includes(e.type)) continue;
    const expected = [...groupUsers(org.org, id)].map(long).filter(u => f.entities.has(u));
    assert.deepEqual(
      [...(reached.get(id) ?? [])].sort(),
      expected.sort(),
      `${e.name} (${e.type}): the users reaching it through the file`,
    );
    checked++;
  }
  return checked;
}

describe('export coverage: every group that carries access, with what it expands to', function () {
  this.timeout(60000);
  const t = useOrg({ scenario: 'done' });

  it("writes the coverage org's queue and role groups named through their role, and every group's users are what Salesforce expands it to (groupUsers)", async () => {
    const o = t.org.org;
    const f = await exportOf(t.org);
    const vp = o.find('UserRole', r => r.Name === 'VP Sales')!;
    const names = [...f.entities.values()].filter(e => e.type === 'role_group').map(e => e.name);
    assert.deepEqual(names.sort(), ['Role and Subordinates: VP Sales', 'Role: VP Sales']);
    const queue = [...f.entities.entries()].find(([, e]) => e.type === 'queue')!;
    assert.equal(queue[1].name, 'Support Queue');
    const rg = f.entities.get(long(roleGroup(o, vp, 'RoleAndSubordinates').Id))!;
    assert.deepEqual(rg.meta, {
      apiName: vp.DeveloperName,
      type: 'RoleAndSubordinates',
      roleId: long(vp.Id),
      org: long(o.orgId),
    });
    assert.ok(assertExpansions(t.org, f) >= 4);
  });

  it('on a large org with nested groups, role groups in every public group and queue, and a role-and-internal-subordinates group above partner roles: every expansion matches, portal users stay out of the internal one', async () => {
    t.org.reset('done', { users: 400, externalUsers: 300 });
    const o = t.org.org;
    // Role and Internal Subordinates of a role with partner roles below it, inside a public group.
    const partner = o.all('UserRole').find(r => r.PortalType === 'Partner')!;
    const above = o.table('UserRole').get(partner.ParentRoleId)!;
    const group = o.find('Group', g => g.Name === 'Sales Team')!;
    o.raw('GroupMember', { GroupId: group.Id, UserOrGroupId: roleGroup(o, above, 'RoleAndSubordinatesInternal').Id });
    o.raw('GroupMember', { GroupId: group.Id, UserOrGroupId: roleGroup(o, above, 'RoleAndSubordinates').Id });
    const f = await exportOf(t.org, 'all');
    const types = new Set([...f.entities.values()].filter(e => e.type === 'role_group').map(e => e.meta.type));
    assert.deepEqual([...types].sort(), ['Role', 'RoleAndSubordinates', 'RoleAndSubordinatesInternal']);
    const checked = assertExpansions(t.org, f);
    assert.ok(checked > 30, `${checked} groups checked`);
    const internal = long(roleGroup(o, above, 'RoleAndSubordinatesInternal').Id);
    const all = long(roleGroup(o, above, 'RoleAndSubordinates').Id);
    const holds = (g: string) => new Set(f.relations.filter(x => x.child === g).map(x => x.parent));
    const portal = [...holds(all)].filter(u => !holds(internal).has(u));
    assert.ok(
      portal.length > 0,
      'Role and Subordinates holds partner users that Role and Internal Subordinates does not',
    );
    for (const u of portal) assert.notEqual(f.entities.get(u)!.meta.userType, 'Standard');
    t.org.reset('done');
  });

  it('All Internal Users inside a public group holds every active internal user; a group of another kind (a territory) is left out, named and counted', async () => {
    const o = t.org.org;
    const group = o.find('Group', g => g.Name === 'Sales Team')!;
    const everyone = o.find('Group', g => g.Type === 'Organization')!;
    o.raw('GroupMember', { GroupId: group.Id, UserOrGroupId: everyone.Id });
    const territory = o.raw('Group', { Name: null, DeveloperName: 'EMEA_Territory', Type: 'Territory' });
    o.raw('GroupMember', { GroupId: group.Id, UserOrGroupId: territory.Id });
    try {
      const f = await exportOf(t.org);
      const all = f.entities.get(long(everyone.Id))!;
      assert.equal(all.name, 'All Internal Users');
      const held = f.relations.filter(x => x.child === long(everyone.Id) && x.meta.through === 'all internal users');
      const active = o.all('User').filter(u => u.IsActive && u.UserType === 'Standard');
      assert.deepEqual(held.map(x => x.parent).sort(), active.map(u => long(u.Id)).sort());
      assertExpansions(t.org, f);
      assert.deepEqual(f.r.groupKindsLeftOut, { Territory: 1 });
      assert.equal(f.r.skippedRelations.groupKind, 1);
    } finally {
      t.org.reset('done');
    }
  });

  it('relates each permission set to the permission set groups it is part of (PermissionSetGroupComponent), as the org holds them', async () => {
    const o = t.org.org;
    const f = await exportOf(t.org);
    const components = f.relations.filter(x => x.meta.privilegeName === 'component');
    const expected = o
      .all('PermissionSetGroupComponent')
      .map(c => `${long(c.PermissionSetId)} → ${long(c.PermissionSetGroupId)}`);
    assert.deepEqual(components.map(x => `${x.parent} → ${x.child}`).sort(), expected.sort());
    assert.ok(components.length > 0);
    for (const x of components) {
      assert.equal(f.entities.get(x.parent)!.type, 'permission_set');
      assert.equal(f.entities.get(x.child)!.type, 'permission_set_group');
    }
  });
});

describe('export coverage: assignments that expire, frozen and locked users, user types and licences', function () {
  this.timeout(60000);
  const clock = new ManualClock(NOW);
  const t = useOrg({ scenario: 'done', clock });

  it('an expiring assignment carries its expiration date; an expired one (IsActive false) is left out and counted; the files are the same whether Salesforce has removed the expired row yet or not', async () => {
    const o = t.org.org;
    const kept = await exportOf(t.org);
    const expiring = o.find('PermissionSetAssignment', a => a.ExpirationDate && Date.parse(a.ExpirationDate) > NOW)!;
    const expired = o.find('PermissionSetAssignment', a => a.ExpirationDate && Date.parse(a.ExpirationDate) <= NOW)!;
    const rel = (id: unknown) => kept.relations.find(x => x.meta.assignmentId === long(id));
    assert.equal(rel(expiring.Id)!.meta.expires, new Date(expiring.ExpirationDate).toISOString());
    assert.equal(rel(expired.Id), undefined, 'the expired assignment grants nothing');
    assert.equal(kept.r.skippedRelations.inactiveAssignment, 1);
    const plain = kept.relations.filter(x => x.meta.privilegeName === 'assigned' && x.meta.expires === null);
    assert.ok(plain.length > 0, 'assignments without an expiration date say so (expires: null)');

    t.org.reset('done', { clock, expiredAssignments: 'removed' });
    const removed = await exportOf(t.org);
    assert.equal(removed.r.skippedRelations.inactiveAssignment, undefined);
    assert.equal(readFileSync(removed.r.files.entities, 'utf8'), readFileSync(kept.r.files.entities, 'utf8'));
    assert.equal(readFileSync(removed.r.files.relations, 'utf8'), readFileSync(kept.r.files.relations, 'utf8'));
    t.org.reset('done', { clock, expiredAssignments: 'kept' });
  });

  it("marks the frozen and the password-locked user, keeps the deactivated one (inactive), and gives every user its type and its profile's licence (name and key)", async () => {
    const o = t.org.org;
    const f = await exportOf(t.org);
    const meta = (alias: string) => f.entities.get(long(o.find('User', u => u.Alias === alias)!.Id))!.meta;
    assert.deepEqual(
      ['ffrost', 'llock', 'igone', 'jdoe'].map(a => [a, meta(a).frozen, meta(a).passwordLocked, meta(a).active]),
      [
        ['ffrost', true, false, true],
        ['llock', false, true, true],
        ['igone', false, false, false],
        ['jdoe', false, false, true],
      ],
    );
    for (const [id, e] of f.entities) {
      if (e.type !== 'user') continue;
      const u = o.table('User').get(id)!;
      const licence = o.table('UserLicense').get(o.table('Profile').get(u.ProfileId)!.UserLicenseId)!;
      assert.deepEqual(
        [e.meta.userType, e.meta.license, e.meta.licenseKey],
        [u.UserType, licence.MasterLabel ?? licence.Name, licence.LicenseDefinitionKey],
        e.name,
      );
    }
  });
});

describe('export coverage: which users (--users), with their assignments and memberships', function () {
  this.timeout(60000);
  const t = useOrg({ scenario: 'done', users: 200, externalUsers: 300 });
  const kinds = {
    standard: (u: any) => u.UserType === 'Standard',
    active: (u: any) => u.UserType === 'Standard' && u.IsActive,
    all: () => true,
  };

  for (const users of ['standard', 'active', 'all'] as const)
    it(`--users ${users}: exactly those users; exactly their active assignments and their group and queue memberships; how many were left out and why`, async () => {
      const o = t.org.org;
      const f = await exportOf(t.org, users);
      const keep = o.all('User').filter(kinds[users]);
      const ids = new Set(keep.map(u => long(u.Id)));
      assert.deepEqual(
        [...f.entities]
          .filter(([, e]) => e.type === 'user')
          .map(([id]) => id)
          .sort(),
        [...ids].sort(),
      );
      const assignments = o
        .all('PermissionSetAssignment')
        .filter(a => ids.has(long(a.AssigneeId)) && a.IsActive !== false)
        .filter(a => !o.table('PermissionSet').get(a.PermissionSetId)!.IsOwnedByProfile)
        .map(a => long(a.Id));
      assert.deepEqual(
        f.relations
          .filter(x => x.meta.privilegeName === 'assigned')
          .map(x => x.meta.assignmentId)
          .sort(),
        assignments.sort(),
      );
      const holding = new Set(
        o
          .all('Group')
          .filter(g => g.Type === 'Regular' || g.Type === 'Queue')
          .map(g => g.Id),
      );
      const memberships = o
        .all('GroupMember')
        .filter(m => holding.has(m.GroupId) && ids.has(long(m.UserOrGroupId)))
        .map(m => long(m.Id));
      assert.deepEqual(
        f.relations
          .filter(x => x.meta.membershipId && f.entities.get(x.parent)?.type === 'user')
          .map(x => x.meta.membershipId)
          .sort(),
        memberships.sort(),
      );
      const count = (p: (u: any) => boolean) => o.all('User').filter(p).length;
      const expected =
        users === 'all'
          ? {}
          : {
              chatterFree: count(u => u.UserType === 'CsnOnly'),
              external: count(u =>
                ['CspLitePortal', 'CustomerSuccess', 'PowerCustomerSuccess', 'PowerPartner'].includes(u.UserType),
              ),
              guest: count(u => u.UserType === 'Guest'),
              ...(users === 'active' ? { inactive: count(u => u.UserType === 'Standard' && !u.IsActive) } : {}),
            };
      assert.deepEqual(f.r.usersLeftOut, expected);
      if (users !== 'all') {
        const left = o
          .all('PermissionSetAssignment')
          .filter(
            a => !ids.has(long(a.AssigneeId)) && !o.table('PermissionSet').get(a.PermissionSetId)!.IsOwnedByProfile,
          );
        assert.equal(f.r.assignmentsLeftOut, left.length);
      }
      assert.ok(
        f.r.lists.every(l => l.reconciled === 'matches COUNT()'),
        JSON.stringify(f.r.lists),
      );
    });

  it('the preview counts the users the export keeps and says who it leaves out, for each choice', async () => {
    const o = t.org.org;
    for (const users of ['standard', 'active', 'all'] as const) {
      const p = await previewOrg(await adminClient(t.org), { kind: 'admin', username: 'admin' }, undefined, users);
      assert.equal(p.sources.find(s => s.id === 'user')!.count, o.all('User').filter(kinds[users]).length, users);
      assert.equal(p.users, users);
      if (users === 'standard') assert.ok((p.usersLeftOut.external ?? 0) > 0 && (p.usersLeftOut.guest ?? 0) > 0);
    }
  });
});
