// balkanid-sf upload: the export's two files to BalkanID's Bulk API (several orgs: one folder each, as export wrote
// them). The API key's ID from --api-key-id or the environment, its secret only from the environment.
import { access, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ENTITIES_FILE } from '../../core/extract/format';
import { checkTenantUrl } from '../../core/extract/upload';
import { formatCount } from '../../core/numbers';
import { registerSecret } from '../../core/redact';
import { LOOPBACK_HOSTS } from '../../core/url';
import { uploadToBalkanId } from '../../node/balkanidUpload';
import { defineCommand } from '../command';
import { requestTimeoutMs, toJson } from '../common';
import { usageError } from '../flags';
import { orgFolder } from '../orgs';

/** The API key for BalkanID's Bulk API: the ID from --api-key-id or the environment, the secret only from it. */
export function apiKeyFromEnv(
  flagId: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): { keyId: string; secret: string } {
  const keyId = flagId ?? env.BALKANID_API_KEY_ID;
  const secret = env.BALKANID_API_KEY_SECRET;
  const missing = [!keyId && '--api-key-id (or $BALKANID_API_KEY_ID)', !secret && '$BALKANID_API_KEY_SECRET'];
  if (!keyId || !secret)
    throw usageError(
      `upload needs BalkanID's API key: set ${missing.filter(Boolean).join(' and ')} (create a key in your BalkanID ` +
        'tenant). Nothing was uploaded.',
    );
  if (secret.trim().length < 12)
    throw usageError(
      '$BALKANID_API_KEY_SECRET is too short to be an API key secret: set the secret BalkanID showed when the key ' +
        'was made. Nothing was uploaded.',
    );
  return { keyId, secret: secret.trim() };
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** A folder from `export` with several orgs holds one folder per org: say so instead of "entities.csv is missing". */
async function hintOrgFolders(dir: string): Promise<void> {
  if (await exists(join(dir, ENTITIES_FILE))) return;
  const orgs = [];
  for (const d of await readdir(dir, { withFileTypes: true }).catch(() => []))
    if (d.isDirectory() && (await exists(join(dir, d.name, ENTITIES_FILE)))) orgs.push(d.name);
  if (orgs.length)
    throw usageError(
      `${dir} holds one folder per org (${orgs.slice(0, 5).join(', ')}${orgs.length > 5 ? ', …' : ''}), as export ` +
        'writes for several orgs: upload them with the same --target-org or --all-orgs, or pass --dir ' +
        `${join(dir, orgs[0]!)}. Nothing was uploaded.`,
    );
}

export const upload = defineCommand({
  name: 'upload',
  summary: "upload export's files with BalkanID's Bulk API",
  details:
    "Before sending anything, the files' App is looked up in the tenant's apps (BalkanID's Bulk Apps Download API) " +
    'and the two files are checked to be the pair export wrote. ' +
    'The API key: its ID from --api-key-id or $BALKANID_API_KEY_ID, its secret only from $BALKANID_API_KEY_SECRET ' +
    "(a flag would stay in your shell history). With several orgs (--target-org repeated, --all-orgs), each org's " +
    'files are taken from <dir>/<org>, as export wrote them.',
  flags: { dir: 'required', 'tenant-url': 'optional', 'api-key-id': 'optional', 'skip-app-check': 'optional' },
  needsManifest: false,
  connects: false,
  writes: false,
  perOrg: 'line',
  async run(ctx) {
    const { keyId, secret } = apiKeyFromEnv(ctx.flags['api-key-id']);
    registerSecret(secret);
    const dir = resolve(ctx.flags.dir, ctx.many && ctx.target ? orgFolder(ctx.target) : '');
    const tenantUrl = checkTenantUrl(ctx.flags['tenant-url'] ?? process.env.BALKANID_TENANT_URL);
    await hintOrgFolders(dir);
    // Where the key goes, said before anything is sent; an address outside balkan.id is named as such.
    const host = new URL(tenantUrl).hostname;
    ctx.progress(`Uploading to ${tenantUrl} with the API key ${keyId}.`);
    if (!/(^|\.)balkan\.id$/i.test(host) && !LOOPBACK_HOSTS.includes(host))
      ctx.progress(
        `~ ${host} is not a balkan.id address: check --tenant-url (or $BALKANID_TENANT_URL) if that is a typo.`,
      );
    const r = await uploadToBalkanId({
      tenantUrl,
      keyId,
      secret,
      dir,
      onProgress: ctx.progress,
      clock: ctx.clock,
      skipAppCheck: !!ctx.flags['skip-app-check'],
      timeoutMs: requestTimeoutMs(ctx.flags),
      signal: ctx.signal,
    });
    const files = r.uploaded.map(u => `${u.file} (${formatCount(u.bytes)} bytes)`).join(' and ');
    const appChecked = r.app?.checked ? ", one of the tenant's apps" : ', not checked';
    // A 200 from the storage means the file arrived, not that BalkanID has processed it (relations need their
    // entities synced first).
    ctx.out(
      ctx.json
        ? toJson({ command: 'upload', dir, ...r })
        : `Uploaded ${files} from ${dir} to BalkanID${r.app ? ` (App "${r.app.value}"${appChecked})` : ''}. ` +
            'BalkanID processes entities.csv first; relations refer to those entities once they are synced.',
    );
    return { code: 0, result: `${r.uploaded.length} file(s) uploaded` };
  },
});
