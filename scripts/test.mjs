// `npm test`: unit, test-org contract and engine tests, the same unit and engine tests with the system clock a year
// ahead and a year back, the real Salesforce CLI against the test org (in a loopback-only network namespace), and
// the extension's tests in a real VS Code (code-server + Chromium). Installs what it needs first (cached outside the
// repo). Prints each suite's duration; ends with "N passed, N failed".
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'balkanid-tests-'));
// The suites' own temp directory: whatever a test leaves in it is named at the end and fails the run.
const suiteTmp = join(tmp, 'tmp');
mkdirSync(suiteTmp);
// Every process this run starts carries this mark in its environment, so the leftover check finds exactly them
// (and never someone else's VS Code or Salesforce CLI on the same machine).
const RUN_MARK = `BALKANID_TEST_RUN=${randomUUID()}`;
const runEnv = { ...process.env, [RUN_MARK.split('=')[0]]: RUN_MARK.split('=')[1], TMPDIR: suiteTmp };
let passed = 0,
  failed = 0;
const groups = [];
const started = Date.now();
const seconds = since => `${((Date.now() - since) / 1000).toFixed(0)} s`;

async function suite(name, command, args, env = {}, { parallel = false } = {}) {
  const results = join(tmp, `${name}.json`);
  const t0 = Date.now();
  if (!parallel) console.log(`\n=== ${name}`);
  // Suites that run side by side keep their output apart and print it whole when they end.
  const child = spawn(command, args, {
    cwd: root,
    stdio: parallel ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    env: { ...runEnv, SUITE_RESULTS: results, ...env },
  });
  const output = [];
  child.stdout?.on('data', d => output.push(d));
  child.stderr?.on('data', d => output.push(d));
  const [status, signal] = await once(child, 'close');
  if (parallel) console.log(`\n=== ${name}\n${Buffer.concat(output).toString('utf8')}`);
  let stats = { passes: 0, failures: 1 };
  if (existsSync(results)) stats = JSON.parse(readFileSync(results, 'utf8'));
  else console.log(`${name}: no results (exit ${status ?? signal}); counted as one failure`);
  if (status !== 0 && stats.failures === 0) stats.failures = 1;
  passed += stats.passes;
  failed += stats.failures;
  groups.push(`${name}: ${stats.passes} passed, ${stats.failures} failed (${seconds(t0)})`);
}
function verdict(name, problem) {
  groups.push(`${name}: ${problem ? '0 passed, 1 failed' : '1 passed, 0 failed'}`);
  if (problem) {
    failed++;
    console.log(`\n${name}: ${problem}`);
  } else passed++;
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
  verdict(name, r.status === 0 ? undefined : `exit ${r.status}`);
};
check('lint', [join(root, 'node_modules/eslint/bin/eslint.js'), 'src', 'test', 'scripts', 'packages']);
check('strict types', [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.strict.json')]);
check('formatting', [join(root, 'node_modules/prettier/bin/prettier.cjs'), '--check', '.', '--log-level', 'warn']);

// The unit, test-org and engine suites; beside them (their tests mostly wait on loopback servers, so two cores
// suffice), the unit and engine suites again with the system clock a year ahead and a year back (libfaketime moves
// the clock of the whole process, test org included): a test that depends on today's date fails here, not in a year.
const faketime = spawnSync('sh', ['-c', 'command -v faketime'], { encoding: 'utf8' }).stdout.trim();
await Promise.all([
  suite('unit + test org + engine', process.execPath, [
    'out/test/run-suite.js',
    'out/test/unit',
    'out/packages/sf-test-org/test',
    'out/test/engine',
  ]),
  ...['+365d', '-365d'].map(shift => {
    const name = `unit + engine, clock ${shift.replace('d', ' days')}`;
    if (!faketime)
      return verdict(name, 'faketime is not installed (Debian package faketime; npm test installs it as root)');
    const args = ['-f', shift, process.execPath, 'out/test/run-suite.js', 'out/test/unit', 'out/test/engine'];
    return suite(name, faketime, args, {}, { parallel: true });
  }),
]);
// The sf CLI falls back to real Salesforce hosts on a failed login: give it a namespace with loopback only.
await suite(
  'real Salesforce CLI',
  'unshare',
  ['-n', 'sh', '-c', `ip link set lo up && exec "${process.execPath}" out/test/run-suite.js out/test/sfcli`],
  { PATH: `${node24}/bin:${process.env.PATH}`, SF_BIN: sfBin },
);
// code-server, Chromium and the sf CLI (which the extension uses for CLI orgs) run with loopback only, too.
const newcomer = join(root, 'bench-results', 'newcomer.json');
rmSync(newcomer, { force: true });
await suite('real VS Code', 'unshare', [
  '-n',
  'sh',
  '-c',
  `ip link set lo up && exec bash ${join(root, 'scripts/e2e/e2e.sh')}`,
]);

// Nothing left running: no process this run started (a background `sf update`, a plugin, a code-server, a test org)
// survives the suites. Only processes carrying this run's mark count.
const leftovers = readdirSync('/proc')
  .filter(p => /^\d+$/.test(p) && Number(p) !== process.pid)
  .flatMap(p => {
    try {
      if (!readFileSync(`/proc/${p}/environ`, 'utf8').split('\0').includes(RUN_MARK)) return [];
      return [`${p} ${readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()}`];
    } catch {
      return [];
    }
  });
verdict('no process left behind', leftovers.length ? `left running:\n${leftovers.join('\n')}` : undefined);

// Nothing left in the temp directory: every folder and key a test made is removed.
const left = readdirSync(suiteTmp);
verdict('nothing left in the temp directory', left.length ? `left in ${suiteTmp}: ${left.join(', ')}` : undefined);
rmSync(tmp, { recursive: true, force: true });

// The UI drive's newcomer path on a fresh org, from opening the view to the values on the clipboard.
if (existsSync(newcomer)) {
  const n = JSON.parse(readFileSync(newcomer, 'utf8'));
  groups.push(`newcomer path: ${n.actions} actions, ${n.seconds} s`);
}
console.log(`\n${groups.join('\n')}`);
console.log(`npm test took ${seconds(started)}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
