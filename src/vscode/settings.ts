// Typed access to the extension's settings.
import * as vscode from 'vscode';
import { DEFAULT_TENANT } from '../core/extract/upload';

export interface Settings {
  manifestPath: string;
  sfPath: string;
  verifyAttempts: number;
  deployTimeoutMs: number;
  /** The BalkanID tenant the Bulk API upload goes to (a machine setting: the API key goes there). */
  tenantUrl: string;
}

/** A number of seconds within [min, max]; anything else (text, NaN) gives the default. */
const seconds = (v: unknown, fallback: number, min: number, max: number) =>
  typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback;

export function settings(): Settings {
  const c = vscode.workspace.getConfiguration('balkanid');
  return {
    manifestPath: c.get('manifestPath', 'balkanid-setup.json'),
    sfPath: c.get('sfPath', 'sf'),
    verifyAttempts: c.get('verify.attempts', 10),
    deployTimeoutMs: seconds(c.get<unknown>('deployTimeoutSeconds'), 600, 10, 86400) * 1000,
    tenantUrl: c.get('tenantUrl', DEFAULT_TENANT),
  };
}
