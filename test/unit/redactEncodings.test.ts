// Issue 18, point 7: a registered secret is redacted in every encoding a server or a library may echo it in — raw,
// JSON-escaped, percent-encoded (upper- or lower-case hex, as URLSearchParams or encodeURIComponent write it) and
// base64/base64url (alone or inside a longer encoded value, at any of the three alignments).
import assert from 'node:assert/strict';
import { redact, registerSecret } from '../../src/core/redact';

/** A secret of no known shape (only the registered-value layer can catch it), with characters every encoding changes. */
const SECRET = 'Zq9!x/y+z=W_k.l~M-3p@4"\\ü';

describe('redaction of every encoding of a registered secret', () => {
  before(() => registerSecret(SECRET));
  const leaks = (text: string) => {
    const out = redact(text);
    return { out, leaked: out.includes('Zq9') && out.includes('M-3p') };
  };
  const cases: Record<string, string> = {
    raw: SECRET,
    'JSON-escaped': JSON.stringify(SECRET).slice(1, -1),
    'JSON-escaped with \\/ and \\u escapes': JSON.stringify(SECRET)
      .slice(1, -1)
      .replace(/\//g, '\\/')
      .replace(/!/g, '\\u0021'),
    'percent-encoded (encodeURIComponent)': encodeURIComponent(SECRET),
    'percent-encoded, lower-case hex': encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, m => m.toLowerCase()),
    'form-encoded (URLSearchParams)': new URLSearchParams({ t: SECRET }).toString().slice(2),
    'every character percent-encoded': [...Buffer.from(SECRET)].map(b => `%${b.toString(16)}`).join(''),
    base64: Buffer.from(SECRET).toString('base64'),
    base64url: Buffer.from(SECRET).toString('base64url'),
  };
  for (const [name, encoded] of Object.entries(cases))
    it(`${name}: redacted inside a message`, () => {
      const text = `Session ${encoded} rejected; retry.`;
      const { out } = leaks(text);
      assert.ok(!out.includes(encoded), `${name} leaked: ${out}`);
      assert.match(out, /^Session .*<redacted>.* rejected; retry\.$/);
    });

  for (const offset of [0, 1, 2])
    it(`inside a longer base64 value (${offset} byte(s) before it: each alignment of the encoding)`, () => {
      const wrapped = Buffer.from(`${'u'.repeat(offset)}Bearer ${SECRET} end`);
      for (const encoded of [wrapped.toString('base64'), wrapped.toString('base64url')]) {
        const out = redact(`Authorization: Basic ${encoded}`);
        const decoded = Buffer.from(out.replace(/^Authorization: Basic /, '').replace(/<redacted>/g, ''), 'base64');
        assert.ok(out.includes('<redacted>'), out);
        assert.ok(!decoded.toString('latin1').includes('x/y+z=W_k'), `the secret can be decoded from ${out}`);
      }
    });

  it('ordinary text is left alone (no false positive on short or unrelated values)', () => {
    const text = 'GET /services/data/v64.0/query?q=SELECT%20Id%20FROM%20User — 200 OK, eyJhbGciOi is a header';
    assert.equal(redact(text).includes('SELECT%20Id%20FROM%20User'), true);
  });
});
