// balkanid-sf verify: the checklist, and with --key a real JWT login as the integration user — the self-test. Its
// logins are remembered beside the manifest and never counted as BalkanID's: Verify stays waiting for BalkanID's own
// first login, and the report says "self-test passed" on its own line.
import { check } from '../../core/engine';
import { rememberedJwtLogin, RememberedLogin } from '../../node/verify';
import { defineCommand } from '../command';
import { engineInput, jwtOptions, KEY_ANSWER, rememberLoginsFor, reportOutcome, toJson } from '../common';
import { renderReport, renderSelfTest } from '../render';

export const verify = defineCommand({
  name: 'verify',
  summary: 'audit the setup; with the private key, log in as the integration user (JWT): the self-test',
  details:
    "The self-test's login is remembered beside the manifest (<manifest>.logins.json, no secret) and never taken " +
    "for BalkanID's: Verify is done only once BalkanID itself has logged in.",
  flags: {
    key: 'optional',
    audience: 'optional',
    retries: 'optional',
    'retry-delay-ms': 'optional',
    ...KEY_ANSWER,
  },
  needsManifest: true,
  connects: true,
  writes: false,
  perOrg: 'line',
  errorStep: 'verify',
  async run(ctx) {
    let { report } = await check(await engineInput(ctx));
    let selfTest: RememberedLogin | undefined;
    if (ctx.flags.key) {
      selfTest = await rememberedJwtLogin(
        ctx.client,
        { ...(await jwtOptions(ctx, report)), clock: ctx.clock },
        rememberLoginsFor(ctx),
        'self-test',
      );
      // The report as it is now, with the login just made known as this tool's own.
      report = (await check(await engineInput(ctx))).report;
    }
    const tried = selfTest ? `\n\n${renderSelfTest(selfTest)}` : '\n\n(No --key: the JWT login was not tried.)';
    ctx.out(ctx.json ? toJson({ command: 'verify', ...report, selfTest }) : `${renderReport(report)}${tried}`);
    const outcome = reportOutcome(report);
    if (selfTest && !selfTest.ok) return { ...outcome, code: 1, error: 'JWT login failed' };
    return outcome;
  },
});
