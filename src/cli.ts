#!/usr/bin/env node
// balkanid-sf: the setup engine from a terminal or CI. Progress goes to stderr, results to stdout.
// Exit codes: 0 everything done; 1 steps remain (or every write was made but the check afterwards failed);
// 2 error, nothing written; 3 error after some writes were made (the message lists them; run again).
// The commands are in cli/commands/ (one module each, listed in cli/commands/index.ts); the options in cli/flags.ts.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { version } from '../package.json';
import { inert } from './core/inertText';
import { redact } from './core/redact';
import { messageOf } from './core/types';
import { commandNamed, COMMANDS } from './cli/commands/index';
import type { CliDeps } from './cli/common';
import { Args, parseFlags, usageError } from './cli/flags';
import { liveOrgs } from './cli/orgs';
import { withInterrupts } from './cli/interrupt';
import { checkArgs, runMany, runOne } from './cli/run';
import { commandHelp, usage } from './cli/usage';
import { listOrgs } from './node/sfcli';
import { linkProblem, startTrace, stopTrace } from './node/trace';

export { intFlag } from './cli/flags';
export { renderHandoff, renderPlan, renderReport } from './cli/render';
export type { CliDeps } from './cli/command';

const unknownCommand = (name: string) =>
  usageError(`Unknown command "${name}". Commands: ${COMMANDS.map(c => c.name).join(', ')}.`);

/** The command line checked: the command (undefined: help or --version, answered already) and its options. */
export function parseArgs(argv: string[]): Args & { command: string } {
  const a = parseFlags(argv);
  const c = commandNamed(a.command);
  if (a.command === undefined || a.command === 'help' || (c && a.flags.help)) return { ...a, command: 'help' };
  if (!c) throw unknownCommand(a.command);
  checkArgs(c, a);
  return { ...a, command: c.name };
}

export async function main(
  argv: string[],
  write: (s: string) => void = s => process.stdout.write(s + '\n'),
  writeErr: (s: string) => void = s => process.stderr.write(s + '\n'),
  deps: CliDeps = {},
): Promise<number> {
  // The one output boundary: whatever a server echoed (a token, a key, a secret) is redacted here, and whatever came
  // from outside (org data, messages, aliases) is shown, never interpreted by the terminal (--json's own escaping
  // already leaves nothing to change).
  const out = (s: string) => write(inert(redact(s), { lines: true }));
  const err = (s: string) => writeErr(inert(redact(s), { lines: true }));
  let args: Args;
  const command = commandNamed(argv[0]);
  try {
    args = parseFlags(argv);
    if (args.flags.version) return (out(`balkanid-sf ${version}`), 0);
    if (args.command === undefined || args.command === 'help') {
      const topic = args.topic === undefined ? undefined : commandNamed(args.topic);
      if (args.topic !== undefined && !topic) throw unknownCommand(args.topic);
      return (out(topic ? commandHelp(topic) : usage()), 0);
    }
    if (!command) throw unknownCommand(args.command);
    if (args.flags.help) return (out(commandHelp(command)), 0);
    checkArgs(command, args);
  } catch (e) {
    const help = command
      ? `\`balkanid-sf help ${command.name}\` for its options`
      : '`balkanid-sf help` for every command and option';
    err(`${messageOf(e)}\nRun ${help}.`);
    return 2;
  }
  const { flags } = args;
  const traceFile = typeof flags.trace === 'string' ? resolve(flags.trace) : undefined;
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
      } catch (e) {
        err(`--all-orgs: ${messageOf(e)}`);
        return 2;
      }
      if (!targets.length) {
        err('--all-orgs: the Salesforce CLI knows no org that has not expired. Log in with: sf org login web');
        return 2;
      }
    }
    const many = targets.length > 1 || !!flags['all-orgs'];
    return await withInterrupts(err, async signal => {
      const io = { out, err, signal };
      if (many) return runMany(command, args, io, deps, targets);
      return (await runOne(command, args, io, deps, targets[0])).code;
    });
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
  const link = await linkProblem(file);
  if (link) return link;
  const dir = await stat(dirname(file)).catch(() => undefined);
  if (!dir?.isDirectory()) return `the folder ${dirname(file)} does not exist`;
  if ((await stat(file).catch(() => undefined))?.isDirectory())
    return 'that is a folder; give a file name such as trace.har';
  return access(dirname(file), constants.W_OK).then(
    () => undefined,
    () => `the folder ${dirname(file)} is not writable`,
  );
}

if (require.main === module)
  main(process.argv.slice(2)).then(code => {
    process.exitCode = code;
  });
