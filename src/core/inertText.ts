// Text from outside — org data, Salesforce's and BalkanID's messages, the Salesforce CLI's output, aliases, file
// names — passes through `inert` before a person sees it: in a terminal, a notification, a tree item, a hover, a
// webview or the log. Every character a terminal or a text renderer would act on instead of showing is shown
// visibly instead: C0 and C1 controls and DEL as \xNN (ESC starts CSI screen control, OSC 52 clipboard writes and
// OSC 8 links; CR overwrites a line), bidirectional overrides and isolates, zero-width characters, line separators
// and lone surrogates as <U+XXXX>. Ordinary text of any script is left as it is. `--json` keeps its own escaping
// (jsonInert): exact, and just as inert.

/** What is never shown as itself: controls, DEL, C1, and the invisible or reordering format characters. */
const INVISIBLE =
  /[\x00-\x1f\x7f-\x9f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\u3164\ufeff\uffa0\ufff9-\ufffb]|\udb40[\udc00-\udc7f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0');

function show(c: string, lines: boolean): string {
  if (c === '\n') return lines ? '\n' : '\\n';
  if (c === '\t') return lines ? '\t' : '\\t';
  if (c === '\r') return '\\r';
  const code = c.codePointAt(0)!;
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return `\\x${hex(code, 2).toLowerCase()}`;
  return `<U+${hex(code, 4)}>`;
}

export interface InertOptions {
  /** Text of several lines (a message, a report): newlines and tabs stay; one field (a name, an alias) shows them. */
  lines?: boolean;
}

/** The text, every character that would be interpreted rather than shown made visible. */
export function inert(text: string, o: InertOptions = {}): string {
  const lines = !!o.lines;
  const src = lines ? text.replace(/\r\n/g, '\n') : text;
  return src.replace(INVISIBLE, c => show(c, lines));
}

/** Every string inside a JSON-like value made inert (webview state, tree items); the shape is kept. */
export function inertDeep<T>(value: T, o: InertOptions = {}): T {
  if (typeof value === 'string') return inert(value, o) as T;
  if (Array.isArray(value)) return value.map(v => inertDeep(v, o)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inertDeep(v, o)])) as T;
  return value;
}

/**
 * JSON text made safe for a terminal without changing what it says: JSON.stringify already escapes C0 controls and
 * lone surrogates; DEL, C1 controls and the invisible or reordering characters become \uXXXX escapes too (they can
 * only occur inside strings, where the escape means the same character).
 */
export const jsonInert = (json: string): string =>
  json.replace(INVISIBLE, c =>
    c === '\n' ? c : Array.from({ length: c.length }, (_, i) => `\\u${hex(c.charCodeAt(i), 4).toLowerCase()}`).join(''),
  );
