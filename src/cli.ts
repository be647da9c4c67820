#!/usr/bin/env node
// balkanid-sf: the setup engine from a terminal or CI. Progress goes to stderr, results to stdout.
// Exit codes: 0 everything done; 1 steps remain (or every write was made but the check afterwards failed);
// 2 error, nothing written; 3 error after some writes were made (the message lists them; run again).
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { apply, check, planOf, remaining, stepError, teardown, teardownPlan, gatherFacts } from './core/engine';
import { MANIFEST_FILE } from './core/manifest';
import { readPrivateKey } from './core/certificate';
import { Report, STEP_IDS, SetupError, isSetupError, StepId, Write, describeWrites } from './core/types';
import { connect, Credentials, JsforceClient } from './node/salesforce';
import { defaultTargetOrg, sfCredentials } from './node/sfcli';
import { loadCertificate, loadManifest, readKeyFile } from './node/workspace';
import { redact, redactDeep } from './core/redact';
import { jwtSelfTest, SelfTestResult } from './node/verify';

const USAGE = `Usage: balkanid-sf <command> [options]

Commands:
  check                 inspect every step (read-only)
  plan                  show the writes apply would make
  apply [--step <id>]   make them (asks first unless --yes); steps: ${STEP_IDS.join(', ')}
  verify [--key <file>] audit the setup; with the private key, log in as the integration user (JWT)
  handoff               print the values to paste into BalkanID
  teardown              remove what the setup created (asks first unless --yes)

Options:
  --manifest <file>                    setup manifest (default ./${MANIFEST_FILE})
  --target-org <alias|username>        an org authenticated with the Salesforce CLI
  --instance-url <url> --access-token <token>   or a session (the token may come from $SF_ACCESS_TOKEN)
  --audience <url>                     JWT audience for verify (default: login or test URL by org type)
  --retries <1-30>                     verify: JWT login attempts (default 10; changes take minutes to propagate)
  --retry-delay-ms <ms>                verify: first wait between attempts (default 15000, doubling)
  --deploy-timeout <seconds>           apply, teardown: stop waiting for the app's deploy after this long (default 600)
  --request-timeout <seconds>          give up on a single request after this long (default 120)
  --json                               one JSON document on stdout
  --yes                                do not ask before writing

Exit codes: 0 every step done; 1 steps remain; 2 error, nothing written; 3 error after some writes.
`;

interface Args { command: string; flags: Record<string, string | boolean> }
const COMMANDS = ['check', 'plan', 'apply', 'verify', 'handoff', 'teardown'];
const VALUE_FLAGS = ['manifest', 'target-org', 'instance-url', 'access-token', 'step', 'key', 'audience', 'retries', 'retry-delay-ms', 'deploy-timeout', 'request-timeout'];
const BOOL_FLAGS = ['json', 'yes', 'help'];
/** Which command each command-specific flag goes with. */
const FLAG_COMMANDS: Record<string, string[]> = {
  step: ['apply'], key: ['verify'], audience: ['verify'], retries: ['verify'], 'retry-delay-ms': ['verify'], 'deploy-timeout': ['apply', 'teardown'], yes: ['apply', 'teardown'],
};

/** A whole number within [min, max], or a USAGE error naming the flag. */
export function intFlag(flags: Args['flags'], name: string, min: number, max: number): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new SetupError(`--${name} must be a whole number from ${min} to ${max}, not "${v}".`, 'USAGE');
  return Number(v);
}

/** Strict: unknown flags, repeated flags, values on switches (`--yes=no`) and misplaced flags are errors. */
export function parseArgs(argv: string[]): Args {
  const [command, ...rest] = argv;
  const flags: Record<string, string | boolean> = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (!a.startsWith('--')) throw new SetupError(`Unexpected argument "${a}".`, 'USAGE');
    const eq = a.indexOf('=');
    const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
    const inline = eq === -1 ? undefined : a.slice(eq + 1);
    if (Object.hasOwn(flags, name)) throw new SetupError(`--${name} is given more than once.`, 'USAGE');
    if (BOOL_FLAGS.includes(name)) {
      if (inline !== undefined) throw new SetupError(`--${name} takes no value (got "--${name}=${inline}"): write --${name} alone, or leave it out.`, 'USAGE');
      flags[name] = true;
    } else if (VALUE_FLAGS.includes(name)) {
      const v = inline ?? rest[++i];
      if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new SetupError(`--${name} needs a value.`, 'USAGE');
      if (!v.trim()) throw new SetupError(`--${name} is empty.`, 'USAGE');
      flags[name] = v;
    } else throw new SetupError(`Unknown option --${name}.`, 'USAGE');
  }
  if (!command || command === '--help' || command === 'help') return { command: 'help', flags };
  if (!COMMANDS.includes(command)) throw new SetupError(`Unknown command "${command}". Commands: ${COMMANDS.join(', ')}.`, 'USAGE');
  if (flags.help) return { command: 'help', flags };
  for (const [flag, commands] of Object.entries(FLAG_COMMANDS))
    if (flags[flag] !== undefined && !commands.includes(command)) throw new SetupError(`--${flag} goes with ${commands.join(' or ')}, not ${command}.`, 'USAGE');
  if (flags.step && !STEP_IDS.includes(flags.step as StepId)) throw new SetupError(`Unknown step "${flags.step}". Steps: ${STEP_IDS.join(', ')}.`, 'USAGE');
  if ((flags['instance-url'] || flags['access-token']) && flags['target-org']) throw new SetupError('Use either --target-org or --instance-url with --access-token, not both.', 'USAGE');
  intFlag(flags, 'retries', 1, 30);
  intFlag(flags, 'retry-delay-ms', 0, 600_000);
  intFlag(flags, 'deploy-timeout', 10, 24 * 3600);
  intFlag(flags, 'request-timeout', 1, 600);
  return { command, flags };
}

const MARK: Record<string, string> = { done: '✔', todo: '○', drifted: '≠', blocked: '⊘', error: '✖' };
const STATE: Record<string, string> = { done: 'done', todo: 'to do', drifted: 'drifted', blocked: 'blocked', error: 'error' };

export function renderReport(r: Report): string {
  const lines = [`BalkanID setup — ${r.org.username} @ ${r.org.instanceUrl} (${r.org.isSandbox ? 'sandbox' : 'production'}, API ${r.org.apiVersion})`, ''];
  for (const s of r.steps) {
    lines.push(`${MARK[s.state]} ${s.title.padEnd(48)} ${STATE[s.state]}`);
    for (const f of s.findings) lines.push(`    ${f.severity === 'error' ? '!' : f.severity === 'warning' ? '~' : '·'} ${f.message}${f.fix ? `\n      → ${f.fix}` : ''}`);
  }
  const left = remaining(r);
  lines.push('', left ? `${r.steps.length - left}/${r.steps.length} steps done.` : `All ${r.steps.length} steps done.`);
  return lines.join('\n');
}

export function renderPlan(writes: Write[], heading = 'Planned writes:'): string {
  if (!writes.length) return 'Nothing to write: the org matches the setup.';
  return [heading, ...describeWrites(writes).map(l => `  ${l}`)].join('\n');
}

export function renderHandoff(r: Report): string {
  const h = r.handoff!;
  return ['Paste into BalkanID (Integrations → Add Integration → Salesforce → Direct integration):',
    `  Salesforce User Name : ${h.username}`, `  Consumer Key         : ${h.consumerKey ?? '(not available yet — run apply)'}`,
    `  Login URL            : ${h.loginUrl}`, `  Sandbox              : ${h.isSandbox ? 'yes' : 'no'}`].join('\n');
}

function renderSelfTest(t: SelfTestResult): string {
  if (t.failure) return `JWT login failed after ${t.attempts} attempt(s): ${t.failure.error}: ${t.failure.description}\n  Cause: ${t.failure.cause}\n  Fix: ${t.failure.fix}`;
  return [`JWT login as the integration user succeeded (attempt ${t.attempts} of at most ${t.maxAttempts}). What BalkanID can read:`,
    ...t.reads.map(r => `  ${r.error ? '✖' : '✔'} ${r.object.padEnd(24)} ${r.error ? `${r.error} — ${r.cause}` : `${r.count} record(s)`}`)].join('\n');
}

async function credentials(flags: Args['flags'], manifestTarget?: string): Promise<Credentials> {
  const seconds = intFlag(flags, 'request-timeout', 1, 600);
  const timeoutMs = seconds && seconds * 1000;
  const url = flags['instance-url'] as string | undefined;
  const token = (flags['access-token'] as string | undefined) ?? (url ? process.env.SF_ACCESS_TOKEN : undefined);
  if (url || flags['access-token']) {
    if (!url || !token) throw new SetupError('--instance-url and --access-token (or $SF_ACCESS_TOKEN) go together.', 'USAGE');
    return { instanceUrl: url, accessToken: token, timeoutMs };
  }
  const target = (flags['target-org'] as string | undefined) ?? manifestTarget ?? await defaultTargetOrg(process.cwd());
  if (!target) throw new SetupError('No org: pass --target-org <alias>, or --instance-url with --access-token, or set a default with `sf config set target-org <alias>`.', 'USAGE');
  return { ...(await sfCredentials(target)), timeoutMs };
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new SetupError('Refusing to write without confirmation: run with --yes (no terminal to ask on).', 'USAGE');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try { return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim()); } finally { rl.close(); }
}

/** `--json` output: every string redacted before it is quoted (after quoting, a pattern could miss an escaped one). */
const toJson = (value: unknown) => JSON.stringify(redactDeep(value), null, 2);

export async function main(argv: string[], write = (s: string) => process.stdout.write(s + '\n'), writeErr = (s: string) => process.stderr.write(s + '\n')): Promise<number> {
  // The one output boundary: whatever a server echoed (a token, a key, a secret) is redacted here.
  const out = (s: string) => write(redact(s));
  const err = (s: string) => writeErr(redact(s));
  let args: Args;
  try { args = parseArgs(argv); } catch (e: any) { err(`${e.message}\n\n${USAGE}`); return 2; }
  if (args.command === 'help' || args.flags.help) { out(USAGE); return 0; }
  const { command, flags } = args;
  const json = !!flags.json;
  try {
    const manifestPath = resolve(String(flags.manifest ?? MANIFEST_FILE));
    const loaded = await loadManifest(manifestPath);
    if (!loaded.manifest) {
      const problems = loaded.problems.map(p => `  ${p.path.length ? p.path.join('.') : '(manifest)'}: ${p.message} ${p.fix}`).join('\n');
      throw new SetupError(`The setup manifest ${manifestPath} has problems:\n${problems}`, 'MANIFEST');
    }
    const manifest = loaded.manifest;
    const certificate = await loadCertificate(manifestPath, manifest);
    const progress = (s: string) => { if (!json) err(s); };
    progress('Connecting…');
    const client: JsforceClient = await connect(await credentials(flags, manifest.targetOrg));
    const input = { client, manifest, certificate };
    const deployTimeout = intFlag(flags, 'deploy-timeout', 10, 24 * 3600);
    const deployTimeoutMs = deployTimeout && deployTimeout * 1000;
    const done = (r: Report) => (remaining(r) ? 1 : 0);

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
        if (!writes.length) { out(json ? toJson({ command, ...report, writes: [] }) : renderReport(report)); return done(report); }
        if (!(await confirm('Apply these writes?'))) { err('Nothing written.'); return 1; }
      }
      const { report, writes } = await apply(input, { steps, onProgress: progress, deployTimeoutMs });
      out(json ? toJson({ command, ...report, writes }) : `${renderReport(report)}\n\n${writes.length} write(s) made.`);
      return steps ? (report.steps.find(s => s.id === steps[0])!.state === 'done' ? 0 : 1) : done(report);
    }
    if (command === 'verify') {
      const { report } = await check(input);
      let selfTest: SelfTestResult | undefined;
      if (flags.key) {
        const key = readPrivateKey(await readKeyFile(resolve(String(flags.key))));
        const h = report.handoff!;
        if (!h.consumerKey) throw new SetupError('The consumer key is not available yet: run apply first.', 'NO_CONSUMER_KEY', 'verify');
        selfTest = await jwtSelfTest({ instanceUrl: client.instanceUrl, consumerKey: h.consumerKey, username: manifest.user.username, key, audience: String(flags.audience ?? h.loginUrl),
          attempts: intFlag(flags, 'retries', 1, 30), baseDelayMs: intFlag(flags, 'retry-delay-ms', 0, 600_000), onProgress: progress });
      }
      out(json ? toJson({ command, ...report, selfTest }) : `${renderReport(report)}${selfTest ? `\n\n${renderSelfTest(selfTest)}` : '\n\n(No --key: the JWT login was not tried.)'}`);
      return remaining(report) || (selfTest && !selfTest.ok) ? 1 : 0;
    }
    if (command === 'handoff') {
      const { report } = await check(input);
      out(json ? toJson({ command, ...report.handoff }) : renderHandoff(report));
      return report.handoff?.consumerKey ? 0 : 1;
    }
    // teardown
    const plan = teardownPlan(await gatherFacts(client, manifest), manifest);
    if (!flags.yes) {
      err(renderPlan(plan));
      if (!plan.length) return 0;
      if (!(await confirm('Remove these?'))) { err('Nothing removed.'); return 1; }
    }
    const removed = await teardown(input, { onProgress: progress, deployTimeoutMs });
    out(json ? toJson({ command, removed }) : `${renderPlan(removed, 'Removed:')}\nThe profile "${manifest.profile.name}" stays: the deactivated user still holds it.`);
    return 0;
  } catch (raw: any) {
    // Errors before any step ran (manifest, connection) belong to the preflight (or verify) step.
    const e = raw?.code === 'USAGE' ? raw : stepError(command === 'verify' ? 'verify' : 'preflight', raw, []);
    const message = isSetupError(e) ? e.message : `Unexpected error: ${e?.message ?? e}`;
    const writes: Write[] | undefined = isSetupError(e) ? e.writes : undefined;
    if (json) out(toJson({ command, error: { code: e?.code ?? 'ERROR', step: e?.step, message, writes: writes ?? [], uncertain: e?.uncertain } }));
    err(message);
    if (e?.code === 'RECHECK_FAILED') return 1;
    return writes?.length || e?.uncertain ? 3 : 2;
  }
}

if (require.main === module) main(process.argv.slice(2)).then(code => { process.exitCode = code; });
