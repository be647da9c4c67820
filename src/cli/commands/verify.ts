// balkanid-sf verify: the checklist, and with --key a real JWT login as the integration user (the login then shows
// in the report: Verify is done).
import { check } from '../../core/engine';
import { jwtSelfTest, SelfTestResult } from '../../node/verify';
import { defineCommand } from '../command';
import { engineInput, jwtOptions, reportOutcome, toJson } from '../common';
import { renderReport, renderSelfTest } from '../render';

export const verify = defineCommand({
  name: 'verify',
  summary: 'audit the setup; with the private key, log in as the integration user (JWT)',
  flags: { key: 'optional', audience: 'optional', retries: 'optional', 'retry-delay-ms': 'optional' },
  needsManifest: true,
  connects: true,
  writes: false,
  perOrg: 'line',
  errorStep: 'verify',
  async run(ctx) {
    const input = engineInput(ctx);
    let { report } = await check(input);
    let selfTest: SelfTestResult | undefined;
    if (ctx.flags.key) {
      selfTest = await jwtSelfTest(await jwtOptions(ctx, report));
      // The login just made is in the login history: the report shows Verify as it is now.
      if (selfTest.ok) report = (await check(input)).report;
    }
    const tried = selfTest ? `\n\n${renderSelfTest(selfTest)}` : '\n\n(No --key: the JWT login was not tried.)';
    ctx.out(ctx.json ? toJson({ command: 'verify', ...report, selfTest }) : `${renderReport(report)}${tried}`);
    const outcome = reportOutcome(report);
    if (selfTest && !selfTest.ok) return { ...outcome, code: 1, error: 'JWT login failed' };
    return outcome;
  },
});
