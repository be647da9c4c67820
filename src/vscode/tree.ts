// The setup checklist: one item per step (guide order) with its state, findings as children, and a badge.
import * as vscode from 'vscode';
import { inert } from '../core/inertText';
import { Finding, STEP_IDS, StepId } from '../core/types';
import { STEP_TITLES } from '../core/steps';
import { Controller } from './controller';
import { badge, findingView, stepView } from './viewModel';

type Node = { kind: 'step'; id: StepId } | { kind: 'finding'; step: StepId; finding: Finding };

export class ChecklistTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<Node>;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly controller: Controller) {
    this.view = vscode.window.createTreeView('balkanid.checklist', { treeDataProvider: this, showCollapseAll: false });
    this.subscription = controller.onDidChange(() => {
      this.changed.fire(undefined);
      this.view.badge = badge(controller.report);
    });
  }

  getChildren(node?: Node): Node[] {
    // Empty (so the view's welcome text shows) until an org is connected and the workspace has a manifest.
    if (!node)
      return this.controller.connection.kind === 'disconnected' || !this.controller.manifest
        ? []
        : STEP_IDS.map(id => ({ kind: 'step', id }));
    if (node.kind === 'step')
      return (this.controller.report?.steps.find(s => s.id === node.id)?.findings ?? []).map(finding => ({
        kind: 'finding',
        step: node.id,
        finding,
      }));
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'finding') {
      const v = findingView(node.finding);
      // A finding's message may quote the org (a profile's name, Salesforce's text): shown, never interpreted.
      const item = new vscode.TreeItem(inert(v.label), vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon(v.icon, v.color ? new vscode.ThemeColor(v.color) : undefined);
      item.tooltip = inert(v.tooltip, { lines: true });
      item.contextValue = 'finding';
      return item;
    }
    const step = this.controller.report?.steps.find(s => s.id === node.id);
    const state = this.controller.running.has(node.id) ? 'running' : (step?.state ?? 'unknown');
    const v = stepView(
      step ?? { id: node.id, title: STEP_TITLES[node.id], findings: [], plan: [] },
      state,
      this.controller.report?.login,
    );
    const item = new vscode.TreeItem(
      v.label,
      step?.findings.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    );
    item.id = `step:${node.id}`;
    item.description = inert(v.description);
    item.iconPath = new vscode.ThemeIcon(v.icon, v.color ? new vscode.ThemeColor(v.color) : undefined);
    item.tooltip = inert(v.tooltip, { lines: true });
    item.contextValue = v.contextValue;
    return item;
  }

  getParent(node: Node): Node | undefined {
    return node.kind === 'finding' ? { kind: 'step', id: node.step } : undefined;
  }

  dispose(): void {
    this.subscription.dispose();
    this.view.dispose();
    this.changed.dispose();
  }
}
