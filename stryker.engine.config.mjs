// `npm run mutate`'s second run (see stryker.config.mjs): the modules that talk to an org, against the unit suite
// and the engine suites that run in seconds (the test org over HTTP, in this process). Left out for their time, not
// their worth: the fault matrix, the CLI's and several orgs' suites (over a minute each, two of them most of it
// waiting on timeouts), whose mutants' survivors would each cost that long again.
import base, { ORG_MODULES } from './stryker.config.mjs';

// In this order: mocha runs them so, and a mutant stops at its first failing test; the reads' edges (facts, seconds)
// go first, before the suites that run whole flows.
const ENGINE_SUITES = [
  'facts',
  'apply',
  'audit',
  'concurrency',
  'engine',
  'exportBulk',
  'exportCounts',
  'exportCoverage',
  'exportIntegrity',
  'exportResume',
  'exportSwitches',
  'extract',
  'hardened',
  'languages',
  'ownLogins',
  'preview',
  'probe',
  'records',
  'retries',
  'switches',
  'teardown',
  'trace',
  'upload',
  'ways',
  'webLogin',
];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  mutate: ORG_MODULES,
  // Some engine suites run the bundled CLI (dist/cli.js): the sandbox is built as `npm run build` builds it.
  buildCommand: 'npm run -s build',
  mochaOptions: {
    ...base.mochaOptions,
    spec: [...base.mochaOptions.spec, ...ENGINE_SUITES.map(s => `out/test/engine/${s}.test.js`)],
  },
  htmlReporter: { fileName: 'reports/mutation/engine/index.html' },
  jsonReporter: { fileName: 'reports/mutation/engine/mutation.json' },
  // Static mutants (code that runs when a module loads) are left out of this run: coverage cannot say which tests
  // reach them, so each would run every test in the run (926, over a minute): 13 % of the mutants, more than half of
  // the run's time. The static run (stryker.static.config.mjs) tests them against the unit suite.
  ignoreStatic: true,
  tempDirName: '.stryker-tmp-engine',
  incrementalFile: 'reports/mutation/engine/incremental.json',
};
