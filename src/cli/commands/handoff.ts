// balkanid-sf handoff: the values to paste into BalkanID (and the other ways in: SCIM, files, the Bulk API).
import { check } from '../../core/engine';
import { defineCommand } from '../command';
import { engineInput, reportOutcome, toJson, KEY_ANSWER } from '../common';
import { renderHandoff } from '../render';

export const handoff = defineCommand({
  name: 'handoff',
  summary: 'print the values to paste into BalkanID: username, consumer key, login URL, sandbox',
  flags: { ...KEY_ANSWER },
  needsManifest: true,
  connects: true,
  writes: false,
  perOrg: 'output',
  errorStep: 'preflight',
  async run(ctx) {
    const { report } = await check(await engineInput(ctx));
    ctx.out(ctx.json ? toJson({ command: 'handoff', ...report.handoff }) : renderHandoff(report));
    const ready = !!report.handoff?.consumerKey;
    return {
      ...reportOutcome(report),
      code: ready ? 0 : 1,
      result: ready ? 'consumer key ready' : 'no consumer key yet',
    };
  },
});
