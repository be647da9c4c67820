// The setup checklist: one item per step (guide order) with its state, findings as children, the values for BalkanID
// under the consumer key (each copied on its own), and a badge.
import * as vscode from 'vscode';
import { inert } from '../core/inertText';
import { Finding, STEP_IDS, StepId } from '../core/types';
import { STEP_TITLES } from '../core/steps/names';
import { Controller } from './controller';
import { badge, findingView, stepView, ValueName, valueRows } from './viewModel';

export type Node =
  | { kind: 'step'; id: StepId }
  | { kind: 'finding'; step: StepId; finding: Finding }
  | { kind: 'value'; name: ValueName; label: string; value: string };

export class ChecklistTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<Node>;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly controller: Controller) {
    this.view = vscode.window.createTreeView('balkanid.checklist', { treeDataProvider: this, showCollapseAll: false });
    this.subscription = controller.onDidChange(() => {
      this.changed.fire(undefined);
      // No manifest (deleted, or another folder): no checklist, so no count of steps left either.
      this.view.badge = badge(controller.manifest ? controller.report : undefined);
    });
  }

  getChildren(node?: Node): Node[] {
    // Empty (so the view's welcome text shows) until an org is connected and the workspace has a manifest.
    if (!node)
      return this.controller.connection.kind === 'disconnected' || !this.controller.manifest
        ? []
        : STEP_IDS.map(id => ({ kind: 'step', id }));
    if (node.kind !== 'step') return [];
    const findings: Node[] = (this.controller.report?.steps.find(s => s.id === node.id)?.findings ?? []).map(
      finding => ({ kind: 'finding', step: node.id, finding }),
    );
    // The values for BalkanID, where the setup ends: each with its own Copy.
    const values: Node[] =
      node.id === 'consumerKey'
        ? valueRows(this.controller.report, this.controller.manualConsumerKey).map(v => ({ kind: 'value', ...v }))
        : [];
    return [...values, ...findings];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'value') {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
      item.id = `value:${node.name}`;
      item.description = node.value;
      const pasteHint = 'Paste it into BalkanID (Integrations → Add Integration → Salesforce).';
      item.tooltip = `${node.label}: ${node.value}\n\n${pasteHint}`;
      item.iconPath = new vscode.ThemeIcon('symbol-key');
      item.contextValue = 'value';
      return item;
    }
    if (node.kind === 'finding') {
      const v = findingView(node.finding);
      // A finding's message may quote the org (a profile's name, Salesforce's text): shown, never interpreted.
      const item = new vscode.TreeItem(inert(v.label), vscode.TreeItemCollapsibleState.None);
      item.description = inert(v.description);
      item.iconPath = new vscode.ThemeIcon(v.icon, v.color ? new vscode.ThemeColor(v.color) : undefined);
      item.tooltip = inert(v.tooltip, { lines: true });
      item.contextValue = 'finding';
      return item;
    }
    const step = this.controller.report?.steps.find(s => s.id === node.id);
    const state = this.controller.running.has(node.id) ? 'running' : (step?.state ?? 'unknown');
    const offers = this.controller.offers();
    const v = stepView(
      step ?? { id: node.id, title: STEP_TITLES[node.id], findings: [], plan: [] },
      state,
      this.controller.report?.login,
      {
        values: offers.values && (node.id === 'consumerKey' || node.id === 'verify'),
        request: offers.request && node.id === 'preflight',
      },
    );
    const children = !!step?.findings.length || (node.id === 'consumerKey' && offers.values);
    const item = new vscode.TreeItem(
      v.label,
      children ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    );
    // A row that gains children gets a new id: VS Code then opens it (it keeps an id's collapsed state otherwise).
    item.id = `step:${node.id}${children ? '+' : ''}`;
    item.description = inert(v.description);
    item.iconPath = new vscode.ThemeIcon(v.icon, v.color ? new vscode.ThemeColor(v.color) : undefined);
    item.tooltip = inert(v.tooltip, { lines: true });
    item.contextValue = v.contextValue;
    return item;
  }

  getParent(node: Node): Node | undefined {
    if (node.kind === 'finding') return { kind: 'step', id: node.step };
    if (node.kind === 'value') return { kind: 'step', id: 'consumerKey' };
    return undefined;
  }

  dispose(): void {
    this.subscription.dispose();
    this.view.dispose();
    this.changed.dispose();
  }
}
