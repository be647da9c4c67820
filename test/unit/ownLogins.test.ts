// The logins this tool makes as the integration user (core/ownLogins.ts): told apart from the ones in between, kept
// bounded, read back from storage field by field — and never counted as BalkanID's.
import assert from 'node:assert/strict';
import {
  isOwnLogin,
  loginsMadeBetween,
  OWN_LOGINS_KEPT,
  ownLoginsKey,
  parseOwnLogins,
  rememberLogins,
} from '../../src/core/ownLogins';
import { LoginRow } from '../../src/core/rows';

const row = (n: number, o: Partial<LoginRow> = {}): LoginRow => ({
  Id: `0Ya00000000${String(n).padStart(4, '0')}`,
  LoginTime: `2026-11-30T1${n % 10}:00:00.000+0000`,
  Status: 'Success',
  Application: 'BalkanID_Extractor',
  LoginType: 'Remote Access 2.0',
  SourceIp: '198.51.100.20',
  ...o,
});

describe("the tool's own logins (ownLogins.ts)", () => {
  it('are the rows that appeared between the two reads, one per attempt at most, failures included', () => {
    const before = [row(1, { SourceIp: '203.0.113.7' })];
    const after = [
      row(3, { Status: 'Failed: Invalid Assertion' }),
      row(2, { Status: 'Failed: Invalid Assertion' }),
      ...before,
    ];
    assert.deepEqual(
      loginsMadeBetween(before, after, 2, 'self-test').map(o => [o.id, o.ok, o.sourceIp, o.by]),
      [
        ['0Ya000000000003', false, '198.51.100.20', 'self-test'],
        ['0Ya000000000002', false, '198.51.100.20', 'self-test'],
      ],
    );
    assert.deepEqual(loginsMadeBetween(before, before, 1, 'self-test'), [], 'nothing new, nothing remembered');
  });

  it("when someone else logged in meanwhile, only the rows from the address most of them came from are the tool's", () => {
    const before = [row(1)];
    const balkanId = row(4, { SourceIp: '203.0.113.7' });
    const after = [balkanId, row(3), row(2), ...before];
    const mine = loginsMadeBetween(before, after, 2, 'reader');
    assert.deepEqual(
      mine.map(o => o.id),
      ['0Ya000000000003', '0Ya000000000002'],
    );
    assert.equal(isOwnLogin(balkanId, mine), false, "BalkanID's login stays BalkanID's");
  });

  it("a row counts as the tool's by its Id (15 or 18 characters) or by an address its logins came from", () => {
    const mine = loginsMadeBetween([], [row(2)], 1, 'self-test');
    assert.equal(isOwnLogin({ ...row(2), Id: '0Ya000000000002AAA', SourceIp: null }, mine), true);
    assert.equal(isOwnLogin(row(5), mine), true, 'same address: this machine again');
    assert.equal(isOwnLogin(row(6, { SourceIp: '203.0.113.7' }), mine), false);
    assert.equal(isOwnLogin(row(7, { SourceIp: undefined }), mine), false);
  });

  it(`are kept once each, newest first, at most ${OWN_LOGINS_KEPT}`, () => {
    let kept = rememberLogins([], loginsMadeBetween([], [row(1)], 1, 'self-test'));
    kept = rememberLogins(kept, loginsMadeBetween([], [row(1)], 1, 'self-test'));
    assert.equal(kept.length, 1);
    const many = Array.from({ length: 80 }, (_, i) => ({
      id: `0Yb0000000${String(i).padStart(5, '0')}`,
      at: new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString(),
      ok: true,
      by: 'self-test' as const,
    }));
    kept = rememberLogins(kept, many);
    assert.equal(kept.length, OWN_LOGINS_KEPT);
    assert.equal(kept[0]!.id, row(1).Id, 'the newest first');
  });

  it('are read back field by field: a hand edit, a wrong type or another shape is left out, never trusted', () => {
    const key = ownLoginsKey('00D000000000001AAA', 'BalkanID@Acme.com');
    assert.equal(key, '00D000000000001:balkanid@acme.com');
    const doc = parseOwnLogins(
      JSON.stringify({
        version: 1,
        orgs: {
          [key]: [
            { id: '0Ya000000000001', at: '2026-11-30T10:00:00Z', ok: true, sourceIp: '198.51.100.20', by: 'self-test' },
            { id: 'not an id', at: '2026-11-30T10:00:00Z', ok: true, by: 'self-test' },
            { id: '0Ya000000000002', at: 'yesterday', ok: true, by: 'self-test' },
            { id: '0Ya000000000003', at: '2026-11-30T10:00:00Z', ok: 'yes', by: 'self-test' },
            { id: '0Ya000000000004', at: '2026-11-30T10:00:00Z', ok: true, by: 'balkanid' },
          ],
          'bad key': [],
        },
      }),
    );
    assert.deepEqual(Object.keys(doc.orgs), [key]);
    assert.deepEqual(
      doc.orgs[key]!.map(o => o.id),
      ['0Ya000000000001'],
    );
    assert.deepEqual(parseOwnLogins('{not json'), { version: 1, orgs: {} });
  });
});
