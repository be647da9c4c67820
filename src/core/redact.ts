// Redaction for anything that may reach a log or a message: access tokens, refresh tokens, private keys,
// JWT assertions and consumer secrets become placeholders.
const PATTERNS: Array<[RegExp, string]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, '<private key>'],
  [/00D[A-Za-z0-9]{12,15}![A-Za-z0-9._-]{20,}/g, '<access token>'],
  [/5Aep861[A-Za-z0-9._-]{10,}/g, '<refresh token>'],
  [/eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/g, '<jwt>'],
  [/("?(access_token|refresh_token|accessToken|refreshToken|client_secret|consumerSecret|assertion)"?\s*[:=]\s*"?)[^"&\s,}]+/gi, '$1<redacted>'],
  [/(Bearer\s+)[^\s"]+/g, '$1<redacted>'],
];

export function redact(text: string): string {
  let out = text;
  for (const [re, by] of PATTERNS) out = out.replace(re, by);
  return out;
}
