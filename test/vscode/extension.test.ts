// The extension in a real VS Code (code-server's extension host), against the test org over HTTP.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { startTestOrg, TestOrg } from '../../packages/sf-test-org/src/server';
import { selfSignedCert } from '../../packages/sf-test-org/src/x509';

const ID = 'balkanid.balkanid-salesforce-setup';
type Api = {
  controller: any;
  tree: any;
  status: any;
  diagnostics: any;
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
async function until<T>(
  what: string,
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 20000,
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
    assert.equal(api.status.item.text, `$(plug) ${host} 1/8`);
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
    assert.match(items[1].tooltip, /^Profile cloned from Standard Platform User — to do/);
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
  });

  it('runs all steps on a fresh org until every step is done', async () => {
    await vscode.commands.executeCommand('balkanid.runAll', { assumeYes: true });
    const report = await until(
      'all done',
      () => api.controller.report?.steps.every((s: any) => s.state === 'done') && api.controller.report,
    );
    assert.match(report.handoff.consumerKey, /^3MVG9/);
    assert.equal(api.status.item.text, `$(plug) ${new URL(org.url).host} 8/8`);
    assert.equal(api.tree.view.badge, undefined);
    const copied = await vscode.commands.executeCommand<string>('balkanid.copyValues');
    assert.match(
      copied,
      /Salesforce User Name: balkanid@example\.test\nConsumer Key: 3MVG9\w+\nLogin URL: https:\/\/login\.salesforce\.com/,
    );
    assert.equal(await vscode.env.clipboard.readText(), copied);
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
    assert.equal(api.status.item.text, '$(plug) vs-cli 8/8');
    assert.deepEqual(api.controller.rememberedTarget, { kind: 'sf', alias: 'vs-cli' });
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
      assert.match(tree[1].description, /^blocked: needs Manage Profiles and Permission Sets/);
      await vscode.commands.executeCommand('balkanid.disconnect');
      assert.equal(vscode.languages.getDiagnostics(manifestUri()).length, 0);
    } finally {
      await limited.stop();
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
