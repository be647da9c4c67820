// balkanid-sf plan: the writes apply would make, after the checklist. Writes nothing.
import { check, planOf } from '../../core/engine';
import { defineCommand } from '../command';
import { engineInput, MANIFEST_ANSWERS, reportOutcome, toJson, KEY_ANSWER } from '../common';
import { renderPlan, renderReport } from '../render';

export const plan = defineCommand({
  name: 'plan',
  summary: 'show the writes apply would make',
  flags: { ...MANIFEST_ANSWERS, ...KEY_ANSWER },
  needsManifest: true,
  connects: true,
  writes: false,
  perOrg: 'output',
  errorStep: 'preflight',
  async run(ctx) {
    const { report } = await check(await engineInput(ctx));
    const writes = planOf(report);
    ctx.out(
      ctx.json
        ? toJson({ command: 'plan', ...report, plan: writes })
        : `${renderReport(report)}\n\n${renderPlan(writes)}`,
    );
    return { ...reportOutcome(report), code: writes.length ? 1 : 0, writes: `${writes.length} planned` };
  },
});
