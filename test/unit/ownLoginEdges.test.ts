// The memory of this tool's own logins at its edges (src/core/ownLogins.ts): which new rows are this tool's when as
// many or more appeared than it made, newest first; and what a stored list may hold, field by field, to its limits.
import assert from 'node:assert/strict';
import {
  loginsMadeBetween,
  OWN_LOGINS_KEPT,
  OwnLogin,
  ownLoginsOf,
  parseOwnLogins,
  rememberLogins,
} from '../../src/core/ownLogins';
import { LoginRow } from '../../src/core/rows';

const row = (id: number, minute: number, status = 'Success', ip: string | null = '198.51.100.1'): LoginRow => ({
  Id: `0Ya00000000000${id}AAA`.slice(0, 18),
  LoginTime: `2026-11-30T10:${String(minute).padStart(2, '0')}:00.000+0000`,
  Status: status,
  Application: 'BalkanID Extractor',
  LoginType: 'Remote Access 2.0',
  SourceIp: ip,
});
const good: OwnLogin = { id: '0Ya000000000001AAA', at: '2026-11-30T10:00:00Z', ok: true, by: 'self-test' };

describe("own logins: which new rows are this tool's", () => {
  it('exactly as many new rows as attempts: all of them, newest first, a failed one not ok', () => {
    const fresh = loginsMadeBetween(
      [row(1, 0)],
      [row(1, 0), row(2, 5, 'Failed: Invalid assertion'), row(3, 7)],
      2,
      'reader',
    );
    assert.deepEqual(
      fresh.map(o => [o.id, o.ok, o.by]),
      [
        [row(3, 7).Id, true, 'reader'],
        [row(2, 5).Id, false, 'reader'],
      ],
    );
  });
  it('more new rows than attempts: the newest of the address most of them came from', () => {
    const after = [row(1, 1, 'Success', '203.0.113.9'), row(2, 2), row(3, 3), row(4, 4)];
    const fresh = loginsMadeBetween([], after, 2, 'self-test');
    assert.deepEqual(
      fresh.map(o => [o.id, o.sourceIp]),
      [
        [row(4, 4).Id, '198.51.100.1'],
        [row(3, 3).Id, '198.51.100.1'],
      ],
    );
    const noIp = loginsMadeBetween([], [row(5, 1, 'Success', null)], 1, 'self-test');
    assert.equal('sourceIp' in noIp[0]!, false);
  });
  it('the memory keeps each row once, the fresh copy first, newest first', () => {
    const older = { ...good, at: '2026-11-29T10:00:00Z', ok: false };
    const other = { ...good, id: '0Ya000000000002AAA', at: '2026-11-30T09:00:00Z' };
    assert.deepEqual(rememberLogins([older, other], [good]), [good, other]);
  });
});

describe('own logins: what a stored list may hold', () => {
  it('a list of valid logins is kept as it was; anything but a list is nothing', () => {
    assert.deepEqual(ownLoginsOf([good, { ...good, id: '0Ya000000000002', sourceIp: '2001:db8::1', by: 'reader' }]), [
      good,
      { ...good, id: '0Ya000000000002', sourceIp: '2001:db8::1', by: 'reader' },
    ]);
    for (const v of [undefined, null, 'x', { 0: good, length: 1 }]) assert.deepEqual(ownLoginsOf(v), [], String(v));
  });
  it('an Id of 15 or 18 letters and digits only, whole', () => {
    for (const id of ['0Ya000000000001', '0Ya000000000001AAA'])
      assert.equal(ownLoginsOf([{ ...good, id }]).length, 1, id);
    for (const id of [
      '0Ya00000000001',
      '0Ya000000000001A',
      '0Ya000000000001AAAA',
      'x0Ya000000000001',
      '0Ya000000000001A-A',
      7,
    ])
      assert.equal(ownLoginsOf([{ ...good, id }]).length, 0, String(id));
  });
  it('a time of at most 40 characters that is a date; an address of at most 64; ok a boolean; by self-test or reader', () => {
    const at = (comment: string) => `Mon Nov 30 2026 10:00:00 GMT+0000 (${comment})`;
    assert.deepEqual([at('UTCX').length, at('UTCXY').length], [40, 41]);
    assert.equal(ownLoginsOf([{ ...good, at: at('UTCX') }]).length, 1, '40 characters');
    assert.equal(ownLoginsOf([{ ...good, at: at('UTCXY') }]).length, 0, '41 characters');
    assert.equal(ownLoginsOf([{ ...good, at: 'yesterday' }]).length, 0);
    assert.equal(ownLoginsOf([{ ...good, at: 5 }]).length, 0);
    assert.equal(ownLoginsOf([{ ...good, sourceIp: 'a'.repeat(64) }]).length, 1);
    assert.equal(ownLoginsOf([{ ...good, sourceIp: 'a'.repeat(65) }]).length, 0);
    assert.equal(ownLoginsOf([{ ...good, sourceIp: 42 }]).length, 0);
    assert.equal(ownLoginsOf([{ ...good, ok: 'true' }]).length, 0);
    for (const by of ['self-test', 'reader']) assert.equal(ownLoginsOf([{ ...good, by }]).length, 1, by);
    assert.equal(ownLoginsOf([{ ...good, by: 'other' }]).length, 0);
    for (const o of [null, 'x', 3, []]) assert.equal(ownLoginsOf([o]).length, 0, String(o));
  });
});

describe('own logins: values that only look right', () => {
  it('an Id, a time or an address of another type is left out even where its text would pass', () => {
    assert.equal(ownLoginsOf([{ ...good, id: 123456789012345 }]).length, 0, 'a 15-digit number');
    assert.equal(ownLoginsOf([{ ...good, at: ['2026-11-30T10:00:00Z'] }]).length, 0, 'a list holding a date');
    assert.equal(ownLoginsOf([{ ...good, sourceIp: ['198.51.100.1'] }]).length, 0, 'a list holding an address');
    assert.equal(ownLoginsOf([Object.assign(() => undefined, good)]).length, 0, 'a function carrying the fields');
  });
  it(`a stored list keeps at most ${OWN_LOGINS_KEPT} logins`, () => {
    const many = Array.from({ length: OWN_LOGINS_KEPT + 1 }, (_, i) => ({
      ...good,
      id: `0Ya${String(i).padStart(12, '0')}`,
    }));
    assert.equal(ownLoginsOf(many).length, OWN_LOGINS_KEPT);
  });
  it("a document's org keys are an org Id and a username, whole; anything but an object of lists is no org", () => {
    const doc = (orgs: unknown) => Object.keys(parseOwnLogins(JSON.stringify({ version: 1, orgs })).orgs);
    const key = '00D000000000001:balkanid@acme.com';
    assert.deepEqual(doc({ [key]: [good], [`x${key}`]: [good], [`${key} b`]: [good] }), [key]);
    for (const orgs of [null, 'x', 3, [[good]]]) assert.deepEqual(doc(orgs), [], JSON.stringify(orgs));
    assert.deepEqual(parseOwnLogins('null'), { version: 1, orgs: {} });
    const hundredOne = Object.fromEntries(
      Array.from({ length: 101 }, (_, i) => [`00D${String(i).padStart(12, '0')}:u`, [good]]),
    );
    assert.equal(doc(hundredOne).length, 100, 'at most 100 orgs');
  });
  it("as many new rows as attempts from two addresses: all of them are the tool's", () => {
    const fresh = loginsMadeBetween([], [row(1, 1, 'Success', '203.0.113.9'), row(2, 2)], 2, 'self-test');
    assert.equal(fresh.length, 2);
  });
  it("more new rows than attempts, none with an address: the newest are the tool's", () => {
    const fresh = loginsMadeBetween(
      [],
      [row(1, 1, 'Success', null), row(2, 2, 'Success', null), row(3, 3)],
      2,
      'reader',
    );
    assert.deepEqual(
      fresh.map(o => o.id),
      [row(2, 2).Id, row(1, 1).Id],
    );
  });
  it('remembering two logins at once keeps each once', () => {
    const other = { ...good, id: '0Ya000000000002AAA', at: '2026-11-30T11:00:00Z' };
    assert.deepEqual(rememberLogins([good], [other, good]), [other, good]);
  });
});
