// `npm run mutate`'s third run: the static mutants the engine run leaves out (stryker.engine.config.mjs) — code of
// the org modules that runs when a module loads: the export's table of sources, the preview's sample queries, the
// patterns rows are checked with — against the export's engine suites and the unit suite. Stryker cannot tell which
// tests reach a static mutant, so each one restarts the test process and runs every test of the run: the export's
// six suites (the test org over HTTP, about 15 s together) go first, so a mutant they kill stops early. The other
// engine suites are left out for their time (with the facts suite too, 15 s more each: hours for the 378 of them on
// this machine): for these mutants the score is a lower bound. Only their results count
// (scripts/stryker/mutate.mjs): every other mutant of these modules is the engine run's.
import base, { ORG_MODULES } from './stryker.config.mjs';

const EXPORT_SUITES = ['extract', 'preview', 'exportCoverage', 'exportIntegrity', 'exportSwitches', 'exportBulk'];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  mutate: ORG_MODULES,
  // Only the static mutants: mutate.mjs lists them from the engine run's report (scripts/stryker/static-only.mjs).
  plugins: [...base.plugins, './scripts/stryker/static-only.mjs'],
  ignorers: [...base.ignorers, 'static-only'],
  buildCommand: 'npm run -s build',
  mochaOptions: {
    ...base.mochaOptions,
    spec: [...EXPORT_SUITES.map(s => `out/test/engine/${s}.test.js`), ...base.mochaOptions.spec],
  },
  htmlReporter: { fileName: 'reports/mutation/static/index.html' },
  jsonReporter: { fileName: 'reports/mutation/static/mutation.json' },
  tempDirName: '.stryker-tmp-static',
  incrementalFile: 'reports/mutation/static/incremental.json',
};
