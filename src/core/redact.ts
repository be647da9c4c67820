// Redaction for every text that leaves the process (CLI output, notifications, the log, the webview, traces):
// access and refresh tokens, private keys, JWT assertions and consumer secrets become placeholders. Two
// layers: patterns for the shapes Salesforce uses, and the exact values this process holds (the session's
// token, a private key), registered when they are read, so that a token of any shape is caught too.
const PATTERNS: Array<[RegExp, string]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '<private key>'],
  [/00D[A-Za-z0-9]{12,15}![A-Za-z0-9._-]{20,}/g, '<access token>'],
  [/5Aep861[A-Za-z0-9._-]{10,}/g, '<refresh token>'],
  [/(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/g, '<jwt>'],
  // Consumer secrets of External Client Apps: 64 hexadecimal characters.
  [/\b[0-9A-Fa-f]{64}\b/g, '<secret>'],
  [
    /("?(access_token|refresh_token|accessToken|refreshToken|client_secret|consumerSecret|consumer_secret|assertion|sessionId|password)"?\s*[:=]\s*"?)[^"\\&\s,}<]+/gi,
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

// One set per process, shared by the extension's separately bundled copies of this module (engine and UI).
const KNOWN = Symbol.for('balkanid.redact.known');
const known: Set<string> =
  ((globalThis as Record<symbol, unknown>)[KNOWN] as Set<string> | undefined) ?? new Set<string>();
(globalThis as Record<symbol, unknown>)[KNOWN] = known;

/** Remembers a secret value this process holds, so that any echo of it is redacted. */
export function registerSecret(value: string | undefined): void {
  if (!value || value.length < 12) return;
  known.add(value);
  // A PEM's base64 lines travel separately too (a server may echo one line of a key).
  if (value.includes('-----BEGIN'))
    for (const line of value.split(/\r?\n/)) if (line.length >= 40 && !line.startsWith('-----')) known.add(line);
}

export function redact(text: string): string {
  let out = text;
  // Stryker disable next-line ConditionalExpression: equivalent — split/join of a text without the secret is the text.
  for (const secret of known) if (out.includes(secret)) out = out.split(secret).join('<redacted>');
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
