// Each org's setup progress as last checked in this VS Code, for the org picker ("6 of 8 steps done · checked
// 2026-11-30 10:02 UTC"). Only counts and a time are kept (global state), never a name, token or key.
import type * as vscode from 'vscode';
import { remaining, Report } from '../core/types';

const KEY = 'balkanid.orgProgress';
/** One key per org whichever way its address is written (the Salesforce CLI keeps a trailing slash). */
export const orgKey = (instanceUrl: string) => instanceUrl.trim().replace(/\/+$/, '').toLowerCase();
type Entry = { done: number; total: number; at: number; waiting?: boolean };

export function rememberProgress(state: vscode.Memento, report: Report, now = Date.now()): Thenable<void> {
  const all = state.get<Record<string, Entry>>(KEY) ?? {};
  all[orgKey(report.org.instanceUrl)] = {
    done: report.steps.length - remaining(report),
    total: report.steps.length,
    at: now,
    waiting: report.steps.some(s => s.state === 'waiting'),
  };
  return state.update(KEY, all);
}

/** "6 of 8 steps done · checked 2026-11-30 10:02 UTC", or that this org was never checked here. */
export function progressText(state: vscode.Memento, instanceUrl: string | undefined): string {
  const e = instanceUrl ? state.get<Record<string, Entry>>(KEY)?.[orgKey(instanceUrl)] : undefined;
  if (!e) return 'BalkanID setup not checked yet';
  const when = new Date(e.at).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  const what =
    e.done === e.total ? (e.waiting ? 'set up, waiting for BalkanID' : 'set up') : `${e.done} of ${e.total} steps done`;
  return `BalkanID: ${what} · checked ${when}`;
}
