// balkanid-sf plan: what apply would do now — the writes that can run, the steps that are blocked and why (the rule
// Run All shows: runnable), and the request for a System Administrator when the admin lacks permissions. Writes
// nothing; without a setup manifest it plans with proposed values and says so.
import { check, runnable } from '../../core/engine';
import { adminRequestText } from '../../core/adminRequest';
import { defineCommand } from '../command';
import {
  engineInput,
  MANIFEST_ANSWERS,
  proposalText,
  proposedSetup,
  reportOutcome,
  toJson,
  KEY_ANSWER,
} from '../common';
import { renderReport, renderRunnable } from '../render';

export const plan = defineCommand({
  name: 'plan',
  summary: 'show what apply would do now: the writes that can run, and what is blocked and why',
  flags: { ...MANIFEST_ANSWERS, ...KEY_ANSWER },
  needsManifest: 'if present',
  connects: true,
  writes: false,
  perOrg: 'output',
  errorStep: 'preflight',
  async run(ctx) {
    const proposed = ctx.setup ? undefined : await proposedSetup(ctx.flags, ctx.client, ctx.clock);
    const setup = ctx.setup ?? proposed!.setup;
    const { report } = await check(await engineInput({ ...ctx, setup }));
    const { writes, blockers } = runnable(report);
    ctx.out(
      ctx.json
        ? toJson({
            command: 'plan',
            ...report,
            plan: writes,
            blocked: blockers,
            adminRequest: adminRequestText(report),
            ...(proposed && { proposed: proposed.proposal }),
          })
        : `${proposed ? proposalText(proposed.proposal) : ''}${renderReport(report)}\n\n${renderRunnable(report)}`,
    );
    return {
      ...reportOutcome(report),
      code: writes.length || blockers.length ? 1 : 0,
      writes: `${writes.length} planned${blockers.length ? `, ${blockers.length} step(s) blocked` : ''}`,
    };
  },
});
