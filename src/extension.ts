// Wires the extension together; no logic lives here. Activation does no network work: the command handlers and the
// credentials view load on first use (lazyUi.ts), the engine and jsforce on the first engine call (controller.ts).
import * as vscode from 'vscode';
import { activationTimer } from './vscode/activation';
import { automationAllowed } from './vscode/automation';
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
  // Test mode (this extension's own tests, and the environment says so): commands take automation arguments and
  // activate() hands the tests its parts. Otherwise neither: no other extension gets the controller (the token, the
  // secret storage, the private key) or drives a command with arguments.
  const automation = automationAllowed(context.extensionMode === vscode.ExtensionMode.Test);
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
    ...ui.registerCommands(automation),
    files,
  );
  timer.mark('commands');
  files.reconnectAtStartup();
  const activation = timer.finish(log);
  if (!automation) return undefined;
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
    activation,
  };
}

export function deactivate(): void {
  /* disposables are owned by the context */
}
