// Typed access to the extension's settings.
import * as vscode from 'vscode';

export interface Settings { manifestPath: string; sfPath: string; verifyAttempts: number }

export function settings(): Settings {
  const c = vscode.workspace.getConfiguration('balkanid');
  return { manifestPath: c.get('manifestPath', 'balkanid-setup.json'), sfPath: c.get('sfPath', 'sf'), verifyAttempts: c.get('verify.attempts', 10) };
}
