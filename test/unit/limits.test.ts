// Salesforce's limits on manifest values, character by character: the email and API-name shapes, and every range of
// invisible characters (control, zero-width, bidirectional) with the characters just outside each range.
import assert from 'node:assert/strict';
import { API_NAME, EMAIL, INVISIBLE } from '../../src/core/limits';
import { validateManifest } from '../../src/core/manifest';

const hex = (c: string) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

describe('limits: email addresses', () => {
  it('local part, @, domain, a dot and a top-level domain of two characters or more', () => {
    for (const ok of ['a@b.co', 'a@b.com', 'first.last@mail.acme.com', 'a+b@b.museum'])
      assert.equal(EMAIL.test(ok), true, ok);
    for (const bad of [
      'a@b.c',
      'a@b',
      '@b.co',
      'a@.co',
      'a b@c.co',
      'a@b c.co',
      'a@b.c o',
      'a@@b.co',
      'a@b@c.co',
      'x a@b.co y',
    ])
      assert.equal(EMAIL.test(bad), false, bad);
  });
});

describe('limits: API names', () => {
  it('a letter first, then letters, digits and single underscores', () => {
    for (const ok of ['A', 'z', 'Z', 'a', 'AZaz09', 'a_b', 'a_b_c', 'B9', 'x0'])
      assert.equal(API_NAME.test(ok), true, ok);
    for (const bad of ['', '_a', '9a', '0', 'a__b', 'a-b', 'a b', 'a.b', '@a', 'a[', 'a`', 'a{', 'é'])
      assert.equal(API_NAME.test(bad), false, bad);
  });
  it('an API name ending in "_" is refused by the manifest', () => {
    assert.deepEqual(
      validateManifest({ user: { username: 'a@b.co', email: 'a@b.co' }, app: { name: 'App_' } }).problems.map(p =>
        p.path.join('.'),
      ),
      ['app.name'],
    );
  });
});

describe('limits: invisible characters', () => {
  const INSIDE = [
    '\u0000',
    '\u0009',
    '\u001F',
    '\u007F',
    '\u0085',
    '\u009F',
    '\u00AD',
    '\u061C',
    '\u180E',
    '\u200B',
    '\u200D',
    '\u200F',
    '\u202A',
    '\u202E',
    '\u2060',
    '\u2064',
    '\u2066',
    '\u206F',
    '\uFEFF',
  ];
  const OUTSIDE = [
    '\u0020',
    '\u007E',
    '\u00A0',
    '\u00AC',
    '\u00AE',
    '\u061B',
    '\u061D',
    '\u180D',
    '\u180F',
    '\u200A',
    '\u2010',
    '\u2029',
    '\u202F',
    '\u2065',
    '\u2070',
    '\uFEFE',
    '\uFF00',
    'a',
  ];
  it('every bound of every range is invisible', () => {
    for (const c of INSIDE) assert.equal(INVISIBLE.test(`a${c}b`), true, hex(c));
  });
  it('the characters just outside each range are not', () => {
    for (const c of OUTSIDE) assert.equal(INVISIBLE.test(`a${c}b`), false, hex(c));
  });
  it('the manifest names the character and its position (1-based)', () => {
    const r = validateManifest({ user: { username: 'a@b.co', email: 'a@b.co', firstName: 'Bal\u200BkanID' } });
    assert.deepEqual(
      r.problems.map(p => [p.path.join('.'), p.message]),
      [['user.firstName', '"user.firstName" contains an invisible character (U+200B) at position 4.']],
    );
    const c = validateManifest({ user: { username: 'a@b.co', email: 'a@b.co', lastName: 'x\u0007' } });
    assert.match(c.problems[0]!.message, /\(U\+0007\) at position 2\.$/);
  });
});
