// Wires the extension together; no logic lives here. Activation does no network work and only what the first paint
// needs — the checklist, the status bar, the commands; the rest (Problems, the Preview view, the watch for BalkanID's
// login, the file watchers, the context keys) starts right after it from dist/later.js, the command handlers and the
// credentials view on first use (dist/ui.js), the engine and jsforce on the first engine call (dist/engine.js).
import * as vscode from 'vscode';
import { activationTimer } from './vscode/activation';
import { automationAllowed } from './vscode/automation';
import { Controller } from './vscode/controller';
import { LazyUi } from './vscode/lazyUi';
import { Log } from './vscode/log';
import { ConnectionStatus } from './vscode/statusBar';
import { ChecklistTree } from './vscode/tree';

export function activate(context: vscode.ExtensionContext) {
  // Restricted Mode: nothing runs but the checklist's hint that the folder must be trusted (package.json).
  if (!vscode.workspace.isTrusted) {
    context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => start(context)));
    return undefined;
  }
  return start(context);
}

function start(context: vscode.ExtensionContext) {
  const timer = activationTimer();
  // Test mode (this extension's own tests, and the environment says so): commands take automation arguments and
  // activate() hands the tests its parts. Otherwise neither: no other extension gets the controller (the token, the
  // secret storage, the private key) or drives a command with arguments.
  const automation = automationAllowed(context.extensionMode === vscode.ExtensionMode.Test);
  const log = new Log();
  const controller = new Controller(context, log);
  const tree = new ChecklistTree(controller);
  const status = new ConnectionStatus(controller);
  timer.mark('views');
  type Later = ReturnType<typeof import('./vscode/later').startLater>;
  let rest: Later | undefined;
  const later = (): Later =>
    (rest ??= (require('./later.js') as typeof import('./vscode/later')).startLater(context, controller, () =>
      ui.get().handlers.checkAll(),
    ));
  const ui: LazyUi = new LazyUi(createUi => createUi(context, controller, tree, later().preview));
  const soon = setTimeout(later, 0);
  context.subscriptions.push(log, controller, tree, status, ui, ...ui.registerCommands(automation), {
    dispose: () => clearTimeout(soon),
  });
  timer.mark('commands');
  const activation = timer.finish(log);
  if (!automation) return undefined;
  return {
    controller,
    tree,
    status,
    get preview() {
      return later().preview;
    },
    get diagnostics() {
      return later().diagnostics;
    },
    get watch() {
      return later().watch;
    },
    get credentials() {
      return ui.get().credentials();
    },
    activation,
  };
}

export function deactivate(): void {
  /* disposables are owned by the context */
}
