// `npm run mutate`: mutation testing of src/core (StrykerJS). Each mutant changes one operator, boundary or literal
// of src/core; the unit suite must fail on it. Not part of `npm test` (it takes minutes); see docs/mutation.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: ['src/core/**/*.ts'],
  // The project compiles TypeScript with tsc into out/ and mocha runs out/: the sandbox is built once, with every
  // mutant switched in behind `__stryker__.activeMutant`.
  buildCommand: 'tsc -p .',
  testRunner: 'mocha',
  mochaOptions: { spec: ['out/test/unit/**/*.test.js'] },
  coverageAnalysis: 'perTest',
  // A fresh test process for every mutant: the secret registry of src/core/redact.ts lives on globalThis for the
  // whole process, so a mutant that registers the wrong values would leak them into the mutants tested after it.
  maxTestRunnerReuse: 1,
  concurrency: 2,
  timeoutMS: 10000,
  plugins: ['@stryker-mutator/mocha-runner', './scripts/stryker/message-strings.mjs'],
  ignorers: ['message-strings'],
  ignorePatterns: ['out', 'dist', '.e2e', 'bench-results', 'reports'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  clearTextReporter: {
    allowColor: false,
    logTests: false,
    reportScoreTable: true,
    reportMutants: false,
    reportTests: false,
  },
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  thresholds: { high: 90, low: 85, break: null },
};
