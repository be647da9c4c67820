// `npm run mutate`'s third run: the static mutants the engine run leaves out (stryker.engine.config.mjs) — code of
// the org modules that runs when a module loads — against the unit suite. Stryker cannot tell which tests reach a
// static mutant, so each one restarts the test process and runs every test; against the unit suite that takes
// seconds, against the engine run's suites minutes (with the facts suite too, 15 s each: hours for the 386 of them on
// this machine). The fewer tests, the fewer kills: for these mutants the score is a lower bound. Only their results
// count (scripts/stryker/mutate.mjs): every other mutant of these modules is the engine run's.
import base, { ORG_MODULES } from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  mutate: ORG_MODULES,
  htmlReporter: { fileName: 'reports/mutation/static/index.html' },
  jsonReporter: { fileName: 'reports/mutation/static/mutation.json' },
  tempDirName: '.stryker-tmp-static',
  incrementalFile: 'reports/mutation/static/incremental.json',
};
