// The CLI's memory of the logins it made as the integration user (ownLogins.ts): a small JSON file beside the setup
// manifest (balkanid-setup.logins.json next to balkanid-setup.json), one list per org and integration user. It holds
// LoginHistory row Ids, times and addresses — no secret — so it may be committed with the manifest (then every
// checkout knows these logins were the tool's). Replaced whole (a temporary file renamed), never half-written.
import { randomBytes } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OwnLogin, ownLoginsKey, OwnLoginsDocument, parseOwnLogins, rememberLogins } from '../core/ownLogins';

/** At most this much is read (a few hundred logins fit in a tenth of it). */
const MAX_BYTES = 256 * 1024;

/** The memory's file for a manifest: its name with `.logins.json` in place of `.json`. */
export const ownLoginsPath = (manifestPath: string) =>
  join(dirname(manifestPath), `${basename(manifestPath).replace(/\.json$/i, '')}.logins.json`);

async function readDocument(path: string): Promise<OwnLoginsDocument> {
  const text = await readFile(path).then(
    b => (b.length > MAX_BYTES ? '' : b.toString('utf8')),
    () => '',
  );
  return parseOwnLogins(text);
}

/** The logins remembered for this org and integration user (none when the file is missing or unreadable). */
export async function loadOwnLogins(path: string, orgId: string, username: string): Promise<OwnLogin[]> {
  return (await readDocument(path)).orgs[ownLoginsKey(orgId, username)] ?? [];
}

/** Adds `fresh` to the memory of this org and integration user. */
export async function saveOwnLogins(path: string, orgId: string, username: string, fresh: OwnLogin[]): Promise<void> {
  const doc = await readDocument(path);
  const key = ownLoginsKey(orgId, username);
  doc.orgs[key] = rememberLogins(doc.orgs[key] ?? [], fresh);
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, `${JSON.stringify(doc, null, 2)}\n`, { flag: 'wx' });
    await rename(temp, path);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
}
