// Findings in the Problems panel, anchored to the manifest key they concern, with a quick fix that runs the
// step. Cleared when fixed (next check) and on disconnect.
import * as vscode from 'vscode';
import { inert } from '../core/inertText';
import { Controller } from './controller';
import { diagnosticsFor, quickFixFor } from './diagnosticsModel';
import { STEP_TITLES } from '../core/steps/names';

export const SOURCE = 'BalkanID';

export class SetupDiagnostics implements vscode.Disposable, vscode.CodeActionProvider {
  readonly collection = vscode.languages.createDiagnosticCollection('balkanid');
  private readonly disposables: vscode.Disposable[] = [];
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly controller: Controller) {
    this.disposables.push(
      controller.onDidChange(() => this.update()),
      vscode.languages.registerCodeActionsProvider({ pattern: '**/*.json' }, this, {
        providedCodeActionKinds: SetupDiagnostics.kinds,
      }),
    );
  }

  private update(): void {
    this.collection.clear();
    const m = this.controller.manifest;
    const report = this.controller.report;
    if (!m || !report || this.controller.connection.kind !== 'connected') return;
    const doc = vscode.workspace.textDocuments.find(d => d.uri.toString() === m.uri.toString());
    const text = doc?.getText() ?? m.text;
    const positionAt = (offset: number) => {
      if (doc) return doc.positionAt(offset);
      const before = text.slice(0, offset).split('\n');
      return new vscode.Position(before.length - 1, before[before.length - 1]!.length);
    };
    this.collection.set(
      m.uri,
      diagnosticsFor(report, text).map(d => {
        const diag = new vscode.Diagnostic(
          new vscode.Range(positionAt(d.offset), positionAt(d.offset + d.length)),
          inert(d.message, { lines: true }),
          d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
        );
        diag.source = SOURCE;
        diag.code = d.code;
        return diag;
      }),
    );
  }

  provideCodeActions(
    _document: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const steps = this.controller.report?.steps ?? [];
    const client = this.controller.client;
    const actions: vscode.CodeAction[] = [];
    const seen = new Set<string>();
    for (const diag of context.diagnostics) {
      if (diag.source !== SOURCE) continue;
      const step = steps.find(s =>
        s.findings.some(f => f.code === diag.code && diag.message.startsWith(inert(f.message, { lines: true }))),
      );
      const fix = step && quickFixFor(String(diag.code), step.id);
      if (!fix) continue;
      let action: vscode.CodeAction;
      if (fix.kind === 'runStep') {
        action = new vscode.CodeAction(`Run step: ${STEP_TITLES[fix.step]}`, vscode.CodeActionKind.QuickFix);
        action.command = { command: 'balkanid.runStep', title: action.title, arguments: [fix.step] };
      } else if (fix.kind === 'chooseCertificate') {
        action = new vscode.CodeAction("Choose BalkanID's certificate…", vscode.CodeActionKind.QuickFix);
        action.command = { command: 'balkanid.chooseCertificate', title: action.title };
      } else {
        if (!client) continue;
        action = new vscode.CodeAction(
          'Open your user in Salesforce Setup (a System Administrator grants the permission there)',
          vscode.CodeActionKind.QuickFix,
        );
        action.command = {
          command: 'vscode.open',
          title: action.title,
          arguments: [
            vscode.Uri.parse(
              `${client.instanceUrl}/lightning/setup/ManageUsers/page?address=` +
                encodeURIComponent(`/${client.userId}?noredirect=1`),
            ),
          ],
        };
      }
      if (seen.has(action.title)) continue;
      seen.add(action.title);
      action.diagnostics = [diag];
      action.isPreferred = fix.kind !== 'openAdminUser';
      actions.push(action);
    }
    return actions;
  }

  dispose(): void {
    this.collection.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
