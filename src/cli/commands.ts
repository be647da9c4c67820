// The per-org commands: check, plan, apply, verify, handoff and teardown (preview, export and upload are in
// ways.ts). Each returns its exit code and its row of the several-orgs table; errors become both.
import {
  apply,
  check,
  gatherFacts,
  planOf,
  remaining,
  stepError,
  teardown,
  teardownKept,
  teardownPlan,
} from '../core/engine';
import { systemClock } from '../core/clock';
import { isSetupError, Report, StepId, Write } from '../core/types';
import { connect, JsforceClient } from '../node/salesforce';
import { jwtSelfTest, SelfTestResult } from '../node/verify';
import { Args, intFlag } from './args';
import { CliDeps, confirm, credentials, jwtOptions, loadSetup, toJson } from './common';
import { OrgRow } from './orgs';
import { renderHandoff, renderPlan, renderReport, renderSelfTest } from './render';
import { extract, upload } from './ways';

/** An org's state in a few words for the several-orgs table: what is left, what failed, or that it is set up. */
function orgState(r: Report): string {
  const count = (state: string) => r.steps.filter(s => s.state === state).length;
  const parts = [
    count('error') && `${count('error')} in error`,
    count('blocked') && `${count('blocked')} blocked`,
    count('drifted') && `${count('drifted')} drifted`,
    count('todo') && `${count('todo')} to do`,
  ].filter(Boolean);
  if (parts.length) return parts.join(', ');
  return count('waiting') ? "set up, waiting for BalkanID's first login" : 'set up';
}

export async function run(
  command: string,
  flags: Args['flags'],
  json: boolean,
  out: (s: string) => void,
  err: (s: string) => void,
  deps: CliDeps,
  target?: string,
  many = false,
): Promise<{ code: number; row: OrgRow }> {
  const row: OrgRow = {};
  const progress = (s: string) => {
    if (!json) err(s);
  };
  try {
    if (command === 'upload')
      return { code: await upload(flags, json, out, progress, many ? target : undefined, row), row };
    const needsManifest = !['preview', 'export'].includes(command) || !!flags.key;
    const clock = deps.clock ?? systemClock;
    const setup = needsManifest ? await loadSetup(flags, json, err, clock) : undefined;
    progress('Connecting…');
    const client: JsforceClient = await connect(await credentials(flags, deps, target, setup?.manifest.targetOrg));
    if (!setup)
      return { code: await extract(command, flags, json, out, progress, client, undefined, many, target, row), row };
    const { manifest, certificate } = setup;
    const input = { client, manifest, certificate, clock, reactivateUser: !!flags['reactivate-user'] };
    if (command === 'preview' || command === 'export')
      return { code: await extract(command, flags, json, out, progress, client, setup, many, target, row), row };
    const deployTimeout = intFlag(flags, 'deploy-timeout', 10, 24 * 3600);
    const deployTimeoutMs = deployTimeout && deployTimeout * 1000;
    const done = (r: Report) => {
      const left = remaining(r);
      row.steps = `${r.steps.length - left}/${r.steps.length}`;
      row.result ??= orgState(r);
      return left ? 1 : 0;
    };
    // One rule for `apply --step`, with or without --yes: 0 when that step is done (Verify: or waiting for BalkanID).
    const stepDone = (r: Report, id: StepId) => {
      done(r);
      const state = r.steps.find(s => s.id === id)!.state;
      return state === 'done' || (id === 'verify' && state === 'waiting') ? 0 : 1;
    };

    if (command === 'check') {
      const { report } = await check(input);
      out(json ? toJson({ command, ...report }) : renderReport(report));
      return { code: done(report), row };
    }
    if (command === 'plan') {
      const { report } = await check(input);
      const writes = planOf(report);
      done(report);
      row.writes = `${writes.length} planned`;
      out(json ? toJson({ command, ...report, plan: writes }) : `${renderReport(report)}\n\n${renderPlan(writes)}`);
      return { code: writes.length ? 1 : 0, row };
    }
    if (command === 'apply') {
      const steps = flags.step ? [flags.step as StepId] : undefined;
      if (!flags.yes) {
        const { report } = await check(input);
        const writes = planOf(report).filter(w => !steps || steps.includes(w.step));
        err(renderPlan(writes));
        if (!writes.length) {
          out(json ? toJson({ command, ...report, writes: [] }) : renderReport(report));
          return { code: steps ? stepDone(report, steps[0]!) : done(report), row };
        }
        if (!(await confirm('Apply these writes?'))) {
          err('Nothing written.');
          return { code: 1, row };
        }
      }
      const { report, writes } = await apply(input, { steps, onProgress: progress, deployTimeoutMs });
      row.writes = String(writes.length);
      out(json ? toJson({ command, ...report, writes }) : `${renderReport(report)}\n\n${writes.length} write(s) made.`);
      return { code: steps ? stepDone(report, steps[0]!) : done(report), row };
    }
    if (command === 'verify') {
      let { report } = await check(input);
      let selfTest: SelfTestResult | undefined;
      if (flags.key) {
        selfTest = await jwtSelfTest(await jwtOptions(flags, client, manifest, report, progress));
        // The login just made is in the login history: the report shows Verify as it is now.
        if (selfTest.ok) report = (await check(input)).report;
      }
      out(
        json
          ? toJson({ command, ...report, selfTest })
          : `${renderReport(report)}${selfTest ? `\n\n${renderSelfTest(selfTest)}` : '\n\n(No --key: the JWT login was not tried.)'}`,
      );
      const code = done(report) || (selfTest && !selfTest.ok) ? 1 : 0;
      if (selfTest && !selfTest.ok) row.error = 'JWT login failed';
      return { code, row };
    }
    if (command === 'handoff') {
      const { report } = await check(input);
      done(report);
      out(json ? toJson({ command, ...report.handoff }) : renderHandoff(report));
      row.result = report.handoff?.consumerKey ? 'consumer key ready' : 'no consumer key yet';
      return { code: report.handoff?.consumerKey ? 0 : 1, row };
    }
    // teardown
    const facts = await gatherFacts(client, manifest);
    const plan = teardownPlan(facts, manifest);
    if (!plan.length) {
      out(json ? toJson({ command, removed: [] }) : 'Nothing to remove: the BalkanID setup is not in this org.');
      row.writes = '0';
      return { code: 0, row };
    }
    if (!flags.yes) {
      err(renderPlan(plan, 'Teardown would make these writes:'));
      if (!(await confirm('Remove these?'))) {
        err('Nothing removed.');
        return { code: 1, row };
      }
    }
    const removed = await teardown(input, { onProgress: progress, deployTimeoutMs });
    row.writes = String(removed.length);
    const kept = teardownKept(facts, manifest);
    out(
      json
        ? toJson({ command, removed, kept })
        : `${renderPlan(removed, 'Removed:')}${kept.length ? `\nKept:\n${kept.map(k => `  ${k}`).join('\n')}` : ''}`,
    );
    return { code: 0, row };
  } catch (raw: any) {
    // Errors before any step ran (manifest, connection) belong to the preflight (or verify) step.
    const extracting = ['preview', 'export', 'upload'].includes(command);
    const e =
      raw?.code === 'USAGE' || extracting ? raw : stepError(command === 'verify' ? 'verify' : 'preflight', raw, []);
    const message = isSetupError(e) ? e.message : `Unexpected error: ${e?.message ?? e}`;
    const writes: Write[] | undefined = isSetupError(e) ? e.writes : undefined;
    row.error = message;
    if (json)
      out(
        toJson({
          command,
          error: { code: e?.code ?? 'ERROR', step: e?.step, message, writes: writes ?? [], uncertain: e?.uncertain },
        }),
      );
    if (!many) err(message);
    if (e?.code === 'RECHECK_FAILED') return { code: 1, row };
    return { code: writes?.length || e?.uncertain ? 3 : 2, row };
  }
}
