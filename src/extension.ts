// Wires the extension together; no logic lives here. Activation does no network work.
import * as vscode from 'vscode';
import { Controller } from './vscode/controller';
import { Log } from './vscode/log';
import { ChecklistTree } from './vscode/tree';
import { ConnectionStatus } from './vscode/statusBar';
import { SetupDiagnostics } from './vscode/diagnostics';
import { CredentialsPanel } from './vscode/credentials';
import { COMMANDS } from './vscode/commandTable';
import { handlers } from './vscode/handlers';
import { settings } from './vscode/settings';

declare const __loadStart: number | undefined;

export function activate(context: vscode.ExtensionContext) {
  const log = new Log();
  const controller = new Controller(context, log);
  const tree = new ChecklistTree(controller);
  const status = new ConnectionStatus(controller);
  const diagnostics = new SetupDiagnostics(controller);
  const credentials = new CredentialsPanel(context, controller);
  const h = handlers(controller, tree, credentials);
  context.subscriptions.push(log, controller, tree, status, diagnostics, credentials,
    ...Object.entries(COMMANDS).map(([id, spec]) => vscode.commands.registerCommand(id, (...args: unknown[]) => (h[spec.handler] as (...a: unknown[]) => unknown)(...args))));

  const manifestChanged = (uri: vscode.Uri) => { if (uri.toString() === controller.manifestUri()?.toString()) void h.checkAll(); };
  const watcher = vscode.workspace.createFileSystemWatcher(`**/${settings().manifestPath}`);
  context.subscriptions.push(watcher, watcher.onDidChange(manifestChanged), watcher.onDidCreate(manifestChanged), watcher.onDidDelete(() => void controller.loadManifest()),
    vscode.workspace.onDidSaveTextDocument(d => manifestChanged(d.uri)),
    // Reconnect to the remembered org when the user opens the checklist, not at activation.
    tree.view.onDidChangeVisibility(e => {
      const target = controller.rememberedTarget;
      if (e.visible && target && controller.connection.kind === 'disconnected') controller.connect(target).then(() => h.checkAll(), () => undefined);
    }));
  void vscode.commands.executeCommand('setContext', 'balkanid.connected', false);
  void controller.loadManifest();
  const activationMs = typeof __loadStart === 'number' ? performance.now() - __loadStart : undefined;
  log.info(`Activated in ${activationMs?.toFixed(1) ?? '?'} ms.`);
  return { controller, tree, status, diagnostics, credentials, activationMs };
}

export function deactivate(): void { /* disposables are owned by the context */ }
