// The extraction's pure rules, exactly: why a list could not be read, whether the users may be partial, the CSV
// rows, and the Bulk API's rules (tenant URL, retries, Retry-After, header rows, upload state,
// error texts). The engine suite runs them against the test org; here each rule is pinned on its own.
import assert from 'node:assert/strict';
import { csvField, csvRow, ENTITY_HEADER, RELATION_HEADER, UPLOADS } from '../../src/core/extract/format';
import { readFix, SOURCES, usersMayBePartial } from '../../src/core/extract/sources';
import { scimAccess, scimBaseUrl } from '../../src/core/extract/scim';
import {
  appsEndpoint,
  checkPresignedUrl,
  checkTenantUrl,
  describeUrl,
  errorDetail,
  firstLineOf,
  headerProblem,
  isExpiredPresignedUrl,
  MAX_APPS_BYTES,
  parseRetryAfter,
  pickDownloadUrls,
  pickUploadUrl,
  retryDecision,
  uploadError,
  uploadState,
  uploadUrlEndpoint,
} from '../../src/core/extract/upload';
import { isSetupError } from '../../src/core/types';
import { NOW } from '../support/clock';

const source = (id: string) => SOURCES.find(s => s.id === id)!;

describe('extraction rules: reading', () => {
  it('why a read failed, as the reader can act on it, in words that agree with who read ("You need", "The integration user needs")', () => {
    const roles = source('role');
    assert.equal(readFix(roles, 'API_DISABLED_FOR_ORG', 'You'), 'You lack "API Enabled".');
    assert.equal(
      readFix(roles, 'API_DISABLED_FOR_ORG', 'The integration user'),
      'The integration user lacks "API Enabled".',
    );
    for (const code of ['INVALID_TYPE', 'INSUFFICIENT_ACCESS', 'NOT_FOUND']) {
      assert.equal(readFix(roles, code, 'You'), 'You need "View Roles and Role Hierarchy" to read Roles.', code);
      assert.equal(
        readFix(roles, code, 'The integration user'),
        'The integration user needs "View Roles and Role Hierarchy" to read Roles.',
        code,
      );
    }
    assert.equal(readFix(roles, 'REQUEST_LIMIT_EXCEEDED', 'You'), 'You could not read Roles (REQUEST_LIMIT_EXCEEDED).');
  });
  it('users may be partial unless the reader has View All Users or View All Data (true, not just truthy)', () => {
    const ok = (row: object) => ({ status: 200, body: { records: [row] } });
    assert.equal(usersMayBePartial(ok({ PermissionsViewAllUsers: true }), 'You'), undefined);
    assert.equal(usersMayBePartial(ok({ PermissionsViewAllData: true }), 'You'), undefined);
    assert.match(usersMayBePartial(ok({ PermissionsViewAllUsers: 'true' }), 'You')!, /^You may see only some users/);
    assert.match(usersMayBePartial(ok({}), 'You')!, /^You may see only some users/);
    assert.match(
      usersMayBePartial({ status: 400, body: { records: [{ PermissionsViewAllData: true }] } }, 'You')!,
      /^You may see only/,
    );
    assert.match(usersMayBePartial(undefined, 'The integration user')!, /^The integration user may see only/);
  });
});

describe('extraction rules: CSV', () => {
  it('a field is quoted only when it holds a comma, quote, CR or LF; quotes are doubled', () => {
    assert.equal(csvField('plain text'), 'plain text');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('a\rb'), '"a\rb"');
    assert.equal(csvField('a\nb'), '"a\nb"');
  });
  it('a row is its fields joined by commas with a CRLF line end', () => {
    assert.equal(csvRow(['a', 'b,c', '']), 'a,"b,c",\r\n');
  });
  it("the two uploads, entities first, with BalkanID's header rows", () => {
    assert.deepEqual(
      UPLOADS.map(u => [u.file, u.resource, u.header.join(',')]),
      [
        [
          'entities.csv',
          'entities',
          'App,Name,Entity Type,Source System,Source ID,Source Type,Metadata Version,Metadata',
        ],
        [
          'entity-relations.csv',
          'entity-relations',
          'App,Parent Entity Source ID,Parent Entity Type,Entity Source ID,Entity Type,Source System,Metadata Version,Metadata',
        ],
      ],
    );
  });
});

describe('extraction rules: SCIM', () => {
  it("the SCIM base URL is the org's own address, trailing slashes dropped", () => {
    assert.equal(scimBaseUrl('https://acme.my.salesforce.com//'), 'https://acme.my.salesforce.com/services/scim/v2/');
    assert.equal(scimBaseUrl('https://acme.my.salesforce.com'), 'https://acme.my.salesforce.com/services/scim/v2/');
  });
  it('the SCIM access text names the integration user', () => {
    assert.match(scimAccess('balkanid@acme.com'), /^An OAuth 2\.0 access token for balkanid@acme\.com: /);
  });
});

describe('extraction rules: the Bulk API', () => {
  const refused = (raw: string | undefined) => {
    try {
      checkTenantUrl(raw);
      return undefined;
    } catch (e) {
      return isSetupError(e) ? e.code : 'not a SetupError';
    }
  };
  it('the tenant: https origin, http only to loopback; empty means the default tenant', () => {
    assert.equal(checkTenantUrl(undefined), 'https://app.balkan.id');
    assert.equal(checkTenantUrl('   '), 'https://app.balkan.id');
    assert.equal(checkTenantUrl(' https://acme.balkan.id/ '), 'https://acme.balkan.id');
    assert.equal(checkTenantUrl('http://127.0.0.1:9999'), 'http://127.0.0.1:9999');
    assert.equal(refused('http://acme.balkan.id'), 'INSECURE_URL');
    assert.equal(refused('not a url'), 'INSECURE_URL');
  });
  it('the tenant: a path, query, fragment, user name or password is refused', () => {
    for (const raw of [
      'https://acme.balkan.id/api',
      'https://acme.balkan.id/?x=1',
      'https://acme.balkan.id/#x',
      'https://me@acme.balkan.id',
      'https://:pw@acme.balkan.id',
    ])
      assert.equal(refused(raw), 'INSECURE_URL', raw);
    assert.throws(
      () => checkTenantUrl('https://acme.balkan.id/api/rest'),
      (e: any) => e.message.includes('https://acme.balkan.id (not "https://acme.balkan.id/api/rest…")'),
    );
  });
  it('the upload endpoint of a resource', () => {
    assert.equal(
      uploadUrlEndpoint('https://app.balkan.id', 'entities'),
      'https://app.balkan.id/api/rest/v0/entities/upload-url',
    );
  });
  it('a pre-signed URL: https always; http to loopback only when the tenant itself is a loopback stand-in', () => {
    assert.equal(checkPresignedUrl('https://s3.example/f?sig=1', 'https://app.balkan.id')?.host, 's3.example');
    assert.equal(checkPresignedUrl('http://127.0.0.1:1/f', 'http://127.0.0.1:9')?.port, '1');
    assert.equal(checkPresignedUrl('http://127.0.0.1:1/f', 'https://app.balkan.id'), undefined);
    assert.equal(checkPresignedUrl('http://s3.example/f', 'http://127.0.0.1:9'), undefined);
    assert.equal(checkPresignedUrl('::', 'https://app.balkan.id'), undefined);
  });
  it('a URL in a message shows its origin and path, never its query', () => {
    assert.equal(
      describeUrl('https://s3.example:8443/b/f.csv?X-Amz-Signature=abc#x'),
      'https://s3.example:8443/b/f.csv',
    );
    assert.equal(describeUrl('nope'), '(an invalid URL)');
  });
  it("the upload URL is the answer's absolute http(s) url, nothing else", () => {
    assert.equal(pickUploadUrl({ url: 'https://s3/x' }), 'https://s3/x');
    assert.equal(pickUploadUrl({ url: 'HTTP://s3/x' }), 'HTTP://s3/x');
    assert.equal(pickUploadUrl({ url: '/relative' }), undefined);
    assert.equal(pickUploadUrl({ url: 'ftp://s3/x' }), undefined);
    assert.equal(pickUploadUrl({ url: 42 }), undefined);
    assert.equal(pickUploadUrl({ uploadUrl: 'https://s3/x' }), undefined);
    assert.equal(pickUploadUrl('https://s3/x'), undefined);
    assert.equal(pickUploadUrl(null), undefined);
  });
  it('the apps download: both URLs absolute http(s), else none; its endpoint under the tenant; a 2 MB cap', () => {
    const url = 'https://s3.example/apps.csv?X-Amz-Signature=x';
    const pollingUrl = 'HTTP://s3.example/apps.csv.ready';
    assert.deepEqual(pickDownloadUrls({ url, pollingUrl, extra: 1 }), { url, pollingUrl });
    for (const body of [
      { url },
      { pollingUrl },
      { url, pollingUrl: '/relative' },
      { url: 'ftp://x', pollingUrl },
      { url: 5, pollingUrl },
      'https://x',
      null,
      undefined,
    ])
      assert.equal(pickDownloadUrls(body), undefined, JSON.stringify(body));
    assert.equal(appsEndpoint('https://acme.balkan.id'), 'https://acme.balkan.id/api/rest/v0/apps/download-url');
    assert.equal(MAX_APPS_BYTES, 2097152);
  });
  it('Retry-After: seconds or an HTTP date, never negative, at most a minute; absent or garbage is undefined', () => {
    assert.equal(parseRetryAfter('7', NOW), 7000);
    assert.equal(parseRetryAfter(' 0 ', NOW), 0);
    assert.equal(parseRetryAfter('60', NOW), 60_000);
    assert.equal(parseRetryAfter('61', NOW), 60_000);
    assert.equal(parseRetryAfter(new Date(NOW + 5000).toUTCString(), NOW), 5000);
    assert.equal(parseRetryAfter(new Date(NOW - 5000).toUTCString(), NOW), 0);
    assert.equal(parseRetryAfter('soon', NOW), undefined);
    assert.equal(parseRetryAfter('', NOW), undefined);
    assert.equal(parseRetryAfter(null, NOW), undefined);
    assert.equal(parseRetryAfter(undefined, NOW), undefined);
    assert.equal(parseRetryAfter('-5', NOW), 0, 'a negative number reads as a past date');
    assert.equal(parseRetryAfter('2026-11-30', NOW), 0, 'a date that ends in digits is a date, not seconds');
    assert.equal(parseRetryAfter('12s', NOW), undefined);
    assert.equal(parseRetryAfter('x12', NOW), undefined);
  });
  it('retries: 429 and 5xx up to the 4th attempt, backing off 1 s, 2 s, 4 s, or as Retry-After says for 429', () => {
    assert.deepEqual(retryDecision(500, 1, null, NOW), { retry: true, waitMs: 1000 });
    assert.deepEqual(retryDecision(503, 2, '9', NOW), { retry: true, waitMs: 2000 });
    assert.deepEqual(retryDecision(429, 3, null, NOW), { retry: true, waitMs: 4000 });
    assert.deepEqual(retryDecision(429, 1, '3', NOW), { retry: true, waitMs: 3000 });
    assert.deepEqual(retryDecision(429, 4, '3', NOW), { retry: false });
    assert.deepEqual(retryDecision(500, 4, null, NOW), { retry: false });
    for (const status of [400, 401, 403, 404, 499])
      assert.deepEqual(retryDecision(status, 1, null, NOW), { retry: false });
  });
  it("S3's expired pre-signed URL: 403 with AccessDenied and 'Request has expired', nothing less", () => {
    const body = '<Error><Code> AccessDenied </Code><Message>Request has expired</Message></Error>';
    assert.equal(isExpiredPresignedUrl(403, body), true);
    assert.equal(isExpiredPresignedUrl(400, body), false);
    assert.equal(isExpiredPresignedUrl(403, '<Code>AccessDenied</Code><Message>Nope</Message>'), false);
    assert.equal(isExpiredPresignedUrl(403, '<Code>SignatureDoesNotMatch</Code> Request has expired'), false);
  });
  it("a CSV's first line must be BalkanID's header row exactly; a BOM is named; a long line is cut at 200", () => {
    const header = ENTITY_HEADER;
    assert.equal(headerProblem(header.join(','), header), undefined);
    assert.equal(
      headerProblem(`\uFEFF${header.join(',')}`, header),
      'starts with a UTF-8 byte order mark (BOM); save it as CSV without a BOM',
    );
    assert.equal(
      headerProblem('a,b', RELATION_HEADER),
      `does not start with the header row BalkanID expects: "${RELATION_HEADER.join(',')}" (it starts with "a,b")`,
    );
    assert.ok(headerProblem('x'.repeat(200), header)!.endsWith(`(it starts with "${'x'.repeat(200)}")`));
    assert.ok(headerProblem('x'.repeat(201), header)!.endsWith(`(it starts with "${'x'.repeat(200)}…")`));
  });
  it('the first line of a text, without its CRLF or LF', () => {
    assert.equal(firstLineOf('a,b\r\nc'), 'a,b');
    assert.equal(firstLineOf('a,b\nc'), 'a,b');
    assert.equal(firstLineOf(''), '');
  });
  it('where an upload stands: nothing, one of two, or both', () => {
    assert.equal(uploadState([]), 'Nothing was uploaded.');
    assert.equal(
      uploadState(['entities.csv']),
      'entities.csv was uploaded; entity-relations.csv was not — run the upload again.',
    );
    assert.equal(
      uploadState(['entities.csv', 'entity-relations.csv']),
      'entities.csv and entity-relations.csv were uploaded.',
    );
  });
  it("each failure's error code", () => {
    const code = (f: Parameters<typeof uploadError>[0]) =>
      uploadError(f, 'entities.csv', 'https://app.balkan.id', []).code;
    assert.equal(code({ kind: 'status', phase: 'ask', status: 429, attempts: 4 }), 'UPLOAD_RATE_LIMITED');
    assert.equal(code({ kind: 'status', phase: 'send', status: 500, attempts: 4 }), 'UPLOAD_SERVER');
    assert.equal(code({ kind: 'status', phase: 'ask', status: 401, attempts: 1 }), 'UPLOAD_AUTH');
    assert.equal(code({ kind: 'status', phase: 'ask', status: 403, attempts: 1 }), 'UPLOAD_FORBIDDEN');
    assert.equal(code({ kind: 'status', phase: 'send', status: 401, attempts: 1 }), 'UPLOAD_REJECTED');
    assert.equal(code({ kind: 'status', phase: 'send', status: 403, attempts: 1 }), 'UPLOAD_REJECTED');
    assert.equal(code({ kind: 'status', phase: 'ask', status: 404, attempts: 1 }), 'UPLOAD_REJECTED');
    assert.equal(code({ kind: 'network', phase: 'ask', reason: 'ECONNRESET' }), 'UPLOAD_NETWORK');
    assert.equal(code({ kind: 'redirect', phase: 'send', location: 'https://x/y?sig=1' }), 'UPLOAD_REDIRECT');
    assert.equal(code({ kind: 'no-url' }), 'UPLOAD_NO_URL');
    assert.equal(code({ kind: 'insecure-url', url: 'http://x' }), 'INSECURE_URL');
    assert.equal(code({ kind: 'expired' }), 'UPLOAD_EXPIRED');
    assert.equal(code({ kind: 'aborted' }), 'UPLOAD_ABORTED');
  });
  it('an error names who answered, what was being done, the attempts and the detail, and ends with the upload state', () => {
    const e = uploadError(
      { kind: 'status', phase: 'send', status: 503, attempts: 4, detail: 'Slow Down' },
      'entity-relations.csv',
      'https://app.balkan.id',
      ['entities.csv'],
    );
    assert.equal(
      e.message,
      'The upload URL BalkanID gave answered with a server error (HTTP 503) while sending entity-relations.csv, ' +
        '4 attempts (Slow Down). BalkanID may be down or busy; try again later. entities.csv was uploaded; ' +
        'entity-relations.csv was not — run the upload again.',
    );
    assert.match(
      uploadError({ kind: 'status', phase: 'ask', status: 429, attempts: 1 }, 'entities.csv', 'https://t', []).message,
      /^BalkanID kept answering "too many requests" \(HTTP 429\) while asking for an upload URL for entities\.csv, 1 attempt\. /,
    );
    assert.match(
      uploadError({ kind: 'network', phase: 'send', reason: 'ETIMEDOUT' }, 'entities.csv', 'https://t', []).message,
      /^Cannot reach the upload URL BalkanID gave \(ETIMEDOUT\) while sending entities\.csv\./,
    );
    assert.match(
      uploadError({ kind: 'network', phase: 'ask', reason: 'ENOTFOUND' }, 'entities.csv', 'https://t', []).message,
      /^Cannot reach https:\/\/t \(ENOTFOUND\)/,
    );
    assert.match(
      uploadError({ kind: 'redirect', phase: 'ask', location: 'https://x/y?sig=1' }, 'entities.csv', 'https://t', [])
        .message,
      /redirect to https:\/\/x\/y;/,
    );
  });
  it('an error body becomes one short line: JSON message/error/errors, S3 <Message>, or the text; never HTML', () => {
    assert.equal(errorDetail('{"message":"bad key"}'), 'bad key');
    assert.equal(errorDetail('[{"message":"first"},{"message":"second"}]'), 'first');
    assert.equal(errorDetail('{"error":"nope"}'), 'nope');
    assert.equal(errorDetail('{"errors":[{"message":"deep"}]}'), 'deep');
    assert.equal(errorDetail('{"code":1}'), '{"code":1}');
    assert.equal(errorDetail('{not json'), '{not json');
    assert.equal(errorDetail('{"errors":[]}'), '{"errors":[]}');
    assert.equal(errorDetail('{"errors":null}'), '{"errors":null}');
    assert.equal(errorDetail('null'), 'null');
    assert.equal(errorDetail('[]'), '[]');
    assert.equal(errorDetail('x{"message":"m1"}'), 'x{"message":"m1"}');
    assert.equal(errorDetail('a  b\n\tc'), 'a b c');
    assert.equal(errorDetail('<Error><Message>Slow\n  Down</Message></Error>'), 'Slow Down');
    assert.equal(errorDetail('<!DOCTYPE html><p>x</p>'), undefined);
    assert.equal(errorDetail('<html>x</html>'), undefined);
    assert.equal(errorDetail('  \n '), undefined);
    assert.equal(errorDetail('a'.repeat(300)), 'a'.repeat(300));
    assert.equal(errorDetail('a'.repeat(301)), `${'a'.repeat(300)}…`);
  });
});
