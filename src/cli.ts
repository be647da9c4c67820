#!/usr/bin/env node
// balkanid-sf: the setup engine from a terminal or CI. Progress goes to stderr, results to stdout.
// Exit codes: 0 everything done; 1 steps remain (or every write was made but the check afterwards failed);
// 2 error, nothing written; 3 error after some writes were made (the message lists them; run again).
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
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
import { defaultTargetOrg, listOrgs, sfCredentials, SfOrg } from './node/sfcli';
import { createManifest, loadCertificate, loadManifest, readKeyFile } from './node/workspace';
import { redact, redactDeep, registerSecret } from './core/redact';
import { Args, intFlag, parseArgs, USAGE } from './cli/args';
import { renderHandoff, renderPlan, renderReport, renderSelfTest } from './cli/render';

import { jwtSelfTest, SelfTestResult } from './node/verify';
import { exportToDir } from './node/exportFiles';
import { previewOrg } from './core/extract/preview';
import { apiKeyFromEnv, progressLine, renderExport, renderPreview } from './cli/extract';
import { uploadToBalkanId } from './node/balkanidUpload';
import { liveOrgs, mapLimit, OrgOutcome, OrgRow, orgFolder, renderTable } from './cli/orgs';
import { OrgClient } from './core/client';
import { Manifest } from './core/manifest';
import { startTrace, stopTrace } from './node/trace';

export { parseArgs, intFlag } from './cli/args';
export { renderHandoff, renderPlan, renderReport } from './cli/render';

/** Where orgs come from: the Salesforce CLI (tests give a stand-in). */
export interface CliDeps {
  credentials?: (target: string) => Promise<Credentials>;
  listOrgs?: () => Promise<SfOrg[]>;
}

async function credentials(
  flags: Args['flags'],
  deps: CliDeps,
  target?: string,
  manifestTarget?: string,
): Promise<Credentials> {
  const seconds = intFlag(flags, 'request-timeout', 1, 600);
  const timeoutMs = seconds && seconds * 1000;
  const url = flags['instance-url'] as string | undefined;
  const token = (flags['access-token'] as string | undefined) ?? (url ? process.env.SF_ACCESS_TOKEN : undefined);
  if (url || flags['access-token']) {
    if (!url || !token)
      throw new SetupError('--instance-url and --access-token (or $SF_ACCESS_TOKEN) go together.', 'USAGE');
    return { instanceUrl: url, accessToken: token, timeoutMs };
  }
  target ??= manifestTarget ?? (await defaultTargetOrg(process.cwd()));
  if (!target)
    throw new SetupError(
      'No org: pass --target-org <alias>, or --instance-url with --access-token, or set a default with `sf config ' +
        'set target-org <alias>`.',
      'USAGE',
    );
  return { ...(await (deps.credentials ?? sfCredentials)(target)), timeoutMs };
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
  write: (s: string) => void = s => process.stdout.write(s + '\n'),
  writeErr: (s: string) => void = s => process.stderr.write(s + '\n'),
  deps: CliDeps = {},
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
    let targets = args.targets;
    if (flags['all-orgs']) {
      try {
        targets = liveOrgs(await (deps.listOrgs ?? listOrgs)());
      } catch (e: any) {
        err(`--all-orgs: ${e?.message ?? e}`);
        return 2;
      }
      if (!targets.length) {
        err('--all-orgs: the Salesforce CLI knows no org that has not expired. Log in with: sf org login web');
        return 2;
      }
    }
    if (targets.length > 1 || flags['all-orgs']) return await runMany(command, flags, json, out, err, targets, deps);
    return (await run(command, flags, json, out, err, deps, targets[0])).code;
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

/** Several orgs: each on its own, at most --concurrency at once; one table (or one JSON entry per org). */
async function runMany(
  command: string,
  flags: Args['flags'],
  json: boolean,
  out: (s: string) => void,
  err: (s: string) => void,
  targets: string[],
  deps: CliDeps,
): Promise<number> {
  if ((command === 'apply' || command === 'teardown') && !flags.yes) {
    err(
      `${command} on ${targets.length} orgs writes without asking each time: review what it would do with ` +
        `\`balkanid-sf ${command === 'apply' ? 'plan' : 'check'}\` on the same orgs, then run ${command} with --yes. ` +
        'Nothing was written.',
    );
    return 2;
  }
  const limit = intFlag(flags, 'concurrency', 1, 32) ?? 10;
  if (!json) err(`${command} on ${targets.length} orgs, ${Math.min(limit, targets.length)} at a time…`);
  const outcomes = await mapLimit(targets, limit, async (org): Promise<OrgOutcome> => {
    const printed: string[] = [];
    const r = await run(
      command,
      flags,
      json,
      s => printed.push(s),
      s => json || err(`[${org}] ${s}`),
      deps,
      org,
      true,
    );
    return { org, ...r, output: printed.join('\n') };
  });
  if (json)
    out(
      toJson(outcomes.map(o => ({ targetOrg: o.org, exitCode: o.code, ...(JSON.parse(o.output || '{}') as object) }))),
    );
  else {
    if (['plan', 'handoff', 'preview'].includes(command))
      for (const o of outcomes) if (o.output) out(`\n── ${o.org} ──\n${o.output}`);
    out(`\n${renderTable(outcomes)}`);
  }
  return Math.max(...outcomes.map(o => o.code));
}

async function loadSetup(flags: Args['flags'], json: boolean, err: (s: string) => void) {
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
  return { manifest: loaded.manifest, certificate: await loadCertificate(manifestPath, loaded.manifest) };
}

async function run(
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
    const setup = needsManifest ? await loadSetup(flags, json, err) : undefined;
    progress('Connecting…');
    const client: JsforceClient = await connect(await credentials(flags, deps, target, setup?.manifest.targetOrg));
    if (!setup)
      return { code: await extract(command, flags, json, out, progress, client, undefined, many, target, row), row };
    const { manifest, certificate } = setup;
    const input = { client, manifest, certificate, reactivateUser: !!flags['reactivate-user'] };
    if (command === 'preview' || command === 'export')
      return { code: await extract(command, flags, json, out, progress, client, setup, many, target, row), row };
    const deployTimeout = intFlag(flags, 'deploy-timeout', 10, 24 * 3600);
    const deployTimeoutMs = deployTimeout && deployTimeout * 1000;
    const done = (r: Report) => {
      row.steps = `${r.steps.length - remaining(r)}/${r.steps.length}`;
      return remaining(r) ? 1 : 0;
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

/** upload: the export's two files to BalkanID's Bulk API (several orgs: one folder each, as export wrote them). */
async function upload(
  flags: Args['flags'],
  json: boolean,
  out: (s: string) => void,
  progress: (s: string) => void,
  target: string | undefined,
  row: OrgRow,
): Promise<number> {
  const { keyId, secret } = apiKeyFromEnv(flags['api-key-id'] as string | undefined);
  registerSecret(secret);
  const dir = resolve(String(flags.dir), target ? orgFolder(target) : '');
  const tenantUrl = (flags['tenant-url'] as string | undefined) ?? process.env.BALKANID_TENANT_URL;
  const r = await uploadToBalkanId({ tenantUrl, keyId, secret, dir, onProgress: progress });
  const files = r.uploaded.map(u => `${u.file} (${u.bytes.toLocaleString('en-US')} bytes)`).join(' and ');
  out(json ? toJson({ command: 'upload', dir, ...r }) : `Uploaded ${files} from ${dir} to BalkanID.`);
  row.result = `${r.uploaded.length} file(s) uploaded`;
  return 0;
}

/** The JWT login as the integration user with the private key given in --key (verify, preview, export). */
async function jwtOptions(
  flags: Args['flags'],
  client: OrgClient,
  manifest: Manifest,
  report: Report,
  progress: (s: string) => void,
) {
  const key = readPrivateKey(await readKeyFile(resolve(String(flags.key))));
  const h = report.handoff!;
  if (!h.consumerKey)
    throw new SetupError('The consumer key is not available yet: run apply first.', 'NO_CONSUMER_KEY', 'verify');
  return {
    instanceUrl: client.instanceUrl,
    consumerKey: h.consumerKey,
    username: manifest.user.username,
    key,
    audience: String(flags.audience ?? h.loginUrl),
    attempts: intFlag(flags, 'retries', 1, 30),
    baseDelayMs: intFlag(flags, 'retry-delay-ms', 0, 600_000),
    onProgress: progress,
  };
}

/** preview and export, as the admin or (with --key) as the integration user. */
async function extract(
  command: string,
  flags: Args['flags'],
  json: boolean,
  out: (s: string) => void,
  progress: (s: string) => void,
  admin: JsforceClient,
  setup: Awaited<ReturnType<typeof loadSetup>> | undefined,
  many: boolean,
  target: string | undefined,
  row: OrgRow,
): Promise<number> {
  let client: OrgClient = admin;
  let reader: { kind: 'integration' | 'admin'; username: string };
  if (setup) {
    const { report } = await check({ client: admin, ...setup });
    const login = await jwtSelfTest({
      ...(await jwtOptions(flags, admin, setup.manifest, report, progress)),
      session: true,
    });
    if (!login.ok || !login.client)
      throw new SetupError(
        `The JWT login as ${setup.manifest.user.username} failed: ${login.failure?.description ?? 'no session'}. ` +
          `${login.failure?.fix ?? ''} Nothing was read.`,
        'JWT_LOGIN_FAILED',
      );
    client = login.client;
    reader = { kind: 'integration', username: setup.manifest.user.username };
  } else {
    const { whoAmI } = await import('./core/probe');
    reader = { kind: 'admin', username: (await whoAmI(admin)).username ?? admin.userId };
  }
  const org = target ?? admin.instanceUrl;
  if (command === 'preview') {
    const p = await previewOrg(client, reader);
    out(json ? toJson({ command, org, ...p }) : renderPreview(p, org));
    const bad = p.sources.filter(s => s.unreadable).length;
    row.result = bad ? `${bad} list(s) unreadable` : `${p.sources.find(s => s.id === 'user')?.count ?? 0} users`;
    return bad ? 1 : 0;
  }
  const dir = many && target ? join(String(flags.out), orgFolder(target)) : String(flags.out);
  const started = Date.now();
  const r = await exportToDir(client, dir, {
    reader: reader.kind === 'integration' ? 'The integration user' : 'You',
    onProgress: p => {
      const line = progressLine(p);
      if (line) progress(line);
    },
  });
  const seconds = (Date.now() - started) / 1000;
  out(json ? toJson({ command, org, reader, ...r, seconds }) : renderExport(r, seconds));
  row.result = `${r.entities.user ?? 0} users, ${r.relations} relations`;
  return r.unreadable.length ? 1 : 0;
}
if (require.main === module)
  main(process.argv.slice(2)).then(code => {
    process.exitCode = code;
  });
