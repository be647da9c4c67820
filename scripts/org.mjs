// `npm run org -- --port <p> --scenario <name> [--users <n>]`: starts the test org at once, compiling first only when a
// TypeScript source is newer than the compiled entry (a full tsc run takes 20-30 s on a small machine).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const entry = join(root, 'out/packages/sf-test-org/src/main.js');
const newest = dir =>
  readdirSync(dir, { withFileTypes: true }).reduce((t, d) => {
    const p = join(dir, d.name);
    return Math.max(t, d.isDirectory() ? newest(p) : d.name.endsWith('.ts') ? statSync(p).mtimeMs : 0);
  }, 0);
const stale =
  !existsSync(entry) || ['packages/sf-test-org/src'].some(d => newest(join(root, d)) > statSync(entry).mtimeMs);
if (stale) {
  console.error('Compiling the test org…');
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', root], {
    stdio: 'inherit',
  });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}
const r = spawnSync(process.execPath, [entry, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
