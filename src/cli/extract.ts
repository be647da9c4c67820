// preview and export: what BalkanID will read, and the CSV files for BalkanID's manual or Bulk API upload.
import { Preview } from '../core/extract/preview';
import { SourceProgress } from '../core/extract/export';
import type { ExportResult } from '../node/exportFiles';
import { SetupError } from '../core/types';

const n = (x: number) => x.toLocaleString('en-US');

export function renderPreview(p: Preview, org: string): string {
  const who =
    p.reader.kind === 'integration'
      ? `as the integration user ${p.reader.username} (JWT login, exactly as BalkanID reads)`
      : `as you (${p.reader.username}). BalkanID reads as the integration user, which may see less: pass --key ` +
        `<private key> to read as it`;
  const lines = [`What BalkanID will read from ${org} — ${who}.`, ''];
  for (const s of p.sources) {
    if (s.unreadable) {
      lines.push(`✖ ${s.label.padEnd(28)} cannot be read (${s.unreadable.code}) — ${s.unreadable.fix}`);
      continue;
    }
    lines.push(`✔ ${s.label.padEnd(28)} ${n(s.count ?? 0)}${s.active !== undefined ? ` (${n(s.active)} active)` : ''}`);
    for (const row of s.sample) lines.push(`    ${row}`);
  }
  const bad = p.sources.filter(s => s.unreadable);
  lines.push(
    '',
    bad.length
      ? `${bad.length} of ${p.sources.length} lists cannot be read; BalkanID would miss them until that is fixed.`
      : `All ${p.sources.length} lists can be read.`,
  );
  return lines.join('\n');
}

/** A progress line when a list is read to the end, and every 20,000 records of a long one (else nothing). */
export function progressLine(p: SourceProgress): string | undefined {
  const finished = p.total !== undefined && p.read >= p.total;
  if (!finished && (p.read === 0 || p.read % 20000 !== 0)) return undefined;
  return `  ${p.source.label}: ${n(p.read)}${p.total !== undefined ? ` of ${n(p.total)}` : ''}`;
}

export function renderExport(r: ExportResult, seconds: number): string {
  const e = r.entities;
  const identities = e.user ?? 0;
  const connections = Object.entries(e)
    .filter(([k]) => k !== 'user')
    .reduce((a, [, v]) => a + (v ?? 0), 0);
  const lines = [
    `Wrote ${r.files.entities} (${n(identities)} identities, ${n(connections)} connections) and ` +
      `${r.files.relations} (${n(r.relations)} relations): ${n(r.records)} records in ${seconds.toFixed(1)} s ` +
      `(${n(Math.round(r.records / Math.max(seconds, 0.001)))} records/s, ${r.requests} requests).`,
  ];
  if (r.skippedRelations)
    lines.push(`${n(r.skippedRelations)} relation(s) left out: their other end is not in the export (see below).`);
  for (const u of r.unreadable) lines.push(`✖ ${u.label} could not be read (${u.code}) — ${u.fix}`);
  lines.push(
    r.unreadable.length
      ? 'The files are incomplete until that is fixed.'
      : 'Upload them in BalkanID (manual file upload), or run: balkanid-sf upload --dir ' + r.dir,
  );
  return lines.join('\n');
}

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
  return { keyId: keyId!, secret: secret! };
}
