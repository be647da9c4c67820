// The connection indicator: org and progress, a warning look when the session expired, an error look when
// the org is unreachable, a spinner while connecting. Click: switch org. Shown only where it is relevant
// (statusShown): an org in use or remembered, or a workspace with a setup manifest.
import * as vscode from 'vscode';
import { inert } from '../core/inertText';
import { Controller } from './controller';
import { statusShown, statusView } from './viewModel';

export class ConnectionStatus implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem('balkanid.connection', vscode.StatusBarAlignment.Left, 50);
  private readonly subscription: vscode.Disposable;

  constructor(private readonly controller: Controller) {
    this.item.name = 'BalkanID Salesforce connection';
    this.item.command = 'balkanid.connect';
    this.subscription = controller.onDidChange(() => this.update());
    this.update();
  }

  private update(): void {
    const c = this.controller;
    const shown = statusShown({
      connection: c.connection,
      hasManifest: !!c.manifest,
      remembered: !!c.rememberedTarget,
    });
    if (shown) this.item.show();
    else this.item.hide();
    const v = statusView(c.connection, c.offers());
    this.item.text = v.text;
    // The next action stays where the admin looks: links in the tooltip (and on top of the picker a click opens).
    // The org's text is plain (appendText escapes it); only the links are Markdown, to this extension's commands.
    if (v.actions.length) {
      const md = new vscode.MarkdownString();
      md.appendText(inert(v.tooltip, { lines: true }));
      md.appendMarkdown(`\n\n${v.actions.map(a => `[${a.title}](command:${a.command})`).join(' · ')}`);
      md.isTrusted = { enabledCommands: v.actions.map(a => a.command) };
      this.item.tooltip = md;
    } else this.item.tooltip = inert(v.tooltip, { lines: true });
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
