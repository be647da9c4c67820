// Issue 18, point 5: text from outside (org data, server messages, Salesforce CLI output, aliases, file names) is
// shown, never interpreted — one function (src/core/inertText.ts) between it and a terminal, a notification, a tree
// item, a hover or a webview. And --json stays exact: its escaping is JSON's own.
import assert from 'node:assert/strict';
import { inert, inertDeep, jsonInert } from '../../src/core/inertText';
import { toJson } from '../../src/cli/common';
import { PAYLOAD } from '../support/hostile';

const DANGEROUS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]|[\ud800-\udfff]/;

describe('terminal-safe text (inert)', () => {
  it('shows C0 and C1 controls and DEL as \\xNN: a screen clear, an OSC 52 clipboard write, an OSC 8 link, a CSI in C1', () => {
    assert.equal(inert('a\x1b[2Jb'), 'a\\x1b[2Jb');
    assert.equal(inert('\x1b]52;c;ZWNobw==\x07'), '\\x1b]52;c;ZWNobw==\\x07');
    assert.equal(inert('\x1b]8;;https://x/\x1b\\y\x1b]8;;\x1b\\'), '\\x1b]8;;https://x/\\x1b\\y\\x1b]8;;\\x1b\\');
    assert.equal(inert('\u009b31m\x7f\x00'), '\\x9b31m\\x7f\\x00');
  });

  it('shows a carriage return, a newline and a tab as \\r, \\n, \\t on one line; in lines mode keeps newlines and tabs only', () => {
    assert.equal(inert('name\rOVER\nline\tx'), 'name\\rOVER\\nline\\tx');
    assert.equal(inert('one\r\ntwo\rthree\n\tfour', { lines: true }), 'one\ntwo\\rthree\n\tfour');
  });

  it('shows bidirectional overrides and isolates, zero-width characters and the BOM as <U+XXXX>', () => {
    assert.equal(inert('invoice\u202etxt.exe'), 'invoice<U+202E>txt.exe');
    assert.equal(inert('\u2066a\u2069\u200b\u200d\ufeff\u061c'), '<U+2066>a<U+2069><U+200B><U+200D><U+FEFF><U+061C>');
    assert.equal(inert('a\u2028b'), 'a<U+2028>b');
  });

  it('shows lone surrogates as <U+D800>, keeps pairs (emoji) and every ordinary script as they are', () => {
    assert.equal(inert('x\ud800y\udc00'), 'x<U+D800>y<U+DC00>');
    const ordinary = 'Zoë Müller — 山田太郎 · José · Ωμέγα · שלום · مرحبا 👋🏽 [a](b) <b>';
    assert.equal(inert(ordinary), ordinary);
  });

  it('the edges of each range: \\x1f, DEL and \\x9f as \\xNN, U+00A0 and a space as they are, U+200B as <U+200B>', () => {
    assert.equal(inert('a\x1fb'), 'a\\x1fb');
    assert.equal(inert('\x7f\x80\x9f'), '\\x7f\\x80\\x9f');
    assert.equal(inert('a b\u00a0c'), 'a b\u00a0c');
    assert.equal(inert('\u200b\u00ad'), '<U+200B><U+00AD>');
  });
  it('the hostile payload leaves no character a terminal interprets', () => {
    const out = inert(PAYLOAD);
    assert.ok(!DANGEROUS.test(out), JSON.stringify(out));
    assert.match(out, /\\x1b\]52;c;ZWNobyBwd25lZA==\\x07/);
    assert.match(out, /<U\+202E>txt\.exe/);
  });

  it('inertDeep makes every string of a value inert and keeps its shape (webview state)', () => {
    assert.deepEqual(inertDeep({ a: ['x\x1by'], b: { c: 'ok', n: 3, t: true } }), {
      a: ['x\\x1by'],
      b: { c: 'ok', n: 3, t: true },
    });
  });
});

describe('--json stays exact and terminal-safe', () => {
  it('escapes C1 controls, DEL, bidi and zero-width characters as \\uXXXX: the document parses back to the very same text', () => {
    const value = { name: `Eve${PAYLOAD}\u2066x\u2069\ufeff\u2028` };
    const text = toJson(value);
    assert.ok(!DANGEROUS.test(text.replace(/\n/g, '')), JSON.stringify(text));
    assert.deepEqual(JSON.parse(text), value);
    assert.equal(inert(text, { lines: true }), text, 'nothing left for the output boundary to change');
  });

  it('jsonInert writes its escapes in lowercase hex, a surrogate pair as two escapes', () => {
    assert.equal(jsonInert('"\u202e\x9f"'), '"\\u202e\\u009f"');
    assert.equal(jsonInert('"\udb40\udc01"'), '"\\udb40\\udc01"');
  });
  it('jsonInert leaves ordinary JSON as it is', () => {
    const text = JSON.stringify({ a: 'Zoë 山田 👋🏽', b: [1, 2] }, null, 2);
    assert.equal(jsonInert(text), text);
  });
});
