// Runs one group of mocha tests in this process and writes {passes, failures} to $SUITE_RESULTS,
// so scripts/test.mjs can add up every group (some run in a network namespace) into one closing line.
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

/** The test files under a folder (or the file itself). */
function files(dir: string): string[] {
  if (!statSync(dir).isDirectory()) return [dir];
  return readdirSync(dir).flatMap(f => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : f.endsWith('.test.js') ? [p] : [];
  });
}

const mocha = new Mocha({ timeout: 30000, reporter: 'spec', color: false });
for (const dir of process.argv.slice(2)) for (const f of files(dir).sort()) mocha.addFile(f);
const runner = mocha.run(failures => {
  if (process.env.SUITE_RESULTS)
    writeFileSync(process.env.SUITE_RESULTS, JSON.stringify({ passes: runner.stats?.passes ?? 0, failures }));
  process.exitCode = failures ? 1 : 0;
});
