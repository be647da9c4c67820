// `npm run mutate [-- unit|engine|static]`: mutation testing of src/core in three Stryker runs (stryker.config.mjs:
// the pure modules against the unit suite; stryker.engine.config.mjs: the modules that talk to an org, against the
// unit and engine suites, without their static mutants; stryker.static.config.mjs: those static mutants, against the
// unit suite), then one table of the scores per file and overall, from the runs' JSON reports. Writes
// reports/mutation/summary.txt. Not part of `npm test`: it takes minutes (docs/mutation.md).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
/** How the engine run marks the static mutants it leaves out. */
const LEFT_OUT_STATIC = /^Static mutant/;
const RUNS = {
  unit: { config: 'stryker.config.mjs', report: 'reports/mutation/unit/mutation.json' },
  engine: { config: 'stryker.engine.config.mjs', report: 'reports/mutation/engine/mutation.json' },
  static: { config: 'stryker.static.config.mjs', report: 'reports/mutation/static/mutation.json' },
};
// `npm run mutate -- <run> [Stryker options]`: one run, with options passed on to Stryker, e.g.
// `npm run mutate -- engine --mutate src/core/probe.ts` (one file: its survivors in minutes, not the whole run).
// Such a run of some files replaces their results in the run's report and keeps the other files'.
// `npm run mutate -- summary`: no run, the table from the reports the runs left.
const [only, ...passOn] = process.argv.slice(2);
const summaryOnly = only === 'summary';
if (only && !RUNS[only] && !summaryOnly) {
  console.error(`Unknown run "${only}": use unit, engine, static, summary, or nothing for all three runs.`);
  process.exit(2);
}
/** The static run tests only the static mutants the engine run left out: their places, from its report, in a file
 *  for scripts/stryker/static-only.mjs. */
function listStatic(dir) {
  const file = join(root, RUNS.engine.report);
  if (!existsSync(file)) {
    console.error(
      'The static run tests the static mutants the engine run leaves out: run `npm run mutate -- engine` first.',
    );
    process.exit(2);
  }
  const files = {};
  for (const [path, f] of Object.entries(JSON.parse(readFileSync(file, 'utf8')).files)) {
    const text = readFileSync(join(root, path), 'utf8');
    if (text !== f.source) {
      console.error(`${path} changed since the engine run: run \`npm run mutate -- engine\` again first.`);
      process.exit(2);
    }
    // How scripts/stryker/static-only.mjs knows the file: its length and its first comment (a line comment).
    const comment = /^\/\/(.*)/.exec(text)?.[1];
    const places = f.mutants
      .filter(m => m.status === 'Ignored' && LEFT_OUT_STATIC.test(m.statusReason ?? ''))
      .map(({ location: { start, end } }) => [start.line, start.column, end.line, end.column]);
    if (places.length) files[path] = { length: text.length, comment, places };
  }
  const out = join(dir, 'static-mutants.json');
  writeFileSync(out, JSON.stringify(files));
  return out;
}
const stryker = join(root, 'node_modules/@stryker-mutator/core/bin/stryker.js');
const took = {};
for (const [name, run] of Object.entries(RUNS)) {
  if (summaryOnly || (only && only !== name)) continue;
  const started = Date.now();
  // Stryker ends its test processes with a signal, so the tests' own clean-up at exit never runs: each run gets its
  // own temp directory, removed when it ends.
  const temp = mkdtempSync(join(tmpdir(), `balkanid-mutate-${name}-`));
  const env = { ...process.env, TMPDIR: temp };
  if (name === 'static') env.BALKANID_MUTATE_ONLY = listStatic(temp);
  // A run of some files (`--mutate`) replaces only their results in the run's report: the other files keep theirs.
  const report = join(root, run.report);
  const before =
    passOn.some(o => o === '--mutate' || o === '-m') && existsSync(report) ? readFileSync(report, 'utf8') : undefined;
  const r = spawnSync(process.execPath, [stryker, 'run', run.config, ...passOn], { cwd: root, stdio: 'inherit', env });
  rmSync(temp, { recursive: true, force: true });
  took[name] = Math.round((Date.now() - started) / 1000);
  if (r.status !== 0) {
    console.error(`The ${name} run failed (exit ${r.status ?? r.signal}).`);
    process.exit(1);
  }
  if (before) {
    const merged = JSON.parse(before);
    const fresh = JSON.parse(readFileSync(report, 'utf8'));
    merged.files = { ...merged.files, ...fresh.files };
    writeFileSync(report, JSON.stringify(merged));
    console.log(`${Object.keys(fresh.files).join(', ')}: results replaced in ${run.report}`);
  }
}

// Mutation score: killed and timed-out mutants among all that count (survived and not covered count against it);
// ignored mutants (message strings) and those that did not compile or run are left out. The engine run leaves out its
// static mutants; the static run's results stand for them (matched by place and replacement).
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const ran = name => summaryOnly || !only || only === name;
const read = name => {
  const file = join(root, RUNS[name].report);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
};
const keyOf = m => `${m.location.start.line}:${m.location.start.column}:${m.mutatorName}:${m.replacement}`;
const statics = ran('static') ? read('static') : undefined;
const rows = [];
let staticRun = 0;
let staticLeft = 0;
for (const report of [ran('unit') && read('unit'), (ran('engine') || ran('static')) && read('engine')]) {
  for (const [path, f] of Object.entries(report ? report.files : {})) {
    const own = new Map((statics?.files[path]?.mutants ?? []).map(m => [keyOf(m), m]));
    const mutants = f.mutants.map(m => {
      if (m.status !== 'Ignored' || !LEFT_OUT_STATIC.test(m.statusReason ?? '')) return m;
      const measured = own.get(keyOf(m));
      if (measured) staticRun++;
      else staticLeft++;
      return measured ?? m;
    });
    const count = s => mutants.filter(m => s.has(m.status)).length;
    const ignored = mutants.filter(m => m.status === 'Ignored').length;
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
  'score = killed (or timed out) / (killed + survived + not covered); ignored: mutants in message strings',
  ...(staticRun
    ? [`${staticRun} static mutants of the org modules: the static run's (the unit suite: a lower bound)`]
    : []),
  ...(staticLeft
    ? [`${staticLeft} static mutants of the org modules not run (ignored): npm run mutate -- static`]
    : []),
  ...Object.entries(took).map(([name, s]) => `${name} run: ${Math.floor(s / 60)} min ${s % 60} s`),
];
mkdirSync(join(root, 'reports/mutation'), { recursive: true });
writeFileSync(join(root, 'reports/mutation/summary.txt'), out.join('\n') + '\n');
console.log(`\n${out.join('\n')}`);
