// The connection indicator: org and progress, a warning look when the session expired, an error look when
// the org is unreachable, a spinner while connecting. Click: switch org.
import * as vscode from 'vscode';
import { Controller } from './controller';
import { statusView } from './viewModel';

export class ConnectionStatus implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem('balkanid.connection', vscode.StatusBarAlignment.Left, 50);
  private readonly subscription: vscode.Disposable;

  constructor(private readonly controller: Controller) {
    this.item.name = 'BalkanID Salesforce connection';
    this.item.command = 'balkanid.connect';
    this.subscription = controller.onDidChange(() => this.update());
    this.update();
    this.item.show();
  }

  private update(): void {
    const v = statusView(this.controller.connection);
    this.item.text = v.text;
    this.item.tooltip = v.tooltip;
    this.item.backgroundColor =
      v.tone === 'normal'
        ? undefined
        : new vscode.ThemeColor(
            v.tone === 'warning' ? 'statusBarItem.warningBackground' : 'statusBarItem.errorBackground',
          );
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
