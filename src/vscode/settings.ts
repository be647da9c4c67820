// Typed access to the extension's settings.
import * as vscode from 'vscode';

export interface Settings { manifestPath: string; sfPath: string; verifyAttempts: number; deployTimeoutMs: number }

export function settings(): Settings {
  const c = vscode.workspace.getConfiguration('balkanid');
  return { manifestPath: c.get('manifestPath', 'balkanid-setup.json'), sfPath: c.get('sfPath', 'sf'), verifyAttempts: c.get('verify.attempts', 10),
    deployTimeoutMs: Math.max(10, c.get('deployTimeoutSeconds', 600)) * 1000 };
}
