#!/usr/bin/env node
// balkanid-sf: the setup engine from a terminal or CI. Progress goes to stderr, results to stdout.
// Exit codes: 0 everything done; 1 steps remain (or every write was made but the check afterwards failed);
// 2 error, nothing written; 3 error after some writes were made (the message lists them; run again).
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { redact } from './core/redact';
import { Args, intFlag, parseArgs, USAGE } from './cli/args';
import { CliDeps, toJson } from './cli/common';
import { run } from './cli/commands';
import { liveOrgs, mapLimit, OrgOutcome, renderTable } from './cli/orgs';
import { listOrgs } from './node/sfcli';
import { startTrace, stopTrace } from './node/trace';

export { parseArgs, intFlag } from './cli/args';
export { renderHandoff, renderPlan, renderReport } from './cli/render';
export type { CliDeps } from './cli/common';

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
    err(`${e.message}\nRun \`balkanid-sf help\` for every command and option.`);
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
  const limit = intFlag(flags, 'concurrency', 1, 32) ?? 20;
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

if (require.main === module)
  main(process.argv.slice(2)).then(code => {
    process.exitCode = code;
  });
