// Export for BalkanID…: the CSV files for a manual upload or the Bulk API (upload.ts), streamed into a folder the
// admin picks; the files there are replaced only when the whole export succeeds.
import * as vscode from 'vscode';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ENTITIES_FILE, RELATIONS_FILE } from '../../core/extract/format';
import { formatLocalCount as n } from '../../core/numbers';
import { DEFAULT_USERS, USERS_CHOICES, UsersChoice } from '../../core/extract/sources';
import { codeOf } from '../../core/types';
import { settings } from '../settings';
import { Controller, engine } from '../controller';
import { notify, withCancel } from '../notify';
import { readerSession } from './reader';

export const LAST_EXPORT = 'balkanid.lastExportFolder';
/** VS Code's own words for showing a file in the system's file manager. */
const REVEAL =
  process.platform === 'darwin'
    ? 'Reveal in Finder'
    : process.platform === 'win32'
      ? 'Reveal in File Explorer'
      : 'Open Containing Folder';

/** Automation (this extension's tests: automation.ts) may name the folder: `{ folder: '/path' }`; nothing else is
 *  skipped. Another extension's call never gets here with one (the argument is dropped outside test mode). */
export const folderArg = (arg: unknown) => {
  const f = (arg as { folder?: unknown } | undefined)?.folder;
  return typeof f === 'string' && f ? f : typeof arg === 'string' && arg ? arg : undefined;
};
/** Automation may name the users (`{ users: 'all' }`); with a folder given and no users, the default. */
const usersArg = (arg: unknown): UsersChoice | undefined => {
  const u = (arg as { users?: unknown } | undefined)?.users;
  return typeof u === 'string' && (USERS_CHOICES as readonly string[]).includes(u) ? (u as UsersChoice) : undefined;
};

/** Which users to export, asked as Setup would say it; the default (internal users, active and deactivated) first. */
async function pickUsers(): Promise<UsersChoice | undefined> {
  const items: Array<vscode.QuickPickItem & { value: UsersChoice }> = [
    {
      value: 'standard',
      label: 'Internal users, active and deactivated',
      description: 'recommended',
      detail:
        'Deactivated users keep their assignments and can be reactivated with them; portal, community, Chatter Free ' +
        'and guest users are left out (and counted).',
    },
    { value: 'active', label: 'Active internal users', detail: 'Deactivated users are left out (and counted).' },
    {
      value: 'all',
      label: 'All users',
      detail: 'Portal, community, Chatter Free and guest users too (Experience Cloud sites can have millions).',
    },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Export for BalkanID: which users?',
    placeHolder: 'Their assignments and memberships follow the users chosen',
    ignoreFocusOut: true,
  });
  return picked?.value;
}

/** The files already in a folder (the export would replace them). */
export const existing = async (dir: string) =>
  (
    await Promise.all(
      [ENTITIES_FILE, RELATIONS_FILE].map(f =>
        stat(join(dir, f)).then(
          () => f,
          () => undefined,
        ),
      ),
    )
  ).filter((f): f is string => !!f);

let exporting = false;

export async function exportForBalkanId(
  c: Controller,
  arg?: unknown,
  /** The notification's "Upload to BalkanID…": the upload of this folder (a call within the extension). */
  upload?: (dir: string) => unknown,
): Promise<string | undefined> {
  c.connected();
  if (exporting) {
    void notify.info('An export is already running: wait for it, or cancel it in its notification.');
    return undefined;
  }
  const last = c.context.globalState.get<string>(LAST_EXPORT);
  const picked = folderArg(arg)
    ? [vscode.Uri.file(folderArg(arg)!)]
    : await vscode.window.showOpenDialog({
        canSelectFiles: false,
        canSelectFolders: true,
        canSelectMany: false,
        openLabel: 'Export Here',
        title: `Folder for ${ENTITIES_FILE} and ${RELATIONS_FILE}`,
        defaultUri: last ? vscode.Uri.file(last) : vscode.workspace.workspaceFolders?.[0]?.uri,
      });
  const dir = picked?.[0]?.fsPath;
  if (!dir) return undefined;
  const there = await existing(dir);
  if (there.length) {
    const ok = await notify.ask(
      `Replace ${there.join(' and ')} in ${dir}?`,
      'The files there are replaced only when the whole export succeeds.',
      'Replace',
    );
    if (ok !== 'Replace') return undefined;
  }
  const users = usersArg(arg) ?? (folderArg(arg) ? DEFAULT_USERS : await pickUsers());
  if (!users) return undefined;
  const neutralizeFormulas = settings().neutralizeFormulas;
  exporting = true;
  try {
    const r = await withCancel('Exporting for BalkanID', (report, signal) =>
      c.guarded(async () => {
        const session = await readerSession(c, signal);
        return engine().exportToDir(session.client, dir, {
          reader: session.reader.kind === 'integration' ? 'The integration user' : 'You',
          app: settings().exportApp,
          users,
          neutralizeFormulas,
          signal,
          clock: c.clock,
          onProgress: p => {
            if (p.note) c.log.info(p.note);
            report(p.note ?? `${p.source.label}: ${n(p.read)}${p.total !== undefined ? ` of ${n(p.total)}` : ''}`);
          },
        });
      }),
    );
    await c.context.globalState.update(LAST_EXPORT, dir);
    const connections = Object.entries(r.entities).reduce((a, [k, v]) => a + (k === 'user' ? 0 : (v ?? 0)), 0);
    const all = engine().exportNotes(r);
    // The notification says what needs a look (left out, formulas, unreadable); the log has every line.
    const notes = [
      ...all.filter(l => l.startsWith('~ ')).map(l => l.slice(2)),
      ...r.unreadable.map(u => `${u.label} could not be read — ${u.fix}`),
    ];
    const text =
      `Exported ${n(r.entities.user ?? 0)} identities, ${n(connections)} connections and ${n(r.relations)} relations ` +
      `to ${dir} (App "${r.app}").${notes.length ? ` ${notes.join(' ')}` : ''}`;
    c.log.info(text);
    for (const line of all.filter(l => !l.startsWith('~ '))) c.log.info(line);
    // The command is done when the files are; the notification's actions run whenever the admin picks one.
    void (notes.length ? notify.warn : notify.info)(text, 'Upload to BalkanID…', REVEAL).then(choice => {
      if (choice === REVEAL) void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(r.files.entities));
      if (choice === 'Upload to BalkanID…') void upload?.(dir);
    });
    return dir;
  } catch (e) {
    if (codeOf(e) === 'CANCELLED') {
      c.log.info(`Export cancelled: nothing was written to ${dir}.`);
      void notify.info(`Export cancelled: nothing was written to ${dir}.`);
      return undefined;
    }
    throw e;
  } finally {
    exporting = false;
  }
}
