// Temporary folders for tests: each one is removed when the test process ends, whatever the tests did with it
// (npm test fails when anything is left in the temp directory it gives the suites).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];
process.on('exit', () => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A new empty folder under the temp directory, removed at the end of the run. */
export function tempDir(prefix = 'balkanid-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
