// Upload to BalkanID…: the exported files to BalkanID's Bulk API, after a modal that names the files, the tenant and
// the key. The API key is asked once per tenant and kept (the secret in VS Code's secret storage) only after an
// upload with it worked; a key BalkanID refuses is forgotten.
import * as vscode from 'vscode';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ENTITIES_FILE, RELATIONS_FILE } from '../../core/extract/format';
import { isSetupError, messageOf, SetupError } from '../../core/types';
import { Controller, engine } from '../controller';
import { formatLocalCount as n } from '../../core/numbers';
import { existing, folderArg, LAST_EXPORT } from './export';
import { notify, withCancel } from '../notify';
import { settings } from '../settings';

/** The API key is kept per BalkanID tenant: a changed tenant URL never receives a key stored for another one. */
const API_KEY_SECRET = (tenant: string) => `balkanid.bulkApiKeySecret:${tenant}`;
const API_KEY_ID = (tenant: string) => `balkanid.bulkApiKeyId:${tenant}`;
async function askApiKey(
  c: Controller,
  tenant: string,
): Promise<{ keyId: string; secret: string; stored: boolean } | undefined> {
  const keyId =
    c.context.globalState.get<string>(API_KEY_ID(tenant)) ??
    (
      await vscode.window.showInputBox({
        title: 'BalkanID API key ID',
        prompt: `The ID of an API key of your BalkanID tenant (${tenant}) that may use the Bulk APIs.`,
        ignoreFocusOut: true,
        validateInput: v => (v.trim() ? undefined : 'Paste the API key ID.'),
      })
    )?.trim();
  if (!keyId) return undefined;
  const stored = await c.context.secrets.get(API_KEY_SECRET(tenant));
  if (stored) return { keyId, secret: stored, stored: true };
  const secret = (
    await vscode.window.showInputBox({
      title: 'BalkanID API key secret',
      prompt: "Kept in VS Code's secret storage once an upload with it works; never in settings or files.",
      password: true,
      ignoreFocusOut: true,
      validateInput: v =>
        v.trim().length >= 12 ? undefined : 'Paste the API key secret (BalkanID shows it once, when the key is made).',
    })
  )?.trim();
  return secret ? { keyId, secret, stored: false } : undefined;
}

/** The tenant from the machine setting, checked before any question; a wrong one says which setting to change. */
async function tenantFromSettings(): Promise<string | undefined> {
  try {
    return engine().checkTenantUrl(settings().tenantUrl);
  } catch (e) {
    const choice = await notify.error(
      `The setting "BalkanID: Tenant Url" (balkanid.tenantUrl, a machine setting) is wrong: ${messageOf(e)}`,
      'Open Settings',
    );
    if (choice) await vscode.commands.executeCommand('workbench.action.openSettings', 'balkanid.tenantUrl');
    return undefined;
  }
}

export async function uploadToBalkanId(c: Controller, arg?: unknown): Promise<boolean> {
  const last = c.context.globalState.get<string>(LAST_EXPORT);
  const tenantUrl = await tenantFromSettings();
  if (!tenantUrl) return false;
  let dir = folderArg(arg);
  if (!dir) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      openLabel: 'Upload This Folder',
      title: `Folder with ${ENTITIES_FILE} and ${RELATIONS_FILE} (made by Export for BalkanID…)`,
      defaultUri: last ? vscode.Uri.file(last) : vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    dir = picked?.[0]?.fsPath;
  }
  if (!dir) return false;
  const there = await existing(dir);
  const missing = [ENTITIES_FILE, RELATIONS_FILE].filter(f => !there.includes(f));
  if (missing.length)
    throw new SetupError(
      `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not in ${dir}: run Export for BalkanID… into ` +
        'that folder first. Nothing was uploaded.',
      'UPLOAD_INPUT',
    );
  const key = await askApiKey(c, tenantUrl);
  if (!key) return false;
  const sizes = await Promise.all(
    [ENTITIES_FILE, RELATIONS_FILE].map(f =>
      stat(join(dir!, f)).then(
        s => `${f} (${n(Math.ceil(s.size / 1024))} KB)`,
        () => f,
      ),
    ),
  );
  // Automation (this extension's tests, automation.ts) may pass { assumeYes: true }, as for teardown; people are
  // always asked, and so is another extension's call (its arguments are dropped outside test mode).
  const go =
    (arg as { assumeYes?: unknown } | undefined)?.assumeYes === true
      ? 'Upload'
      : await notify.ask(
          `Upload ${sizes.join(' and ')} to ${tenantUrl}?`,
          `BalkanID receives every user, profile, role, permission set, group and assignment in the files (from ` +
            `${dir}), with ${key.stored ? 'the API key stored for this tenant' : 'the API key you entered'} (ID ` +
            `${key.keyId}).`,
          'Upload',
        );
  if (go !== 'Upload') return false;
  try {
    const send = async (skipAppCheck: boolean) =>
      await withCancel('Uploading to BalkanID', (report, signal) =>
        engine().uploadToBalkanId({
          tenantUrl,
          keyId: key.keyId,
          secret: key.secret,
          dir: dir!,
          onProgress: report,
          signal,
          clock: c.clock,
          skipAppCheck,
        }),
      );
    // The App is looked up in the tenant's apps first; when that list cannot be had, the admin decides.
    const r = await send(false).catch(async (e: unknown) => {
      if (!isSetupError(e) || e.code !== 'UPLOAD_APPS') throw e;
      const again = await notify.ask(
        "BalkanID's apps list is unavailable: upload without checking the App?",
        `${e.message.replace(/ Try again;.*$/, '')} The files' App is then not checked against your tenant's apps.`,
        'Upload Without Checking',
      );
      if (again !== 'Upload Without Checking') throw e;
      return send(true);
    });
    // Only a key that worked is kept: the ID in global state, the secret in secret storage.
    await c.context.globalState.update(API_KEY_ID(tenantUrl), key.keyId);
    if (!key.stored) await c.context.secrets.store(API_KEY_SECRET(tenantUrl), key.secret);
    const text =
      `Uploaded ${r.uploaded.map(u => u.file).join(' and ')} to ${tenantUrl}.` +
      (key.stored ? '' : " The API key is kept in VS Code's secret storage for the next upload.");
    c.log.info(text);
    void notify.info(text);
    return true;
  } catch (e) {
    // A key BalkanID refuses is never kept: a stored one is forgotten, a typed one not stored.
    if (!isSetupError(e) || (e.code !== 'UPLOAD_AUTH' && e.code !== 'UPLOAD_FORBIDDEN')) throw e;
    if (!key.stored) throw new SetupError(`${e.message} The key you entered was not stored.`, e.code);
    await c.context.globalState.update(API_KEY_ID(tenantUrl), undefined);
    await c.context.secrets.delete(API_KEY_SECRET(tenantUrl));
    throw new SetupError(`${e.message} The stored API key was forgotten; the next upload asks for it again.`, e.code);
  }
}
