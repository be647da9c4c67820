// Loaded by the real VS Code extension host (extensionTestsPath). Runs the mocha suite and writes the result
// counts to $SUITE_RESULTS for scripts/test.mjs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 180000, reporter: 'spec' });
  for (const f of fs.readdirSync(__dirname).sort()) if (f.endsWith('.test.js')) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    const runner = mocha.run(failures => {
      const out = process.env.SUITE_RESULTS;
      if (out) fs.writeFileSync(out, JSON.stringify({ passes: runner.stats?.passes ?? 0, failures }));
      console.log(`[vscode-tests] ${runner.stats?.passes} passed, ${failures} failed`);
      if (failures) reject(new Error(`${failures} test(s) failed`));
      else resolve();
    });
  });
}
