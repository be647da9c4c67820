// The same extension-host suite in desktop VS Code, for machines with internet access:
//   npm run build && npx vscode-test
// (@vscode/test-electron downloads VS Code; this machine and CI use the offline code-server path,
// scripts/e2e/e2e.sh, instead.)
import { defineConfig } from '@vscode/test-cli';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default defineConfig({
  files: 'out/test/vscode/**/*.test.js',
  workspaceFolder: mkdtempSync(join(tmpdir(), 'balkanid-vscode-test-')),
  mocha: { ui: 'bdd', timeout: 60000 },
  // With ExtensionMode.Test, this lets the suite pass automation arguments (src/vscode/automation.ts).
  env: { BALKANID_TEST_AUTOMATION: '1' },
});
