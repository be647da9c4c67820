// Loaded by `npm run mutate` only (stryker.config.mjs, mochaOptions.require): before each run of the tests — one per
// mutant, in a test process Stryker reuses — the process-wide registry of secrets (src/core/redact.ts, kept on
// globalThis) is emptied, so every mutant's run starts as a fresh process would, whatever the runs before it
// registered. It is the only state src/core keeps across calls.
export const mochaHooks = {
  beforeAll(): void {
    (
      (globalThis as Record<symbol, unknown>)[Symbol.for('balkanid.redact.known.v2')] as
        Map<string, unknown> | undefined
    )?.clear();
  },
};
