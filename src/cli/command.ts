// What a command of balkanid-sf is: a value, not a branch. Each command is one module in commands/ that declares
// its name, what it needs (options, the setup manifest, a connection) and whether it writes, and runs with what it
// declared already prepared. The usage text, the option checks, several orgs and the error paths derive from it.
import type { Clock } from '../core/clock';
import type { CertificateInfo } from '../core/certificate';
import type { Manifest } from '../core/manifest';
import type { SetupError, StepId } from '../core/types';
import type { JsforceClient } from '../node/salesforce';
import type { Credentials } from '../node/salesforce';
import type { SfOrg } from '../node/sfcli';
import type { CommonFlag, FlagName, FlagValue } from './flags';

/** Where orgs come from: the Salesforce CLI (tests give a stand-in). */
export interface CliDeps {
  credentials?: (target: string, options?: { timeoutMs?: number; signal?: AbortSignal }) => Promise<Credentials>;
  listOrgs?: () => Promise<SfOrg[]>;
  /** The one clock of the run (tests inject theirs). */
  clock?: Clock;
}

/** 0 every step done; 1 steps remain; 2 error, nothing written; 3 error after some writes. */
export type ExitCode = 0 | 1 | 2 | 3;

/** An org's line in the several-orgs table: steps done, writes, what it produced, or why it failed. */
export interface OrgLine {
  /** "5/7" steps done. */
  steps?: string;
  /** Writes made (apply, teardown) or planned (plan). */
  writes?: string;
  /** What it produced (export, preview, upload, handoff). */
  result?: string;
  error?: string;
}

/** What a command reports for one org: its exit code and its line in the table. */
export interface Outcome extends OrgLine {
  code: ExitCode;
}

/** The options a command takes besides the COMMON ones, each required or optional. */
export type Takes = Partial<Record<FlagName, 'required' | 'optional'>>;
type RequiredIn<T extends Takes> = { [K in keyof T]: T[K] extends 'required' ? K : never }[keyof T] & FlagName;
/** The options as the command sees them: a required one is always there; one it does not take cannot be read. */
export type FlagsOf<T extends Takes> = { readonly [K in RequiredIn<T>]: FlagValue<K> } & {
  readonly [K in Exclude<keyof T & FlagName, RequiredIn<T>> | CommonFlag]?: FlagValue<K>;
};

/** The setup manifest and BalkanID's certificate (or why it could not be read), loaded before the command runs. */
export interface Setup {
  manifest: Manifest;
  certificate: CertificateInfo | SetupError | undefined;
}

/** Whether the command reads the setup manifest: always, never, only when it logs in with --key, or when there is one
 *  (a read-only command proposes values without it). */
export type NeedsManifest = boolean | 'with --key' | 'if present';

export interface CommandContext<T extends Takes, M extends NeedsManifest, C extends boolean> {
  flags: FlagsOf<T>;
  json: boolean;
  /** stdout: the result (redacted at main's boundary). */
  out: (s: string) => void;
  /** stderr, always (a plan shown before asking). */
  err: (s: string) => void;
  /** Progress on stderr; silent with --json. */
  progress: (s: string) => void;
  clock: Clock;
  deps: CliDeps;
  /** The org as named on the command line (--target-org); with several orgs, this run's. */
  target?: string;
  /** Several orgs in one run: each writes its files to a folder of its own. */
  many: boolean;
  /** Aborts on Ctrl+C, SIGTERM or SIGHUP (its reason says which): the connection's exchanges stop with it. */
  signal: AbortSignal;
  /** The org's connection (connects: true). */
  client: C extends true ? JsforceClient : undefined;
  /** The manifest and certificate (needsManifest). */
  setup: M extends true ? Setup : M extends 'with --key' | 'if present' ? Setup | undefined : undefined;
}

export interface Command<
  T extends Takes = Takes,
  M extends NeedsManifest = NeedsManifest,
  C extends boolean = boolean,
> {
  name: string;
  /** One line for the list of commands. */
  summary: string;
  /** More about it, for `balkanid-sf help <command>` (optional). */
  details?: string;
  flags: T;
  needsManifest: M;
  /** Connects to the org (upload does not: it sends files to BalkanID). */
  connects: C;
  /** Writes to the org: it asks first unless --yes, and several orgs need --yes after a review with `review`. */
  writes: false | { review: string };
  /** With several orgs: 'line' prints only the table; 'output' prints each org's output above it. */
  perOrg: 'line' | 'output';
  /** The step an error before any step ran (the manifest, the connection) is reported under; none for commands
   *  that are no setup step (preview, export, upload). */
  errorStep?: StepId;
  /** Checks of its options beyond the declared ones (exclusions, formats); throws a USAGE error. */
  check?(flags: FlagsOf<T>, targets: string[]): void;
  run(ctx: CommandContext<T, M, C>): Promise<Outcome>;
}

/** Declares a command; the compiler checks its options, what it reads from the context, and that it has a handler. */
export function defineCommand<const T extends Takes, const M extends NeedsManifest, const C extends boolean>(
  command: Command<T, M, C>,
): Command<T, M, C> {
  return command;
}
