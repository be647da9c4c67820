// What starts right after activation, bundled apart (dist/later.js) so that activation evaluates as little code as
// possible: Problems, the Preview Extraction view, the watch for BalkanID's login, the context keys, the file watchers
// with the reconnect at start-up — and reading the setup manifest (jsonc), which the controller asks for here.
import * as vscode from 'vscode';
import { ContextKeys, contextOf } from './contextKeys';
import type { Controller } from './controller';
import { SetupDiagnostics } from './diagnostics';
import { LoginWatch } from './loginWatch';
import { PreviewTree } from './previewTree';
import { WorkspaceWatch } from './workspaceWatch';

export { parseManifest } from '../core/manifestText';

export function startLater(context: vscode.ExtensionContext, controller: Controller, checkAll: () => unknown) {
  const preview = new PreviewTree(controller);
  const diagnostics = new SetupDiagnostics(controller);
  const watch = new LoginWatch(controller);
  const keys = new ContextKeys(
    () => contextOf(controller.contextSource()),
    (key, value) => vscode.commands.executeCommand('setContext', key, value),
  );
  const files = new WorkspaceWatch(controller, checkAll);
  context.subscriptions.push(
    preview,
    diagnostics,
    watch,
    controller.onDidChange(() => keys.update()),
    files,
  );
  files.reconnectAtStartup();
  return { preview, diagnostics, watch };
}
