// balkanid-sf apply: does what can run now (the rule `plan` and Run All show), after showing it and asking unless
// --yes; says why when nothing can run. With --step, that step only (refused with its reason when it cannot run).
import { apply as applyWrites, check, nothingCanRun, planOf, runnable } from '../../core/engine';
import { Report, StepId } from '../../core/types';
import { defineCommand } from '../command';
import { confirm, deployTimeoutMs, engineInput, MANIFEST_ANSWERS, reportOutcome, toJson, KEY_ANSWER } from '../common';
import { renderApplied, renderPlan, renderReport, renderRunnable } from '../render';

/** `apply --step`, with or without --yes: 0 when that step is done (Verify: or waiting for BalkanID). */
const stepOutcome = (r: Report, id: StepId | undefined) => {
  const outcome = reportOutcome(r);
  if (!id) return outcome;
  const state = r.steps.find(s => s.id === id)!.state;
  return { ...outcome, code: state === 'done' || (id === 'verify' && state === 'waiting') ? 0 : 1 } as const;
};

export const apply = defineCommand({
  name: 'apply',
  summary: 'make the writes that can run now (asks first unless --yes); says why when nothing can',
  details:
    'apply makes what can run and leaves the blocked steps as they are (plan shows both, and why). apply ' +
    '--reactivate-user reactivates an integration user a teardown deactivated (without it, apply refuses the ' +
    "inactive user). check and apply exit 0 once every step is in place and Verify is only waiting for BalkanID's " +
    'first login.',
  flags: {
    step: 'optional',
    yes: 'optional',
    'deploy-timeout': 'optional',
    'reactivate-user': 'optional',
    ...MANIFEST_ANSWERS,
    ...KEY_ANSWER,
  },
  needsManifest: true,
  connects: true,
  writes: { review: 'plan' },
  perOrg: 'line',
  errorStep: 'preflight',
  async run(ctx) {
    const input = await engineInput(ctx);
    const step = ctx.flags.step as StepId | undefined;
    const steps = step ? [step] : undefined;
    if (!ctx.flags.yes) {
      const { report } = await check(input);
      if (step) {
        const writes = planOf(report).filter(w => w.step === step);
        ctx.err(renderPlan(writes));
        if (!writes.length) {
          ctx.out(ctx.json ? toJson({ command: 'apply', ...report, writes: [] }) : renderReport(report));
          return stepOutcome(report, step);
        }
      } else {
        const { writes, blockers } = runnable(report);
        ctx.err(renderRunnable(report));
        if (!writes.length) {
          // The same refusal as with --yes (the engine's): nothing can run, each step says why.
          if (blockers.length) throw nothingCanRun(blockers);
          ctx.out(ctx.json ? toJson({ command: 'apply', ...report, writes: [] }) : renderReport(report));
          return stepOutcome(report, step);
        }
      }
      if (!(await confirm('Apply these writes?', ctx.signal))) {
        ctx.err('Nothing written.');
        return { code: 1 };
      }
    }
    const { report, writes } = await applyWrites(input, {
      steps,
      onProgress: ctx.progress,
      deployTimeoutMs: deployTimeoutMs(ctx.flags),
      signal: ctx.signal,
    });
    ctx.out(
      ctx.json
        ? toJson({ command: 'apply', ...report, writes, blocked: runnable(report).blockers })
        : `${renderReport(report)}\n\n${renderApplied(report, writes)}`,
    );
    return { ...stepOutcome(report, step), writes: String(writes.length) };
  },
});
