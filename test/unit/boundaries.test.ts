// Boundaries, on both sides of each line: a certificate's last second and first second, the 30-day "expiring"
// line, the 15→18-character Id suffix for the first and last capital letters, and the limits the manifest enforces.
// One certificate (valid from NOW − 1 h to NOW + 365 days) is read at different instants of the tests' clock.
import assert from 'node:assert/strict';
import { certificateProblems, readCertificate } from '../../src/core/certificate';
import { id18 } from '../../src/core/extract/entities';
import { validateManifest } from '../../src/core/manifest';
import { certAt, NOW } from '../support/clock';

const DAY = 86_400_000;
const pem = () => certAt(NOW).certPem;
const VALID_FROM = NOW - 3_600_000;
const VALID_TO = NOW + 365 * DAY;
/** The certificate's problems (code, severity) and its daysLeft, read at `now`. */
const at = (now: number) => {
  const c = readCertificate(pem(), now);
  return { daysLeft: c.daysLeft, problems: certificateProblems(c, now).map(p => [p.code, p.severity]) };
};

describe('boundaries: certificate validity', () => {
  it('the fixture certificate is valid from NOW − 1 h to NOW + 365 days, to the second', () => {
    const c = readCertificate(pem(), NOW);
    assert.equal(c.validFrom, new Date(VALID_FROM).toISOString());
    assert.equal(c.validTo, new Date(VALID_TO).toISOString());
  });
  it('at the very second it expires, the certificate is expired (an error), with 0 days left', () => {
    assert.deepEqual(at(VALID_TO), { daysLeft: 0, problems: [['cert-expired', 'error']] });
  });
  it('one millisecond before it expires, it is still valid but expiring (a warning), 0 days left', () => {
    assert.deepEqual(at(VALID_TO - 1), { daysLeft: 0, problems: [['cert-expiring', 'warning']] });
  });
  it('a day after it expired it is expired, with −1 days left', () => {
    assert.deepEqual(at(VALID_TO + DAY), { daysLeft: -1, problems: [['cert-expired', 'error']] });
  });
  it('30 days left exactly is "expiring" (a warning)', () => {
    assert.deepEqual(at(VALID_TO - 30 * DAY), { daysLeft: 30, problems: [['cert-expiring', 'warning']] });
  });
  it('one millisecond short of 31 days left is still 30 days, "expiring"', () => {
    assert.deepEqual(at(VALID_TO - 31 * DAY + 1), { daysLeft: 30, problems: [['cert-expiring', 'warning']] });
  });
  it('31 days left exactly is no problem at all', () => {
    assert.deepEqual(at(VALID_TO - 31 * DAY), { daysLeft: 31, problems: [] });
  });
  it('from its first second on, the certificate is valid: no problem', () => {
    assert.deepEqual(at(VALID_FROM).problems, []);
  });
  it('one millisecond before its first second, it is not yet valid (an error) and the message names the date', () => {
    const c = readCertificate(pem(), VALID_FROM - 1);
    const problems = certificateProblems(c, VALID_FROM - 1);
    assert.deepEqual(
      problems.map(p => [p.code, p.severity]),
      [['cert-not-yet-valid', 'error']],
    );
    assert.match(problems[0]!.message, new RegExp(new Date(VALID_FROM).toISOString().slice(0, 10)));
  });
  it('the expiring message says how many days are left and the day it expires', () => {
    const problems = certificateProblems(readCertificate(pem(), VALID_TO - 12 * DAY), VALID_TO - 12 * DAY);
    assert.match(problems[0]!.message, /expires in 12 day\(s\), on \d{4}-\d\d-\d\d\./);
    assert.ok(problems[0]!.message.includes(new Date(VALID_TO).toISOString().slice(0, 10)));
  });
  it('a 2048-bit RSA key is long enough; a key of unknown size counts as too short', () => {
    const c = readCertificate(pem(), NOW);
    assert.equal(c.keyBits, 2048);
    assert.deepEqual(certificateProblems(c, NOW), []);
    assert.deepEqual(
      certificateProblems({ ...c, keyBits: undefined }, NOW).map(p => [p.code, p.severity]),
      [['cert-key-too-short', 'error']],
    );
    assert.deepEqual(
      certificateProblems({ ...c, keyBits: 2047 }, NOW).map(p => p.code),
      ['cert-key-too-short'],
    );
  });
  it('a key that is not RSA is reported (an error) and its length is not judged', () => {
    const c = readCertificate(pem(), NOW);
    assert.deepEqual(
      certificateProblems({ ...c, keyType: 'ec', keyBits: 256 }, NOW).map(p => [p.code, p.severity]),
      [['cert-not-rsa', 'error']],
    );
    assert.match(certificateProblems({ ...c, keyType: 'ec' }, NOW)[0]!.message, /has a EC key/);
  });
  it('an expired certificate with a short key reports both, and of its validity only "expired" (not also expiring)', () => {
    const c = readCertificate(pem(), NOW);
    assert.deepEqual(
      certificateProblems({ ...c, keyBits: 1024 }, VALID_TO + 1).map(p => p.code),
      ['cert-key-too-short', 'cert-expired'],
    );
  });
});

describe('boundaries: 15 → 18-character Ids', () => {
  it("Salesforce's documented example: 00D000000000062 → 00D000000000062EAA", () => {
    assert.equal(id18('00D000000000062'), '00D000000000062EAA');
  });
  it('"A" and "Z" count as capitals in every position of every block; "@", "[", "`", "{" and lowercase do not', () => {
    // block 1: A at position 0 → bit 1 → "B"; block 2: Z at position 4 → bit 16 → "Q"; block 3: all capitals → "5"
    assert.equal(id18('A00000000ZAZAZA'), 'A00000000ZAZAZABQ5');
    assert.equal(id18('@[`{@az09zaaaaa'), '@[`{@az09zaaaaaAAA');
    assert.equal(id18('0A000Z0000000Z0'), '0A000Z0000000Z0CBI');
  });
  it('each block is read on its own five characters (a capital in the next block does not count)', () => {
    assert.equal(id18('00000A0000B0000'), '00000A0000B0000ABB');
    assert.equal(id18('0000ZZ0000'.padEnd(15, 'a')), '0000ZZ0000aaaaaQBA');
  });
  it('an Id that is not 15 characters long is returned as it is', () => {
    assert.equal(id18('00D000000000062EAA'), '00D000000000062EAA');
    assert.equal(id18('00D00000000006'), '00D00000000006');
    assert.equal(id18(''), '');
  });
});

describe('boundaries: the limits a manifest is held to', () => {
  const base = { user: { username: 'balkanid@acme.com', email: 'it@acme.com' } };
  const problemsOf = (raw: object) => validateManifest(raw).problems.map(p => p.path.join('.'));
  it('a username of exactly 80 characters is accepted; 81 is refused', () => {
    const name = (n: number) => `${'u'.repeat(n - '@acme.com'.length)}@acme.com`;
    assert.equal(name(80).length, 80);
    assert.deepEqual(problemsOf({ user: { ...base.user, username: name(80) } }), []);
    assert.deepEqual(problemsOf({ user: { ...base.user, username: name(81) } }), ['user.username']);
  });
  it("an email of exactly 128 characters is accepted; 129 is refused (and the app's contact email, its default)", () => {
    const email = (n: number) => `${'e'.repeat(n - '@acme.com'.length)}@acme.com`;
    assert.deepEqual(problemsOf({ user: { ...base.user, email: email(128) } }), []);
    assert.deepEqual(problemsOf({ user: { ...base.user, email: email(129) } }), ['user.email', 'app.contactEmail']);
  });
  it('an alias of 8 characters is accepted; 9 is refused', () => {
    assert.deepEqual(problemsOf({ user: { ...base.user, alias: 'a'.repeat(8) } }), []);
    assert.deepEqual(problemsOf({ user: { ...base.user, alias: 'a'.repeat(9) } }), ['user.alias']);
  });
  it('first name 40 / last name 80 / profile name 255 / labels 80 characters are accepted; one more is refused', () => {
    const cases: Array<[string[], number]> = [
      [['user', 'firstName'], 40],
      [['user', 'lastName'], 80],
      [['profile', 'name'], 255],
      [['permissionSet', 'label'], 80],
      [['app', 'label'], 80],
    ];
    for (const [[section, key], max] of cases) {
      const withValue = (v: string) => ({
        ...base,
        [section!]: { ...((base as Record<string, object>)[section!] ?? {}), [key!]: v },
      });
      assert.deepEqual(problemsOf(withValue('x'.repeat(max))), [], `${section}.${key} at ${max}`);
      assert.deepEqual(problemsOf(withValue('x'.repeat(max + 1))), [`${section}.${key}`], `${section}.${key} over`);
    }
  });
  it('a permission set API name of 80 characters and an app API name of 40 are accepted; one more is refused', () => {
    const n = (len: number) => `A${'b'.repeat(len - 1)}`;
    assert.deepEqual(problemsOf({ ...base, permissionSet: { name: n(80) } }), []);
    assert.deepEqual(problemsOf({ ...base, permissionSet: { name: n(81) } }), ['permissionSet.name']);
    assert.deepEqual(problemsOf({ ...base, app: { name: n(40) } }), []);
    assert.deepEqual(problemsOf({ ...base, app: { name: n(41) } }), ['app.name']);
  });
  it('a contact email of 128 characters is accepted; 129 is refused, once', () => {
    const email = (n: number) => `${'c'.repeat(n - '@acme.com'.length)}@acme.com`;
    assert.deepEqual(problemsOf({ ...base, app: { contactEmail: email(128) } }), []);
    assert.deepEqual(problemsOf({ ...base, app: { contactEmail: email(129) } }), ['app.contactEmail']);
  });
});
