// Uploading the two CSV files to BalkanID's Bulk API: which tenant URL may receive the API key, when a request is
// tried again, what a CSV's first line must be, and the message for each way an upload fails. Pure: the Node
// adapter (src/node/balkanidUpload.ts) does the requests.
//
// What developer.balkan.id documents ("Bulk Entities Upload API (Early Access)",
// https://developer.balkan.id/bulk-entities-upload-api-early-access-12828095e0, and "Bulk Entity Relations Upload API
// (Early Access)", https://developer.balkan.id/apidoc/bulk-entity-relations-upload-api-early-access-12828102e0):
// POST https://app.balkan.id/api/rest/v0/<resource>/upload-url with the header params X-Api-Key-ID and
// X-Api-Key-Secret (Content-Type default application/json) returns a pre-signed URL, and the CSV is then PUT to it.
// The pages show no request body fields and no response schema for the upload variants; the download variants
// (e.g. https://developer.balkan.id/bulk-apps-download-api-early-access-12828089e0) name the response fields `url`
// and `pollingUrl`. So this module sends `{}` and reads `url`: UNCONFIRMED for uploads, and anything else is
// refused with "BalkanID answered without an upload URL" rather than guessed.
import { secureTransport } from '../url';
import type { ErrorCode } from '../errorCodes';
import { SetupError } from '../types';
import { csvTable } from './csv';
import { UPLOADS } from './format';

export const DEFAULT_TENANT = 'https://app.balkan.id';
/** Requests per step (asking for an upload URL, or sending the file to one): the first and three retries. */
export const MAX_ATTEMPTS = 4;
/** The longest wait a Retry-After header may ask for; a longer one is shortened to this. */
export const MAX_RETRY_AFTER_MS = 60_000;
/** Exponential backoff without Retry-After: 1 s, 2 s, 4 s. */
export const BACKOFF_BASE_MS = 1000;

export const uploadUrlEndpoint = (tenant: string, resource: string) => `${tenant}/api/rest/v0/${resource}/upload-url`;

/**
 * The tenant's origin, where the API key may go: https anywhere, http only to loopback (the test stand-in). A path
 * other than "/", a query, a fragment or credentials in the URL are refused: the API paths are fixed, and anything
 * else pasted in would otherwise be silently dropped.
 */
export function checkTenantUrl(raw: string | undefined): string {
  const text = (raw ?? '').trim() || DEFAULT_TENANT;
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new SetupError(`"${text}" is not a URL. Use your BalkanID address, e.g. ${DEFAULT_TENANT}.`, 'INSECURE_URL');
  }
  if (!secureTransport(u))
    throw new SetupError(
      `Refusing ${u.protocol}// to ${u.hostname}: the BalkanID API key is sent over https only.`,
      'INSECURE_URL',
    );
  if (u.username || u.password || u.search || u.hash || u.pathname !== '/')
    throw new SetupError(
      `Use the BalkanID address without a path, query or user name: ${u.protocol}//${u.host} ` +
        `(not "${u.protocol}//${u.host}${u.pathname}…").`,
      'INSECURE_URL',
    );
  return `${u.protocol}//${u.host}`;
}

/**
 * A pre-signed URL the file may be sent to: https, or plain http to loopback only when the tenant itself is a
 * loopback stand-in (a real tenant's file never goes out in plain text).
 */
export function checkPresignedUrl(raw: string, tenant: string): URL | undefined {
  try {
    const u = new URL(raw);
    return u.protocol === 'https:' || (secureTransport(u) && new URL(tenant).protocol === 'http:') ? u : undefined;
  } catch {
    return undefined;
  }
}

/** A URL as messages may show it: origin and path, never the query (a pre-signed URL's query holds its signature). */
export function describeUrl(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(an invalid URL)';
  }
}

/** The upload URL from BalkanID's answer: `url` (see the top of this file), an absolute http(s) URL. */
export function pickUploadUrl(body: unknown): string | undefined {
  const url = body && typeof body === 'object' ? (body as Record<string, unknown>).url : undefined;
  return typeof url === 'string' && /^https?:\/\//i.test(url) ? url : undefined;
}

/** Retry-After in ms: delay-seconds or an HTTP-date (RFC 9110 section 10.2.3), capped; undefined if absent. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  const ms = /^\d+$/.test(v) ? Number(v) * 1000 : Date.parse(v) - now;
  if (Number.isNaN(ms)) return undefined;
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

export type RetryDecision = { retry: true; waitMs: number } | { retry: false };

/**
 * After `attempt` (1-based) answered `status`: 429 waits for Retry-After (or backs off), 5xx backs off, both up to
 * MAX_ATTEMPTS. Nothing else is retried here: 400/401/403/404 will not change by asking again (the expired
 * pre-signed URL, a 403 from the storage, is recognised by isExpiredPresignedUrl and handled by asking for a new URL).
 */
export function retryDecision(status: number, attempt: number, retryAfter: string | null, now: number): RetryDecision {
  if (attempt >= MAX_ATTEMPTS || !(status === 429 || status >= 500)) return { retry: false };
  const backoff = BACKOFF_BASE_MS * 2 ** (attempt - 1);
  return { retry: true, waitMs: status === 429 ? (parseRetryAfter(retryAfter, now) ?? backoff) : backoff };
}

/** S3's answer to a pre-signed URL used after its expiry: 403, <Code>AccessDenied</Code>, "Request has expired". */
export function isExpiredPresignedUrl(status: number, body: string): boolean {
  return status === 403 && /<Code>\s*AccessDenied\s*<\/Code>/i.test(body) && /Request has expired/i.test(body);
}

/**
 * Why a CSV's first line is not the header row BalkanID documents, or undefined when it is exactly that row.
 * A UTF-8 byte order mark is refused, not skipped: the file is sent as it is, and BalkanID compares the header
 * row's text (a BOM would make the first column "\uFEFFApp"). Spreadsheet programs add one when saving as "CSV UTF-8".
 */
export function headerProblem(firstLine: string, header: readonly string[]): string | undefined {
  const expected = header.join(',');
  if (firstLine.startsWith('\uFEFF')) return 'starts with a UTF-8 byte order mark (BOM); save it as CSV without a BOM';
  if (firstLine === expected) return undefined;
  const shown = firstLine.length > 200 ? `${firstLine.slice(0, 200)}…` : firstLine;
  return `does not start with the header row BalkanID expects: "${expected}" (it starts with "${shown}")`;
}

/** The first line of a file's text, without its line end (CRLF or LF). */
export const firstLineOf = (text: string) => text.split(/\r?\n/, 1)[0] ?? '';

/** Where the upload stands, for the end of every error message. */
export function uploadState(done: readonly string[]): string {
  const files = UPLOADS.map(u => u.file);
  const left = files.filter(f => !done.includes(f));
  if (!done.length) return 'Nothing was uploaded.';
  if (!left.length) return `${files.join(' and ')} were uploaded.`;
  const were = (files: readonly string[]) => `${files.join(' and ')} ${files.length > 1 ? 'were' : 'was'}`;
  return `${were(done)} uploaded; ${were(left)} not — run the upload again.`;
}

export type Phase = 'ask' | 'send';
export type UploadFailure =
  | { kind: 'status'; phase: Phase; status: number; attempts: number; detail?: string }
  | { kind: 'network'; phase: Phase; reason: string }
  | { kind: 'timeout'; phase: Phase; seconds: number }
  | { kind: 'too-large'; phase: Phase; status: number; limit: string }
  | { kind: 'redirect'; phase: Phase; location: string }
  | { kind: 'no-url'; detail?: string }
  | { kind: 'insecure-url'; url: string }
  | { kind: 'expired' }
  | { kind: 'aborted' };

/** The error for a failed upload: what happened to which file, what to do, and what was already uploaded. */
export function uploadError(f: UploadFailure, file: string, tenant: string, done: readonly string[]): SetupError {
  const doing = (p: Phase) => (p === 'ask' ? `asking for an upload URL for ${file}` : `sending ${file}`);
  const said = (d?: string) => (d ? ` (${d})` : '');
  let text: string;
  let code: ErrorCode;
  switch (f.kind) {
    case 'status':
      [text, code] = statusMessage(f, file, doing(f.phase), said(f.detail));
      break;
    case 'network':
      text =
        `Cannot reach ${f.phase === 'ask' ? tenant : 'the upload URL BalkanID gave'} (${f.reason}) while ` +
        `${doing(f.phase)}. Check the network connection and proxy, then run the upload again.`;
      code = 'UPLOAD_NETWORK';
      break;
    case 'timeout':
      text =
        `${f.phase === 'ask' ? tenant : 'The upload URL BalkanID gave'} did not finish answering within ` +
        `${f.seconds} s while ${doing(f.phase)}; the request was abandoned` +
        (f.phase === 'send' ? ' (the file may have arrived: run the upload again to be sure).' : '.') +
        ' Check the network connection and proxy, or raise --request-timeout.';
      code = 'UPLOAD_TIMEOUT';
      break;
    case 'too-large':
      text =
        `${f.phase === 'ask' ? tenant : 'The upload URL BalkanID gave'} answered with ` +
        `${f.status >= 400 ? `an HTTP ${f.status} error of ` : ''}more than ${f.limit} (the limit for an upload ` +
        `answer) while ${doing(f.phase)}; the rest was not read.`;
      code = 'TOO_LARGE';
      break;
    case 'redirect':
      text =
        `The answer to ${doing(f.phase)} was a redirect to ${describeUrl(f.location)}; it was not followed, so ` +
        `neither the API key nor the file went there. Check the BalkanID address (${tenant}).`;
      code = 'UPLOAD_REDIRECT';
      break;
    case 'no-url':
      text =
        `BalkanID answered without an upload URL for ${file}${said(f.detail)}. This Bulk API is in Early Access; ` +
        `check ${tenant} and contact BalkanID support if it persists.`;
      code = 'UPLOAD_NO_URL';
      break;
    case 'insecure-url':
      text =
        `BalkanID gave an upload URL for ${file} that is not https (${describeUrl(f.url)}); the file was not ` +
        'sent.';
      code = 'INSECURE_URL';
      break;
    case 'expired':
      text =
        `The upload URL for ${file} expired twice before the file arrived. Check the computer's clock and the ` +
        "connection's speed, then run the upload again.";
      code = 'UPLOAD_EXPIRED';
      break;
    case 'aborted':
      text = `The upload was cancelled while ${file} was not yet uploaded.`;
      code = 'UPLOAD_ABORTED';
      break;
  }
  return new SetupError(`${text} ${uploadState(done)}`, code);
}

function statusMessage(
  f: Extract<UploadFailure, { kind: 'status' }>,
  file: string,
  doing: string,
  said: string,
): [string, ErrorCode] {
  const who = f.phase === 'ask' ? 'BalkanID' : 'The upload URL BalkanID gave';
  const tries = `${f.attempts} attempt${f.attempts > 1 ? 's' : ''}`;
  if (f.status === 429)
    return [
      `${who} kept answering "too many requests" (HTTP 429) while ${doing}, ${tries}${said}. Wait a few ` +
        'minutes, then run the upload again.',
      'UPLOAD_RATE_LIMITED',
    ];
  if (f.status >= 500)
    return [
      `${who} answered with a server error (HTTP ${f.status}) while ${doing}, ${tries}${said}. BalkanID may be ` +
        'down or busy; try again later.',
      'UPLOAD_SERVER',
    ];
  if (f.phase === 'ask' && f.status === 401)
    return [
      `BalkanID refused the API key (HTTP 401) while ${doing}${said}: the API key ID or secret is wrong, or the ` +
        'key was revoked. Check both values, or create a new API key in BalkanID and use its ID and secret.',
      'UPLOAD_AUTH',
    ];
  if (f.phase === 'ask' && f.status === 403)
    return [
      `BalkanID refused the request (HTTP 403) while ${doing}${said}: the API key lacks permission for bulk ` +
        'uploads. Ask a BalkanID administrator for a key that may upload entities and entity relations.',
      'UPLOAD_FORBIDDEN',
    ];
  return [`${who} refused ${file} (HTTP ${f.status}) while ${doing}${said}.`, 'UPLOAD_REJECTED'];
}

/** A short, single-line reason from an error body: a JSON message, S3's XML <Message>, or the text; never HTML. */
export function errorDetail(body: string): string | undefined {
  const text = body.trim();
  if (!text || /^<(!doctype|html)/i.test(text)) return undefined;
  let reason = /<Message>([^<]*)<\/Message>/i.exec(text)?.[1];
  if (reason === undefined) {
    try {
      const j = JSON.parse(text);
      const first = Array.isArray(j) ? j[0] : j;
      const m = first?.message ?? first?.error ?? first?.errors?.[0]?.message;
      reason = typeof m === 'string' ? m : undefined;
    } catch {
      /* not JSON: use the text */
    }
  }
  const line = (reason ?? text).replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line || undefined;
}

// ---- The App column, checked against the tenant ------------------------------------------------------------------
// BalkanID's Bulk Apps Download API (developer.balkan.id, "Bulk Apps Download API (Early Access)",
// bulk-apps-download-api-early-access-12828089e0): POST <tenant>/api/rest/v0/apps/download-url with the API key
// answers `url` and `pollingUrl`; "HEAD to the pollingUrl. 404, the file is not ready, and you should retry this
// polling request after a delay. 200, the file is ready, and you may proceed to download the CSV from the received
// url". The CSV's columns: Tenant ID, Tenant Name, Tenant Status, Tenant Created At, ID, Name, Description, Logo.

export const appsEndpoint = (tenant: string) => `${tenant}/api/rest/v0/apps/download-url`;
/** The apps list is a few hundred rows: anything larger than this is not it. */
export const MAX_APPS_BYTES = 2 * 1024 * 1024;
/** How long the tenant may take to prepare the apps list. */
export const APPS_DEADLINE_MS = 60_000;

/** The download's two URLs from BalkanID's answer, if it has both as absolute http(s) URLs. */
export function pickDownloadUrls(body: unknown): { url: string; pollingUrl: string } | undefined {
  const b = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const ok = (v: unknown): v is string => typeof v === 'string' && /^https?:\/\//i.test(v);
  return ok(b.url) && ok(b.pollingUrl) ? { url: b.url, pollingUrl: b.pollingUrl } : undefined;
}

/** The tenant's apps from the CSV: each row's ID and Name (header names matched without case or a trailing *). */
export function appsFromCsv(text: string): Array<{ id: string; name: string }> {
  const { header, rows } = csvTable(text.replace(/^\uFEFF/, ''), { maxCell: 4096, maxColumns: 64 });
  const col = (name: string) => header.findIndex(h => h.trim().replace(/\*$/, '').toLowerCase() === name);
  const id = col('id');
  if (id < 0)
    throw new SetupError(
      `BalkanID's apps list has no ID column (its columns: ${header.slice(0, 10).join(', ').slice(0, 200)}).`,
      'UPLOAD_APPS',
    );
  const name = col('name');
  return rows.map(r => ({ id: r[id]!.trim(), name: name >= 0 ? r[name]!.trim() : '' })).filter(a => a.id);
}

/** The error for an App the tenant does not have: the value, the ids that exist (Salesforce's first), what to do. */
export function unknownAppError(app: string, apps: Array<{ id: string; name: string }>, tenant: string): SetupError {
  const sf = apps.filter(a => /salesforce/i.test(`${a.id} ${a.name}`));
  const ordered = [...sf, ...apps.filter(a => !sf.includes(a))];
  const shownApps = ordered
    .slice(0, 20)
    .map(a => (a.name && a.name !== a.id ? `${a.id} (${a.name})` : a.id))
    .join(', ');
  const more = ordered.length > 20 ? ` and ${ordered.length - 20} more` : '';
  const hint = sf.length
    ? `Export again with --app ${sf[0]!.id}`
    : 'Add Salesforce to your apps in BalkanID, then export again with --app <its id>';
  return new SetupError(
    `The App "${app}" in entities.csv is not an app of your BalkanID tenant ${tenant} ` +
      `(${apps.length ? `its apps: ${shownApps}${more}` : 'it has no apps'}). ${hint} (in VS Code: the setting ` +
      '"BalkanID › Export: App", then Export for BalkanID… again). Nothing was uploaded.',
    'UPLOAD_UNKNOWN_APP',
  );
}
