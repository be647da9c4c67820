// Wires the extension together; no logic lives here. Activation does no network work: the command handlers and the
// credentials view load on first use (lazyUi.ts), the engine and jsforce on the first engine call (controller.ts).
import * as vscode from 'vscode';
import { activationTimer } from './vscode/activation';
import { ContextKeys, contextOf } from './vscode/contextKeys';
import { Controller } from './vscode/controller';
import { SetupDiagnostics } from './vscode/diagnostics';
import { LazyUi } from './vscode/lazyUi';
import { Log } from './vscode/log';
import { LoginWatch } from './vscode/loginWatch';
import { PreviewTree } from './vscode/previewTree';
import { ConnectionStatus } from './vscode/statusBar';
import { ChecklistTree } from './vscode/tree';
import { WorkspaceWatch } from './vscode/workspaceWatch';

export function activate(context: vscode.ExtensionContext) {
  const timer = activationTimer();
  const log = new Log();
  const controller = new Controller(context, log);
  const tree = new ChecklistTree(controller);
  const preview = new PreviewTree(controller);
  timer.mark('tree');
  const status = new ConnectionStatus(controller);
  const diagnostics = new SetupDiagnostics(controller);
  const watch = new LoginWatch(controller);
  const keys = new ContextKeys(
    () => contextOf(controller.contextSource()),
    (key, value) => vscode.commands.executeCommand('setContext', key, value),
  );
  const ui = new LazyUi(createUi => createUi(context, controller, tree, preview));
  const files = new WorkspaceWatch(controller, () => ui.get().handlers.checkAll());
  context.subscriptions.push(
    log,
    controller,
    tree,
    preview,
    status,
    diagnostics,
    watch,
    controller.onDidChange(() => keys.update()),
    ui,
    ...ui.registerCommands(),
    files,
  );
  timer.mark('commands');
  files.reconnectAtStartup();
  return {
    controller,
    tree,
    preview,
    status,
    diagnostics,
    watch,
    get credentials() {
      return ui.get().credentials();
    },
    activation: timer.finish(log),
  };
}

export function deactivate(): void {
  /* disposables are owned by the context */
}
