// The command handlers and the credentials view live in dist/ui.js, loaded on the first command (or the first use of
// the credentials view), not at activation. Every command of the table is registered at once against its handler.
import * as vscode from 'vscode';
import { callerArg } from './automation';
import { COMMANDS } from './commandTable';
import type { createUi, Ui } from './ui';

export class LazyUi implements vscode.Disposable {
  private ui?: Ui;

  constructor(private readonly create: (make: typeof createUi) => Ui) {}

  get(): Ui {
    return (this.ui ??= this.create((require('./ui.js') as typeof import('./ui')).createUi));
  }

  /**
   * Each command of the table, calling its handler (built on the first call). What a caller passes is filtered
   * (automation.ts): outside the extension's test mode only a step survives, never a token, a certificate, a folder
   * or `assumeYes` from another extension or a rendered link.
   */
  registerCommands(automation: boolean): vscode.Disposable[] {
    return Object.entries(COMMANDS).map(([id, spec]) =>
      vscode.commands.registerCommand(id, (arg?: unknown) =>
        this.get().handlers[spec.handler](callerArg(arg, automation)),
      ),
    );
  }

  dispose(): void {
    this.ui?.dispose();
  }
}
