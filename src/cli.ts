#!/usr/bin/env node
// balkanid-sf: the setup engine from a terminal or CI. Progress goes to stderr, results to stdout.
// Exit codes: 0 everything done; 1 steps remain (or every write was made but the check afterwards failed);
// 2 error, nothing written; 3 error after some writes were made (the message lists them; run again).
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import {
  apply,
  check,
  planOf,
  remaining,
  stepError,
  teardown,
  teardownKept,
  teardownPlan,
  gatherFacts,
} from './core/engine';
import { MANIFEST_FILE } from './core/manifest';
import { readPrivateKey } from './core/certificate';
import { Report, SetupError, isSetupError, StepId, Write } from './core/types';
import { connect, Credentials, JsforceClient } from './node/salesforce';
import { defaultTargetOrg, sfCredentials } from './node/sfcli';
import { createManifest, loadCertificate, loadManifest, readKeyFile } from './node/workspace';
import { redact, redactDeep } from './core/redact';
import { Args, intFlag, parseArgs, USAGE } from './cli/args';
import { renderHandoff, renderPlan, renderReport, renderSelfTest } from './cli/render';

import { jwtSelfTest, SelfTestResult } from './node/verify';
import { startTrace, stopTrace } from './node/trace';

export { parseArgs, intFlag } from './cli/args';
export { renderHandoff, renderPlan, renderReport } from './cli/render';

async function credentials(flags: Args['flags'], manifestTarget?: string): Promise<Credentials> {
  const seconds = intFlag(flags, 'request-timeout', 1, 600);
  const timeoutMs = seconds && seconds * 1000;
  const url = flags['instance-url'] as string | undefined;
  const token = (flags['access-token'] as string | undefined) ?? (url ? process.env.SF_ACCESS_TOKEN : undefined);
  if (url || flags['access-token']) {
    if (!url || !token)
      throw new SetupError('--instance-url and --access-token (or $SF_ACCESS_TOKEN) go together.', 'USAGE');
    return { instanceUrl: url, accessToken: token, timeoutMs };
  }
  const target =
    (flags['target-org'] as string | undefined) ?? manifestTarget ?? (await defaultTargetOrg(process.cwd()));
  if (!target)
    throw new SetupError(
      'No org: pass --target-org <alias>, or --instance-url with --access-token, or set a default with `sf config ' +
        'set target-org <alias>`.',
      'USAGE',
    );
  return { ...(await sfCredentials(target)), timeoutMs };
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY)
    throw new SetupError('Refusing to write without confirmation: run with --yes (no terminal to ask on).', 'USAGE');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** `--json` output: every string redacted before it is quoted (after quoting, a pattern could miss an escaped one). */
const toJson = (value: unknown) => JSON.stringify(redactDeep(value), null, 2);

export async function main(
  argv: string[],
  write = (s: string) => process.stdout.write(s + '\n'),
  writeErr = (s: string) => process.stderr.write(s + '\n'),
): Promise<number> {
  // The one output boundary: whatever a server echoed (a token, a key, a secret) is redacted here.
  const out = (s: string) => write(redact(s));
  const err = (s: string) => writeErr(redact(s));
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e: any) {
    err(`${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (args.command === 'help' || args.flags.help) {
    out(USAGE);
    return 0;
  }
  const { command, flags } = args;
  const json = !!flags.json;
  const traceFile = flags.trace ? resolve(String(flags.trace)) : undefined;
  if (traceFile) {
    // Checked before anything runs: a trace that cannot be written must not surface after the writes.
    const problem = await writableFile(traceFile);
    if (problem) {
      err(`--trace ${traceFile}: ${problem}. Nothing was done.`);
      return 2;
    }
  }
  const trace = traceFile ? startTrace() : undefined;
  try {
    return await run(command, flags, json, out, err);
  } finally {
    if (trace && traceFile) {
      stopTrace();
      const file = traceFile;
      const saved = await trace.save(file).then(
        () => true,
        (e: Error) => (err(`The trace could not be written to ${file}: ${e.message}`), false),
      );
      if (saved)
        err(
          `Trace of ${trace.size} exchange(s) written to ${file} (HAR 1.2; tokens, keys, secrets, the consumer key ` +
            `and certificates redacted).`,
        );
    }
  }
}

/** Why a file cannot be written there (undefined when it can): a missing folder, a directory, no permission. */
async function writableFile(file: string): Promise<string | undefined> {
  const dir = await stat(dirname(file)).catch(() => undefined);
  if (!dir?.isDirectory()) return `the folder ${dirname(file)} does not exist`;
  if ((await stat(file).catch(() => undefined))?.isDirectory())
    return 'that is a folder; give a file name such as trace.har';
  return access(dirname(file), constants.W_OK).then(
    () => undefined,
    () => `the folder ${dirname(file)} is not writable`,
  );
}

async function run(
  command: string,
  flags: Args['flags'],
  json: boolean,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  try {
    const manifestPath = resolve(String(flags.manifest ?? MANIFEST_FILE));
    if (flags.username) {
      const made = await createManifest(manifestPath, {
        username: String(flags.username),
        email: String(flags.email),
        certificate: flags.certificate ? String(flags.certificate) : undefined,
      });
      if (made.created && !json) err(`Wrote ${manifestPath} (certificate: ${made.manifest!.certificate}).`);
    }
    const loaded = await loadManifest(manifestPath);
    if (!loaded.manifest) {
      const problems = loaded.problems
        .map(p => `  ${p.path.length ? p.path.join('.') : '(manifest)'}: ${p.message} ${p.fix}`)
        .join('\n');
      throw new SetupError(`The setup manifest ${manifestPath} has problems:\n${problems}`, 'MANIFEST');
    }
    const manifest = loaded.manifest;
    const certificate = await loadCertificate(manifestPath, manifest);
    const progress = (s: string) => {
      if (!json) err(s);
    };
    progress('Connecting…');
    const client: JsforceClient = await connect(await credentials(flags, manifest.targetOrg));
    const input = { client, manifest, certificate, reactivateUser: !!flags['reactivate-user'] };
    const deployTimeout = intFlag(flags, 'deploy-timeout', 10, 24 * 3600);
    const deployTimeoutMs = deployTimeout && deployTimeout * 1000;
    const done = (r: Report) => (remaining(r) ? 1 : 0);
    // One rule for `apply --step`, with or without --yes: 0 when that step is done (Verify: or waiting for BalkanID).
    const stepDone = (r: Report, id: StepId) => {
      const state = r.steps.find(s => s.id === id)!.state;
      return state === 'done' || (id === 'verify' && state === 'waiting') ? 0 : 1;
    };

    if (command === 'check') {
      const { report } = await check(input);
      out(json ? toJson({ command, ...report }) : renderReport(report));
      return done(report);
    }
    if (command === 'plan') {
      const { report } = await check(input);
      const writes = planOf(report);
      out(json ? toJson({ command, ...report, plan: writes }) : `${renderReport(report)}\n\n${renderPlan(writes)}`);
      return writes.length ? 1 : 0;
    }
    if (command === 'apply') {
      const steps = flags.step ? [flags.step as StepId] : undefined;
      if (!flags.yes) {
        const { report } = await check(input);
        const writes = planOf(report).filter(w => !steps || steps.includes(w.step));
        err(renderPlan(writes));
        if (!writes.length) {
          out(json ? toJson({ command, ...report, writes: [] }) : renderReport(report));
          return steps ? stepDone(report, steps[0]!) : done(report);
        }
        if (!(await confirm('Apply these writes?'))) {
          err('Nothing written.');
          return 1;
        }
      }
      const { report, writes } = await apply(input, { steps, onProgress: progress, deployTimeoutMs });
      out(json ? toJson({ command, ...report, writes }) : `${renderReport(report)}\n\n${writes.length} write(s) made.`);
      return steps ? stepDone(report, steps[0]!) : done(report);
    }
    if (command === 'verify') {
      let { report } = await check(input);
      let selfTest: SelfTestResult | undefined;
      if (flags.key) {
        const key = readPrivateKey(await readKeyFile(resolve(String(flags.key))));
        const h = report.handoff!;
        if (!h.consumerKey)
          throw new SetupError('The consumer key is not available yet: run apply first.', 'NO_CONSUMER_KEY', 'verify');
        selfTest = await jwtSelfTest({
          instanceUrl: client.instanceUrl,
          consumerKey: h.consumerKey,
          username: manifest.user.username,
          key,
          audience: String(flags.audience ?? h.loginUrl),
          attempts: intFlag(flags, 'retries', 1, 30),
          baseDelayMs: intFlag(flags, 'retry-delay-ms', 0, 600_000),
          onProgress: progress,
        });
        // The login just made is in the login history: the report shows Verify as it is now.
        if (selfTest.ok) report = (await check(input)).report;
      }
      out(
        json
          ? toJson({ command, ...report, selfTest })
          : `${renderReport(report)}${selfTest ? `\n\n${renderSelfTest(selfTest)}` : '\n\n(No --key: the JWT login was not tried.)'}`,
      );
      return remaining(report) || (selfTest && !selfTest.ok) ? 1 : 0;
    }
    if (command === 'handoff') {
      const { report } = await check(input);
      out(json ? toJson({ command, ...report.handoff }) : renderHandoff(report));
      return report.handoff?.consumerKey ? 0 : 1;
    }
    // teardown
    const facts = await gatherFacts(client, manifest);
    const plan = teardownPlan(facts, manifest);
    if (!plan.length) {
      out(json ? toJson({ command, removed: [] }) : 'Nothing to remove: the BalkanID setup is not in this org.');
      return 0;
    }
    if (!flags.yes) {
      err(renderPlan(plan, 'Teardown would make these writes:'));
      if (!(await confirm('Remove these?'))) {
        err('Nothing removed.');
        return 1;
      }
    }
    const removed = await teardown(input, { onProgress: progress, deployTimeoutMs });
    const kept = teardownKept(facts, manifest);
    out(
      json
        ? toJson({ command, removed, kept })
        : `${renderPlan(removed, 'Removed:')}${kept.length ? `\nKept:\n${kept.map(k => `  ${k}`).join('\n')}` : ''}`,
    );
    return 0;
  } catch (raw: any) {
    // Errors before any step ran (manifest, connection) belong to the preflight (or verify) step.
    const e = raw?.code === 'USAGE' ? raw : stepError(command === 'verify' ? 'verify' : 'preflight', raw, []);
    const message = isSetupError(e) ? e.message : `Unexpected error: ${e?.message ?? e}`;
    const writes: Write[] | undefined = isSetupError(e) ? e.writes : undefined;
    if (json)
      out(
        toJson({
          command,
          error: { code: e?.code ?? 'ERROR', step: e?.step, message, writes: writes ?? [], uncertain: e?.uncertain },
        }),
      );
    err(message);
    if (e?.code === 'RECHECK_FAILED') return 1;
    return writes?.length || e?.uncertain ? 3 : 2;
  }
}

if (require.main === module)
  main(process.argv.slice(2)).then(code => {
    process.exitCode = code;
  });
