// `npm run mutate [-- unit|engine]`: mutation testing of src/core in two Stryker runs (stryker.config.mjs: the pure
// modules against the unit suite; stryker.engine.config.mjs: the modules that talk to an org, against the unit and
// engine suites), then one table of the scores per file and overall, from both runs' JSON reports. Writes
// reports/mutation/summary.txt. Not part of `npm test`: it takes minutes (docs/mutation.md).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const RUNS = {
  unit: { config: 'stryker.config.mjs', report: 'reports/mutation/unit/mutation.json' },
  engine: { config: 'stryker.engine.config.mjs', report: 'reports/mutation/engine/mutation.json' },
};
// `npm run mutate -- <run> [Stryker options]`: one run, with options passed on to Stryker, e.g.
// `npm run mutate -- engine --mutate src/core/probe.ts` (one file: its survivors in minutes, not the whole run).
const [only, ...passOn] = process.argv.slice(2);
if (only && !RUNS[only]) {
  console.error(`Unknown run "${only}": use unit, engine, or nothing for both.`);
  process.exit(2);
}
const stryker = join(root, 'node_modules/@stryker-mutator/core/bin/stryker.js');
const took = {};
for (const [name, run] of Object.entries(RUNS)) {
  if (only && only !== name) continue;
  const started = Date.now();
  // Stryker ends its test processes with a signal, so the tests' own clean-up at exit never runs: each run gets its
  // own temp directory, removed when it ends.
  const temp = mkdtempSync(join(tmpdir(), `balkanid-mutate-${name}-`));
  const env = { ...process.env, TMPDIR: temp };
  const r = spawnSync(process.execPath, [stryker, 'run', run.config, ...passOn], { cwd: root, stdio: 'inherit', env });
  rmSync(temp, { recursive: true, force: true });
  took[name] = Math.round((Date.now() - started) / 1000);
  if (r.status !== 0) {
    console.error(`The ${name} run failed (exit ${r.status ?? r.signal}).`);
    process.exit(1);
  }
}

// Mutation score: killed and timed-out mutants among all that count (survived and not covered count against it);
// ignored mutants (message strings; the engine run's static mutants) and those that did not compile or run are left
// out.
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const rows = [];
for (const [name, run] of Object.entries(RUNS)) {
  if (only && only !== name) continue;
  const file = join(root, run.report);
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  for (const [path, f] of Object.entries(report.files)) {
    const count = s => f.mutants.filter(m => s.has(m.status)).length;
    const ignored = f.mutants.filter(m => m.status === 'Ignored').length;
    rows.push({ path, detected: count(DETECTED), undetected: count(UNDETECTED), ignored });
  }
}
rows.sort((a, b) => a.path.localeCompare(b.path));
const pct = (d, u) => (d + u ? ((100 * d) / (d + u)).toFixed(2) : 'n/a');
const total = rows.reduce(
  (t, r) => ({
    detected: t.detected + r.detected,
    undetected: t.undetected + r.undetected,
    ignored: t.ignored + r.ignored,
  }),
  { detected: 0, undetected: 0, ignored: 0 },
);
const width = Math.max(...rows.map(r => r.path.length), 9);
const line = (name, r) =>
  `${name.padEnd(width)} | ${pct(r.detected, r.undetected).padStart(6)} | ${String(r.detected).padStart(6)} | ` +
  `${String(r.undetected).padStart(8)} | ${String(r.ignored).padStart(7)}`;
const out = [
  `${'file'.padEnd(width)} |  score | killed | survived | ignored`,
  ...rows.map(r => line(r.path, r)),
  line('src/core', total),
  '',
  'score = killed (or timed out) / (killed + survived + not covered)',
  "ignored: mutants in message strings, and the engine run's static mutants (module-level code)",
  ...Object.entries(took).map(([name, s]) => `${name} run: ${Math.floor(s / 60)} min ${s % 60} s`),
];
mkdirSync(join(root, 'reports/mutation'), { recursive: true });
writeFileSync(join(root, 'reports/mutation/summary.txt'), out.join('\n') + '\n');
console.log(`\n${out.join('\n')}`);
