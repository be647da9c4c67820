// The Preview Extraction view: what BalkanID will read from the connected org (counts, a few rows of each list,
// and what cannot be read with the permission that fixes it). Filled by the Preview Extraction command; emptied
// when another org is connected (so it never shows one org's data under another's name).
import * as vscode from 'vscode';
import { inert } from '../core/inertText';
import type { Preview, PreviewSource } from '../core/extract/preview';
import { formatLocalCount as n } from '../core/numbers';
import { leftOutText, USERS_LABELS } from '../core/extract/sources';
import { Controller } from './controller';

type Node = { kind: 'source'; source: PreviewSource } | { kind: 'row'; text: string };

export class PreviewTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<Node>;
  private preview?: Preview & { instanceUrl: string };
  private readonly subscription: vscode.Disposable;

  constructor(controller: Controller) {
    this.view = vscode.window.createTreeView('balkanid.preview', { treeDataProvider: this });
    this.subscription = controller.onDidChange(() => {
      if (this.preview && this.preview.instanceUrl !== controller.client?.instanceUrl) this.show(undefined);
    });
  }

  show(preview: (Preview & { instanceUrl: string }) | undefined): void {
    this.preview = preview;
    const bad = preview?.sources.filter(s => s.unreadable).length ?? 0;
    this.view.message = !preview
      ? undefined
      : (preview.reader.kind === 'integration'
          ? `Read as the integration user ${preview.reader.username} (JWT login), as BalkanID reads.`
          : `Read as you (${preview.reader.username}). BalkanID reads as the integration user, which may see less: ` +
            'store its private key in the Credentials view to preview as it.') +
        (bad ? ` ${bad} list(s) cannot be read.` : '');
    this.changed.fire(undefined);
  }

  getChildren(node?: Node): Node[] {
    if (!node) return (this.preview?.sources ?? []).map(source => ({ kind: 'source', source }));
    if (node.kind === 'source') return node.source.sample.map(text => ({ kind: 'row', text }));
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'row') {
      // A row is org data (names, usernames): shown as text, on one line, whatever it holds.
      const item = new vscode.TreeItem(inert(node.text));
      item.tooltip = inert(node.text);
      return item;
    }
    const s = node.source;
    const item = new vscode.TreeItem(
      s.label,
      s.sample.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.id = `preview:${s.id}`;
    if (s.unreadable) {
      item.description = `cannot be read (${s.unreadable.code})`;
      item.tooltip = s.unreadable.fix;
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    } else {
      item.description =
        (s.timedOut ? 'timed out' : `${n(s.count ?? 0)}${s.active !== undefined ? ` (${n(s.active)} active)` : ''}`) +
        (s.partial ? ' · may be partial' : '');
      const more = s.sample.length ? 'Expand for a sample.' : '';
      const counted = s.timedOut
        ? 'Salesforce could not count them in its query time (a large list); the export reads them all.'
        : '';
      const leftOut = this.preview && leftOutText(this.preview.usersLeftOut, n);
      const left =
        s.id === 'user' && this.preview
          ? `${USERS_LABELS[this.preview.users]}${leftOut ? `; left out: ${leftOut}` : ''}.`
          : '';
      item.tooltip = `${s.label}: ${item.description}. ${counted} ${left} ${s.partial ?? ''} ${more}`;
      item.iconPath = s.partial
        ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
        : new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    }
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.view.dispose();
    this.changed.dispose();
  }
}
