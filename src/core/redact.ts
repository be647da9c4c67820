// Redaction for every text that leaves the process (CLI output, notifications, the log, the webview, traces):
// access and refresh tokens, private keys, JWT assertions and consumer secrets become placeholders. Two
// layers: patterns for the shapes Salesforce uses, and the exact values this process holds (the session's
// token, a private key), registered when they are read, so that a token of any shape is caught too.
const PATTERNS: Array<[RegExp, string]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '<private key>'],
  // An access token: the org Id, "!" (or "%21", percent-encoded in a URL), the session part.
  [/00D[A-Za-z0-9]{12,15}(?:!|%21)[A-Za-z0-9._-]{20,}/g, '<access token>'],
  [/5Aep861[A-Za-z0-9._-]{10,}/g, '<refresh token>'],
  [/(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/g, '<jwt>'],
  // Consumer secrets of External Client Apps: 64 hexadecimal characters.
  [/\b[0-9A-Fa-f]{64}\b/g, '<secret>'],
  // A secret-bearing key and its value: in JSON (its quotes JSON-escaped too, as in JSON inside a string), in a query
  // ("=", or "%3D" in a URL inside another URL's query).
  [
    /("?(access_token|refresh_token|accessToken|refreshToken|client_secret|consumerSecret|consumer_secret|assertion|sessionId|password)(?:\\?")?\s*(?:[:=]|%3D)\s*(?:\\?")?)[^"\\&\s,}<]+/gi,
    '$1<redacted>',
  ],
  [/(<(?:\w+:)?(?:sessionId|consumerSecret)>)[^<]*/gi, '$1<redacted>'],
  [/(Bearer\s+)[^\s"\\]+/g, '$1<redacted>'],
  // Pre-signed URLs (S3, Azure SAS) and S3's error bodies: the signature, credential and session token in a query.
  [
    /\b((?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|X-Goog-Signature|X-Goog-Credential|Signature|sig)=)[^&\s"'<>()]+/gi,
    '$1<redacted>',
  ],
  [/(<(?:SignatureProvided|StringToSign|CanonicalRequest)>)[^<]*/gi, '$1<redacted>'],
];

// One registry per process, shared by the extension's separately bundled copies of this module (engine and UI): each
// secret with the patterns that find it in every encoding a server or a library may echo it in.
const KNOWN = Symbol.for('balkanid.redact.known.v2');
const known: Map<string, RegExp[]> =
  ((globalThis as Record<symbol, unknown>)[KNOWN] as Map<string, RegExp[]> | undefined) ?? new Map<string, RegExp[]>();
(globalThis as Record<symbol, unknown>)[KNOWN] = known;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
/** A hex digit in either case ("a" matches a and A). */
const hexDigit = (d: string) => (/[0-9]/.test(d) ? d : `[${d.toLowerCase()}${d.toUpperCase()}]`);
const hexRe = (n: number, width: number) => [...n.toString(16).padStart(width, '0')].map(hexDigit).join('');

/**
 * One character of a secret in each form it takes in an echo: as itself, percent-encoded (each UTF-8 byte, either
 * case of hex), JSON-escaped (\uXXXX, or \" \\ \/), and a space form-encoded as "+".
 */
function charForms(c: string): string {
  const forms = [escapeRe(c)];
  forms.push([...Buffer.from(c)].map(b => `%${hexRe(b, 2)}`).join('')); // UTF-8 bytes
  forms.push(Array.from({ length: c.length }, (_, i) => `\\\\[uU]${hexRe(c.charCodeAt(i), 4)}`).join(''));
  if (c === '"' || c === '\\' || c === '/') forms.push(`\\\\${escapeRe(c)}`);
  if (c === ' ') forms.push('\\+');
  return `(?:${forms.join('|')})`;
}

/**
 * The base64 and base64url text that any encoding of a value holding the secret contains, whatever its alignment:
 * for each of the three byte offsets, the secret's bytes from the first group boundary, whole groups only.
 */
function base64Cores(secret: string): string[] {
  // A registered secret has 12 bytes or more (registerSecret), so every core is three groups or more: long enough to
  // be told apart from ordinary base64.
  const bytes = Buffer.from(secret); // UTF-8
  const cores = [0, 1, 2].flatMap(skip => {
    const core = bytes.subarray(skip, skip + Math.floor((bytes.length - skip) / 3) * 3);
    return [core.toString('base64'), core.toString('base64url')];
  });
  return [...new Set(cores)];
}

function patternsOf(secret: string): RegExp[] {
  return [
    new RegExp([...secret].map(charForms).join(''), 'g'),
    ...base64Cores(secret).map(core => new RegExp(escapeRe(core), 'g')),
  ];
}

/** Remembers a secret value this process holds, so that any echo of it, in any encoding, is redacted. */
export function registerSecret(value: string | undefined): void {
  if (!value || value.length < 12 || known.has(value)) return;
  known.set(value, patternsOf(value));
  // A PEM's base64 lines travel separately too (a server may echo one line of a key).
  if (value.includes('-----BEGIN'))
    for (const line of value.split(/\r?\n/))
      if (line.length >= 40 && !line.startsWith('-----') && !known.has(line))
        known.set(line, [new RegExp(escapeRe(line), 'g')]);
}

export function redact(text: string): string {
  let out = text;
  for (const patterns of known.values()) for (const re of patterns) out = out.replace(re, '<redacted>');
  for (const [re, by] of PATTERNS) out = out.replace(re, by);
  return out;
}

/** Redacts every string inside a JSON-like value (for `--json` output and webview state). */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map(v => redactDeep(v)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)])) as T;
  return value;
}
