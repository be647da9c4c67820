// Running a command: its options checked against its declaration, what it declared prepared (the manifest, the
// connection), and every error turned into the same outcome — an exit code, the message, and with --json the error
// document. Several orgs run the command on each, at most --concurrency at once, and end with one table.
import { systemClock } from '../core/clock';
import { inert } from '../core/inertText';
import { stepError } from '../core/errors';
import { codeOf, isSetupError, messageOf, Write } from '../core/types';
import { connect } from '../node/salesforce';
import type { Command, FlagsOf, Outcome, Takes } from './command';
import { CliDeps, credentials, loadSetup, toJson } from './common';
import { Args, checkCommonFlags, COMMON_FLAGS, FlagName, FLAGS, intFlag, usageError } from './flags';
import { mapLimit, OrgOutcome, renderTable } from './orgs';
import { commandsTaking } from './usage';

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Ctrl+C, SIGTERM, SIGHUP (interrupt.ts). */
  signal: AbortSignal;
}

const common = new Set<FlagName>(COMMON_FLAGS);

/** The options against the command's declaration: another command's option, a missing one, its own checks. */
export function checkArgs(c: Command, a: Args): void {
  for (const name of Object.keys(a.flags) as FlagName[])
    if (!common.has(name) && !c.flags[name])
      throw usageError(`--${name} goes with ${commandsTaking(name).join(' or ')}, not ${c.name}.`);
  checkCommonFlags(a);
  c.check?.(a.flags as FlagsOf<Takes>, a.targets);
  for (const [name, need] of Object.entries(c.flags) as Array<[FlagName, string]>)
    if (need === 'required' && a.flags[name] === undefined) {
      const spec: { value?: string; summary: string } = FLAGS[name];
      throw usageError(`${c.name} needs --${name} ${spec.value}: ${spec.summary}.`);
    }
}

/** One org (or none: upload alone): prepares what the command declared, runs it, turns an error into its outcome. */
export async function runOne(
  c: Command,
  a: Args,
  io: Io,
  deps: CliDeps,
  target: string | undefined,
  many = false,
): Promise<Outcome> {
  const json = !!a.flags.json;
  const progress = (s: string) => {
    if (!json) io.err(s);
  };
  const clock = deps.clock ?? systemClock;
  try {
    const needsManifest = c.needsManifest === 'with --key' ? !!a.flags.key : !!c.needsManifest;
    const setup = needsManifest
      ? await loadSetup(a.flags, json, io.err, clock).catch((e: unknown) => {
          // A read-only command without a manifest goes on (it proposes values); the others say what to do.
          if (c.needsManifest === 'if present' && codeOf(e) === 'NO_MANIFEST') return undefined;
          throw e;
        })
      : undefined;
    let client;
    if (c.connects) {
      progress('Connecting…');
      client = await connect(await credentials(a.flags, deps, target, setup?.manifest.targetOrg, io.signal));
    }
    const flags = a.flags as FlagsOf<Takes>;
    const { signal } = io;
    return await c.run({
      flags,
      json,
      out: io.out,
      err: io.err,
      progress,
      clock,
      deps,
      target,
      many,
      client,
      setup,
      signal,
    });
  } catch (raw) {
    // Errors before any step ran (a bad manifest, the connection) belong to the command's step (preflight, or verify);
    // a manifest not written yet is no failed step: the message says how to write it.
    const e =
      ['USAGE', 'NO_MANIFEST'].includes(codeOf(raw) ?? '') || !c.errorStep ? raw : stepError(c.errorStep, raw, []);
    const message = isSetupError(e) ? e.message : `Unexpected error: ${messageOf(e)}`;
    const writes: Write[] | undefined = isSetupError(e) ? e.writes : undefined;
    const uncertain = isSetupError(e) ? e.uncertain : undefined;
    if (json) {
      const step = isSetupError(e) ? e.step : undefined;
      const error = { code: codeOf(e) ?? 'UNKNOWN', step, message, writes: writes ?? [], uncertain };
      io.out(toJson({ command: c.name, error }));
    }
    if (!many) io.err(message);
    // The writes made before the failure count in the several-orgs table too (an interrupted apply).
    const made = writes?.length ? { writes: String(writes.length) } : {};
    if (codeOf(e) === 'RECHECK_FAILED') return { code: 1, error: message, ...made };
    return { code: writes?.length || uncertain ? 3 : 2, error: message, ...made };
  }
}

/** Several orgs: each on its own, at most --concurrency at once; one table (or one JSON entry per org). */
export async function runMany(c: Command, a: Args, io: Io, deps: CliDeps, targets: string[]): Promise<number> {
  const json = !!a.flags.json;
  if (c.writes && !a.flags.yes) {
    io.err(
      `${c.name} on ${targets.length} orgs writes without asking each time: review what it would do with ` +
        `\`balkanid-sf ${c.writes.review}\` on the same orgs, then run ${c.name} with --yes. Nothing was written.`,
    );
    return 2;
  }
  const limit = intFlag(a.flags, 'concurrency') ?? 20;
  if (!json) io.err(`${c.name} on ${targets.length} orgs, ${Math.min(limit, targets.length)} at a time…`);
  const outcomes = await mapLimit(targets, limit, async (org): Promise<OrgOutcome> => {
    const printed: string[] = [];
    const mine: Io = { out: s => printed.push(s), err: s => json || io.err(`[${inert(org)}] ${s}`), signal: io.signal };
    const outcome = await runOne(c, a, mine, deps, org, true);
    return { org, ...outcome, output: printed.join('\n') };
  });
  if (json) {
    const entries = outcomes.map(o => ({
      targetOrg: o.org,
      exitCode: o.code,
      ...(JSON.parse(o.output || '{}') as object),
    }));
    io.out(toJson(entries));
  } else {
    if (c.perOrg === 'output') {
      for (const o of outcomes) if (o.output) io.out(`\n── ${inert(o.org)} ──\n${o.output}`);
    }
    io.out(`\n${renderTable(outcomes)}`);
  }
  return Math.max(...outcomes.map(o => o.code));
}
