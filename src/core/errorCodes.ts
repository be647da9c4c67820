// Every code a SetupError carries, declared once with what it means and what follows from it. Besides these, an
// error may carry a finding's code (a step refused to write because of that finding: findings.ts) or a code
// Salesforce answered, passed on as it came (salesforceCode). `--json` prints the code as `error.code`.

export interface ErrorSpec {
  /** What happened, for whoever reads the code (`--json`, the log). */
  means: string;
  /** A write that was in flight may have been made although no answer said so: the error says so, and the next run
   *  reads the org and completes it. */
  uncertain?: true;
  /** The org cannot be read any more (the session or the network is gone): reading stops instead of noting a fact
   *  it could not read. */
  lost?: true;
}

export const ERRORS = {
  // The command line and the workspace.
  USAGE: { means: 'the command line is wrong (an option, a value, an exclusion); nothing ran' },
  MANIFEST: { means: 'the setup manifest is missing, invalid, or cannot be written' },
  NO_MANIFEST: { means: 'the workspace has no setup manifest yet' },
  NO_WORKSPACE: { means: 'no folder is open in VS Code' },
  // Connecting to the org.
  NOT_CONNECTED: { means: 'no org is connected (VS Code)' },
  AUTH: { means: 'no usable access token or login for the org' },
  WEB_LOGIN: { means: 'the browser login did not complete' },
  INSECURE_URL: { means: 'an address that is not https (plain http only to loopback)' },
  SESSION_EXPIRED: { means: 'the session expired or the access token is not valid', lost: true },
  UNREACHABLE: { means: 'the org did not answer, or redirected elsewhere', uncertain: true, lost: true },
  TIMEOUT: { means: 'the org did not answer in time', uncertain: true, lost: true },
  TOO_LARGE: {
    means:
      'an answer was larger than the limit for its kind (a query page, a batch, an error answer); not read further',
    uncertain: true,
  },
  INTERRUPTED: {
    means: 'stopped by Ctrl+C or a signal (SIGINT, SIGTERM, SIGHUP) while an answer was awaited',
    uncertain: true,
    lost: true,
  },
  API_DISABLED_FOR_ORG: {
    means:
      'Salesforce\'s own code: the API is not enabled for the user (no "API Enabled") or for the org (its edition)',
  },
  API_TOO_OLD: { means: 'the org offers no API version this product can use' },
  // What Salesforce answered.
  SERVER_ERROR: { means: 'Salesforce answered with a server error (HTTP 5xx)', uncertain: true },
  UNEXPECTED_RESPONSE: {
    means:
      'Salesforce answered something that is not the documented data: an HTML page, an empty body, a missing ' +
      'subresult, a query page without records, a next page elsewhere',
    uncertain: true,
  },
  SOAP_REFUSES_JWT_TOKEN: {
    means:
      "the session's access token is JWT-based, which Salesforce accepts for REST APIs only: a Metadata API (SOAP) " +
      'call was not made',
  },
  UNKNOWN: { means: 'an error this product does not classify (a library failure or a bug); its message as it came' },
  // Writing the setup (apply, teardown).
  BLOCKED: { means: 'a step cannot run now and no finding says why' },
  NOTHING_CAN_RUN: { means: 'every step with work to do is blocked or waits for one that is; nothing was written' },
  NEEDS_PROFILE: { means: 'the user step ran before the profile exists' },
  NEEDS_USER: { means: 'the permission set step ran before the integration user exists' },
  NEEDS_PERMSET: { means: 'the app or link step ran before the permission set exists' },
  NEEDS_APP: { means: 'the link step ran before the External Client App exists' },
  DUPLICATE_USERNAME: { means: "the integration user's username is taken (usernames are global)" },
  DEPLOY_FAILED: { means: "the External Client App's deploy (or its removal) failed" },

  DEPLOY_STILL_RUNNING: { means: "the app's deploy outlasted the deploy timeout; it goes on in Salesforce" },
  CONCURRENT_RUN: { means: 'another run changed the org while this one was writing; nothing was duplicated' },
  RECHECK_FAILED: { means: 'every write was made, only the check afterwards failed (exit 1, not an error)' },
  CANCELLED: { means: 'cancelled by the user; the next run continues from there' },
  // Verify and the hand-off.
  NO_CONSUMER_KEY: { means: 'the consumer key is not known yet' },
  JWT_LOGIN_FAILED: { means: 'the JWT login as the integration user failed' },
  NOTHING_TO_COPY: { means: 'a value to copy is not known yet (VS Code)' },
  'bad-consumer-key': { means: 'what was typed is not a consumer key (VS Code)' },
  // Files the user picks: where the certificate goes, the private key (the certificate's own problems are findings).
  'cert-outside-workspace': { means: "the manifest's certificate path points outside the workspace folder" },
  'key-too-large': { means: 'the private key file is far larger than a key' },
  'key-is-certificate': { means: 'a certificate was given where the private key belongs' },
  'key-encrypted': { means: 'the private key is encrypted' },
  'key-unreadable': { means: 'the private key cannot be read or parsed' },
  'key-not-rsa': { means: 'the private key is not RSA (JWT bearer signs RS256)' },
  'key-too-short': { means: 'the RSA key has fewer than 2048 bits' },
  // The files for BalkanID: export and the Bulk API upload.
  EXPORT_FOLDER: { means: 'the export folder cannot be created or written' },
  EXPORT_FAILED: {
    means: 'a list could not be read during the export (retries and resuming from the last Id included)',
  },
  EXPORT_MALFORMED: {
    means:
      'Salesforce answered a list with something that is not its records (a row without its Id or a required ' +
      'field, an ID of another kind, an over-long or NUL-holding value, a broken page or CSV); nothing was written',
  },
  EXPORT_SHORT: {
    means:
      "a list's rows do not add up: fewer (or more) than its query, its job or its COUNT() said; nothing was written",
  },
  UPLOAD_INPUT: { means: 'the files to upload, or the API key, are missing or wrong; nothing was sent' },
  UPLOAD_AUTH: { means: 'BalkanID refused the API key (HTTP 401)' },
  UPLOAD_FORBIDDEN: { means: 'the API key may not upload (HTTP 403)' },
  UPLOAD_RATE_LIMITED: { means: 'BalkanID kept answering "too many requests" (HTTP 429)' },
  UPLOAD_SERVER: { means: 'BalkanID or the storage answered with a server error' },
  UPLOAD_REJECTED: { means: 'BalkanID or the storage refused a file' },
  UPLOAD_NETWORK: { means: 'BalkanID or the upload URL could not be reached' },
  UPLOAD_TIMEOUT: { means: 'BalkanID or the upload URL did not finish answering within the request timeout' },
  UPLOAD_REDIRECT: { means: 'an answer redirected elsewhere; neither the key nor the file went there' },
  UPLOAD_NO_URL: { means: 'BalkanID answered without an upload URL' },
  UPLOAD_EXPIRED: { means: 'the upload URL expired twice before the file arrived' },
  UPLOAD_ABORTED: { means: 'the upload was cancelled before a file arrived' },
  UPLOAD_UNKNOWN_APP: { means: "the files' App is not an app of the BalkanID tenant; nothing was sent" },
  UPLOAD_APPS: {
    means: "the tenant's apps list (Bulk Apps Download API) could not be read to check the App; nothing was sent",
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

declare const answered: unique symbol;
/** A code Salesforce (or the transport) answered, passed on as it came: LICENSE_LIMIT_EXCEEDED, INVALID_FIELD, …. */
export type SalesforceCode = string & { readonly [answered]: true };
export const salesforceCode = (code: string): SalesforceCode => code as SalesforceCode;

const spec = (code: string): ErrorSpec | undefined =>
  Object.hasOwn(ERRORS, code) ? ERRORS[code as ErrorCode] : undefined;
/** After this error, a write in flight may have been made. */
export const mayHaveWritten = (code: string) => !!spec(code)?.uncertain;
/** After this error, the org cannot be read any more. */
export const connectionLost = (code: string) => !!spec(code)?.lost;
