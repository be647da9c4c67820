// Wires the extension together; no logic lives here. Activation does no network work.
import * as vscode from 'vscode';
import { Controller } from './vscode/controller';
import { Log } from './vscode/log';
import { ChecklistTree } from './vscode/tree';
import { PreviewTree } from './vscode/previewTree';
import { ConnectionStatus } from './vscode/statusBar';
import { SetupDiagnostics } from './vscode/diagnostics';
import { LoginWatch } from './vscode/loginWatch';
import type { CredentialsPanel } from './vscode/credentials';
import { COMMANDS, Handlers } from './vscode/commandTable';
import { settings } from './vscode/settings';

declare const __loadStart: number | undefined;
declare const __loadEnd: number | undefined;
declare const __vscodeApiMs: number | undefined;

export function activate(context: vscode.ExtensionContext) {
  const activateStart = performance.now();
  const marks: Array<[string, number]> = [];
  const mark = (name: string) => marks.push([name, performance.now() - activateStart]);
  const log = new Log();
  mark('log');
  const controller = new Controller(context, log);
  const tree = new ChecklistTree(controller);
  const preview = new PreviewTree(controller);
  mark('tree');
  const status = new ConnectionStatus(controller);
  mark('status');
  const diagnostics = new SetupDiagnostics(controller);
  mark('diagnostics');
  const watch = new LoginWatch(controller);
  // Command handlers and the credentials view live in dist/ui.js, loaded on first use.
  let ui: typeof import('./vscode/ui') | undefined;
  const loadUi = () => (ui ??= require('./ui.js') as typeof import('./vscode/ui'));
  let panel: CredentialsPanel | undefined;
  const credentials = () => (panel ??= new (loadUi().CredentialsPanel)(context, controller));
  // The handlers are built on the first command, not at activation.
  let built: Handlers | undefined;
  const h = () => (built ??= loadUi().handlers(controller, tree, credentials, preview));
  context.subscriptions.push(
    log,
    controller,
    tree,
    preview,
    status,
    diagnostics,
    watch,
    { dispose: () => panel?.dispose() },
    ...Object.entries(COMMANDS).map(([id, spec]) =>
      vscode.commands.registerCommand(id, (...args: unknown[]) =>
        (h()[spec.handler] as (...a: unknown[]) => unknown)(...args),
      ),
    ),
  );

  mark('commands');
  // A save in the editor fires both the save event and the file watcher: one check per burst, not two — and none
  // when the files hold what the last check read (Run All's own writes, a save without an edit).
  let recheck: ReturnType<typeof setTimeout> | undefined;
  const recheckSoon = () => {
    clearTimeout(recheck);
    recheck = setTimeout(async () => {
      if (await controller.inputsChanged()) void h().checkAll();
    }, 300);
  };
  const manifestChanged = (uri: vscode.Uri) => {
    if (uri.toString() === controller.manifestUri()?.toString()) recheckSoon();
  };
  const watcher = vscode.workspace.createFileSystemWatcher(`**/${settings().manifestPath}`);
  // The certificate the manifest points at: deleting or replacing it shows at once (checklist, Problems).
  const certificates = vscode.workspace.createFileSystemWatcher('**/*.{crt,pem,cer,der}');
  const certificateChanged = () => {
    if (controller.client && controller.manifest) recheckSoon();
  };
  context.subscriptions.push(
    watcher,
    certificates,
    certificates.onDidChange(certificateChanged),
    certificates.onDidCreate(certificateChanged),
    certificates.onDidDelete(certificateChanged),
    watcher.onDidChange(manifestChanged),
    watcher.onDidCreate(manifestChanged),
    watcher.onDidDelete(() => void controller.loadManifest()),
    vscode.workspace.onDidSaveTextDocument(d => manifestChanged(d.uri)),
    { dispose: () => clearTimeout(recheck) },
  );
  // In a workspace with a setup manifest, the remembered org reconnects right after activation (not during it), so
  // the status bar shows it and the watch for BalkanID's login goes on without the view being opened.
  const target = controller.rememberedTarget;
  const manifestRead = controller.loadManifest(); // once at start-up, for the view and for this
  const reconnect = setTimeout(async () => {
    await manifestRead;
    if (target && controller.manifest && controller.connection.kind === 'disconnected')
      controller.connect(target).then(
        () => h().checkAll(),
        () => undefined,
      );
  }, 0);
  context.subscriptions.push({ dispose: () => clearTimeout(reconnect) });
  mark('watchers');
  void vscode.commands.executeCommand('setContext', 'balkanid.connected', false);
  const end = performance.now();
  // Like VS Code's own numbers: code loading (evaluating the bundle) + the activate() call. The time VS Code takes
  // to build the extension's API object on the first require("vscode") is reported apart (every extension pays it).
  const apiMs = typeof __vscodeApiMs === 'number' ? __vscodeApiMs : 0;
  const moduleMs =
    typeof __loadStart === 'number' && typeof __loadEnd === 'number' ? __loadEnd - __loadStart - apiMs : undefined;
  const activation = {
    totalMs: moduleMs === undefined ? undefined : moduleMs + (end - activateStart),
    moduleMs,
    activateMs: end - activateStart,
    vscodeApiMs: apiMs,
    marks,
  };
  log.info(
    `Activated in ${activation.totalMs?.toFixed(1) ?? '?'} ms (module ${activation.moduleMs?.toFixed(1)} ms, ` +
      `activate() ${activation.activateMs.toFixed(1)} ms).`,
  );
  return {
    controller,
    tree,
    preview,
    status,
    diagnostics,
    watch,
    get credentials() {
      return credentials();
    },
    activation,
  };
}

export function deactivate(): void {
  /* disposables are owned by the context */
}
