// Issue 18, point 7: a registered secret is redacted in every encoding a server or a library may echo it in — raw,
// JSON-escaped, percent-encoded (upper- or lower-case hex, as URLSearchParams or encodeURIComponent write it) and
// base64/base64url (alone or inside a longer encoded value, at any of the three alignments).
// Each test registers a secret of its own inside the test (the registry keeps a value once): what a test asserts is
// then what its own registration built, and a mutation tool that runs only the tests reaching a line runs it.
import assert from 'node:assert/strict';
import { redact, registerSecret } from '../../src/core/redact';

/** A secret of no known shape (only the registered-value layer can catch it), with characters every encoding changes. */
const SECRET = 'Zq9!x/y+z=W_k.l~M-3p@4"\\ü';
let n = 0;
/** A registered secret of its own: SECRET after a prefix unique to the call. */
function fresh(base = SECRET): string {
  const secret = `${String(n++).padStart(3, '0')}${base}`;
  registerSecret(secret);
  return secret;
}

describe('redaction of every encoding of a registered secret', () => {
  const cases: Record<string, (s: string) => string> = {
    raw: s => s,
    'JSON-escaped': s => JSON.stringify(s).slice(1, -1),
    'JSON-escaped with \\/ and \\u escapes': s =>
      JSON.stringify(s).slice(1, -1).replace(/\//g, '\\/').replace(/!/g, '\\u0021'),
    'JSON-escaped with upper-case \\U and hex': s =>
      JSON.stringify(s).slice(1, -1).replace(/!/g, '\\U0021').replace(/ü/g, '\\u00FC'),
    'percent-encoded (encodeURIComponent)': s => encodeURIComponent(s),
    'percent-encoded, lower-case hex': s => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, m => m.toLowerCase()),
    'form-encoded (URLSearchParams)': s => new URLSearchParams({ t: s }).toString().slice(2),
    'every character percent-encoded': s => [...Buffer.from(s)].map(b => `%${b.toString(16)}`).join(''),
    base64: s => Buffer.from(s).toString('base64'),
    base64url: s => Buffer.from(s).toString('base64url'),
  };
  for (const [name, encode] of Object.entries(cases))
    it(`${name}: redacted inside a message`, () => {
      const encoded = encode(fresh());
      const out = redact(`Session ${encoded} rejected; retry.`);
      assert.ok(!out.includes(encoded), `${name} leaked: ${out}`);
      assert.match(out, /^Session .*<redacted>.* rejected; retry\.$/);
    });

  it('a space in a secret is found as itself, as %20 and form-encoded as "+"', () => {
    const secret = fresh('with a space inside it');
    for (const encoded of [secret, encodeURIComponent(secret), new URLSearchParams({ t: secret }).toString().slice(2)])
      assert.equal(redact(`[${encoded}]`), '[<redacted>]', encoded);
  });

  for (const offset of [0, 1, 2])
    it(`inside a longer base64 value (${offset} byte(s) before it: each alignment of the encoding)`, () => {
      const secret = fresh();
      const wrapped = Buffer.from(`${'u'.repeat(offset)}Bearer ${secret} end`);
      for (const encoded of [wrapped.toString('base64'), wrapped.toString('base64url')]) {
        const out = redact(`Authorization: Basic ${encoded}`);
        const decoded = Buffer.from(out.replace(/^Authorization: Basic /, '').replace(/<redacted>/g, ''), 'base64');
        assert.ok(out.includes('<redacted>'), out);
        assert.ok(!decoded.toString('latin1').includes('x/y+z=W_k'), `the secret can be decoded from ${out}`);
      }
    });

  it('the shortest secret registered (12 characters) is found in base64 at each of the three alignments', () => {
    const secret = fresh('Kx7#mQ2&v');
    assert.equal(secret.length, 12);
    for (const offset of [0, 1, 2]) {
      const encoded = Buffer.from(`${'u'.repeat(offset)}${secret}`).toString('base64');
      const out = redact(encoded);
      assert.ok(out.includes('<redacted>'), `alignment ${offset}: ${out}`);
      const left = Buffer.from(out.replace(/<redacted>/g, ''), 'base64').toString('latin1');
      assert.ok(!left.includes('mQ2&v'), `alignment ${offset}: the secret can be decoded from ${out}`);
    }
  });

  it('a character outside the BMP, JSON-escaped as its two \\u surrogates, is found', () => {
    const secret = fresh('emoji \u{1F600} in a secret');
    const escaped = secret.replace('\u{1F600}', '\\ud83d\\ude00');
    assert.equal(redact(`{"t":"${escaped}"}`), '{"t":"<redacted>"}');
  });
  it('a secret echoed twice in base64 is redacted both times', () => {
    const secret = fresh();
    const encoded = Buffer.from(secret).toString('base64');
    const out = redact(`${encoded} and ${encoded}`);
    assert.equal(out.match(/<redacted>/g)?.length, 2, out);
    assert.ok(!out.includes(encoded.slice(0, 16)), out);
  });
  it('a near miss is not the secret: one character turned into "+", or a backslash before an ordinary character', () => {
    const secret = fresh('near-miss-secret-value');
    const plus = secret.replace('miss', 'mi+s');
    const slashed = secret.replace('miss', 'm\\iss');
    assert.equal(redact(`[${plus}]`), `[${plus}]`);
    assert.equal(redact(`[${slashed}]`), `[${slashed}]`);
  });
  it('ordinary text is left alone (no false positive on short or unrelated values)', () => {
    fresh();
    const text = 'GET /services/data/v64.0/query?q=SELECT%20Id%20FROM%20User — 200 OK, eyJhbGciOi is a header';
    assert.equal(redact(text), text);
  });
});
