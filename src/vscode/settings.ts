// Typed access to the extension's settings.
import * as vscode from 'vscode';
import { DEFAULT_TENANT } from '../core/extract/upload';
import { DEFAULT_APP } from '../core/extract/entities';

export interface Settings {
  manifestPath: string;
  sfPath: string;
  verifyAttempts: number;
  deployTimeoutMs: number;
  /** The BalkanID tenant the Bulk API upload goes to (a machine setting: the API key goes there). */
  tenantUrl: string;
  /** Export for BalkanID…: cells starting with = + - @ TAB or CR get a leading ' (OWASP), for spreadsheets. */
  neutralizeFormulas: boolean;
  /** Export for BalkanID…: the App column, an app id of the BalkanID tenant (default "salesforce"). */
  exportApp: string;
}

/** A number of seconds within [min, max]; anything else (text, NaN) gives the default. */
const seconds = (v: unknown, fallback: number, min: number, max: number) =>
  typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback;

/** The App setting when it is an app id as BalkanID writes them; anything else gives the default. */
const appSetting = (v: unknown) =>
  typeof v === 'string' && /^[\w .@:-]{1,100}$/.test(v.trim()) && !/^[-=+@]/.test(v.trim()) ? v.trim() : DEFAULT_APP;

export function settings(): Settings {
  const c = vscode.workspace.getConfiguration('balkanid');
  return {
    manifestPath: c.get('manifestPath', 'balkanid-setup.json'),
    sfPath: c.get('sfPath', 'sf'),
    verifyAttempts: c.get('verify.attempts', 10),
    deployTimeoutMs: seconds(c.get<unknown>('deployTimeoutSeconds'), 600, 10, 86400) * 1000,
    tenantUrl: c.get('tenantUrl', DEFAULT_TENANT),
    neutralizeFormulas: c.get<unknown>('export.neutralizeFormulas') === true,
    exportApp: appSetting(c.get<unknown>('export.app')),
  };
}
