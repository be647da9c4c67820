// The other ways into BalkanID from the command line: preview and export (as the admin, or with --key as the
// integration user), and upload to BalkanID's Bulk API.
import { access, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ENTITIES_FILE, RELATIONS_FILE } from '../core/extract/format';
import { checkTenantUrl } from '../core/extract/upload';
import { LOOPBACK_HOSTS } from '../core/url';
import { check } from '../core/engine';
import { OrgClient } from '../core/client';
import { previewOrg } from '../core/extract/preview';
import { whoAmI } from '../core/probe';
import { registerSecret } from '../core/redact';
import { SetupError } from '../core/types';
import { uploadToBalkanId } from '../node/balkanidUpload';
import { exportToDir } from '../node/exportFiles';
import { JsforceClient } from '../node/salesforce';
import { jwtSelfTest, sessionFailure } from '../node/verify';
import { Args } from './args';
import { jwtOptions, loadSetup, toJson } from './common';
import { OrgRow, orgFolder } from './orgs';
import { progressLine, renderExport, renderPreview } from './render';

/** The API key for BalkanID's Bulk API: the ID from --api-key-id or the environment, the secret only from it. */
export function apiKeyFromEnv(
  flagId: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): { keyId: string; secret: string } {
  const keyId = flagId ?? env.BALKANID_API_KEY_ID;
  const secret = env.BALKANID_API_KEY_SECRET;
  const missing = [!keyId && '--api-key-id (or $BALKANID_API_KEY_ID)', !secret && '$BALKANID_API_KEY_SECRET'].filter(
    Boolean,
  );
  if (missing.length)
    throw new SetupError(
      `upload needs BalkanID's API key: set ${missing.join(' and ')} (create a key in your BalkanID tenant). ` +
        'Nothing was uploaded.',
      'USAGE',
    );
  if (secret!.trim().length < 12)
    throw new SetupError(
      '$BALKANID_API_KEY_SECRET is too short to be an API key secret: set the secret BalkanID showed when the key was ' +
        'made. Nothing was uploaded.',
      'USAGE',
    );
  return { keyId: keyId!, secret: secret!.trim() };
}

/** A folder from `export` with several orgs holds one folder per org: say so instead of "entities.csv is missing". */
async function hintOrgFolders(dir: string): Promise<void> {
  if (
    await access(join(dir, ENTITIES_FILE)).then(
      () => true,
      () => false,
    )
  )
    return;
  const orgs = [];
  for (const d of await readdir(dir, { withFileTypes: true }).catch(() => []))
    if (
      d.isDirectory() &&
      (await access(join(dir, d.name, ENTITIES_FILE)).then(
        () => true,
        () => false,
      ))
    )
      orgs.push(d.name);
  if (orgs.length)
    throw new SetupError(
      `${dir} holds one folder per org (${orgs.slice(0, 5).join(', ')}${orgs.length > 5 ? ', …' : ''}), as export ` +
        'writes for several orgs: upload them with the same --target-org or --all-orgs, or pass --dir ' +
        `${join(dir, orgs[0]!)}. Nothing was uploaded.`,
      'USAGE',
    );
}

/** upload: the export's two files to BalkanID's Bulk API (several orgs: one folder each, as export wrote them). */
export async function upload(
  flags: Args['flags'],
  json: boolean,
  out: (s: string) => void,
  progress: (s: string) => void,
  target: string | undefined,
  row: OrgRow,
): Promise<number> {
  const { keyId, secret } = apiKeyFromEnv(flags['api-key-id'] as string | undefined);
  registerSecret(secret);
  const dir = resolve(String(flags.dir), target ? orgFolder(target) : '');
  const tenantUrl = checkTenantUrl((flags['tenant-url'] as string | undefined) ?? process.env.BALKANID_TENANT_URL);
  await hintOrgFolders(dir);
  // Where the key goes, said before anything is sent; an address outside balkan.id is named as such.
  const host = new URL(tenantUrl).hostname;
  progress(`Uploading to ${tenantUrl} with the API key ${keyId}.`);
  if (!/(^|\.)balkan\.id$/i.test(host) && !LOOPBACK_HOSTS.includes(host))
    progress(`~ ${host} is not a balkan.id address: check --tenant-url (or $BALKANID_TENANT_URL) if that is a typo.`);
  const r = await uploadToBalkanId({ tenantUrl, keyId, secret, dir, onProgress: progress });
  const files = r.uploaded.map(u => `${u.file} (${u.bytes.toLocaleString('en-US')} bytes)`).join(' and ');
  // A 200 from the storage means the file arrived, not that BalkanID has processed it (relations need their
  // entities synced first).
  out(
    json
      ? toJson({ command: 'upload', dir, ...r })
      : `Uploaded ${files} from ${dir} to BalkanID. BalkanID processes entities.csv first; relations refer to those ` +
          'entities once they are synced.',
  );
  row.result = `${r.uploaded.length} file(s) uploaded`;
  return 0;
}

/**
 * Ctrl+C stops every export running in this process between pages, and each removes its temporary files (the folders
 * stay as they were). One SIGINT handler however many orgs export at once, removed when the last one ends.
 */
let interrupted: { abort: AbortController; handler: () => void; running: number } | undefined;
function onInterrupt(): { signal: AbortSignal; release: () => void } {
  if (!interrupted) {
    const abort = new AbortController();
    interrupted = { abort, handler: () => abort.abort(), running: 0 };
    process.once('SIGINT', interrupted.handler);
  }
  const mine = interrupted;
  mine.running++;
  return {
    signal: mine.abort.signal,
    release: () => {
      if (--mine.running > 0 || interrupted !== mine) return;
      process.removeListener('SIGINT', mine.handler);
      interrupted = undefined;
    },
  };
}

/** preview and export, as the admin or (with --key) as the integration user. */
export async function extract(
  command: string,
  flags: Args['flags'],
  json: boolean,
  out: (s: string) => void,
  progress: (s: string) => void,
  admin: JsforceClient,
  setup: Awaited<ReturnType<typeof loadSetup>> | undefined,
  many: boolean,
  target: string | undefined,
  row: OrgRow,
): Promise<number> {
  let client: OrgClient = admin;
  let reader: { kind: 'integration' | 'admin'; username: string };
  if (setup) {
    const { report } = await check({ client: admin, ...setup });
    const login = await jwtSelfTest({
      ...(await jwtOptions(flags, admin, setup.manifest, report, progress)),
      session: true,
    });
    if (!login.ok || !login.client)
      throw new SetupError(sessionFailure(login, setup.manifest.user.username), 'JWT_LOGIN_FAILED');
    client = login.client;
    reader = { kind: 'integration', username: setup.manifest.user.username };
  } else {
    reader = { kind: 'admin', username: (await whoAmI(admin)).username ?? admin.userId };
  }
  const org = target ?? admin.instanceUrl;
  if (command === 'preview') {
    const p = await previewOrg(client, reader);
    out(json ? toJson({ command, org, ...p }) : renderPreview(p, org));
    const bad = p.sources.filter(s => s.unreadable).length;
    const users = p.sources.find(s => s.id === 'user')?.count ?? 0;
    row.result = bad ? `${bad} list(s) unreadable` : `${users.toLocaleString('en-US')} users`;
    return bad ? 1 : 0;
  }
  const dir = many && target ? join(String(flags.out), orgFolder(target)) : String(flags.out);
  const started = Date.now();
  const replaced = (
    await Promise.all(
      [ENTITIES_FILE, RELATIONS_FILE].map(f =>
        access(join(dir, f)).then(
          () => f,
          () => undefined,
        ),
      ),
    )
  ).filter(Boolean);
  const interrupt = onInterrupt();
  const r = await exportToDir(client, dir, {
    app: flags.app as string | undefined, // default: one stable name per org (defaultApp)
    reader: reader.kind === 'integration' ? 'The integration user' : 'You',
    signal: interrupt.signal,
    onProgress: p => {
      const line = progressLine(p);
      if (line) progress(line);
    },
  })
    .catch((e: any) => {
      if (e?.code === 'CANCELLED')
        throw new SetupError(`Export cancelled: nothing was written to ${resolve(dir)}.`, 'CANCELLED');
      throw e;
    })
    .finally(interrupt.release);
  const seconds = (Date.now() - started) / 1000;
  out(
    json
      ? toJson({ command, org, reader, ...r, seconds, replaced })
      : renderExport(r, seconds) +
          (replaced.length ? `\n(Replaced the ${replaced.join(' and ')} that were there.)` : ''),
  );
  row.result = `${(r.entities.user ?? 0).toLocaleString('en-US')} users, ${r.relations.toLocaleString('en-US')} relations`;
  return r.unreadable.length ? 1 : 0;
}
