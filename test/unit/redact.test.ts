// Redaction, exactly: every shape of secret the product knows becomes its placeholder whole — not just its first
// characters — and the text around it stays as it was. Each expected output is spelled out, so a pattern that stops
// early (a token cut after one character) or swallows its neighbours fails here.
// The registry of known secrets is process-wide: every value registered below is unique to this file.
import assert from 'node:assert/strict';
import { redact, redactDeep, registerSecret } from '../../src/core/redact';

// Characters at both ends of every range of the patterns' classes (A Z a z 0 9) and the punctuation they allow.
const ORG_ID_15 = '00DAZaz09Zb1c2d'; // "00D" + 12
const ORG_ID_18 = '00DAZaz09Zb1c2dXy9'; // "00D" + 15
const SESSION = 'AQ0AZaz09.Xy_Wv-Ut.SrqPONMLKjihgfedcba9876543210ZYXWVUTS';

describe('redaction: access tokens (session Ids)', () => {
  it('a token after a 15-character org Id becomes <access token> whole, the words around it kept', () => {
    assert.equal(redact(`token ${ORG_ID_15}!${SESSION} expired`), 'token <access token> expired');
  });
  it('a token after an 18-character org Id becomes <access token> whole', () => {
    assert.equal(redact(`(${ORG_ID_18}!${SESSION})`), '(<access token>)');
  });
  it('nothing of a long token after "!" is left, whatever letters, digits, dots, underscores and dashes it holds', () => {
    const long = `${SESSION}${'Zz9_.-A0a'.repeat(20)}`;
    assert.equal(redact(`${ORG_ID_15}!${long}`), '<access token>');
  });
  it('the part after "!" is a token from its 20th character on: 19 characters are not one', () => {
    assert.equal(redact(`${ORG_ID_15}!${'A'.repeat(19)}`), `${ORG_ID_15}!${'A'.repeat(19)}`);
    assert.equal(redact(`${ORG_ID_15}!${'Zz09.'.repeat(4)}`), '<access token>');
  });
  it('an org Id of 11 or 16 characters after "00D" is no org Id: the text stays readable', () => {
    const eleven = `00D${'Zz09a'.repeat(2)}Z!${SESSION}`;
    const sixteen = `00D${'Zz09'.repeat(4)}!${SESSION}`;
    assert.equal(redact(eleven), eleven);
    assert.equal(redact(sixteen), sixteen);
  });
  it('a token whose "!" is percent-encoded (%21, as in a URL) becomes <access token> whole; another escape is no token', () => {
    assert.equal(redact(`cb?x=${ORG_ID_15}%21${SESSION}&y=1`), 'cb?x=<access token>&y=1');
    assert.equal(redact(`${ORG_ID_18}%21${SESSION}`), '<access token>');
    assert.equal(redact(`${ORG_ID_15}%22${SESSION}`), `${ORG_ID_15}%22${SESSION}`);
  });
  it('two tokens in one text are both redacted', () => {
    assert.equal(
      redact(`a ${ORG_ID_15}!${SESSION} b ${ORG_ID_18}!${SESSION} c`),
      'a <access token> b <access token> c',
    );
  });
});

describe('redaction: refresh tokens, JWTs and consumer secrets', () => {
  it('a refresh token (5Aep861…) becomes <refresh token> whole, up to the first character no token holds', () => {
    assert.equal(redact('refresh 5Aep861AZaz09._-Zz9A0aQQQQ, next'), 'refresh <refresh token>, next');
    assert.equal(redact('5Aep861AZaz09._-Z'), '<refresh token>');
  });
  it('"5Aep861" followed by fewer than 10 token characters is not a refresh token', () => {
    assert.equal(redact('5Aep861abcdefghi'), '5Aep861abcdefghi');
  });
  it('a JWT (three base64url parts, the first two starting eyJ) becomes <jwt> whole', () => {
    const jwt = 'eyJAZaz09_-xyz.eyJAZaz09_-abc.AZaz09_-sig';
    assert.equal(redact(`assertion: ${jwt} end`), 'assertion: <jwt> end');
    assert.equal(redact(`[${jwt}]`), '[<jwt>]');
  });
  it('a JWT is redacted at the very start of the text and after a dot; inside a longer base64url word it is not one', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIzTVZHIn0.c2ln';
    assert.equal(redact(jwt), '<jwt>');
    assert.equal(redact(`x.${jwt}`), 'x.<jwt>');
    for (const glued of [`a${jwt}`, `Z${jwt}`, `0${jwt}`, `9${jwt}`, `_${jwt}`, `-${jwt}`])
      assert.equal(redact(glued), glued);
  });
  it('parts of a JWT shorter than 8 characters after eyJ are not a JWT', () => {
    assert.equal(redact('eyJ1234567.eyJabcdefgh.sig'), 'eyJ1234567.eyJabcdefgh.sig');
    assert.equal(redact('eyJabcdefgh.eyJ1234567.sig'), 'eyJabcdefgh.eyJ1234567.sig');
    assert.equal(redact('eyJ12345678.eyJabcdefgh.s'), '<jwt>');
  });
  it('a consumer secret (64 hexadecimal characters, either case) becomes <secret>; 63 or 65 are not one', () => {
    const hex = '09afAF'.repeat(10) + '0f9A';
    assert.equal(hex.length, 64);
    assert.equal(redact(`secret ${hex}.`), 'secret <secret>.');
    assert.equal(redact(hex.slice(1)), hex.slice(1));
    assert.equal(redact(`${hex}a`), `${hex}a`);
    assert.equal(redact(`x${hex}`), `x${hex}`);
  });
});

describe('redaction: private keys', () => {
  const key = (label: string, body = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nAZaz09+/=') =>
    `-----BEGIN ${label}PRIVATE KEY-----\n${body}\n-----END ${label}PRIVATE KEY-----`;
  it('a PEM private key of any type becomes <private key> whole, the text around it kept', () => {
    for (const label of ['', 'RSA ', 'EC ', 'ENCRYPTED ', 'OPENSSH ', 'XYZ '])
      assert.equal(redact(`key:\n${key(label)}\nend`), 'key:\n<private key>\nend', label);
  });
  it('two keys are two placeholders: the text between them is kept', () => {
    assert.equal(redact(`${key('RSA ')} and ${key('')}`), '<private key> and <private key>');
  });
  it('a key cut off before its END line is redacted to the end of the text', () => {
    assert.equal(redact('echo: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN\nBgkqhkiG9w0B'), 'echo: <private key>');
  });
});

describe('redaction: named values (JSON, query strings, headers, SOAP)', () => {
  const NAMES = [
    'access_token',
    'refresh_token',
    'accessToken',
    'refreshToken',
    'client_secret',
    'consumerSecret',
    'consumer_secret',
    'assertion',
    'sessionId',
    'password',
  ];
  it('each secret-bearing JSON key keeps its name and loses its whole value', () => {
    for (const name of NAMES)
      assert.equal(redact(`{"${name}":"Zz09-._~+/value","next":1}`), `{"${name}":"<redacted>","next":1}`, name);
  });
  it('each secret-bearing query parameter loses its whole value up to the next "&"', () => {
    for (const name of NAMES) assert.equal(redact(`?${name}=Zz09%2F-._~&x=1`), `?${name}=<redacted>&x=1`, name);
  });
  it('names match in any case, with spaces around ":" or "="', () => {
    assert.equal(redact('SessionID : "Zz09value"'), 'SessionID : "<redacted>"');
    assert.equal(redact('PASSWORD= hunter2hunter2 next'), 'PASSWORD= <redacted> next');
    assert.equal(redact('"Access_Token" :\t"abc"'), '"Access_Token" :\t"<redacted>"');
  });
  it('a value ends at a quote, backslash, ampersand, space, comma, brace or "<", which stay', () => {
    assert.equal(redact('password=abc"rest'), 'password=<redacted>"rest');
    assert.equal(redact('password=abc\\rest'), 'password=<redacted>\\rest');
    assert.equal(redact('password=abc&rest'), 'password=<redacted>&rest');
    assert.equal(redact('password=abc rest'), 'password=<redacted> rest');
    assert.equal(redact('password=abc,rest'), 'password=<redacted>,rest');
    assert.equal(redact('{password=abc}rest'), '{password=<redacted>}rest');
    assert.equal(redact('password=abc<rest'), 'password=<redacted><rest');
  });
  it('a JSON-escaped key with a token-shaped value is redacted (the token pattern), the escapes kept', () => {
    assert.equal(
      redact(`{\\"access_token\\":\\"${ORG_ID_15}!${SESSION}\\"}`),
      '{\\"access_token\\":\\"<access token>\\"}',
    );
  });
  it('a JSON-escaped key (JSON inside a string) loses its whole value, whatever its shape; the escapes stay', () => {
    for (const name of NAMES)
      assert.equal(
        redact(`{\\"${name}\\":\\"opaque-Zz09~value\\",\\"n\\":1}`),
        `{\\"${name}\\":\\"<redacted>\\",\\"n\\":1}`,
        name,
      );
    assert.equal(redact('{\\"password\\" : \\"x\\"}'), '{\\"password\\" : \\"<redacted>\\"}');
  });
  it('a key percent-encoded inside a URL in a query ("%3D" or "%3d") loses its value up to the next "&"', () => {
    for (const name of NAMES)
      assert.equal(
        redact(`redirect=https%3A%2F%2Fx%2Fcb%23${name}%3Dopaque-Zz09%26x%3D1&next=2`),
        `redirect=https%3A%2F%2Fx%2Fcb%23${name}%3D<redacted>&next=2`,
        name,
      );
    assert.equal(redact('cb%23password%3dZz09&n=1'), 'cb%23password%3d<redacted>&n=1');
    assert.equal(redact('cb%23password%3Ehunter2'), 'cb%23password%3Ehunter2');
  });
  it('a percent-encoded value in a query string is redacted whole', () => {
    assert.equal(redact('access_token=00D%21AQ%2FZz09&instance=x'), 'access_token=<redacted>&instance=x');
  });
  it('a SOAP session Id and consumer secret lose their whole element text, with or without a namespace prefix', () => {
    assert.equal(redact('<sf:sessionId>00D!AQ.part one</sf:sessionId>'), '<sf:sessionId><redacted></sf:sessionId>');
    assert.equal(redact('<sessionId>AQ Zz09</sessionId>'), '<sessionId><redacted></sessionId>');
    assert.equal(redact('<urn_1:SESSIONID>x</urn_1:SESSIONID>'), '<urn_1:SESSIONID><redacted></urn_1:SESSIONID>');
    assert.equal(redact('<consumerSecret>AB CD</consumerSecret>'), '<consumerSecret><redacted></consumerSecret>');
    assert.equal(
      redact('<met:consumerSecret>AB</met:consumerSecret>'),
      '<met:consumerSecret><redacted></met:consumerSecret>',
    );
  });
  it('a Bearer header loses its whole token, up to a space, quote or backslash', () => {
    assert.equal(redact('Authorization: Bearer Zz09.-_~+/= next'), 'Authorization: Bearer <redacted> next');
    assert.equal(redact('"Bearer  abc"'), '"Bearer  <redacted>"');
    assert.equal(redact('{\\"auth\\":\\"Bearer abc\\"}'), '{\\"auth\\":\\"Bearer <redacted>\\"}');
    assert.equal(redact('Bearer\tabc\ndef'), 'Bearer\t<redacted>\ndef');
  });
});

describe('redaction: pre-signed URLs and S3 error bodies', () => {
  it('every signature, credential and security token of a pre-signed URL loses its whole value', () => {
    const url =
      'https://b.s3.amazonaws.com/f?X-Amz-Credential=AKIA%2F20261130%2Fus&X-Amz-Signature=Zz09af&' +
      'X-Amz-Security-Token=IQo%2Bb3&X-Goog-Signature=ab12&X-Goog-Credential=sa%40p&Signature=Zz%2B&sig=Az09%3D&keep=1';
    assert.equal(
      redact(url),
      'https://b.s3.amazonaws.com/f?X-Amz-Credential=<redacted>&X-Amz-Signature=<redacted>&' +
        'X-Amz-Security-Token=<redacted>&X-Goog-Signature=<redacted>&X-Goog-Credential=<redacted>&' +
        'Signature=<redacted>&sig=<redacted>&keep=1',
    );
  });
  it('a signature value ends at a space, quote, angle bracket or parenthesis, in any case of its name', () => {
    assert.equal(redact('x-amz-signature=abc def'), 'x-amz-signature=<redacted> def');
    assert.equal(redact('"SIG=abc"'), '"SIG=<redacted>"');
    assert.equal(redact("'Signature=abc'"), "'Signature=<redacted>'");
    assert.equal(redact('<a href=?sig=abc>'), '<a href=?sig=<redacted>>');
    assert.equal(redact('(sig=abc<b)'), '(sig=<redacted><b)');
    assert.equal(redact('(sig=abc)'), '(sig=<redacted>)');
  });
  it('a name that only ends in "sig" or "Signature" is not one', () => {
    assert.equal(redact('xsig=abc'), 'xsig=abc');
    assert.equal(redact('mySignature=abc'), 'mySignature=abc');
  });
  it("S3's SignatureProvided, StringToSign and CanonicalRequest lose their whole text", () => {
    assert.equal(
      redact(
        '<Error><SignatureProvided>ab cd\nef</SignatureProvided><StringToSign>AWS4-HMAC-SHA256\n2026</StringToSign>' +
          '<CanonicalRequest>GET /f\nhost:b</CanonicalRequest></Error>',
      ),
      '<Error><SignatureProvided><redacted></SignatureProvided><StringToSign><redacted></StringToSign>' +
        '<CanonicalRequest><redacted></CanonicalRequest></Error>',
    );
    assert.equal(
      redact('<signatureprovided>x</signatureprovided>'),
      '<signatureprovided><redacted></signatureprovided>',
    );
  });
});

describe('redaction: registered secrets', () => {
  it('a registered value of 12 characters is redacted wherever it appears; one of 11 is not registered', () => {
    registerSecret('r3dact-12chr');
    assert.equal(redact('a r3dact-12chr b r3dact-12chr'), 'a <redacted> b <redacted>');
    registerSecret('r3dact-11ch');
    assert.equal(redact('a r3dact-11ch b'), 'a r3dact-11ch b');
  });
  it('registering nothing (undefined or empty) changes nothing', () => {
    registerSecret(undefined);
    registerSecret('');
    assert.equal(redact('plain text stays'), 'plain text stays');
  });
  it('a PEM registers each body line of 40 characters or more (CRLF or LF), never a shorter line or its armour', () => {
    const line40 = 'QmFsa2FuSUQtcmVkYWN0LXRlc3QtbGluZS00MCEh';
    const line39 = 'QmFsa2FuSUQtcmVkYWN0LXRlc3QtbGluZS0zOSE';
    const line44 = 'UmVkYWN0LWNybGYtbGluZS1mb3J0eS1mb3VyLWNoYXJz';
    assert.equal(line40.length, 40);
    assert.equal(line39.length, 39);
    const armour = '-----END REDACTION TEST LABEL LONGER THAN FORTY PRIVATE KEY-----';
    registerSecret(`-----BEGIN REDACTION TEST PRIVATE KEY-----\r\n${line40}\r\n${line44}\n${line39}\r\n${armour}\n`);
    assert.equal(redact(`echo ${line40}.`), 'echo <redacted>.');
    assert.equal(redact(`${line40} and again ${line40}`), '<redacted> and again <redacted>');
    assert.equal(redact(`echo ${line44}.`), 'echo <redacted>.');
    assert.equal(redact(`echo ${line39}.`), `echo ${line39}.`);
    assert.equal(redact(armour), armour);
  });
  it('an armour line with trailing spaces is not registered either', () => {
    const armour = '-----END ANOTHER LONG REDACTION TEST PRIVATE KEY-----  ';
    registerSecret(`-----BEGIN ANOTHER LONG REDACTION TEST PRIVATE KEY-----\nQUJD\n${armour}\n`);
    assert.equal(redact(`${armour}.`), `${armour}.`);
  });
  it("the registry is the map on globalThis under Symbol.for('balkanid.redact.known.v2'), shared by every bundle", () => {
    registerSecret('r3dact-global-registry');
    const known = (globalThis as Record<symbol, unknown>)[Symbol.for('balkanid.redact.known.v2')] as Map<
      string,
      RegExp[]
    >;
    assert.ok(known.has('r3dact-global-registry'));
  });
  it('the lines of a value without a PEM header are not registered one by one', () => {
    const first = 'Tm90LWEtcGVtLWZpcnN0LWxpbmUtZm9ydHktb25lIQ';
    registerSecret(`${first}\nsecond line of a plain multi-line value`);
    assert.equal(redact(`echo ${first}`), `echo ${first}`);
  });
});

describe('redaction: redactDeep', () => {
  it('redacts strings at every depth, in arrays and objects, and keeps numbers, booleans and null as they are', () => {
    const input = {
      n: 1,
      ok: true,
      none: null,
      list: ['Bearer abc', { deep: [`x ${ORG_ID_15}!${SESSION}`] }],
      s: 'password=hunter2hunter2',
    };
    assert.deepEqual(redactDeep(input), {
      n: 1,
      ok: true,
      none: null,
      list: ['Bearer <redacted>', { deep: ['x <access token>'] }],
      s: 'password=<redacted>',
    });
    assert.equal(redactDeep('Bearer abc'), 'Bearer <redacted>');
    assert.equal(redactDeep(null), null);
    assert.equal(redactDeep(42), 42);
  });
});
