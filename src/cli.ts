#!/usr/bin/env node
// balkanid-sf: the setup engine from a terminal or CI. Progress goes to stderr, results to stdout.
// Exit codes: 0 everything done, 1 findings remain, 2 error.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { apply, check, planOf, remaining, teardown, teardownPlan, gatherFacts } from './core/engine';
import { MANIFEST_FILE } from './core/manifest';
import { readPrivateKey } from './core/certificate';
import { Report, STEP_IDS, SetupError, StepId, Write, describeWrites } from './core/types';
import { connect, Credentials, JsforceClient } from './node/salesforce';
import { defaultTargetOrg, sfCredentials } from './node/sfcli';
import { loadCertificate, loadManifest } from './node/workspace';
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
  --json                               one JSON document on stdout
  --yes                                do not ask before writing
`;

interface Args { command: string; flags: Record<string, string | boolean> }
const VALUE_FLAGS = ['manifest', 'target-org', 'instance-url', 'access-token', 'step', 'key', 'audience', 'retries', 'retry-delay-ms'];
const BOOL_FLAGS = ['json', 'yes', 'help'];

export function parseArgs(argv: string[]): Args {
  const [command, ...rest] = argv;
  const flags: Record<string, string | boolean> = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith('--')) throw new SetupError(`Unexpected argument "${a}".`, 'USAGE');
    const [name, inline] = a.slice(2).split(/=(.*)/s);
    if (BOOL_FLAGS.includes(name)) flags[name] = true;
    else if (VALUE_FLAGS.includes(name)) {
      const v = inline ?? rest[++i];
      if (v === undefined || v.startsWith('--')) throw new SetupError(`--${name} needs a value.`, 'USAGE');
      flags[name] = v;
    } else throw new SetupError(`Unknown option --${name}.`, 'USAGE');
  }
  if (!command || command === '--help' || command === 'help') return { command: 'help', flags };
  if (!['check', 'plan', 'apply', 'verify', 'handoff', 'teardown'].includes(command)) throw new SetupError(`Unknown command "${command}".`, 'USAGE');
  if (flags.step && !STEP_IDS.includes(flags.step as StepId)) throw new SetupError(`Unknown step "${flags.step}". Steps: ${STEP_IDS.join(', ')}.`, 'USAGE');
  if (flags.step && command !== 'apply') throw new SetupError('--step goes with apply.', 'USAGE');
  if (flags.key && command !== 'verify') throw new SetupError('--key goes with verify.', 'USAGE');
  if ((flags['instance-url'] || flags['access-token']) && flags['target-org']) throw new SetupError('Use either --target-org or --instance-url with --access-token, not both.', 'USAGE');
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
  return [`JWT login as the integration user succeeded (attempt ${t.attempts}). What BalkanID can read:`,
    ...t.reads.map(r => `  ${r.error ? '✖' : '✔'} ${r.object.padEnd(24)} ${r.error ? `${r.error} — ${r.cause}` : `${r.count} record(s)`}`)].join('\n');
}

async function credentials(flags: Args['flags'], manifestTarget?: string): Promise<Credentials> {
  const url = flags['instance-url'] as string | undefined;
  const token = (flags['access-token'] as string | undefined) ?? (url ? process.env.SF_ACCESS_TOKEN : undefined);
  if (url || flags['access-token']) {
    if (!url || !token) throw new SetupError('--instance-url and --access-token (or $SF_ACCESS_TOKEN) go together.', 'USAGE');
    return { instanceUrl: url, accessToken: token };
  }
  const target = (flags['target-org'] as string | undefined) ?? manifestTarget ?? await defaultTargetOrg(process.cwd());
  if (!target) throw new SetupError('No org: pass --target-org <alias>, or --instance-url with --access-token, or set a default with `sf config set target-org <alias>`.', 'USAGE');
  return sfCredentials(target);
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new SetupError('Refusing to write without confirmation: run with --yes (no terminal to ask on).', 'USAGE');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try { return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim()); } finally { rl.close(); }
}

export async function main(argv: string[], out = (s: string) => process.stdout.write(s + '\n'), err = (s: string) => process.stderr.write(s + '\n')): Promise<number> {
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
    const done = (r: Report) => (remaining(r) ? 1 : 0);

    if (command === 'check') {
      const { report } = await check(input);
      out(json ? JSON.stringify({ command, ...report }, null, 2) : renderReport(report));
      return done(report);
    }
    if (command === 'plan') {
      const { report } = await check(input);
      const writes = planOf(report);
      out(json ? JSON.stringify({ command, ...report, plan: writes }, null, 2) : `${renderReport(report)}\n\n${renderPlan(writes)}`);
      return writes.length ? 1 : 0;
    }
    if (command === 'apply') {
      const steps = flags.step ? [flags.step as StepId] : undefined;
      if (!flags.yes) {
        const { report } = await check(input);
        const writes = planOf(report).filter(w => !steps || steps.includes(w.step));
        err(renderPlan(writes));
        if (!writes.length) { out(json ? JSON.stringify({ command, ...report, writes: [] }, null, 2) : renderReport(report)); return done(report); }
        if (!(await confirm('Apply these writes?'))) { err('Nothing written.'); return 1; }
      }
      const { report, writes } = await apply(input, { steps, onProgress: progress });
      out(json ? JSON.stringify({ command, ...report, writes }, null, 2) : `${renderReport(report)}\n\n${writes.length} write(s) made.`);
      return steps ? (report.steps.find(s => s.id === steps[0])!.state === 'done' ? 0 : 1) : done(report);
    }
    if (command === 'verify') {
      const { report } = await check(input);
      let selfTest: SelfTestResult | undefined;
      if (flags.key) {
        const key = readPrivateKey(await readFile(String(flags.key), 'utf8'));
        const h = report.handoff!;
        if (!h.consumerKey) throw new SetupError('The consumer key is not available yet: run apply first.', 'NO_CONSUMER_KEY', 'verify');
        selfTest = await jwtSelfTest({ instanceUrl: client.instanceUrl, consumerKey: h.consumerKey, username: manifest.user.username, key, audience: String(flags.audience ?? h.loginUrl),
          attempts: flags.retries ? Number(flags.retries) : undefined, baseDelayMs: flags['retry-delay-ms'] ? Number(flags['retry-delay-ms']) : undefined, onProgress: progress });
      }
      out(json ? JSON.stringify({ command, ...report, selfTest }, null, 2) : `${renderReport(report)}${selfTest ? `\n\n${renderSelfTest(selfTest)}` : '\n\n(No --key: the JWT login was not tried.)'}`);
      return remaining(report) || (selfTest && !selfTest.ok) ? 1 : 0;
    }
    if (command === 'handoff') {
      const { report } = await check(input);
      out(json ? JSON.stringify({ command, ...report.handoff }, null, 2) : renderHandoff(report));
      return report.handoff?.consumerKey ? 0 : 1;
    }
    // teardown
    const plan = teardownPlan(await gatherFacts(client, manifest), manifest);
    if (!flags.yes) {
      err(renderPlan(plan));
      if (!plan.length) return 0;
      if (!(await confirm('Remove these?'))) { err('Nothing removed.'); return 1; }
    }
    const removed = await teardown(input, { onProgress: progress });
    out(json ? JSON.stringify({ command, removed }, null, 2) : `${renderPlan(removed, 'Removed:')}\nThe profile "${manifest.profile.name}" stays: the deactivated user still holds it.`);
    return 0;
  } catch (e: any) {
    const message = e instanceof SetupError ? e.message : `Unexpected error: ${e?.message ?? e}`;
    if (json) out(JSON.stringify({ command, error: { code: e?.code ?? 'ERROR', step: e?.step, message } }, null, 2));
    err(message);
    return 2;
  }
}

if (require.main === module) main(process.argv.slice(2)).then(code => { process.exitCode = code; });
