// Errors that survive the bundle split, redaction of echoed secrets, step-scoped error messages, quick fixes
// that can fix their problem.
import { tempDir } from '../support/temp';
import { NOW } from '../support/clock';
import assert from 'node:assert/strict';
import { isSetupError, SetupError } from '../../src/core/types';
import { redact, redactDeep, registerSecret } from '../../src/core/redact';
import { salesforceCode } from '../../src/core/errorCodes';
import { stepError } from '../../src/core/engine';
import { quickFixFor } from '../../src/vscode/diagnosticsModel';

describe('SetupError across separately loaded copies (the extension bundles engine and UI apart)', () => {
  it('isSetupError recognises an error from another copy of the module, where instanceof does not', () => {
    const path = require.resolve('../../src/core/types');
    delete require.cache[path];
    const other = require(path) as typeof import('../../src/core/types');
    const e = new other.SetupError('from the other bundle', 'cert-is-csr');
    assert.equal(e instanceof SetupError, false, 'the premise: two copies, two classes');
    assert.equal(isSetupError(e), true);
    assert.equal(isSetupError(new Error('plain')), false);
    assert.equal(isSetupError({ code: 'X', message: 'duck' }), false);
  });
});

describe('redaction', () => {
  it('a secret registered through one copy of the module is redacted by another (the extension bundles engine and UI apart)', () => {
    const path = require.resolve('../../src/core/redact');
    delete require.cache[path];
    const other = require(path) as typeof import('../../src/core/redact');
    other.registerSecret('registered-in-the-engine-bundle-42');
    assert.equal(redact('echo registered-in-the-engine-bundle-42'), 'echo <redacted>');
  });
  it('redacts a registered secret of any shape wherever it is echoed, and each line of a registered PEM', () => {
    registerSecret('tok-of-an-unusual-shape-1234567890');
    assert.equal(redact('Session tok-of-an-unusual-shape-1234567890 is invalid'), 'Session <redacted> is invalid');
    const pem = `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(64)}\n${'B'.repeat(64)}\n-----END PRIVATE KEY-----\n`;
    registerSecret(pem);
    assert.equal(redact(`bad line: ${'B'.repeat(64)}`), 'bad line: <redacted>');
  });
  it('redacts token, key, JWT, consumer-secret and SOAP session shapes', () => {
    const secret = 'A1B2C3D4'.repeat(8);
    const text =
      `00D000000000001!AQ${'x'.repeat(40)} -----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY----- eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIzTVZHIn0.c2ln ` +
      `secret ${secret} <sessionId>abc.def</sessionId> {"client_secret":"s3cr3t"} Bearer abc.def`;
    const out = redact(text);
    for (const leaked of ['!AQ', 'MIIE', 'eyJ', secret, 'abc.def', 's3cr3t'])
      assert.ok(!out.includes(leaked), `${leaked} in ${out}`);
  });
  it('redactDeep redacts every string in a JSON document and keeps its shape', () => {
    assert.deepEqual(redactDeep({ a: ['Bearer xyz'], b: { c: 1, d: 'access_token=abc' } }), {
      a: ['Bearer <redacted>'],
      b: { c: 1, d: 'access_token=<redacted>' },
    });
  });
});

describe('step-scoped errors', () => {
  it('names the step, lists the writes made, and says "Nothing was written." when none were', () => {
    const w = {
      step: 'profile' as const,
      action: 'create' as const,
      target: 'profile',
      detail: '"BalkanID Integration"',
    };
    const e = stepError('app', new SetupError('boom', 'DEPLOY_FAILED'), [w]);
    assert.equal(e.step, 'app');
    assert.deepEqual(e.writes, [w]);
    assert.match(
      e.message,
      /^Step "External Client App with JWT bearer" failed: boom\. Written before the failure: Create profile — "BalkanID Integration"\.$/,
    );
    assert.match(stepError('preflight', new SetupError('no', 'UNKNOWN'), []).message, /Nothing was written\.$/);
  });
  it('after a timeout during a write, says that write may have been made and that the next run checks', () => {
    const e = stepError(
      'link',
      new SetupError('did not answer in time', 'TIMEOUT'),
      [],
      'the link between the permission set and the app',
    );
    assert.equal(e.uncertain, 'the link between the permission set and the app');
    assert.match(
      e.message,
      /The link between the permission set and the app may have been written: the answer did not arrive\. The next run checks and completes it\./,
    );
    assert.ok(!/Nothing was written/.test(e.message));
  });
  it('a rejection Salesforce answered (a limit, an expired session) is not uncertain', () => {
    assert.equal(
      stepError('link', new SetupError('limit', salesforceCode('REQUEST_LIMIT_EXCEEDED')), [], 'the link').uncertain,
      undefined,
    );
    assert.equal(stepError('link', new SetupError('expired', 'SESSION_EXPIRED'), [], 'the link').uncertain, undefined);
  });
  it('an unexpected exception becomes a SetupError naming the step', () => {
    const e = stepError('user', new TypeError('x is undefined'), []);
    assert.ok(isSetupError(e));
    assert.match(
      e.message,
      /^Step "Integration user" failed: Unexpected error: x is undefined\. Nothing was written\.$/,
    );
  });
});

describe('quick fixes offer only what can fix the problem', () => {
  it('a missing admin permission opens the admin\'s user in Setup, never "Run step"', () => {
    for (const step of ['preflight', 'profile', 'app'] as const)
      assert.deepEqual(quickFixFor('admin-permission-missing', step), { kind: 'openAdminUser' });
  });
  it('certificate problems open the Credentials view; drift runs its own step; the rest offers nothing', () => {
    assert.deepEqual(quickFixFor('cert-missing', 'app'), { kind: 'chooseCertificate' });
    assert.deepEqual(quickFixFor('cert-expired', 'app'), { kind: 'chooseCertificate' });
    assert.deepEqual(quickFixFor('app-drift', 'app'), { kind: 'runStep', step: 'app' });
    assert.deepEqual(quickFixFor('link-missing-drift', 'link'), { kind: 'runStep', step: 'link' });
    for (const code of [
      'license-exhausted',
      'api-version-too-old',
      'user-frozen',
      'consumer-key-unreadable',
      'login-failing',
    ])
      assert.equal(quickFixFor(code, 'user'), undefined, code);
  });
});

describe('files the manifest points at', () => {
  it('a named pipe is refused as not a regular file, without blocking', async () => {
    const { execFileSync } = await import('node:child_process');
    const { join } = await import('node:path');
    const dir = tempDir('balkanid-fifo-');
    execFileSync('mkfifo', [join(dir, 'salesforce.crt')]);
    const { loadCertificate } = await import('../../src/node/workspace');
    const { defaultManifest } = await import('../../src/core/manifest');
    const r = await loadCertificate(join(dir, 'balkanid-setup.json'), defaultManifest('a@b.co', 'a@b.co'), NOW);
    assert.ok(isSetupError(r) && /is not a regular file/.test(r.message), String((r as Error)?.message));
  });
  it('insideFolder: a link at the target (even dangling) and ../ are outside; a name starting with ".." is inside', async () => {
    const { symlinkSync, mkdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { insideFolder } = await import('../../src/node/workspace');
    const root = tempDir('balkanid-ws-');
    const ws = join(root, 'ws');
    mkdirSync(ws);
    symlinkSync(join(root, 'outside', 'evil.crt'), join(ws, 'salesforce.crt'));
    assert.equal(await insideFolder(ws, join(ws, 'salesforce.crt')), false, 'dangling link');
    assert.equal(await insideFolder(ws, join(ws, '..', 'x.crt')), false, '../');
    assert.equal(await insideFolder(ws, '/etc/passwd'), false, 'absolute');
    assert.equal(await insideFolder(ws, join(ws, '..foo.crt')), true, 'a file named ..foo.crt');
    assert.equal(await insideFolder(ws, join(ws, 'certs', 'new.crt')), true, 'a new file in a new subfolder');
  });
});

describe('reading Salesforce refusals of a permission (records.ts)', () => {
  const { permissionFix } = require('../../src/core/records') as typeof import('../../src/core/records');
  const answer = (message: string, fields: string[] = []) => ({
    status: 400,
    body: [{ errorCode: 'FIELD_INTEGRITY_EXCEPTION', message, fields }],
  });
  const labels = new Map([
    ['view setup and configuration', 'ViewSetup'],
    ['manage users', 'ManageUsers'],
    ['manage roles', 'ManageRoles'],
  ]);
  it('a dependency named by label (the test org) or by API name, one or several, with or without fields', () => {
    assert.deepEqual(
      permissionFix(
        answer('Permission View All Data depends on permission(s): View Setup and Configuration', [
          'PermissionsViewAllData',
        ]),
        labels,
      ),
      { add: ['ViewSetup'], drop: [] },
    );
    assert.deepEqual(
      permissionFix(
        answer('Permission CustomizeApplication depends on permission(s): ManageTranslation: []'),
        new Map(),
      ),
      { add: ['ManageTranslation'], drop: [] },
    );
    assert.deepEqual(
      permissionFix(
        answer('Permission ManageUsers depends on permission(s): AssignPermissionSets, ManageRoles'),
        labels,
      ),
      { add: ['AssignPermissionSets', 'ManageRoles'], drop: [] },
    );
  });
  it('a permission the licence forbids, named in the message even when fields is empty', () => {
    assert.deepEqual(permissionFix(answer("The user license doesn't allow the permission: Manage Users"), labels), {
      add: [],
      drop: ['ManageUsers'],
    });
  });
  it('anything else is not a permission refusal', () => {
    assert.equal(
      permissionFix(
        { status: 400, body: [{ errorCode: 'DUPLICATE_VALUE', message: 'duplicate value found' }] },
        labels,
      ),
      undefined,
    );
    assert.equal(
      permissionFix(answer('Permission X depends on permission(s): Something Nobody Knows'), labels),
      undefined,
    );
  });
});

describe('trace redaction (trace.ts)', () => {
  it('redacts a token in a percent-encoded URL, cookies, the consumer key and certificate bodies', async () => {
    const { HttpTrace } = await import('../../src/node/trace');
    const trace = new HttpTrace();
    const transport = {
      httpRequest: async (_req: unknown) => ({
        statusCode: 200,
        headers: { 'set-cookie': 'sid=00D000000000001!AQabc; Path=/' },
        body: '{"consumerKey":"3MVG9abcdefghijklmnopqrstuvwxyz0123","certificate":"MIIC' + 'A'.repeat(500) + '"}',
      }),
    };
    trace.attach(transport);
    await transport.httpRequest({
      method: 'GET',
      url: 'https://x.my.salesforce.com/id?oauth_token=00D000000000001%21AQ' + 'x'.repeat(40),
      headers: { Authorization: 'Bearer 00D000000000001!AQsecret' },
    } as never);
    const text = JSON.stringify(trace.toHar());
    for (const leaked of ['AQ' + 'x'.repeat(40), 'AQsecret', 'AQabc', '3MVG9abcdef', 'A'.repeat(400)])
      assert.ok(!text.includes(leaked), `${leaked.slice(0, 12)} leaked`);
    assert.match(text, /Bearer <redacted>/);
  });
});
