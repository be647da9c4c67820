// `npm run mutate` (scripts/stryker/mutate.mjs) runs StrykerJS twice over src/core and adds up the scores per file;
// docs/mutation.md says why and how long it takes. This file is the first run: the pure modules against the unit
// suite. stryker.engine.config.mjs is the second: the modules that talk to an org, against the unit suite and the
// engine suites (the test org over HTTP). Each mutant changes one operator, boundary or literal; a test must fail.
/** The modules whose work is requests to an org (their tests need the test org): the engine run mutates them. */
export const ORG_MODULES = [
  'src/core/apply.ts',
  'src/core/engine.ts',
  'src/core/records.ts',
  'src/core/teardown.ts',
  'src/core/concurrency.ts',
  'src/core/facts.ts',
  'src/core/probe.ts',
  'src/core/extract/export.ts',
  'src/core/extract/preview.ts',
  'src/core/extract/entities.ts',
  'src/core/extract/read.ts',
  'src/core/extract/records.ts',
  'src/core/extract/sources.ts',
];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: ['src/core/**/*.ts', ...ORG_MODULES.map(f => `!${f}`)],
  // The project compiles TypeScript with tsc into out/ and mocha runs out/: the sandbox is built once, with every
  // mutant switched in behind `__stryker__.activeMutant`.
  buildCommand: 'tsc -p .',
  testRunner: 'mocha',
  mochaOptions: {
    spec: ['out/test/unit/**/*.test.js'],
    // Before each mutant's run the process-wide secret registry (src/core/redact.ts, on globalThis) is emptied:
    // every run starts as a fresh process would (see test/support/mutation.ts). A fresh process per mutant
    // (maxTestRunnerReuse: 1) gives the same scores at about four times the cost (docs/mutation.md).
    require: ['out/test/support/mutation.js'],
  },
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 10000,
  plugins: ['@stryker-mutator/mocha-runner', './scripts/stryker/message-strings.mjs'],
  // Mutants inside message strings are left out of the score (scripts/stryker/message-strings.mjs says which).
  ignorers: ['message-strings'],
  ignorePatterns: ['out', 'dist', '.e2e', 'bench-results', 'reports'],
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: false, reportTests: false },
  htmlReporter: { fileName: 'reports/mutation/unit/index.html' },
  jsonReporter: { fileName: 'reports/mutation/unit/mutation.json' },
  tempDirName: '.stryker-tmp',
  // Each run keeps its results: the next one tests again only the mutants whose code or covering tests changed.
  incremental: true,
  incrementalFile: 'reports/mutation/unit/incremental.json',
  thresholds: { high: 90, low: 85, break: null },
};
