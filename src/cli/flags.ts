// Every option of balkanid-sf, declared once: its value (or none: a switch), what it means, and the range of a number.
// A command lists the options it takes (commands/<name>.ts); the COMMON ones go with every command. Parsing is
// strict: an unknown or repeated option, a value on a switch (`--yes=no`) or a missing value is an error.
import { MANIFEST_FILE } from '../core/manifest';
import { USERS_CHOICES } from '../core/extract/sources';
import { SetupError, STEP_IDS } from '../core/types';

export interface FlagSpec {
  /** The value's placeholder in the usage text; without one the option is a switch (`--json`) and takes no value. */
  value?: string;
  summary: string;
  /** A whole number from min to max. */
  range?: readonly [number, number];
  /** May be given several times, each value kept in order (`--target-org`). */
  repeatable?: true;
}

export const FLAGS = {
  // Where the setup and the org come from (every command).
  manifest: { value: '<file>', summary: `the setup manifest (default ./${MANIFEST_FILE})` },
  'target-org': {
    value: '<alias|username>',
    summary: 'an org authenticated with the Salesforce CLI (repeat it for several orgs)',
    repeatable: true,
  },
  'all-orgs': { summary: 'every org the Salesforce CLI knows that is not expired' },
  concurrency: { value: '<1-32>', range: [1, 32], summary: 'several orgs: how many run at once (default 20)' },
  'instance-url': { value: '<url>', summary: "or the org's address, with --access-token (or $SF_ACCESS_TOKEN)" },
  'access-token': { value: '<token>', summary: 'the session for --instance-url (may come from $SF_ACCESS_TOKEN)' },
  'request-timeout': {
    value: '<seconds>',
    range: [1, 600],
    summary: 'give up on a single request after this long (default 120)',
  },
  trace: {
    value: '<file.har>',
    summary: 'write every HTTP exchange as HAR 1.2, secrets redacted (for reporting a real-org issue)',
  },
  json: { summary: 'one JSON document on stdout' },
  help: { summary: 'this help' },
  version: { summary: 'the version of balkanid-sf' },
  // The setup commands.
  step: { value: '<id>', summary: `only this step: ${STEP_IDS.join(', ')}` },
  yes: { summary: 'do not ask before writing' },
  'deploy-timeout': {
    value: '<seconds>',
    range: [10, 24 * 3600],
    summary: "stop waiting for the app's deploy after this long (default 600)",
  },
  'reactivate-user': { summary: 'reactivate the integration user if it is inactive (after a teardown)' },
  username: { value: '<name>', summary: `no manifest yet: write ./${MANIFEST_FILE} for this integration user first` },
  email: { value: '<address>', summary: "no manifest yet: the integration user's email (with --username)" },
  certificate: { value: '<file>', summary: "no manifest yet: BalkanID's certificate (default salesforce.crt)" },
  'consumer-key': {
    value: '<key>',
    summary: "the app's consumer key, copied from Setup, when the org gives it to this tool by no route (see handoff)",
  },
  // Logging in as the integration user.
  key: {
    value: '<file>',
    summary: 'the private key matching salesforce.crt: log in as the integration user (JWT)',
  },
  audience: { value: '<url>', summary: 'the JWT audience (default: the login or test URL by org type)' },
  retries: {
    value: '<1-30>',
    range: [1, 30],
    summary: 'JWT login attempts (default 10; changes take minutes to reach the login servers)',
  },
  'retry-delay-ms': {
    value: '<ms>',
    range: [0, 600_000],
    summary: 'the first wait between JWT login attempts (default 15000, doubling)',
  },
  // The files for BalkanID.
  out: { value: '<folder>', summary: 'where entities.csv and entity-relations.csv are written' },
  app: {
    value: '<id>',
    summary: 'the App column: the id of an app in your BalkanID tenant (default "salesforce")',
  },
  users: {
    value: '<standard|active|all>',
    summary:
      'which users: internal users active and deactivated (standard, the default), active internal users, or all ' +
      '(portal, community, Chatter Free and guest users too)',
  },
  'neutralize-formulas': {
    summary: "prefix cells starting with = + - @ TAB or CR with ' (for files opened in a spreadsheet; OWASP)",
  },
  'skip-app-check': {
    summary: "upload without looking the App up in the tenant's apps first (when BalkanID's apps list is unavailable)",
  },
  dir: { value: '<folder>', summary: 'the folder export wrote' },
  'tenant-url': {
    value: '<url>',
    summary: 'your BalkanID tenant (default $BALKANID_TENANT_URL or https://app.balkan.id)',
  },
  'api-key-id': {
    value: '<id>',
    summary: "BalkanID's API key ID (or $BALKANID_API_KEY_ID; the secret only from $BALKANID_API_KEY_SECRET)",
  },
} as const satisfies Record<string, FlagSpec>;

export type FlagName = keyof typeof FLAGS;
/** The options every command takes. */
export const COMMON_FLAGS = [
  'manifest',
  'target-org',
  'all-orgs',
  'concurrency',
  'instance-url',
  'access-token',
  'request-timeout',
  'trace',
  'json',
  'help',
  'version',
] as const satisfies readonly FlagName[];
export type CommonFlag = (typeof COMMON_FLAGS)[number];

/** A switch is true when given; an option with a value holds its text. */
export type FlagValue<K extends FlagName> = (typeof FLAGS)[K] extends { value: string } ? string : true;

/** The command line as parsed: the command (undefined: none given), its options, and every --target-org in order. */
export interface Args {
  command?: string;
  /** `help <command>`: the command asked about. */
  topic?: string;
  flags: Partial<Record<FlagName, string | true>>;
  /** Every --target-org given, in order (flags['target-org'] holds the first). */
  targets: string[];
}

export const usageError = (message: string) => new SetupError(message, 'USAGE');

const isFlag = (name: string): name is FlagName => Object.hasOwn(FLAGS, name);
const spec = (name: FlagName): FlagSpec => FLAGS[name];

/** A whole number within the option's range (FLAGS), or undefined when it is not given. */
export function intFlag(flags: Args['flags'], name: FlagName): number | undefined {
  const v = flags[name];
  const range = spec(name).range;
  if (v === undefined || !range) return undefined;
  const [min, max] = range;
  if (typeof v !== 'string' || !/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
    throw usageError(`--${name} must be a whole number from ${min} to ${max}, not "${v}".`);
  return Number(v);
}

/**
 * Strict: an unknown option, a repeated one (but --target-org), a value on a switch (`--yes=no`), an option without
 * its value or an argument that is no option is an error. Which command takes which option is checked apart
 * (checkFlags), against the command's declaration.
 */
export function parseFlags(argv: string[]): Args {
  const first = argv[0];
  const command = first !== undefined && !first.startsWith('--') ? first : undefined;
  const rest = command === undefined ? argv : argv.slice(1);
  const flags: Args['flags'] = {};
  const targets: string[] = [];
  let topic: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (!a.startsWith('--')) {
      if (command === 'help' && topic === undefined && i === 0) {
        topic = a;
        continue;
      }
      throw usageError(`Unexpected argument "${a}".`);
    }
    const eq = a.indexOf('=');
    const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
    const inline = eq === -1 ? undefined : a.slice(eq + 1);
    if (/secret/i.test(name))
      throw usageError(
        `--${name}: the BalkanID API key secret is never taken from a flag (it would stay in your shell history and ` +
          'process list). Set $BALKANID_API_KEY_SECRET instead.',
      );
    if (!isFlag(name)) throw usageError(`Unknown option --${name}.`);
    const s = spec(name);
    if (Object.hasOwn(flags, name) && !s.repeatable) throw usageError(`--${name} is given more than once.`);
    if (!s.value) {
      if (inline !== undefined)
        throw usageError(
          `--${name} takes no value (got "--${name}=${inline}"): write --${name} alone, or leave it out.`,
        );
      flags[name] = true;
      continue;
    }
    const v = inline ?? rest[++i];
    if (v === undefined || (inline === undefined && v.startsWith('--'))) throw usageError(`--${name} needs a value.`);
    if (!v.trim()) throw usageError(`--${name} is empty.`);
    if (s.repeatable) {
      if (targets.includes(v)) throw usageError(`--${name} ${v} is given more than once.`);
      targets.push(v);
      if (targets.length > 1) continue;
    }
    flags[name] = v;
  }
  return { command, topic, flags, targets };
}

/** The checks every command shares: ranges, and options that exclude each other. */
export function checkCommonFlags(a: Args): void {
  const { flags, targets } = a;
  if ((flags['instance-url'] || flags['access-token']) && (flags['target-org'] || flags['all-orgs']))
    throw usageError('Use either --target-org or --instance-url with --access-token, not both.');
  if (flags['all-orgs'] && targets.length) throw usageError('Use either --all-orgs or --target-org, not both.');
  if ((flags.username || flags.email || flags.certificate) && !(flags.username && flags.email))
    throw usageError('--username and --email go together (--certificate is optional).');
  if (flags.step && !(STEP_IDS as readonly string[]).includes(String(flags.step)))
    throw usageError(`Unknown step "${flags.step}". Steps: ${STEP_IDS.join(', ')}.`);
  for (const name of Object.keys(FLAGS) as FlagName[]) intFlag(flags, name);
  if (flags.users !== undefined && !(USERS_CHOICES as readonly string[]).includes(String(flags.users)))
    throw usageError(`--users takes standard, active or all, not "${flags.users}".`);
}
