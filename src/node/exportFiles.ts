// The export written to disk, all or nothing, the two files as one.
//
// Both CSV files stream to temporary names beside their final ones (`<file>.partial-<pid>-<time>`, readable by you
// only). Only when the whole export succeeded is the pair committed: `balkanid-export.json` (the export's manifest:
// each file's size, SHA-256 and rows, the App, the org, which users) is written under a temporary name and renamed
// into place — the commit point — and then each file is renamed over its final name. A failure or a cancel before
// the commit removes the temporary files and leaves the folder as it was. A run killed after the commit (between the
// renames) is finished by the next export or upload into that folder: the manifest names the pair, so its files are
// renamed into place ("rolled forward"); leftovers of killed runs whose process is gone are removed. `upload` sends
// a pair only when it is the one its manifest names (size and SHA-256), so it never sends a new entities.csv beside
// an old entity-relations.csv. What this cannot promise (docs/formats.md): a reader that ignores the manifest and
// opens one file before the renames and the other after them sees two exports; two renames are not one.
import { createHash, Hash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, WriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { OrgClient } from '../core/client';
import { exportOrg, ExportOptions, ExportSummary } from '../core/extract/export';
import { csvRow, ENTITIES_FILE, ENTITY_HEADER, RELATION_HEADER, RELATIONS_FILE } from '../core/extract/format';
import { id18 } from '../core/extract/records';
import { codeOf, isSetupError, SetupError } from '../core/types';

export const MANIFEST_FILE = 'balkanid-export.json';
const PAIR = [ENTITIES_FILE, RELATIONS_FILE] as const;
const PARTIAL = /^(entities\.csv|entity-relations\.csv|balkanid-export\.json)\.partial-(\d+)-(\d+)$/;

export interface ExportResult extends ExportSummary {
  dir: string;
  files: { entities: string; relations: string };
  bytes: number;
  /** Temporary files of killed runs removed, and whether an interrupted export's files were put in place first. */
  cleaned: string[];
  rolledForward: boolean;
}

/** What `balkanid-export.json` holds. */
export interface ExportManifest {
  format: 'balkanid-export/1';
  /** The export's tag (<pid>-<time>): its temporary files carry it until they are renamed. */
  generation: string;
  written: string;
  org: { id: string; url: string };
  app: string;
  users: string;
  neutralizedFormulas: boolean;
  /** Lists that could not be read (the files are incomplete without them). */
  unreadable: string[];
  files: Record<string, { bytes: number; sha256: string; rows: number }>;
}

/** Lines are gathered into writes of about this many characters (one write per row costs more than the row). */
const CHUNK = 64 * 1024;

class CsvFile {
  bytes = 0;
  rows = -1;
  private readonly hash: Hash = createHash('sha256');
  private readonly stream: WriteStream;
  private failure?: Error;
  private pending = '';
  constructor(readonly path: string) {
    // Readable by you only: the files hold every user's username and email.
    this.stream = createWriteStream(path, { flags: 'wx', mode: 0o600 });
    this.stream.on('error', e => (this.failure = e));
  }
  async write(values: readonly string[]): Promise<void> {
    if (this.failure) throw this.failure;
    this.pending += csvRow(values);
    this.rows++;
    if (this.pending.length >= CHUNK) await this.flush();
  }
  private async flush(): Promise<void> {
    if (!this.pending) return;
    const chunk = Buffer.from(this.pending, 'utf8');
    this.pending = '';
    this.bytes += chunk.length;
    this.hash.update(chunk);
    // Backpressure: wait until the file has taken what is buffered (rejects if the stream fails meanwhile).
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }
  /** Closes the file and flushes it to the disk; its SHA-256. */
  async close(): Promise<string> {
    await this.flush();
    await new Promise<void>((ok, fail) => {
      if (this.failure) return fail(this.failure);
      this.stream.end((e?: Error | null) => (e ? fail(e) : ok()));
    });
    await fsync(this.path);
    return this.hash.digest('hex');
  }
  async discard(): Promise<void> {
    this.stream.destroy();
    await rm(this.path, { force: true });
  }
}

async function fsync(path: string, folder = false): Promise<void> {
  const fh = await open(path, folder ? 'r' : 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Whether a process with this id runs on this machine (EPERM: it does, as another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return codeOf(e) === 'EPERM';
  }
}

/** The manifest of the folder's last export, if it has a readable one. */
export async function readManifest(dir: string): Promise<ExportManifest | undefined> {
  const text = await readFile(join(dir, MANIFEST_FILE), 'utf8').catch(() => undefined);
  if (text === undefined || text.length > 64 * 1024) return undefined;
  try {
    const m = JSON.parse(text) as ExportManifest;
    return m && m.format === 'balkanid-export/1' && typeof m.generation === 'string' && m.files ? m : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Puts the folder in order before it is written or read: an export killed after its commit is finished (its files
 * renamed into place), and the temporary files of runs whose process is gone are removed. Files of an export
 * running now (its process alive) are left alone.
 */
export async function settleFolder(dir: string): Promise<{ cleaned: string[]; rolledForward: boolean }> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const manifest = await readManifest(dir);
  let rolledForward = false;
  const cleaned: string[] = [];
  for (const name of names) {
    const m = PARTIAL.exec(name);
    if (!m) continue;
    const [, file, pid, time] = m;
    if (manifest && `${pid}-${time}` === manifest.generation && file !== MANIFEST_FILE) {
      await rename(join(dir, name), join(dir, file!));
      rolledForward = true;
      continue;
    }
    if (Number(pid) === process.pid || alive(Number(pid))) continue;
    await rm(join(dir, name), { force: true });
    cleaned.push(name);
  }
  return { cleaned, rolledForward };
}

/** A file's SHA-256, streamed. */
export async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Why the folder's pair is not the one its manifest names (undefined when it is, or when there is no manifest: files
 * made by hand are taken as they are). Rolls an interrupted export forward first.
 */
export async function pairProblem(dir: string): Promise<string | undefined> {
  await settleFolder(dir);
  const manifest = await readManifest(dir);
  if (!manifest) return undefined;
  for (const file of PAIR) {
    const want = manifest.files[file];
    if (!want) return `${MANIFEST_FILE} does not name ${file}`;
    const size = await stat(join(dir, file)).then(
      s => s.size,
      () => undefined,
    );
    if (size === undefined) return `${file} is missing (${MANIFEST_FILE} names it)`;
    if (size !== want.bytes || (await sha256Of(join(dir, file))) !== want.sha256)
      return (
        `${file} is not the file the export of ${manifest.written} wrote (its size or SHA-256 differs from ` +
        `${MANIFEST_FILE}): it was changed since, or comes from another export`
      );
  }
  return undefined;
}

export async function exportToDir(client: OrgClient, dir: string, o: ExportOptions): Promise<ExportResult> {
  const out = resolve(dir);
  await mkdir(out, { recursive: true }).catch((e: Error) => {
    throw new SetupError(`Cannot create the folder ${out}: ${e.message}. Nothing was exported.`, 'EXPORT_FOLDER');
  });
  const settled = await settleFolder(out);
  const files = { entities: join(out, ENTITIES_FILE), relations: join(out, RELATIONS_FILE) };
  const generation = `${process.pid}-${Date.now()}`;
  const tag = `.partial-${generation}`;
  let entities: CsvFile | undefined, relations: CsvFile | undefined;
  let committed = false;
  try {
    entities = new CsvFile(files.entities + tag);
    relations = new CsvFile(files.relations + tag);
    await entities.write(ENTITY_HEADER);
    await relations.write(RELATION_HEADER);
    const summary = await exportOrg(client, { entity: r => entities!.write(r), relation: r => relations!.write(r) }, o);
    const [eHash, rHash] = await Promise.all([entities.close(), relations.close()]);
    const manifest: ExportManifest = {
      format: 'balkanid-export/1',
      generation,
      written: new Date((o.clock ?? { now: Date.now }).now()).toISOString(),
      org: { id: id18(client.orgId), url: client.instanceUrl },
      app: summary.app,
      users: summary.users,
      neutralizedFormulas: summary.neutralized,
      unreadable: summary.unreadable.map(u => u.label),
      files: {
        [ENTITIES_FILE]: { bytes: entities.bytes, sha256: eHash, rows: entities.rows },
        [RELATIONS_FILE]: { bytes: relations.bytes, sha256: rHash, rows: relations.rows },
      },
    };
    const pending = join(out, MANIFEST_FILE + tag);
    await writeFile(pending, JSON.stringify(manifest, null, 2) + '\n', { flag: 'wx', mode: 0o600 });
    await fsync(pending);
    await rename(pending, join(out, MANIFEST_FILE)); // the commit point
    committed = true;
    await rename(entities.path, files.entities);
    await rename(relations.path, files.relations);
    await fsync(out, true).catch(() => undefined); // the renames themselves (not possible on every system)
    return {
      ...summary,
      dir: out,
      files,
      bytes: entities.bytes + relations.bytes,
      cleaned: settled.cleaned,
      rolledForward: settled.rolledForward,
    };
  } catch (e) {
    if (!committed) await Promise.all([entities?.discard(), relations?.discard()]);
    await rm(join(out, MANIFEST_FILE + tag), { force: true }).catch(() => undefined);
    const code = codeOf(e);
    if (committed)
      throw new SetupError(
        `The export is complete but its files could not all be put in place in ${out} (${code ?? String(e)}): ` +
          'the next export or upload into that folder finishes it.',
        'EXPORT_FOLDER',
      );
    if (code === 'EACCES' || code === 'ENOSPC' || code === 'EROFS' || code === 'EPERM')
      throw new SetupError(`Cannot write to ${out} (${code}). Nothing was exported.`, 'EXPORT_FOLDER');
    if (isSetupError(e) && e.code !== 'CANCELLED')
      throw new SetupError(`${e.message}\nNothing was written to ${out}; run export again.`, e.code);
    throw e;
  }
}
