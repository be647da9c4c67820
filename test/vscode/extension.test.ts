// The extension in a real VS Code (code-server's extension host), against the test org over HTTP.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { sign } from 'node:crypto';
import * as vscode from 'vscode';
import { startTestOrg, TestOrg } from '../../packages/sf-test-org/src/server';
import { selfSignedCert } from '../../packages/sf-test-org/src/x509';
import { startBalkanIdStandIn } from '../support/balkanidStandIn';
import { contextOf } from '../../src/vscode/contextKeys';

const ID = 'balkanid.balkanid-salesforce-setup';
type Api = {
  controller: any;
  tree: any;
  preview: any;
  status: any;
  diagnostics: any;
  watch: any;
  credentials: any;
  activation: { totalMs?: number; moduleMs?: number; activateMs: number; marks: Array<[string, number]> };
};

const cert = selfSignedCert();
const folder = () => vscode.workspace.workspaceFolders![0].uri;
const manifestUri = () => vscode.Uri.joinPath(folder(), 'balkanid-setup.json');
async function writeWorkspace(): Promise<void> {
  await vscode.workspace.fs.writeFile(
    manifestUri(),
    Buffer.from(
      JSON.stringify({ user: { username: 'balkanid@example.test', email: 'balkanid@example.test' } }, null, 2),
    ),
  );
  await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder(), 'salesforce.crt'), Buffer.from(cert.certPem));
}
/** The paragraphs of a MarkdownString's text as they read rendered: appendText's escapes undone. */
function renderedParagraphs(md: vscode.MarkdownString): string[] {
  return md.value.split(/\n\n+/).map(p => p.replace(/&nbsp;/g, ' ').replace(/\\([\\`*_{}[\]()#+\-.!<>|~])/g, '$1'));
}
async function until<T>(
  what: string,
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 60000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 50));
  }
}

describe('BalkanID extension in a real VS Code', () => {
  let api: Api;
  let org: TestOrg;

  before(async () => {
    console.log(
      `[vscode-tests] VS Code ${vscode.version}, extension host process.versions: ${JSON.stringify({ node: process.versions.node, v8: process.versions.v8, uv: process.versions.uv })}`,
    );
    await writeWorkspace();
    api = await vscode.extensions.getExtension(ID)!.activate();
    if (process.env.BENCH_OUT)
      writeFileSync(
        process.env.BENCH_OUT,
        JSON.stringify({
          activationMs: api.activation.totalMs,
          ...api.activation,
          vscode: vscode.version,
          node: process.versions.node,
        }),
      );
  });
  after(async () => {
    await vscode.commands.executeCommand('balkanid.disconnect');
    await org?.stop();
  });

  it('registers every contributed command on activation, without touching the network', async () => {
    const contributed: string[] = vscode.extensions
      .getExtension(ID)!
      .packageJSON.contributes.commands.map((c: any) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      contributed.filter(c => !registered.has(c)),
      [],
    );
    assert.equal(api.controller.connection.kind, 'disconnected');
    assert.match(api.status.item.text, /BalkanID: connect org/);
    assert.equal(typeof api.activation.totalMs, 'number');
  });

  it("connects to an org: the status bar shows it, the checklist lists every step in the guide's order", async () => {
    org = await startTestOrg({ scenario: 'fresh' });
    await vscode.commands.executeCommand('balkanid.connect', { instanceUrl: org.url, accessToken: org.adminToken });
    await until('a report', () => api.controller.report);
    const host = new URL(org.url).host;
    assert.equal(api.status.item.text, `$(plug) BalkanID: ${host} 1/8`);
    assert.match(String(api.status.item.tooltip), /Production, API 64\.0/);
    const items = await Promise.all(api.tree.getChildren().map((n: any) => api.tree.getTreeItem(n)));
    assert.deepEqual(
      items.map((i: any) => i.label),
      [
        'Preflight',
        'Profile',
        'Integration user',
        'Permission set',
        'External Client App',
        'App ↔ permission set link',
        'Consumer key',
        'Verify',
      ],
    );
    assert.match(items[1].tooltip, /^Profile cloned from the standard Platform profile — to do/);
    assert.deepEqual(
      items.slice(0, 3).map((i: any) => i.description),
      ['done', 'to do', 'to do'],
    );
    assert.equal(api.tree.view.badge?.value, 7);
    assert.deepEqual(
      api.controller.rememberedTarget,
      { kind: 'token', instanceUrl: org.url },
      'the token stays in secret storage, not in globalState',
    );
    // Listed in the org picker afterwards, as an org connected here (its token in secret storage).
    assert.deepEqual(
      api.controller.rememberedOrgs.find((o: any) => o.instanceUrl === org.url),
      { instanceUrl: org.url, via: 'token', name: 'Acme Test Org' },
    );
    // No manifest, no checklist: the activity badge goes with it, and comes back with it.
    const text = await vscode.workspace.fs.readFile(manifestUri());
    await vscode.workspace.fs.delete(manifestUri());
    try {
      await until('no badge without the manifest', () => api.tree.view.badge === undefined);
    } finally {
      await vscode.workspace.fs.writeFile(manifestUri(), text);
    }
    await until('the badge back', () => api.tree.view.badge?.value === 7);
  });

  it('Run All without a manifest writes one from the answers and saves the certificate, then sets up every step; Verify waits for a login', async () => {
    await vscode.workspace.fs.delete(manifestUri());
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder(), 'salesforce.crt'));
    await api.controller.loadManifest();
    await vscode.commands.executeCommand('balkanid.runAll', {
      assumeYes: true,
      username: 'balkanid@example.test',
      email: 'it@acme.example',
      certificate: cert.certPem,
    });
    assert.deepEqual(JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(manifestUri())).toString()), {
      user: { username: 'balkanid@example.test', email: 'it@acme.example' },
      certificate: 'salesforce.crt',
    });
    const saved = Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder(), 'salesforce.crt')));
    assert.equal(saved.toString().trim(), cert.certPem.trim());
    const report = await until('set up', () => {
      const r = api.controller.report;
      return r?.steps.every((s: any) => s.state === 'done' || (s.id === 'verify' && s.state === 'waiting')) && r;
    });
    assert.match(report.handoff.consumerKey, /^3MVG9/);
    // A finished setup waiting for BalkanID reads as set up, and the status bar offers the next actions.
    assert.equal(api.status.item.text, `$(watch) BalkanID: ${new URL(org.url).host} · set up, waiting for BalkanID`);
    const tooltip = api.status.item.tooltip as vscode.MarkdownString;
    assert.match(tooltip.value, /\[Copy Values for BalkanID\]\(command:balkanid\.copyValues\)/);
    assert.match(tooltip.value, /\[Open Credentials\]\(command:balkanid\.openCredentials\)/);
    assert.equal(api.tree.view.badge, undefined);
    const verifyItem = api.tree.getTreeItem({ kind: 'step', id: 'verify' });
    assert.equal(verifyItem.description, 'waiting for BalkanID');
    // The checklist's Consumer key and Verify rows carry the next action: Copy Values, Open Credentials.
    assert.match(verifyItem.contextValue, /\+values/);
    assert.match(api.tree.getTreeItem({ kind: 'step', id: 'consumerKey' }).contextValue, /\+values/);
    assert.equal(api.controller.running.size, 0, 'no step left "running…"');
    const copied = await vscode.commands.executeCommand<string>('balkanid.copyValues');
    assert.match(
      copied,
      /Salesforce User Name: balkanid@example\.test\nConsumer Key: 3MVG9\w+\nLogin URL: https:\/\/login\.salesforce\.com/,
    );
    assert.equal(await vscode.env.clipboard.readText(), copied);
    // One by one, from the value rows under the consumer key.
    const rows = api.tree.getChildren({ kind: 'step', id: 'consumerKey' }).filter((n: any) => n.kind === 'value');
    assert.deepEqual(
      rows.map((n: any) => api.tree.getTreeItem(n).label),
      ['Salesforce User Name', 'Consumer Key', 'Login URL'],
    );
    const key = await vscode.commands.executeCommand<string>('balkanid.copyValue', rows[1]);
    assert.equal(key, report.handoff.consumerKey);
    assert.equal(await vscode.env.clipboard.readText(), report.handoff.consumerKey);
  });

  it('Verify with the private key: the self-test passes and is remembered as the extension\'s own login — the checklist, the status bar, the Credentials view and the walkthrough still wait for BalkanID, "self-test passed" on its own line', async () => {
    await api.controller.storePrivateKey(cert.keyPem);
    try {
      const result = await vscode.commands.executeCommand<any>('balkanid.verify');
      assert.equal(result?.ok, true, JSON.stringify(result?.failure));
      assert.equal(result.remembered.length, 1, 'its login remembered');
      assert.equal(result.forgotten, undefined, 'and kept');
      const report = api.controller.report;
      assert.equal(
        report.login.status,
        'waiting',
        JSON.stringify({ login: report.login, own: api.controller.ownLogins }),
      );
      assert.equal(report.login.selfTest.ok, true);
      assert.equal(api.tree.getTreeItem({ kind: 'step', id: 'verify' }).description, 'waiting for BalkanID');
      // Its own row under Verify: a short label, the detail in the description.
      const rows = api.tree
        .getChildren({ kind: 'step', id: 'verify' })
        .map((n: any) => api.tree.getTreeItem(n))
        .map((i: any) => `${i.label} | ${i.description}`);
      assert.ok(
        rows.some((l: string) =>
          /^JWT self-test: passed \| Self-test passed: this tool logged in as balkanid@example\.test/.test(l),
        ),
        rows.join('\n'),
      );
      assert.match(api.status.item.text, / · set up, waiting for BalkanID$/);
      // The tooltip is Markdown (it carries the next actions): the org's text is appended as plain text, which
      // MarkdownString.appendText escapes (spaces as &nbsp;, punctuation with \, a line break as a new paragraph).
      // Rendered, the self-test is a paragraph of its own.
      const tip = api.status.item.tooltip as vscode.MarkdownString;
      assert.match(renderedParagraphs(tip).join('\n'), /^Self-test passed · \S.*$/m);
      const state = await api.credentials.state();
      assert.match(state.selfTest, /^self-test passed · /);
      assert.doesNotMatch(state.login ?? '', /BalkanID connected/);
      assert.equal(contextOf(api.controller.contextSource())['balkanid.balkanidConnected'], false);
    } finally {
      await api.controller.storePrivateKey(undefined); // the tests after this one start without a stored key
    }
  });

  it("the self-test stays the extension's own when the global state reads an older copy (VS Code replaces it whole with each copy its storage sends back): still waiting for BalkanID", async () => {
    const state: vscode.Memento = api.controller.context.globalState;
    const key = state.keys().find(k => k.startsWith('balkanid.ownLogins:'));
    assert.ok(key, state.keys().join(', '));
    const kept = state.get(key);
    await state.update(key, undefined); // a copy from before the self-test was remembered
    try {
      const report = await api.controller.check();
      assert.equal(report.login.status, 'waiting', JSON.stringify(report.login));
      assert.equal(report.login.selfTest?.ok, true);
    } finally {
      await state.update(key, kept);
    }
  });

  it("the watch sees BalkanID's first login through the app: the checklist and the status bar say BalkanID connected", async () => {
    const polls = api.watch.polls;
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const claims = {
      iss: api.controller.report.handoff.consumerKey,
      sub: 'balkanid@example.test',
      aud: 'https://login.salesforce.com',
      exp: Math.floor(Date.now() / 1000) + 120,
    };
    const unsigned = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}`;
    const signature = sign('RSA-SHA256', Buffer.from(unsigned), cert.keyPem).toString('base64url');
    // From BalkanID's servers: another address than the self-test's (the test org's X-TestOrg-Client-Ip).
    const login = await fetch(`${org.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'X-TestOrg-Client-Ip': '203.0.113.7' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: `${unsigned}.${signature}`,
      }),
    });
    assert.equal(login.status, 200, await login.clone().text());
    // The watch's first poll comes 10 s after the setup is in place; the deadline is generous for a loaded machine.
    await until('connected', () => api.controller.report?.login?.status === 'connected', 120000);
    assert.ok(api.watch.polls > polls, 'found by the watch, not by a command');
    assert.equal(api.status.item.text, `$(pass-filled) BalkanID: ${new URL(org.url).host} · connected`);
    const verifyItem = api.tree.getTreeItem({ kind: 'step', id: 'verify' });
    assert.equal(verifyItem.description, 'BalkanID connected');
    assert.match(verifyItem.tooltip, /BalkanID connected · first login \d/);
  });

  it('Preview Extraction reads as the admin and says so, then as the integration user (JWT) once its private key is stored; Export for BalkanID writes both files', async () => {
    await api.controller.storePrivateKey(undefined); // its own start: no private key stored for this org
    const asAdmin = await vscode.commands.executeCommand<any>('balkanid.previewExtraction');
    assert.equal(asAdmin.reader.kind, 'admin');
    assert.match(
      api.preview.view.message,
      /^Read as you \(admin@acme\.example\)\. BalkanID reads as the integration user/,
    );
    const items = api.preview.getChildren().map((n: any) => api.preview.getTreeItem(n));
    assert.deepEqual(
      items.map((i: any) => i.label),
      [
        'User Licenses',
        'Profiles',
        'Roles',
        'Permission Sets',
        'Permission Set Groups',
        'Permission Sets in Groups',
        'Groups and Queues',
        'Frozen and Locked Users',
        'Users',
        'Permission Set Assignments',
        'Group and Queue Members',
      ],
    );
    assert.match(items.find((i: any) => i.label === 'Users').description, /^\d+ \(\d+ active\)$/);
    await api.credentials.handle({ type: 'setPrivateKey', pem: cert.keyPem });
    try {
      const asIntegration = await vscode.commands.executeCommand<any>('balkanid.previewExtraction');
      assert.equal(asIntegration?.reader.kind, 'integration');
      assert.match(api.preview.view.message, /^Read as the integration user balkanid@example\.test \(JWT login\)/);
    } finally {
      await api.credentials.handle({ type: 'clearPrivateKey' });
    }
    const dir = vscode.Uri.joinPath(folder(), 'export').fsPath;
    assert.equal(await vscode.commands.executeCommand('balkanid.exportForBalkanId', { folder: dir }), dir);
    const head = async (f: string) =>
      Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.file(`${dir}/${f}`)))
        .toString()
        .split('\r\n')[0];
    assert.equal(
      await head('entities.csv'),
      'App,Name,Entity Type,Source System,Source ID,Source Type,Metadata Version,Metadata',
    );
    assert.match(await head('entity-relations.csv'), /^App,Parent Entity Source ID,/);
  });

  it('Upload to BalkanID sends both exported files with the API key stored for the tenant; a key BalkanID refuses is forgotten', async () => {
    const bid = await startBalkanIdStandIn({ keyId: 'vs-key', secret: 'vs-secret-0123456789abcdef' });
    const config = vscode.workspace.getConfiguration('balkanid');
    const ctx = api.controller.context;
    const [idKey, secretKey] = [`balkanid.bulkApiKeyId:${bid.url}`, `balkanid.bulkApiKeySecret:${bid.url}`];
    try {
      await config.update('tenantUrl', bid.url, vscode.ConfigurationTarget.Global);
      await ctx.globalState.update(idKey, 'vs-key');
      await ctx.secrets.store(secretKey, 'vs-secret-0123456789abcdef');
      const dir = vscode.Uri.joinPath(folder(), 'export').fsPath;
      const sent = await vscode.commands.executeCommand('balkanid.uploadToBalkanId', { folder: dir, assumeYes: true });
      assert.equal(sent, true);
      assert.deepEqual(
        bid.received.map(f => f.resource),
        ['entities', 'entity-relations'],
      );
      await ctx.secrets.store(secretKey, 'a-wrong-secret-0123456789');
      const refused = await vscode.commands.executeCommand('balkanid.uploadToBalkanId', {
        folder: dir,
        assumeYes: true,
      });
      assert.equal(refused, undefined, 'the command failed (its error is shown)');
      assert.equal(await ctx.secrets.get(secretKey), undefined, 'the refused secret is forgotten');
      assert.equal(ctx.globalState.get(idKey), undefined);
      assert.equal(bid.received.length, 2, 'nothing more arrived');
    } finally {
      await config.update('tenantUrl', undefined, vscode.ConfigurationTarget.Global);
      await bid.stop();
    }
  });

  it('connects to an org authenticated with the Salesforce CLI, by alias', async () => {
    const sf = process.env.SF_BIN;
    assert.ok(sf, 'scripts/e2e/e2e.sh passes the cached sf CLI as SF_BIN');
    await new Promise((resolve, reject) =>
      execFile(
        sf!,
        ['org', 'login', 'access-token', '--instance-url', org.url, '--no-prompt', '--alias', 'vs-cli', '--json'],
        { env: { ...process.env, SF_ACCESS_TOKEN: org.adminToken }, timeout: 120000 },
        (err, out) => (err ? reject(new Error(out)) : resolve(out)),
      ),
    );
    await vscode.workspace.getConfiguration('balkanid').update('sfPath', sf, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('balkanid.connect', { alias: 'vs-cli' });
    await until(
      'the CLI org',
      () =>
        api.controller.connection.kind === 'connected' &&
        api.controller.connection.label === 'vs-cli' &&
        api.controller.report,
    );
    assert.equal(api.status.item.text, '$(pass-filled) BalkanID: vs-cli · connected');
    assert.deepEqual(api.controller.rememberedTarget, { kind: 'sf', alias: 'vs-cli' });
  });

  it('teardown says what it removed and what it kept; Run All then reactivates the user (after asking) and brings the org back', async () => {
    const result = await vscode.commands.executeCommand<any>('balkanid.teardown', { assumeYes: true });
    assert.ok(result.removed.some((w: any) => w.target === 'External Client App "BalkanID Extractor"'));
    assert.match(result.kept.join('\n'), /User balkanid@example\.test: deactivated, not deleted/);
    assert.match(result.kept.join('\n'), /Profile "BalkanID Integration": the deactivated user still holds it/);
    const user = api.controller.report.steps.find((s: any) => s.id === 'user');
    assert.deepEqual(
      [user.state, user.findings.filter((f: any) => f.severity === 'error').map((f: any) => f.code)],
      ['error', ['user-inactive']],
    );
    await vscode.commands.executeCommand('balkanid.runAll', { assumeYes: true });
    await until('back', () => api.controller.report?.steps.every((s: any) => s.id === 'verify' || s.state === 'done'));
    assert.equal(org.org.find('User', (u: any) => u.Username === 'balkanid@example.test')!.IsActive, true);
    assert.equal(org.org.all('User').filter((u: any) => u.Username === 'balkanid@example.test').length, 1);
  });

  it("a missing certificate is one Problem with the quick fix Choose BalkanID's certificate…; it clears once the file is back", async () => {
    const crt = vscode.Uri.joinPath(folder(), 'salesforce.crt');
    await vscode.workspace.fs.delete(crt);
    try {
      await vscode.commands.executeCommand('balkanid.checkAll');
      const diags = vscode.languages.getDiagnostics(manifestUri()).filter(d => d.code === 'cert-missing');
      assert.equal(diags.length, 1);
      const doc = await vscode.workspace.openTextDocument(manifestUri());
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        doc.uri,
        diags[0]!.range,
      );
      assert.deepEqual(
        actions.filter(a => a.command?.command.startsWith('balkanid.')).map(a => [a.title, a.command?.command]),
        [["Choose BalkanID's certificate…", 'balkanid.chooseCertificate']],
      );
    } finally {
      await vscode.workspace.fs.writeFile(crt, Buffer.from(cert.certPem));
    }
    await vscode.commands.executeCommand('balkanid.checkAll');
    assert.equal(vscode.languages.getDiagnostics(manifestUri()).filter(d => d.code === 'cert-missing').length, 0);
  });

  it('the credentials view accepts a certificate, rejects a private key, and keeps secrets out of its state', async () => {
    const other = selfSignedCert({ cn: 'Replacement' });
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder(), 'salesforce.crt')); // no file: no "Replace?" question
    const ok = await api.credentials.handle({ type: 'pasteCertificate', pem: other.certPem });
    assert.equal(ok.certificateError, undefined);
    assert.match(ok.certificate.subject, /CN=Replacement/);
    assert.match(ok.certificate.fingerprint256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.equal(ok.certificate.keyBits, 2048);
    const bad = await api.credentials.handle({ type: 'pasteCertificate', pem: other.keyPem });
    assert.match(bad.certificateError, /This is a private key, not a certificate/);
    assert.match(bad.certificate.subject, /CN=Replacement/, 'the saved certificate is unchanged');
    const stored = await api.credentials.handle({ type: 'setPrivateKey', pem: cert.keyPem });
    assert.equal(stored.hasPrivateKey, true);
    assert.ok(!JSON.stringify(stored).includes('PRIVATE KEY'));
    const junk = await api.credentials.handle({ type: 'pasteCertificate', pem: 42 });
    assert.equal(junk.certificateError, undefined, 'a malformed message is ignored');
    const big = await api.credentials.handle({ type: 'pasteCertificate', pem: cert.certPem + 'A'.repeat(200 * 1024) });
    assert.match(big.certificateError, /The certificate is 20\d KB; at most 64 KB/);
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder(), 'salesforce.crt'));
    await api.credentials.handle({ type: 'pasteCertificate', pem: cert.certPem }); // back to the deployed one
    const check = await vscode.commands.executeCommand<any>('balkanid.checkAll');
    assert.equal(check.steps.find((s: any) => s.id === 'app').state, 'done');
  });

  it("the credentials view may load only its own folder, dist/webview (not the engine's bundles), and names only files there", async () => {
    api.credentials.open();
    const panel: vscode.WebviewPanel = await until('the credentials view', () => api.credentials.panel);
    try {
      const own = vscode.Uri.joinPath(vscode.extensions.getExtension(ID)!.extensionUri, 'dist', 'webview');
      assert.deepEqual(
        panel.webview.options.localResourceRoots?.map(u => u.toString()),
        [own.toString()],
        'localResourceRoots',
      );
      assert.equal(panel.webview.options.enableScripts, true);
      // Every resource the page names is inside that folder: its script and its style sheet.
      const named = [...panel.webview.html.matchAll(/(?:src|href)="([^"]+)"/g)].map(m => m[1]!);
      assert.equal(named.length, 2, panel.webview.html);
      const base = panel.webview.asWebviewUri(own).toString();
      for (const uri of named) assert.ok(uri.startsWith(`${base}/`), `${uri} is outside ${base}`);
    } finally {
      panel.dispose();
    }
  });

  it('the credentials view and Copy BalkanID Values keep working when salesforce.crt on disk is a CSR, a key or junk', async () => {
    const crt = vscode.Uri.joinPath(folder(), 'salesforce.crt');
    try {
      for (const [content, message] of [
        [
          '-----BEGIN CERTIFICATE REQUEST-----\nMIIC\n-----END CERTIFICATE REQUEST-----\n',
          /certificate signing request/,
        ],
        [cert.keyPem, /This is a private key/],
        ['junk', /could not be read/],
      ] as const) {
        await vscode.workspace.fs.writeFile(crt, Buffer.from(content));
        const state = await api.credentials.state();
        assert.match(state.certificateError, message);
        assert.equal(state.certificate, undefined);
        assert.ok(!JSON.stringify(state).includes('PRIVATE KEY'), 'no key in the view state');
        await vscode.commands.executeCommand('balkanid.copyValues'); // must not throw across the bundles
      }
    } finally {
      await vscode.workspace.fs.writeFile(crt, Buffer.from(cert.certPem));
    }
  });

  it('Use certificate writes only inside the workspace folder: a manifest pointing at ../ is refused and nothing is written', async () => {
    const outside = vscode.Uri.joinPath(folder(), '..', `outside-${Date.now()}.crt`);
    await vscode.workspace.fs.writeFile(
      manifestUri(),
      Buffer.from(
        JSON.stringify({
          user: { username: 'balkanid@example.test', email: 'balkanid@example.test' },
          certificate: `../${outside.path.split('/').pop()}`,
        }),
      ),
    );
    // An open editor of the manifest (an earlier test opened it) takes the change from disk a moment later.
    await until('the manifest as written', () =>
      vscode.workspace.textDocuments.every(
        d => d.uri.toString() !== manifestUri().toString() || d.getText().includes('../outside'),
      ),
    );
    try {
      const state = await api.credentials.handle({ type: 'pasteCertificate', pem: cert.certPem });
      assert.match(
        state.certificateError,
        /Nothing was saved: the manifest's "certificate" \(\.\.\/outside-\d+\.crt\) points outside the workspace folder/,
      );
      assert.equal(
        await vscode.workspace.fs.stat(outside).then(
          () => true,
          () => false,
        ),
        false,
        'no file outside the folder',
      );
    } finally {
      await writeWorkspace();
    }
  });

  it('a limited admin gets Problems on the manifest, with a quick fix that can fix them (open the admin in Setup, never "Run step"); they clear on disconnect', async () => {
    const limited = await startTestOrg({ scenario: 'limited-admin' });
    try {
      await vscode.commands.executeCommand('balkanid.connect', {
        instanceUrl: limited.url,
        accessToken: limited.adminToken,
      });
      const diags = await until('diagnostics', () => {
        const d = vscode.languages.getDiagnostics(manifestUri());
        return d.length ? d : undefined;
      });
      const admin = diags.filter(d => d.code === 'admin-permission-missing');
      assert.ok(
        admin.some(d => /Manage Profiles and Permission Sets/.test(d.message)),
        diags.map(d => d.message).join('\n'),
      );
      assert.ok(admin.some(d => /Create, edit, and delete External Client Apps/.test(d.message)));
      assert.ok(admin.every(d => d.source === 'BalkanID' && d.severity === vscode.DiagnosticSeverity.Error));
      const messages = diags.map(d => d.message);
      assert.equal(new Set(messages).size, messages.length, `each problem once: ${messages.join(' | ')}`);
      assert.ok(
        admin.every(d => d.range.start.line === 0 && d.range.start.character === 0),
        'anchored on the manifest as a whole, not on "user"',
      );
      // Run All: every write step is blocked, so nothing is sent; the plan lists the blockers.
      await vscode.commands.executeCommand('balkanid.runAll', { assumeYes: true });
      assert.equal(limited.org.writes, 0);
      assert.deepEqual(await vscode.commands.executeCommand('balkanid.showPlan'), []);
      const plan = vscode.window.activeTextEditor!.document.getText();
      assert.match(
        plan,
        /^# BalkanID setup plan\n\nFor Acme Test Org \(http:\/\/127\.0\.0\.1:\d+\), as admin@acme\.example\./,
      );
      assert.match(
        plan,
        /Not run now \(blocked\):\n• Profile cloned from the standard Platform profile: You \(the connected admin\) lack "Manage Profiles and Permission Sets"/,
      );
      // The app step lacks three permissions: all three are named, not only the first.
      assert.match(
        plan,
        /• External Client App with JWT bearer: You \(the connected admin\) lack "Customize Application", "Create, edit, and delete External Client Apps" \(or Modify All Data\) and "Modify Metadata Through Metadata API Functions" \(or Modify All Data\)/,
      );
      assert.match(plan, /## The request for a System Administrator/);
      assert.ok(!/ManageProfilesPermissionsets|BalkanID_Extractor/.test(plan), 'Setup labels, not API names');
      // One list of every permission lacking, ready to send.
      const request = await vscode.commands.executeCommand<string>('balkanid.copyAdminRequest');
      assert.equal(await vscode.env.clipboard.readText(), request);
      assert.deepEqual(
        request
          .split('\n')
          .filter(l => l.startsWith('• '))
          .map(l => l.replace(/ — for: .*$/, '')),
        [
          '• Manage Profiles and Permission Sets',
          '• Customize Application',
          '• Create, edit, and delete External Client Apps (or Modify All Data)',
          '• Modify Metadata Through Metadata API Functions (or Modify All Data)',
        ],
      );
      const preflight = api.tree.getTreeItem({ kind: 'step', id: 'preflight' });
      assert.deepEqual([preflight.description, preflight.contextValue], ['blocked', 'step.done+request']);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      const doc = await vscode.workspace.openTextDocument(manifestUri());
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        doc.uri,
        admin[0].range,
      );
      assert.ok(!actions.some(a => a.title.startsWith('Run step:')), actions.map(a => a.title).join(', '));
      const fix = actions.find(a => a.title.startsWith('Open your user in Salesforce Setup'));
      assert.ok(fix, actions.map(a => a.title).join(', '));
      assert.match(
        String(fix!.command?.command),
        /^(vscode\.open|_workbench\.open)$/,
        'VS Code reports vscode.open under its internal id',
      );
      const target = fix!.command?.arguments?.[0] as vscode.Uri;
      assert.equal(target.path, '/lightning/setup/ManageUsers/page');
      assert.match(target.query, /^address=\/005\w+\?noredirect=1$/);
      const tree = await Promise.all(api.tree.getChildren().map((n: any) => api.tree.getTreeItem(n)));
      assert.equal(tree[1].description, 'blocked');
      const why = api.tree
        .getChildren({ kind: 'step', id: 'profile' })
        .map((n: any) => api.tree.getTreeItem(n))
        .find((i: any) => i.label === 'You lack a permission');
      assert.match(why.description, /"Manage Profiles and Permission Sets"/);
      // The plan of this org closes when another org is connected: no stale plan under another org.
      await vscode.commands.executeCommand('balkanid.showPlan');
      const planTab = () =>
        vscode.window.tabGroups.all
          .flatMap(g => g.tabs)
          .find(t => t.input instanceof vscode.TabInputText && t.input.uri.scheme === 'balkanid');
      await until('the plan open', () => planTab());
      assert.match(planTab()!.label, /BalkanID plan — Acme Test Org/);
      await vscode.commands.executeCommand('balkanid.connect', { instanceUrl: org.url, accessToken: org.adminToken });
      await until('the plan closed', () => !planTab());
      await vscode.commands.executeCommand('balkanid.disconnect');
      assert.equal(vscode.languages.getDiagnostics(manifestUri()).length, 0);
    } finally {
      await limited.stop();
    }
  });

  it('no free licence: Run All makes what can run; Credentials names the org and offers no value for a user that does not exist', async () => {
    const none = await startTestOrg({ scenario: 'no-licenses' });
    try {
      await vscode.commands.executeCommand('balkanid.connect', { instanceUrl: none.url, accessToken: none.adminToken });
      await until('a report', () => api.controller.report && api.controller.client?.instanceUrl === none.url);
      await vscode.commands.executeCommand('balkanid.runAll', { assumeYes: true });
      await until(
        'the profile',
        () => api.controller.report?.steps.find((s: any) => s.id === 'profile').state === 'done',
      );
      assert.ok(
        none.org.find('Profile', (p: any) => p.Name === 'BalkanID Integration'),
        'the one change that could run',
      );
      assert.equal(
        none.org.find('User', (u: any) => u.Username === 'balkanid@example.test'),
        undefined,
      );
      const state = await api.credentials.state();
      assert.match(state.org, /^Acme Test Org \(http:\/\/127\.0\.0\.1:\d+\)$/);
      assert.match(
        state.notReady,
        /^The integration user balkanid@example\.test does not exist: No Salesforce Platform licence is free/,
      );
      assert.match(state.notReady, /free licences of other kinds/);
      await vscode.env.clipboard.writeText('before');
      assert.equal(
        await vscode.commands.executeCommand('balkanid.copyValues'),
        undefined,
        'refused (its error is shown)',
      );
      const copy = await api.credentials.handle({ type: 'copy', what: 'username' });
      assert.match(copy.message, /^Nothing was copied: The integration user balkanid@example\.test does not exist/);
      assert.equal(await vscode.env.clipboard.readText(), 'before');
      assert.equal(api.controller.offers().values, false);
    } finally {
      await vscode.commands.executeCommand('balkanid.disconnect');
      await none.stop();
    }
  });

  it('changing balkanid.manifestPath moves the file watcher: a manifest created at the new path is read at once', async () => {
    const config = vscode.workspace.getConfiguration('balkanid');
    const moved = vscode.Uri.joinPath(folder(), 'setup', 'org.json');
    // The folder exists first, as a folder the admin points the setting at does: a file written in the same instant as
    // its new folder can reach the recursive file watcher before the folder is watched (inotify), and is then missed.
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(folder(), 'setup'));
    try {
      await config.update('manifestPath', 'setup/org.json', vscode.ConfigurationTarget.Workspace);
      await until('no manifest at the new path', () => api.controller.manifest === undefined);
      await vscode.workspace.fs.writeFile(
        moved,
        Buffer.from(JSON.stringify({ user: { username: 'moved@example.test', email: 'it@example.test' } })),
      );
      // Only the watcher on the new path sees this file: nothing else reads the manifest meanwhile.
      const read = await until('the manifest at the new path', () => api.controller.manifest);
      assert.equal(read.uri.toString(), moved.toString());
      assert.equal(read.manifest.user.username, 'moved@example.test');
    } finally {
      await config.update('manifestPath', undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder(), 'setup'), { recursive: true });
    }
    await until(
      'the manifest back at balkanid-setup.json',
      () => api.controller.manifest?.uri.toString() === manifestUri().toString(),
    );
  });

  it('Disconnect forgets the stored access token; the private key is kept for its org only (none without an org)', async () => {
    org.adminToken = org.tokenFor(org.adminUsername);
    await vscode.commands.executeCommand('balkanid.connect', { instanceUrl: org.url, accessToken: org.adminToken });
    await until('connected', () => api.controller.isConnected());
    const secrets = api.controller.context.secrets as vscode.SecretStorage;
    const orgId = api.controller.client.orgId as string;
    assert.equal(await secrets.get(`balkanid.accessToken:${org.url}`), org.adminToken);
    await api.controller.storePrivateKey(cert.keyPem);
    assert.equal(await secrets.get(`balkanid.jwtPrivateKey:${orgId}`), cert.keyPem, 'stored under the org Id');
    assert.equal(await secrets.get('balkanid.jwtPrivateKey'), undefined, 'not for every org');
    await vscode.commands.executeCommand('balkanid.disconnect');
    assert.equal(await secrets.get(`balkanid.accessToken:${org.url}`), undefined, 'the token is forgotten');
    assert.equal(await api.controller.privateKey(), undefined, 'no org connected: no key');
    await assert.rejects(api.controller.storePrivateKey(cert.keyPem), /Connect the org first/);
    await secrets.delete(`balkanid.jwtPrivateKey:${orgId}`);
  });

  it("on an org that gives the consumer key by no route, the key box says why and offers the app's page in Setup; the key pasted there completes the consumer key step", async () => {
    const hardened = await startTestOrg({ scenario: 'done', consumerSecretsViaMetadata: false });
    try {
      await vscode.commands.executeCommand('balkanid.connect', {
        instanceUrl: hardened.url,
        accessToken: hardened.adminToken,
      });
      await until('its report', () => api.controller.report?.org.instanceUrl === hardened.url);
      const step = () => api.controller.report.steps.find((s: any) => s.id === 'consumerKey');
      assert.equal(step().state, 'error');
      const before = await api.credentials.state();
      assert.equal(before.consumerKey, undefined);
      assert.equal(before.consumerKeyPage, true, 'the Open the App in Setup button');
      assert.match(before.consumerKeyWhy, /the Metadata API did not give it/);
      assert.match(before.consumerKeyWhy, /the Connect REST API refused it \(FUNCTIONALITY_NOT_ENABLED/);
      const key = String(
        hardened.meta.getComponent('ExtlClntAppGlobalOauthSettings', 'BalkanID_Extractor_glbloauth')!.consumerKey,
      );
      const after = await api.credentials.handle({ type: 'setConsumerKey', key });
      assert.equal(after.consumerKey, key);
      assert.equal(after.consumerKeySource, 'manual');
      assert.equal(step().state, 'done', 'the checklist follows the typed key');
      assert.deepEqual(
        step().findings.map((f: any) => f.code),
        ['consumer-key-typed'],
      );
      assert.deepEqual(hardened.secretRequests(), [], 'the consumer secret was never asked for');
      await api.credentials.handle({ type: 'setConsumerKey', key: '' });
    } finally {
      await vscode.commands.executeCommand('balkanid.disconnect');
      await hardened.stop();
    }
  });

  it('shows an expired session with the warning look', async () => {
    await vscode.commands.executeCommand('balkanid.connect', { instanceUrl: org.url, accessToken: org.adminToken });
    org.org.expireSessions();
    await vscode.commands.executeCommand('balkanid.checkAll');
    await until('expired', () => api.controller.connection.kind === 'expired');
    assert.match(api.status.item.text, /session expired/);
    assert.equal((api.status.item.backgroundColor as any).id, 'statusBarItem.warningBackground');
  });
});
