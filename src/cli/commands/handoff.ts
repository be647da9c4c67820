// balkanid-sf handoff: the values to paste into BalkanID (and the other ways in: SCIM, files, the Bulk API).
import { check } from '../../core/engine';
import { defineCommand } from '../command';
import { engineInput, reportOutcome, toJson, KEY_ANSWER } from '../common';
import { renderHandoff } from '../render';

export const handoff = defineCommand({
  name: 'handoff',
  summary: 'print the values to paste into BalkanID (username, consumer key, login URL), or why they are not ready',
  flags: { ...KEY_ANSWER },
  needsManifest: true,
  connects: true,
  writes: false,
  perOrg: 'output',
  errorStep: 'preflight',
  async run(ctx) {
    const { report } = await check(await engineInput(ctx));
    ctx.out(
      ctx.json
        ? toJson({
            command: 'handoff',
            ready: !report.handoff?.notReady && !!report.handoff?.consumerKey,
            ...report.handoff,
          })
        : renderHandoff(report),
    );
    // Values for a user that does not exist (or cannot log in) are not handed over: exit 1, and why.
    const notReady = report.handoff?.notReady;
    const ready = !notReady && !!report.handoff?.consumerKey;
    return {
      ...reportOutcome(report),
      code: ready ? 0 : 1,
      result: ready
        ? 'values ready'
        : notReady
          ? 'not ready: the integration user cannot log in yet'
          : 'no consumer key yet',
    };
  },
});
