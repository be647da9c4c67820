// Reading the setup manifest and the certificate it points at from disk. Sizes are checked before reading:
// a path that points at a huge file is refused with its size, not read into memory.
import { constants } from 'node:fs';
import { lstat, open, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { realpath } from 'node:fs/promises';
import { Manifest, ManifestProblem, manifestTemplate } from '../core/manifest';
import { MAX_MANIFEST_BYTES, parseManifest } from '../core/manifestText';
import {
  CertificateInfo,
  checkSize,
  MAX_CERTIFICATE_BYTES,
  MAX_PRIVATE_KEY_BYTES,
  readCertificate,
} from '../core/certificate';
import { codeOf, isSetupError, messageOf, SetupError, SetupErrorCode } from '../core/types';
import { placeholderFindings } from '../core/steps/user';

export interface LoadedManifest {
  path: string;
  text: string;
  manifest?: Manifest;
  problems: ManifestProblem[];
  /** No file there (not written yet), as opposed to one that cannot be read or parsed. */
  missing?: boolean;
}

/**
 * Reads a regular file of at most `max` bytes; a larger one fails with a SetupError that gives its size. It is
 * checked before it is opened (opening a named pipe would block) and read no further than `max` + 1 bytes (a
 * file may grow after the check).
 */
export async function readBounded(path: string, max: number, what: string, code: SetupErrorCode): Promise<Buffer> {
  const info = await stat(path);
  if (!info.isFile()) throw new SetupError(`${what} is not a regular file (${path}).`, code);
  checkSize(info.size, max, what, code);
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const buffer = Buffer.alloc(max + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length < buffer.length; length += n)
      n = (await handle.read(buffer, length, buffer.length - length, length)).bytesRead;
    checkSize(length, max, what, code);
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

export async function loadManifest(path: string): Promise<LoadedManifest> {
  let text: string;
  try {
    text = (await readBounded(path, MAX_MANIFEST_BYTES, 'The setup manifest', 'MANIFEST')).toString('utf8');
  } catch (e) {
    const missing = codeOf(e) === 'ENOENT';
    const why = isSetupError(e)
      ? e.message
      : codeOf(e) === 'ENOENT'
        ? `The setup manifest ${path} does not exist.`
        : `The setup manifest ${path} cannot be read (${codeOf(e) ?? messageOf(e)}).`;
    return {
      path,
      text: '',
      missing,
      problems: [
        {
          path: [],
          message: why,
          fix:
            'Pass --username and --email (and --certificate) to write it, or create it with { "user": { "username": ' +
            '"...", "email": "..." } }. In VS Code, Run All asks for these values.',
        },
      ],
    };
  }
  return { path, text, ...parseManifest(text) };
}

export function certificatePath(manifestPath: string, m: Manifest): string {
  return isAbsolute(m.certificate) ? m.certificate : resolve(dirname(manifestPath), m.certificate);
}

/**
 * Whether `path` lies inside `folder`, symbolic links resolved (for the parts that exist), so a manifest cannot
 * direct a write outside the workspace with "../", an absolute path or a link.
 */
export async function insideFolder(folder: string, path: string): Promise<boolean> {
  // A link at the target itself is refused, dangling or not: a write would follow it wherever it points.
  if (
    await lstat(path).then(
      s => s.isSymbolicLink(),
      () => false,
    )
  )
    return false;
  const real = async (p: string): Promise<string> => {
    try {
      return await realpath(p);
    } catch {
      return p === dirname(p) ? p : resolve(await real(dirname(p)), relative(dirname(p), p));
    }
  };
  const rel = relative(await real(resolve(folder)), await real(resolve(path)));
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** The certificate, a SetupError saying why it is unusable, or undefined when the file is absent. */
export async function loadCertificate(
  manifestPath: string,
  m: Manifest,
  now: number,
): Promise<CertificateInfo | SetupError | undefined> {
  let data: Buffer;
  try {
    data = await readBounded(
      certificatePath(manifestPath, m),
      MAX_CERTIFICATE_BYTES,
      `The certificate ${m.certificate}`,
      'cert-too-large',
    );
  } catch (e) {
    if (isSetupError(e)) return e;
    if (codeOf(e) === 'ENOENT') return undefined;
    return new SetupError(`The certificate ${m.certificate} cannot be read (${codeOf(e)}).`, 'cert-unreadable');
  }
  try {
    return readCertificate(data, now);
  } catch (e) {
    return e as SetupError;
  }
}

/** The private key for the JWT self-test, as text (size-checked; parsed by readPrivateKey). */
export async function readKeyFile(path: string): Promise<string> {
  try {
    return (await readBounded(path, MAX_PRIVATE_KEY_BYTES, 'The private key', 'key-too-large')).toString('utf8');
  } catch (e) {
    if (isSetupError(e)) throw e;
    throw new SetupError(
      `The private key ${path} ` +
        `${codeOf(e) === 'ENOENT' ? 'does not exist' : `cannot be read (${codeOf(e) ?? messageOf(e)})`}.`,
      'key-unreadable',
      'verify',
    );
  }
}

/**
 * Writes a new setup manifest from the values Run All asked for (or the CLI's --username/--email/--certificate).
 * Everything is checked first — the values as the manifest would hold them, the certificate file — and the file
 * is created only if none is there: nothing is half-written and nothing is overwritten.
 */
export async function createManifest(
  path: string,
  values: { username: string; email: string; certificate?: string },
  now: number,
): Promise<LoadedManifest & { created: boolean }> {
  const certificate = values.certificate ? relative(dirname(path), resolve(values.certificate)) : undefined;
  const text = manifestTemplate(values.username.trim(), values.email.trim(), certificate?.split(sep).join('/'));
  const parsed = parseManifest(text);
  if (!parsed.manifest)
    throw new SetupError(
      `No manifest was written: ${parsed.problems.map(p => `${p.message} ${p.fix}`).join(' ')}`,
      'MANIFEST',
      'preflight',
    );
  const placeholder = placeholderFindings(parsed.manifest).find(f => f.severity === 'error');
  if (placeholder)
    throw new SetupError(`No manifest was written: ${placeholder.message} ${placeholder.fix}`, 'MANIFEST', 'preflight');
  if (values.certificate) {
    const cert = await loadCertificate(path, parsed.manifest, now);
    if (!cert || isSetupError(cert))
      throw new SetupError(
        `No manifest was written: ${cert ? cert.message : `the certificate ${values.certificate} does not exist.`}`,
        cert?.code ?? 'cert-missing',
        'preflight',
      );
  }
  try {
    await writeFile(path, text, { flag: 'wx' });
  } catch (e) {
    if (codeOf(e) === 'EEXIST') {
      // The same answers again (a re-run of the same command): the manifest there is the one they describe.
      const there = await loadManifest(path);
      const same = (a?: Manifest, b?: Manifest) =>
        !!a &&
        !!b &&
        a.user.username === b.user.username &&
        a.user.email === b.user.email &&
        a.certificate === b.certificate;
      if (same(there.manifest, parsed.manifest)) return { ...there, created: false };
    }
    throw new SetupError(
      codeOf(e) === 'EEXIST'
        ? `The setup manifest ${path} already exists with other values; nothing was changed. Edit it, or leave out ` +
            '--username/--email.'
        : `The setup manifest ${path} cannot be written (${codeOf(e) ?? messageOf(e)}).`,
      'MANIFEST',
      'preflight',
    );
  }
  return { path, text, ...parsed, created: true };
}
