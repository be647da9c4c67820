// balkanid-sf check: reads the org and evaluates every step. Writes nothing. Without a setup manifest it checks with
// proposed values (the integration user's username from the admin's domain, the admin's email) and says so.
import { check as checkOrg } from '../../core/engine';
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
import { renderReport } from '../render';

export const check = defineCommand({
  name: 'check',
  summary: 'inspect every step (read-only, with proposed values when there is no manifest yet); exit 0 when done',
  flags: { ...MANIFEST_ANSWERS, ...KEY_ANSWER },
  needsManifest: 'if present',
  connects: true,
  writes: false,
  perOrg: 'line',
  errorStep: 'preflight',
  async run(ctx) {
    const proposed = ctx.setup ? undefined : await proposedSetup(ctx.flags, ctx.client, ctx.clock);
    const setup = ctx.setup ?? proposed!.setup;
    const { report } = await checkOrg(await engineInput({ ...ctx, setup }));
    ctx.out(
      ctx.json
        ? toJson({ command: 'check', ...report, ...(proposed && { proposed: proposed.proposal }) })
        : `${proposed ? proposalText(proposed.proposal) : ''}${renderReport(report)}`,
    );
    return reportOutcome(report);
  },
});
