// The export written to disk: both CSV files stream to temporary names beside their final ones and are renamed
// only when the whole export succeeded, so a failed or cancelled export leaves the folder as it was.
import { once } from 'node:events';
import { createWriteStream, WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { OrgClient } from '../core/client';
import { exportOrg, ExportOptions, ExportSummary } from '../core/extract/export';
import { csvRow, ENTITIES_FILE, ENTITY_HEADER, RELATION_HEADER, RELATIONS_FILE } from '../core/extract/format';
import { codeOf, SetupError } from '../core/types';

export interface ExportResult extends ExportSummary {
  dir: string;
  files: { entities: string; relations: string };
  bytes: number;
}

class CsvFile {
  bytes = 0;
  private readonly stream: WriteStream;
  private failure?: Error;
  constructor(readonly path: string) {
    // Readable by you only: the files hold every user's username and email.
    this.stream = createWriteStream(path, { flags: 'wx', mode: 0o600 });
    this.stream.on('error', e => (this.failure = e));
  }
  async write(values: readonly string[]): Promise<void> {
    if (this.failure) throw this.failure;
    const line = csvRow(values);
    this.bytes += Buffer.byteLength(line);
    // Backpressure: wait until the file has taken what is buffered (rejects if the stream fails meanwhile).
    if (!this.stream.write(line)) await once(this.stream, 'drain');
  }
  close(): Promise<void> {
    return new Promise((ok, fail) => {
      if (this.failure) return fail(this.failure);
      this.stream.end((e?: Error | null) => (e ? fail(e) : ok()));
    });
  }
  async discard(): Promise<void> {
    this.stream.destroy();
    await rm(this.path, { force: true });
  }
}

export async function exportToDir(client: OrgClient, dir: string, o: ExportOptions): Promise<ExportResult> {
  const out = resolve(dir);
  await mkdir(out, { recursive: true }).catch((e: Error) => {
    throw new SetupError(`Cannot create the folder ${out}: ${e.message}. Nothing was exported.`, 'EXPORT_FOLDER');
  });
  const files = { entities: join(out, ENTITIES_FILE), relations: join(out, RELATIONS_FILE) };
  const tag = `.partial-${process.pid}-${Date.now()}`;
  let entities: CsvFile | undefined, relations: CsvFile | undefined;
  try {
    entities = new CsvFile(files.entities + tag);
    relations = new CsvFile(files.relations + tag);
    await entities.write(ENTITY_HEADER);
    await relations.write(RELATION_HEADER);
    const summary = await exportOrg(client, { entity: r => entities!.write(r), relation: r => relations!.write(r) }, o);
    await Promise.all([entities.close(), relations.close()]);
    await rename(entities.path, files.entities);
    await rename(relations.path, files.relations);
    return { ...summary, dir: out, files, bytes: entities.bytes + relations.bytes };
  } catch (e) {
    await Promise.all([entities?.discard(), relations?.discard()]);
    const code = codeOf(e);
    if (code === 'EACCES' || code === 'ENOSPC' || code === 'EROFS')
      throw new SetupError(`Cannot write to ${out} (${code}). Nothing was exported.`, 'EXPORT_FOLDER');
    if (e instanceof SetupError && e.code !== 'CANCELLED')
      throw new SetupError(`${e.message}\nNothing was written to ${out}; run export again.`, e.code);
    throw e;
  }
}
