// `npm test`: unit, test-org contract and engine tests, the real Salesforce CLI against the test org (in a
// loopback-only network namespace), and the extension's tests in a real VS Code (code-server + Chromium).
// Installs what it needs first (cached outside the repo). Ends with "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'balkanid-tests-'));
let passed = 0,
  failed = 0;
const groups = [];

function suite(name, command, args, env = {}) {
  const results = join(tmp, `${name}.json`);
  console.log(`\n=== ${name}`);
  const r = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, SUITE_RESULTS: results, ...env },
  });
  let stats = { passes: 0, failures: 1 };
  if (existsSync(results)) stats = JSON.parse(readFileSync(results, 'utf8'));
  else console.log(`${name}: no results (exit ${r.status ?? r.signal}); counted as one failure`);
  if (r.status !== 0 && stats.failures === 0) stats.failures = 1;
  passed += stats.passes;
  failed += stats.failures;
  groups.push(`${name}: ${stats.passes} passed, ${stats.failures} failed`);
}

const install = spawnSync('bash', [join(root, 'scripts/e2e/install.sh')], {
  stdio: 'inherit',
  env: { ...process.env, APT: process.getuid?.() === 0 ? '1' : '0' },
});
if (install.status !== 0) {
  console.log('The test toolchain could not be installed (see above).');
  process.exit(1);
}
const env = spawnSync('bash', ['-c', `. ${join(root, 'scripts/e2e/env.sh')}; echo "$NODE24_DIR|$SF_BIN"`], {
  encoding: 'utf8',
})
  .stdout.trim()
  .split('|');
const [node24, sfBin] = env;

// Static checks first, each counted as one: lint (with the architecture rule: no `vscode` import in src/core or
// src/node), the product's types under the strictest settings, and the formatting.
const check = (name, args) => {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  groups.push(`${name}: ${r.status === 0 ? '1 passed, 0 failed' : '0 passed, 1 failed'}`);
  if (r.status === 0) passed++;
  else failed++;
};
check('lint', [join(root, 'node_modules/eslint/bin/eslint.js'), 'src', 'test', 'scripts', 'packages']);
check('strict types', [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.strict.json')]);
check('formatting', [join(root, 'node_modules/prettier/bin/prettier.cjs'), '--check', '.', '--log-level', 'warn']);

suite('unit + test org + engine', process.execPath, [
  'out/test/run-suite.js',
  'out/test/unit',
  'out/packages/sf-test-org/test',
  'out/test/engine',
]);
// The sf CLI falls back to real Salesforce hosts on a failed login: give it a namespace with loopback only.
suite(
  'real Salesforce CLI',
  'unshare',
  ['-n', 'sh', '-c', `ip link set lo up && exec "${process.execPath}" out/test/run-suite.js out/test/sfcli`],
  { PATH: `${node24}/bin:${process.env.PATH}`, SF_BIN: sfBin },
);
// code-server, Chromium and the sf CLI (which the extension uses for CLI orgs) run with loopback only, too.
const newcomer = join(root, 'bench-results', 'newcomer.json');
rmSync(newcomer, { force: true });
suite('real VS Code', 'unshare', [
  '-n',
  'sh',
  '-c',
  `ip link set lo up && exec bash ${join(root, 'scripts/e2e/e2e.sh')}`,
]);

// Nothing left running: no Salesforce CLI process (a background `sf update`, a plugin) survives the suites.
const leftovers = readdirSync('/proc')
  .filter(p => /^\d+$/.test(p) && Number(p) !== process.pid)
  .map(p => {
    try {
      return `${p} ${readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ')}`;
    } catch {
      return '';
    }
  })
  .filter(c => /@salesforce\/cli|\bsf update\b|code-server.*entry\.js/.test(c))
  .join('\n');
groups.push(`no process left behind: ${leftovers ? '0 passed, 1 failed' : '1 passed, 0 failed'}`);
if (leftovers) {
  failed++;
  console.log(`Left running after the tests:\n${leftovers}`);
} else passed++;

// The UI drive's newcomer path on a fresh org, from opening the view to the values on the clipboard.
if (existsSync(newcomer)) {
  const n = JSON.parse(readFileSync(newcomer, 'utf8'));
  groups.push(`newcomer path: ${n.actions} actions, ${n.seconds} s`);
}
console.log(`\n${groups.join('\n')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
