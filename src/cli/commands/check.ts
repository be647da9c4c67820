// balkanid-sf check: reads the org and evaluates every step. Writes nothing.
import { check as checkOrg } from '../../core/engine';
import { defineCommand } from '../command';
import { engineInput, MANIFEST_ANSWERS, reportOutcome, toJson, KEY_ANSWER } from '../common';
import { renderReport } from '../render';

export const check = defineCommand({
  name: 'check',
  summary: 'inspect every step (read-only); exit 0 when every step is done, 1 when not',
  flags: { ...MANIFEST_ANSWERS, ...KEY_ANSWER },
  needsManifest: true,
  connects: true,
  writes: false,
  perOrg: 'line',
  errorStep: 'preflight',
  async run(ctx) {
    const { report } = await checkOrg(await engineInput(ctx));
    ctx.out(ctx.json ? toJson({ command: 'check', ...report }) : renderReport(report));
    return reportOutcome(report);
  },
});
