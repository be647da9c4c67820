// The preview's rows, exactly, against the test org (src/core/extract/preview.ts): each list's first five records in
// Id order, in Setup's words as this file spells them (the org's own query gives the records); the active users'
// count; a sample or a count that fails says so; the reader's visibility of users; a cancel before it is read.
import assert from 'node:assert/strict';
import { previewOrg } from '../../src/core/extract/preview';
import { selectSample, SOURCES, SourceId } from '../../src/core/extract/sources';
import { adminClient, jsforce, useOrg } from '../support/helpers';
import { isSetupError } from '../../src/core/types';

type Row = Record<string, any>;
const utc = (v: unknown) =>
  typeof v === 'string'
    ? `${new Date(v).toISOString().slice(0, 10)} ${new Date(v).toISOString().slice(11, 16)} UTC`
    : 'never';
/** How one row of each list reads in the preview, with the fields it is read with. */
const SPEC: Record<SourceId, [string, (r: Row) => string]> = {
  userLicense: [
    'MasterLabel, Status, TotalLicenses, UsedLicenses',
    r => `${r.MasterLabel} — ${r.UsedLicenses} of ${r.TotalLicenses} used (${r.Status})`,
  ],
  profile: ['Name, UserLicense.MasterLabel', r => `${r.Name} — ${r.UserLicense?.MasterLabel ?? '?'}`],
  role: ['Name, DeveloperName', r => `${r.Name} (${r.DeveloperName})`],
  permissionSet: ['Label, Name', r => `${r.Label} (${r.Name})`],
  permissionSetGroup: [
    'MasterLabel, DeveloperName, Status',
    r => `${r.MasterLabel} (${r.DeveloperName}) · status ${r.Status}`,
  ],
  group: ['Name, DeveloperName', r => `${r.Name} (${r.DeveloperName})`],
  user: [
    'Name, Username, IsActive, LastLoginDate, Profile.Name, Profile.UserLicense.MasterLabel, UserRole.Name',
    r =>
      `${r.Name} · ${r.Username} · ${r.IsActive ? 'active' : 'inactive'} · ${r.Profile?.UserLicense?.MasterLabel ?? '?'} · ` +
      `${r.Profile?.Name ?? '?'} · ${r.UserRole?.Name ?? 'no role'} · last login ${utc(r.LastLoginDate)}`,
  ],
  permissionSetAssignment: [
    'Assignee.Name, PermissionSet.Label, PermissionSetGroup.MasterLabel',
    r =>
      r.PermissionSetGroup
        ? `${r.Assignee?.Name} → ${r.PermissionSetGroup.MasterLabel} (Permission Set Group)`
        : `${r.Assignee?.Name} → ${r.PermissionSet?.Label} (Permission Set)`,
  ],
  groupMember: ['Group.Name, UserOrGroupId', r => `${r.Group?.Name} ← ${r.UserOrGroupId}`],
};

describe('preview: each list in Setup words, exactly', function () {
  this.timeout(30000);
  const t = useOrg({ scenario: 'done' });
  afterEach(() => t.org.clearFaults());

  it("every list's count and its first five rows, as the org's own query gives them, each in Setup's words", async () => {
    // Among the first five users: one inactive, one who has logged in.
    const o = t.org.org;
    const [first, second] = o.all('User').sort((a, b) => (a.Id < b.Id ? -1 : 1));
    o.table('User').set(first!.Id, { ...first, LastLoginDate: '2026-11-30T10:05:59.000+0000' });
    o.table('User').set(second!.Id, { ...second, IsActive: false });
    const p = await previewOrg(await adminClient(t.org), { kind: 'admin', username: t.org.adminUsername });
    const conn = jsforce(t.org);
    assert.deepEqual(
      p.sources.map(s => s.id),
      SOURCES.map(s => s.id),
    );
    for (const s of SOURCES) {
      const [fields, line] = SPEC[s.id];
      const rows = (await conn.query<Row>(selectSample(s, fields, 5))).records;
      const got = p.sources.find(x => x.id === s.id)!;
      assert.deepEqual(got.sample, rows.map(line), s.id);
      assert.equal(got.label, s.label);
      assert.equal(typeof got.count, 'number', s.id);
    }
    const users = p.sources.find(s => s.id === 'user')!;
    assert.equal(users.active, t.org.org.all('User').filter(u => u.IsActive).length);
    assert.ok(
      users.sample.some(l => l.includes(' · inactive · ')),
      'an inactive user among the rows',
    );
    assert.ok(
      users.sample.some(l => l.endsWith(' · last login 2026-11-30 10:05 UTC')),
      users.sample.join('\n'),
    );
    assert.equal(users.partial, undefined);
    for (const s of p.sources.filter(x => x.id !== 'user')) {
      assert.equal(s.active, undefined, s.id);
      assert.equal('partial' in s, false, s.id);
    }
  });

  it('a sample that fails says so with its code; a count that fails makes the list unreadable with its fix; no active count when it fails', async () => {
    const client = await adminClient(t.org);
    t.org.addFault({
      method: 'POST',
      path: '/composite/batch$',
      status: 200,
      body: {
        hasErrors: true,
        results: [
          ...SOURCES.map(s =>
            s.id === 'role'
              ? { statusCode: 400, result: [{ errorCode: 'INVALID_TYPE', message: 'No such object.' }] }
              : { statusCode: 200, result: { totalSize: 3, done: true, records: [] } },
          ),
          ...SOURCES.map(s =>
            s.id === 'group'
              ? { statusCode: 500, result: [{ errorCode: 'UNKNOWN_EXCEPTION', message: 'Down.' }] }
              : s.id === 'profile'
                ? { statusCode: 200, result: { totalSize: 0, done: true } }
                : { statusCode: 200, result: { totalSize: 0, done: true, records: [] } },
          ),
          { statusCode: 500, result: [{ errorCode: 'UNKNOWN_EXCEPTION', message: 'Down.' }] },
          { statusCode: 200, result: { totalSize: 1, done: true, records: [{ PermissionsViewAllUsers: false }] } },
        ],
      },
    });
    const p = await previewOrg(client, { kind: 'integration', username: 'balkanid@example.test' });
    const by = (id: SourceId) => p.sources.find(s => s.id === id)!;
    assert.deepEqual(by('group').sample, ['(no sample: UNKNOWN_EXCEPTION)']);
    assert.equal(by('group').count, 3);
    assert.deepEqual(by('profile').sample, [], 'a page without records is an empty sample');
    assert.deepEqual(
      [by('role').count, by('role').sample, by('role').unreadable?.code],
      [undefined, [], 'INVALID_TYPE'],
    );
    assert.match(by('role').unreadable!.fix, /^The integration user /);
    assert.equal(by('user').active, undefined);
    assert.equal(by('user').count, 3);
    assert.match(by('user').partial!, /^The integration user may see only some users: without "View All Users"/);
  });

  it('a reader who may see every user (View All Users or View All Data) gets no warning; the admin is "You"', async () => {
    const client = await adminClient(t.org);
    for (const row of [{ PermissionsViewAllUsers: true }, { PermissionsViewAllData: true }, {}]) {
      t.org.addFault({
        method: 'POST',
        path: '/composite/batch$',
        status: 200,
        body: {
          hasErrors: false,
          results: [
            ...SOURCES.map(() => ({ statusCode: 200, result: { totalSize: 1, done: true, records: [] } })),
            ...SOURCES.map(() => ({ statusCode: 200, result: { totalSize: 0, done: true, records: [] } })),
            { statusCode: 200, result: { totalSize: 1, done: true, records: [] } },
            { statusCode: 200, result: { totalSize: 1, done: true, records: [row] } },
          ],
        },
      });
      const p = await previewOrg(client, { kind: 'admin', username: t.org.adminUsername });
      const users = p.sources.find(s => s.id === 'user')!;
      assert.equal(users.active, 1);
      if ('PermissionsViewAllUsers' in row || 'PermissionsViewAllData' in row) assert.equal(users.partial, undefined);
      else assert.match(users.partial!, /^You may see only some users/);
    }
  });

  it('a cancel before the answer is read: CANCELLED, nothing returned', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(
      previewOrg(await adminClient(t.org), { kind: 'admin', username: t.org.adminUsername }, ac.signal),
      (e: unknown) => isSetupError(e) && e.code === 'CANCELLED',
    );
  });
});
