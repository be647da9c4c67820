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

describe("reading Salesforce refusals of a permission by the org's own vocabulary (records.ts)", () => {
  const { permissionFix, permissionsNamed } =
    require('../../src/core/records') as typeof import('../../src/core/records');
  const answer = (message: string, fields: string[] = []) => ({
    status: 400,
    body: [{ errorCode: 'FIELD_INTEGRITY_EXCEPTION', message, fields }],
  });
  /** Profile's describe as a German, a Japanese and an English org give it (labels in the admin's language). */
  const describe = (labels: Record<string, string>, notCreateable: string[] = []) => ({
    createable: new Set(Object.keys(labels).filter(p => !notCreateable.includes(p))),
    byLabel: new Map(Object.entries(labels).map(([p, l]) => [l.toLowerCase(), p])),
    labels: new Map(Object.entries(labels)),
  });
  const de = describe({
    ViewAllData: 'Alle Daten anzeigen',
    ViewSetup: 'Setup und Konfiguration anzeigen',
    ViewRoles: 'Rollen und Rollenhierarchie anzeigen',
    ModifyAllData: 'Alle Daten ändern',
    ApiEnabled: 'API aktiviert',
    ActivitiesAccess: 'Auf Aktivitäten zugreifen',
  });
  const ja = describe({
    ViewAllData: 'すべてのデータの参照',
    ViewSetup: '設定・定義の参照',
    ApiEnabled: 'API の有効化',
  });
  const en = describe(
    {
      ViewAllData: 'View All Data',
      ViewSetup: 'View Setup and Configuration',
      ViewRoles: 'View Roles and Role Hierarchy',
      ApiEnabled: 'API Enabled',
      ManageUsers: 'Manage Users',
      ManageSandboxes: 'Manage Sandboxes',
      CustomizeApplication: 'Customize Application',
      ManageTranslation: 'Manage Translation',
      ActivitiesAccess: 'Access Activities',
      ChatterInternalUser: 'Chatter Internal User',
      RunReports: 'Run Reports',
    },
    ['ChatterInternalUser'],
  );
  const permset = ['ApiEnabled', 'ViewAllData'];

  it("a dependency named by Setup label in the admin's language (German, Japanese), or by API name with an empty fields list: what the record lacks is added", () => {
    const german = answer(
      'Die Berechtigung Alle Daten anzeigen hängt von folgenden Berechtigungen ab: Setup und Konfiguration anzeigen',
      ['PermissionsViewAllData'],
    );
    assert.deepEqual(permissionFix(german, de, permset, permset), { add: ['ViewSetup'], drop: [] });
    const japanese = answer('権限 すべてのデータの参照 は次の権限に依存しています: 設定・定義の参照');
    assert.deepEqual(permissionFix(japanese, ja, permset, permset), { add: ['ViewSetup'], drop: [] });
    const byName = answer('Permission CustomizeApplication depends on permission(s): ManageTranslation: []');
    assert.deepEqual(permissionFix(byName, en, ['CustomizeApplication'], []), { add: ['ManageTranslation'], drop: [] });
  });

  it('typographic apostrophes and runs of spaces do not matter; a label inside a longer one is not taken for it', () => {
    assert.deepEqual(
      permissionsNamed(
        { message: 'The user license doesn\u2019t  allow the permission:  Manage   Sandboxes' },
        en.labels,
      ),
      ['ManageSandboxes'],
    );
    // "Alle Daten anzeigen" must not also be found inside nothing else; "Alle Daten ändern" is its own label.
    assert.deepEqual(
      permissionsNamed({ message: 'Die Benutzerlizenz lässt die Berechtigung nicht zu: Alle Daten ändern' }, de.labels),
      ['ModifyAllData'],
    );
  });

  it('a permission the licence forbids is left out when the guide does not need it; an essential one is not understood (undefined)', () => {
    const sent = ['RunReports', 'ManageSandboxes', 'ViewSetup', 'ViewRoles', 'ApiEnabled'];
    const licence = answer("The user license doesn't allow the permission: Manage Sandboxes", [
      'PermissionsManageSandboxes',
    ]);
    assert.deepEqual(permissionFix(licence, en, sent, ['ViewSetup', 'ViewRoles', 'ApiEnabled']), {
      add: [],
      drop: ['ManageSandboxes'],
    });
    const essential = answer("The user license doesn't allow the permission: View All Data");
    assert.equal(permissionFix(essential, en, permset, permset), undefined);
  });

  it('the object-permission-label form ("… depends on permission(s): Read Quotes", fields empty): the dependent permission is left out, Read Quotes being no permission field', () => {
    const r = answer('Permission Access Activities depends on permission(s): Read Quotes');
    assert.deepEqual(
      permissionFix(r, en, ['ActivitiesAccess', 'ApiEnabled', 'ViewSetup'], ['ApiEnabled', 'ViewSetup']),
      {
        add: [],
        drop: ['ActivitiesAccess'],
      },
    );
    const german = answer(
      'Die Berechtigung Auf Aktivitäten zugreifen hängt von folgenden Berechtigungen ab: Angebote lesen',
    );
    assert.deepEqual(permissionFix(german, de, ['ActivitiesAccess', 'ApiEnabled'], ['ApiEnabled']), {
      add: [],
      drop: ['ActivitiesAccess'],
    });
  });

  it('a requirement the API cannot set (not createable): the permission that needs it is left out, not the requirement added', () => {
    const r = answer('Permission Run Reports depends on permission(s): Chatter Internal User', [
      'PermissionsRunReports',
    ]);
    assert.deepEqual(permissionFix(r, en, ['RunReports', 'ApiEnabled'], ['ApiEnabled']), {
      add: [],
      drop: ['RunReports'],
    });
  });

  it('anything else is not understood: another code, or no permission of the vocabulary named', () => {
    assert.equal(
      permissionFix(
        { status: 400, body: [{ errorCode: 'DUPLICATE_VALUE', message: 'duplicate value found' }] },
        en,
        permset,
        permset,
      ),
      undefined,
    );
    assert.equal(
      permissionFix(answer('Permission X depends on permission(s): Something Nobody Knows'), en, permset, permset),
      undefined,
    );
    assert.equal(permissionFix(answer('Die Berechtigung hängt ab'), de, permset, permset), undefined);
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
