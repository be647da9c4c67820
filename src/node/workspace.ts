// Reading the setup manifest and the certificate it points at from disk.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Manifest, ManifestProblem, parseManifest } from '../core/manifest';
import { CertificateInfo, readCertificate } from '../core/certificate';
import { SetupError } from '../core/types';

export interface LoadedManifest { path: string; text: string; manifest?: Manifest; problems: ManifestProblem[] }

export async function loadManifest(path: string): Promise<LoadedManifest> {
  let text: string;
  try { text = await readFile(path, 'utf8'); } catch (e: any) {
    const why = e?.code === 'ENOENT' ? 'does not exist' : `cannot be read (${e?.code ?? e?.message})`;
    return { path, text: '', problems: [{ path: [], message: `The setup manifest ${path} ${why}.`, fix: 'Create it with { "user": { "username": "...", "email": "..." } } (VS Code: "BalkanID: Create Setup Manifest").' }] };
  }
  return { path, text, ...parseManifest(text) };
}

export function certificatePath(manifestPath: string, m: Manifest): string {
  return isAbsolute(m.certificate) ? m.certificate : resolve(dirname(manifestPath), m.certificate);
}

/** The certificate, a SetupError saying why it is unusable, or undefined when the file is absent. */
export async function loadCertificate(manifestPath: string, m: Manifest): Promise<CertificateInfo | SetupError | undefined> {
  let data: Buffer;
  try { data = await readFile(certificatePath(manifestPath, m)); } catch (e: any) {
    if (e?.code === 'ENOENT') return undefined;
    return new SetupError(`The certificate ${m.certificate} cannot be read (${e?.code}).`, 'cert-unreadable');
  }
  try { return readCertificate(data); } catch (e) { return e as SetupError; }
}
