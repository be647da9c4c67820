// Bad input: every case gets a specific error that says what to do.
import assert from 'node:assert/strict';
import { parseManifest } from '../../src/core/manifestText';
import { checkSize, readCertificate, readPrivateKey, certificateProblems } from '../../src/core/certificate';
import { checkInstanceUrl } from '../../src/node/salesforce';
import { myDomainUrl, typedOrgUrl } from '../../src/core/url';
import { parseArgs } from '../../src/cli';
import { orgFolder } from '../../src/cli/orgs';
import { selfSignedCert } from '../../packages/sf-test-org/src/x509';
import { certAt, NOW } from '../support/clock';

const ok = { user: { username: 'balkanid@acme.com', email: 'it@acme.com' } };
const withUser = (u: object) => ({ ...ok, user: { ...ok.user, ...u } });

// [description, manifest text, JSON path of the problem, message pattern]
const MANIFESTS: Array<[string, string, string, RegExp]> = [
  ['not JSON', '{ "user": ', '', /not valid JSON/],
  ['an array', '[]', '', /must be a JSON object/],
  ['a string', '"hello"', '', /must be a JSON object/],
  ['no user', '{}', 'user.username', /is required/],
  ['no email', JSON.stringify({ user: { username: 'a@b.co' } }), 'user.email', /is required/],
  [
    'username not an email',
    JSON.stringify(withUser({ username: 'balkanid' })),
    'user.username',
    /form of an email address/,
  ],
  [
    'username with spaces',
    JSON.stringify(withUser({ username: 'bal kanid@acme.com' })),
    'user.username',
    /form of an email address/,
  ],
  [
    'username padded',
    JSON.stringify(withUser({ username: ' balkanid@acme.com' })),
    'user.username',
    /leading or trailing spaces/,
  ],
  [
    'username too long',
    JSON.stringify(withUser({ username: `${'a'.repeat(80)}@acme.com` })),
    'user.username',
    /89 characters long; Salesforce allows at most 80/,
  ],
  ['username a number', JSON.stringify(withUser({ username: 42 })), 'user.username', /must be a string/],
  ['username empty', JSON.stringify(withUser({ username: '' })), 'user.username', /is empty/],
  ['email invalid', JSON.stringify(withUser({ email: 'it-ops' })), 'user.email', /not a valid email/],
  ['email no TLD', JSON.stringify(withUser({ email: 'it@acme' })), 'user.email', /not a valid email/],
  ['alias too long', JSON.stringify(withUser({ alias: 'BalkanIDx' })), 'user.alias', /longer than 8/],
  ['last name too long', JSON.stringify(withUser({ lastName: 'x'.repeat(81) })), 'user.lastName', /at most 80/],
  ['unknown user key', JSON.stringify(withUser({ role: 'CEO' })), 'user.role', /Unknown setting/],
  ['unknown top-level key', JSON.stringify({ ...ok, usr: {} }), 'usr', /Unknown setting/],
  ['section not an object', JSON.stringify({ ...ok, app: 'BalkanID' }), 'app', /must be an object/],
  [
    'profile name too long',
    JSON.stringify({ ...ok, profile: { name: 'p'.repeat(256) } }),
    'profile.name',
    /256 characters long; Salesforce allows at most 255/,
  ],
  [
    'permission set name with space',
    JSON.stringify({ ...ok, permissionSet: { name: 'BalkanID Extractor' } }),
    'permissionSet.name',
    /not a valid API name/,
  ],
  [
    'permission set name double underscore',
    JSON.stringify({ ...ok, permissionSet: { name: 'BalkanID__X' } }),
    'permissionSet.name',
    /not a valid API name/,
  ],
  [
    'permission set name trailing underscore',
    JSON.stringify({ ...ok, permissionSet: { name: 'BalkanID_' } }),
    'permissionSet.name',
    /not a valid API name/,
  ],
  [
    'permission set name starts with digit',
    JSON.stringify({ ...ok, permissionSet: { name: '1BalkanID' } }),
    'permissionSet.name',
    /not a valid API name/,
  ],
  ['app name too long', JSON.stringify({ ...ok, app: { name: 'A'.repeat(41) } }), 'app.name', /at most 40/],
  [
    'app name with dash',
    JSON.stringify({ ...ok, app: { name: 'BalkanID-Extractor' } }),
    'app.name',
    /not a valid API name/,
  ],
  [
    'callback not a URL',
    JSON.stringify({ ...ok, app: { callbackUrl: 'app.balkan.id' } }),
    'app.callbackUrl',
    /is not a URL/,
  ],
  [
    'callback over http',
    JSON.stringify({ ...ok, app: { callbackUrl: 'http://app.balkan.id' } }),
    'app.callbackUrl',
    /must use https/,
  ],
  [
    'login URL over http',
    JSON.stringify({ ...ok, loginUrl: 'http://login.salesforce.com' }),
    'loginUrl',
    /must use https/,
  ],
  ['login URL garbage', JSON.stringify({ ...ok, loginUrl: 'login' }), 'loginUrl', /is not a URL/],
  [
    'contact email invalid',
    JSON.stringify({ ...ok, app: { contactEmail: 'nobody' } }),
    'app.contactEmail',
    /not a valid email/,
  ],
  ['scopes not an array', JSON.stringify({ ...ok, app: { scopes: 'Api' } }), 'app.scopes', /must be an array/],
  [
    'runtime scope names',
    JSON.stringify({ ...ok, app: { scopes: ['api', 'refresh_token'] } }),
    'app.scopes.0',
    /Use the metadata name "Api"/,
  ],
  [
    'scopes without Api',
    JSON.stringify({ ...ok, app: { scopes: ['RefreshToken'] } }),
    'app.scopes',
    /must include "Api"/,
  ],
  ['unknown scope', JSON.stringify({ ...ok, app: { scopes: ['Api', 'Everything'] } }), 'app.scopes.1', /Unknown scope/],
  [
    'bad IP relaxation',
    JSON.stringify({ ...ok, app: { ipRelaxation: 'Relax' } }),
    'app.ipRelaxation',
    /not an IP relaxation policy/,
  ],
  [
    'certificate is a key file',
    JSON.stringify({ ...ok, certificate: 'salesforce.key' }),
    'certificate',
    /looks like a private key/,
  ],
  ['certificate empty', JSON.stringify({ ...ok, certificate: '' }), 'certificate', /is empty/],
  [
    'first name over 40 (User.FirstName)',
    JSON.stringify(withUser({ firstName: 'f'.repeat(41) })),
    'user.firstName',
    /41 characters long; Salesforce allows at most 40/,
  ],
  [
    'email over 128 (User.Email)',
    JSON.stringify(withUser({ email: `${'e'.repeat(120)}@acme.com` })),
    'user.email',
    /129 characters long; Salesforce allows at most 128/,
  ],
  ['10,000 nested brackets (the parser would overflow its stack)', '['.repeat(10000), '', /nests deeper than 6 levels/],
  [
    'permission set label over 80',
    JSON.stringify({ ...ok, permissionSet: { label: 'L'.repeat(81) } }),
    'permissionSet.label',
    /at most 80/,
  ],
  ['app label over 80', JSON.stringify({ ...ok, app: { label: 'L'.repeat(81) } }), 'app.label', /at most 80/],
  [
    'a zero-width space in the username',
    JSON.stringify(withUser({ username: 'balk\u200Banid@acme.com' })),
    'user.username',
    /invisible character \(U\+200B\) at position 5/,
  ],
  [
    'a right-to-left override in the username',
    JSON.stringify(withUser({ username: 'balkanid@\u202Emoc.emca' })),
    'user.username',
    /invisible character \(U\+202E\)/,
  ],
  [
    'a control character in the last name',
    JSON.stringify(withUser({ lastName: 'Balkan\u0007ID' })),
    'user.lastName',
    /invisible character \(U\+0007\)/,
  ],
  [
    'a __proto__ key',
    '{"user": {"username": "a@b.co", "email": "a@b.co", "__proto__": {"alias": "x"}}}',
    'user.__proto__',
    /key "__proto__" is not allowed/,
  ],
  [
    'a constructor key at the top',
    '{"constructor": {"prototype": {}}, "user": {"username": "a@b.co", "email": "a@b.co"}}',
    'constructor',
    /key "constructor" is not allowed/,
  ],
  [
    'nesting 7 levels deep',
    JSON.stringify({ ...ok, app: { scopes: [[[[[['Api']]]]]] } }),
    '',
    /nests deeper than 6 levels/,
  ],
  [
    'a 65 KB manifest',
    JSON.stringify({ ...ok, padding: 'x'.repeat(65 * 1024) }),
    '',
    /manifest is 65 KB; a setup manifest is at most 64 KB/,
  ],
  [
    'a key set twice',
    '{"user": {"username": "a@b.co", "email": "a@b.co"}, "user": {"username": "x@y.co", "email": "x@y.co"}}',
    'user',
    /"user" is set twice/,
  ],
  ['a scope listed twice', JSON.stringify({ ...ok, app: { scopes: ['Api', 'Api'] } }), 'app.scopes.1', /listed twice/],
];

describe('bad input: the setup manifest', () => {
  for (const [what, text, path, message] of MANIFESTS) {
    it(`${what} → ${path || '(manifest)'}`, () => {
      const r = parseManifest(text);
      assert.equal(r.manifest, undefined, 'nothing usable comes out');
      const p = r.problems.find(x => x.path.join('.') === path);
      assert.ok(p, `no problem at ${path}: ${JSON.stringify(r.problems)}`);
      assert.match(`${p!.message} ${p!.fix}`, message);
      assert.ok(p!.fix.length > 10, 'says what to do');
    });
  }
  it("a manifest with only username and email works, with the guide's defaults", () => {
    const r = parseManifest(JSON.stringify(ok));
    assert.deepEqual(r.problems, []);
    assert.deepEqual(
      [
        r.manifest!.profile.name,
        r.manifest!.user.alias,
        r.manifest!.app.callbackUrl,
        r.manifest!.app.scopes,
        r.manifest!.app.ipRelaxation,
        r.manifest!.app.contactEmail,
      ],
      ['BalkanID Integration', 'BalkanID', 'https://app.balkan.id', ['Api', 'RefreshToken'], 'Bypass', 'it@acme.com'],
    );
  });
  it('accepts a UTF-8 byte-order mark (as Windows editors save it)', () => {
    const r = parseManifest('\uFEFF' + JSON.stringify(ok));
    assert.deepEqual(r.problems, []);
    assert.equal(r.manifest!.user.username, 'balkanid@acme.com');
  });
  it('a __proto__ key changes no object: the manifest is refused before any object is built from it', () => {
    const r = parseManifest('{"__proto__": {"polluted": true}, "user": {"username": "a@b.co", "email": "a@b.co"}}');
    assert.equal(r.manifest, undefined);
    assert.equal(({} as any).polluted, undefined);
  });
  it('accepts comments and trailing commas (JSONC) and an http login URL to loopback only', () => {
    assert.deepEqual(
      parseManifest(
        '{ // BalkanID\n "user": {"username": "a@b.co", "email": "a@b.co",}, "loginUrl": "http://127.0.0.1:8080" }',
      ).problems,
      [],
    );
  });
});

describe('bad input: certificates and keys', () => {
  const cert = certAt(NOW);
  const CERTS: Array<[string, string | Buffer, string]> = [
    ['a private key', cert.keyPem, 'cert-is-private-key'],
    [
      'an RSA private key',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n',
      'cert-is-private-key',
    ],
    [
      'an OpenSSH key',
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n-----END OPENSSH PRIVATE KEY-----\n',
      'cert-is-private-key',
    ],
    ['a CSR', '-----BEGIN CERTIFICATE REQUEST-----\nMIIC\n-----END CERTIFICATE REQUEST-----\n', 'cert-is-csr'],
    ['a public key', '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n', 'cert-is-public-key'],
    ['a truncated PEM', cert.certPem.slice(0, 200) + '\n-----END CERTIFICATE-----\n', 'cert-unreadable'],
    ['plain text', 'hello, this is not a certificate', 'cert-unreadable'],
    ['random bytes', Buffer.from([1, 2, 3, 4, 5, 6, 7]), 'cert-unreadable'],
  ];
  it('certificate: 1 MB of BEGIN CERTIFICATE lines is refused by size before parsing, with the size', () => {
    const junk = '-----BEGIN CERTIFICATE-----\n'.repeat(40000);
    assert.throws(
      () => readCertificate(junk, NOW),
      (e: any) => e.code === 'cert-too-large' && /is 1\d{3} KB; at most 64 KB/.test(e.message),
    );
  });
  it('certificate: 60 KB of unclosed BEGIN lines (under the limit) is read in one pass and refused as unreadable', () => {
    assert.throws(
      () => readCertificate('-----BEGIN CERTIFICATE-----\n'.repeat(2000), NOW),
      (e: any) => e.code === 'cert-unreadable',
    );
  });
  it('certificate: a valid certificate followed by 12 MB of junk is refused, not deployed', () => {
    assert.throws(
      () => readCertificate(cert.certPem + 'A'.repeat(12 * 1024 * 1024), NOW),
      (e: any) => e.code === 'cert-too-large' && /is 1228\d KB/.test(e.message),
    );
  });
  it('certificate: a file with two certificates is refused, naming both (subject and fingerprint)', () => {
    const other = selfSignedCert({ now: NOW, cn: 'Someone Else' });
    assert.throws(
      () => readCertificate(cert.certPem + other.certPem, NOW),
      (e: any) =>
        e.code === 'cert-several' &&
        /holds 2 certificates/.test(e.message) &&
        /CN=BalkanID Extractor/.test(e.message) &&
        /CN=Someone Else/.test(e.message) &&
        e.message.includes(readCertificate(other.certPem, NOW).fingerprint256.slice(0, 23)),
    );
  });
  it('private key: over 64 KB is refused by size', () => {
    assert.throws(
      () => readPrivateKey(cert.keyPem + 'x'.repeat(64 * 1024)),
      (e: any) => e.code === 'key-too-large' && /at most 64 KB/.test(e.message),
    );
  });
  for (const [what, data, code] of CERTS) {
    it(`certificate: ${what} → ${code}`, () => {
      assert.throws(
        () => readCertificate(data, NOW),
        (e: any) => e.code === code && e.message.length > 30,
      );
    });
  }
  it('reads PEM, DER and a bare base64 body alike, with fingerprint and key size', () => {
    const pem = readCertificate(cert.certPem, NOW);
    const der = readCertificate(Buffer.from(pem.body.replace(/\s/g, ''), 'base64'), NOW);
    const body = readCertificate(pem.body, NOW);
    assert.equal(der.fingerprint256, pem.fingerprint256);
    assert.equal(body.fingerprint256, pem.fingerprint256);
    assert.deepEqual([pem.keyType, pem.keyBits], ['rsa', 2048]);
    assert.match(pem.subject, /CN=BalkanID Extractor/);
  });
  it('the certificate read back: subject and issuer on one line, the body and PEM in lines of 64 characters', () => {
    const c = readCertificate(cert.certPem, NOW);
    assert.equal(c.subject, 'O=BalkanID Test, CN=BalkanID Extractor');
    assert.equal(c.issuer, c.subject, 'self-signed');
    const lines = c.body.split('\n');
    assert.ok(lines.length > 5);
    assert.ok(lines.slice(0, -1).every(l => l.length === 64));
    assert.ok(lines.at(-1)!.length > 0 && lines.at(-1)!.length <= 64);
    assert.equal(c.pem, `-----BEGIN CERTIFICATE-----\n${c.body}\n-----END CERTIFICATE-----\n`);
  });
  it('a base64 body with a character base64 does not have is unreadable, not decoded around it', () => {
    const body = readCertificate(cert.certPem, NOW).body;
    assert.throws(
      () => readCertificate(`${body.slice(0, 200)}!${body.slice(200)}`, NOW),
      (e: any) => e.code === 'cert-unreadable',
    );
  });
  it('two certificates are named in order: each subject and the first 23 characters of its SHA-256 fingerprint', () => {
    const other = selfSignedCert({ now: NOW, cn: 'Someone Else' });
    const named = (pem: string) => {
      const c = readCertificate(pem, NOW);
      return `${c.subject} (SHA-256 ${c.fingerprint256.slice(0, 23)}…)`;
    };
    assert.throws(
      () => readCertificate(cert.certPem + other.certPem, NOW),
      (e: any) =>
        e.message.startsWith(`The file holds 2 certificates: 1. ${named(cert.certPem)}; 2. ${named(other.certPem)}. `),
    );
  });
  it('size: exactly the limit is read (then judged as a certificate), one byte more is refused; small sizes in tenths of a KB', () => {
    const exact = 'x'.repeat(64 * 1024);
    assert.throws(
      () => readCertificate(exact, NOW),
      (e: any) => e.code === 'cert-unreadable',
    );
    assert.throws(
      () => readCertificate(exact + 'x', NOW),
      (e: any) => e.code === 'cert-too-large',
    );
    assert.throws(
      () => checkSize(9.5 * 1024, 8 * 1024, 'The file', 'cert-too-large'),
      (e: any) => e.message === 'The file is 9.5 KB; at most 8.0 KB is accepted. Check that you picked the right file.',
    );
    assert.throws(
      () => checkSize(10 * 1024 + 600, 10 * 1024, 'The file', 'cert-too-large'),
      (e: any) => e.message.startsWith('The file is 11 KB; at most 10 KB'),
    );
    assert.doesNotThrow(() => checkSize(8 * 1024, 8 * 1024, 'The file', 'cert-too-large'));
  });
  it('a 1024-bit RSA certificate: cert-key-too-short, saying its bits and what to ask BalkanID for', () => {
    const short = readCertificate(selfSignedCert({ now: NOW, bits: 1024 }).certPem, NOW);
    const f = certificateProblems(short, NOW).find(p => p.code === 'cert-key-too-short')!;
    assert.equal(f.message, "The certificate's RSA key has 1024 bits; at least 2048 are needed.");
    assert.equal(f.fix, 'Ask BalkanID for a certificate with a 2048-bit (or longer) key.');
  });
  const now = NOW;
  const PROBLEMS: Array<[string, () => string, string]> = [
    [
      'expired',
      () =>
        selfSignedCert({ now, notBefore: new Date(now - 400 * 86400e3), notAfter: new Date(now - 86400e3) }).certPem,
      'cert-expired',
    ],
    [
      'not yet valid',
      () => selfSignedCert({ now, notBefore: new Date(now + 5 * 86400e3) }).certPem,
      'cert-not-yet-valid',
    ],
    [
      'expiring in 10 days',
      () => selfSignedCert({ now, notAfter: new Date(now + 10 * 86400e3) }).certPem,
      'cert-expiring',
    ],
    ['an EC key', () => selfSignedCert({ now, keyType: 'ec' }).certPem, 'cert-not-rsa'],
    ['a 1024-bit key', () => selfSignedCert({ now, bits: 1024 }).certPem, 'cert-key-too-short'],
  ];
  for (const [what, make, code] of PROBLEMS) {
    it(`certificate: ${what} → ${code}`, () => {
      assert.deepEqual(
        certificateProblems(readCertificate(make(), NOW), now).map(p => p.code),
        [code],
      );
    });
  }
  const KEYS: Array<[string, () => string, string]> = [
    ['a certificate instead of the key', () => cert.certPem, 'key-is-certificate'],
    [
      'an encrypted key',
      () => '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIF\n-----END ENCRYPTED PRIVATE KEY-----\n',
      'key-encrypted',
    ],
    ['garbage', () => 'not a key', 'key-unreadable'],
    ['an EC key', () => selfSignedCert({ now, keyType: 'ec' }).keyPem, 'key-not-rsa'],
    ['a 1024-bit key', () => selfSignedCert({ now, bits: 1024 }).keyPem, 'key-too-short'],
  ];
  for (const [what, make, code] of KEYS) {
    it(`private key: ${what} → ${code}`, () => {
      assert.throws(
        () => readPrivateKey(make()),
        (e: any) => e.code === code,
      );
    });
  }
});

describe('bad input: URLs and command lines', () => {
  const URLS: Array<[string, RegExp]> = [
    ['http://acme.my.salesforce.com', /https only/],
    ['ftp://127.0.0.1', /https only/],
    ['acme.my.salesforce.com', /not a URL/],
    ['', /not a URL/],
  ];
  for (const [url, message] of URLS)
    it(`instance URL "${url}" is refused`, () =>
      assert.throws(
        () => checkInstanceUrl(url),
        (e: any) => message.test(e.message),
      ));
  it('instance URLs: https anywhere, http to loopback only', () => {
    assert.equal(checkInstanceUrl('https://acme.my.salesforce.com/'), 'https://acme.my.salesforce.com');
    assert.equal(checkInstanceUrl('http://127.0.0.1:4567/x'), 'http://127.0.0.1:4567');
  });
  it('the org picker offers a browser login for a typed address, never for text that filters the list', () => {
    assert.equal(typedOrgUrl('https://acme.my.salesforce.com/'), 'https://acme.my.salesforce.com');
    assert.equal(typedOrgUrl('acme.lightning.force.com'), 'https://acme.my.salesforce.com');
    assert.equal(typedOrgUrl('http://127.0.0.1:4567'), 'http://127.0.0.1:4567');
    assert.equal(typedOrgUrl('localhost:4567'), 'https://localhost:4567');
    for (const filter of ['acme-uat', 'admin@acme.example', 'acme.example', 'acme', ''])
      assert.equal(typedOrgUrl(filter), undefined, filter);
    assert.equal(typedOrgUrl('http://evil.example.com'), undefined, 'http to a real host is no address to log in at');
  });

  it("an address copied from the browser becomes the org's My Domain URL; http to a real host stays refused", () => {
    const CASES: Array<[string, string]> = [
      ['https://acme.lightning.force.com/lightning/setup/SetupOneHome/home', 'https://acme.my.salesforce.com'],
      ['acme--uat.sandbox.lightning.force.com/lightning/page/home', 'https://acme--uat.sandbox.my.salesforce.com'],
      ['https://acme-dev-ed.develop.lightning.force.com', 'https://acme-dev-ed.develop.my.salesforce.com'],
      ['https://acme.my.salesforce-setup.com/lightning/setup/Users/home', 'https://acme.my.salesforce.com'],
      ['acme.my.salesforce.com', 'https://acme.my.salesforce.com'],
      ['  https://acme.my.salesforce.com/  ', 'https://acme.my.salesforce.com'],
      ['http://127.0.0.1:4567', 'http://127.0.0.1:4567'],
    ];
    for (const [input, want] of CASES) assert.equal(myDomainUrl(input), want, input);
    assert.throws(() => myDomainUrl('http://acme.my.salesforce.com'), /https only/);
  });
  const ARGS: Array<[string[], RegExp]> = [
    [['deploy'], /Unknown command "deploy"/],
    [['check', '--frobnicate'], /Unknown option --frobnicate/],
    [['apply', '--step', 'everything'], /Unknown step "everything"/],
    [['check', '--step', 'user'], /--step goes with apply, not check/],
    [['check', '--manifest'], /--manifest needs a value/],
    [['check', 'extra'], /Unexpected argument "extra"/],
    [['check', '--target-org', 'x', '--instance-url', 'https://a.b'], /either --target-org or --instance-url/],
    [['teardown', '--yes=no'], /--yes takes no value/],
    [['apply', '--yes=true'], /--yes takes no value/],
    [['check', '--json=1'], /--json takes no value/],
    [['apply', '--step', 'user', '--step', 'app'], /--step is given more than once/],
    [['check', '--json', '--json'], /--json is given more than once/],
    [['verify', '--retries', '0'], /--retries must be a whole number from 1 to 30, not "0"/],
    [['verify', '--retries', 'abc'], /not "abc"/],
    [['verify', '--retries', '2.5'], /not "2.5"/],
    [['verify', '--retries', '31'], /from 1 to 30/],
    [['verify', '--retry-delay-ms', '-1'], /whole number/],
    [['apply', '--deploy-timeout', '5'], /--deploy-timeout must be a whole number from 10/],
    [['check', '--yes'], /--yes goes with apply or teardown, not check/],
    [['check', '--manifest='], /--manifest is empty/],
    [['apply', '--key', 'k.pem'], /--key goes with verify or preview or export, not apply/],
    [['check', '--target-org', 'a', '--target-org', 'a'], /--target-org a is given more than once/],
    [['check', '--all-orgs', '--target-org', 'a'], /Use either --all-orgs or --target-org, not both/],
    [['check', '--all-orgs', '--instance-url', 'https://x.my.salesforce.com'], /not both/],
    [['export'], /export needs --out <folder>/],
    [['upload'], /upload needs --dir <folder>/],
    [['upload', '--dir', 'd', '--api-key-secret', 's3cr3t'], /never taken from a flag .* \$BALKANID_API_KEY_SECRET/],
    [['upload', '--dir', 'd', '--api-key-secret=s3cr3t'], /never taken from a flag/],
    [['check', '--out', 'd'], /--out goes with export, not check/],
    [['export', '--out', 'd', '--tenant-url', 'https://x'], /--tenant-url goes with upload, not export/],
    [['check', '--concurrency', '0'], /--concurrency must be a whole number from 1 to 32/],
    [['teardown', '--all-orgs', '--yes'], /teardown does not take --all-orgs: name each org with --target-org/],
    [['export', '--out', 'd', '--app', 'a/b'], /--app "a\/b": use the id of an app in your BalkanID tenant/],
    [['export', '--out', 'd', '--app', '=cmd'], /not starting with - = \+ @/],
    [['export', '--out', 'd', '--users', 'everyone'], /--users takes standard, active or all, not "everyone"/],
    [['preview', '--users', 'portal'], /--users takes standard, active or all/],
    [['check', '--users', 'all'], /--users goes with (preview|export) or (preview|export), not check/],
    [['export', '--out', 'd', '--skip-app-check'], /--skip-app-check goes with upload, not export/],
    [['check', '--app', 'x'], /--app goes with export, not check/],
    [['check', '--concurrency', '33'], /from 1 to 32/],
  ];
  for (const [argv, message] of ARGS)
    it(`balkanid-sf ${argv.join(' ')} is refused`, () =>
      assert.throws(
        () => parseArgs(argv),
        (e: any) => message.test(e.message),
      ));
});

describe('several orgs on the command line', () => {
  it('--target-org repeated keeps every org in order; the first is also the single-org flag', () => {
    const a = parseArgs(['check', '--target-org', 'prod', '--target-org=uat', '--target-org', 'acquired']);
    assert.deepEqual(a.targets, ['prod', 'uat', 'acquired']);
    assert.equal(a.flags['target-org'], 'prod');
  });

  it('org folders: other characters percent-encoded, so two orgs never share one and "." or ".." stay inside --out', () => {
    assert.equal(orgFolder('prod'), 'prod');
    assert.equal(orgFolder('admin@acme.com.uat'), 'admin@acme.com.uat');
    assert.notEqual(orgFolder('a/b'), orgFolder('a_b'));
    assert.equal(orgFolder('a/b'), 'a%2Fb');
    assert.equal(orgFolder('..'), '%2E%2E');
    assert.equal(orgFolder('.'), '%2E');
  });

  it('preview and export take --retries and --retry-delay-ms for their JWT login', () => {
    assert.equal(parseArgs(['preview', '--key', 'k.pem', '--retries', '2']).flags.retries, '2');
    assert.equal(
      parseArgs(['export', '--out', 'd', '--key', 'k.pem', '--retry-delay-ms', '0']).flags['retry-delay-ms'],
      '0',
    );
  });

  it('the refusal of --api-key-secret never repeats the value given', () => {
    assert.throws(
      () => parseArgs(['upload', '--dir', 'd', '--api-key-secret=hunter2-very-secret']),
      (e: any) => !e.message.includes('hunter2'),
    );
  });
});
