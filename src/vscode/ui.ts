// What only a command or the credentials view needs, bundled apart (dist/ui.js) and loaded on first use (lazyUi.ts)
// so that activation evaluates as little code as possible.
import type * as vscode from 'vscode';
import type { Handlers } from './commandTable';
import type { Controller } from './controller';
import { CredentialsPanel } from './credentials';
import { handlers, ReadOnlyDocs } from './handlers';
import type { PreviewTree } from './previewTree';
import type { ChecklistTree } from './tree';

export interface Ui extends vscode.Disposable {
  handlers: Handlers;
  credentials(): CredentialsPanel;
}

export function createUi(
  context: vscode.ExtensionContext,
  controller: Controller,
  tree: ChecklistTree,
  preview: PreviewTree,
): Ui {
  let panel: CredentialsPanel | undefined;
  const credentials = () => (panel ??= new CredentialsPanel(context, controller));
  const docs = new ReadOnlyDocs(controller);
  return {
    handlers: handlers(controller, tree, credentials, preview, docs),
    credentials,
    dispose: () => {
      panel?.dispose();
      docs.dispose();
    },
  };
}
