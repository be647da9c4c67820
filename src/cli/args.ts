// The command line: usage, strict parsing (unknown, repeated or misplaced flags and values on switches are errors).
import { SetupError, STEP_IDS, StepId } from '../core/types';
import { MANIFEST_FILE } from '../core/manifest';

export const USAGE = `Usage: balkanid-sf <command> [options]

Commands:
  check                 inspect every step (read-only)
  plan                  show the writes apply would make
  apply [--step <id>]   make them (asks first unless --yes); steps: ${STEP_IDS.join(', ')}
  verify [--key <file>] audit the setup; with the private key, log in as the integration user (JWT)
  handoff               print the values to paste into BalkanID
  teardown              remove what the setup created (asks first unless --yes)
  preview [--key <file>] what BalkanID will read: counts, sample rows, what cannot be read (as you, or with the
                        private key as the integration user)
  export --out <dir> [--key <file>] [--app <name>]   write entities.csv and entity-relations.csv (BalkanID's
                        upload formats; App column: --app, default "salesforce-<My Domain name>", one per org)
  upload --dir <dir>    upload those files with BalkanID's Bulk API (key ID: --api-key-id or $BALKANID_API_KEY_ID;
                        secret: $BALKANID_API_KEY_SECRET only)

Options:
  --manifest <file>                    setup manifest (default ./${MANIFEST_FILE})
  --target-org <alias|username>        an org authenticated with the Salesforce CLI (repeat it for several orgs)
  --all-orgs                           every org the Salesforce CLI knows that is not expired
  --concurrency <1-32>                 several orgs: how many run at once (default 20)
  --tenant-url <url>                   upload: your BalkanID tenant (default $BALKANID_TENANT_URL or https://app.balkan.id)
  --instance-url <url> --access-token <token>   or a session (the token may come from $SF_ACCESS_TOKEN)
  --audience <url>                     JWT audience for verify (default: login or test URL by org type)
  --retries <1-30>                     verify: JWT login attempts (default 10; changes take minutes to propagate)
  --retry-delay-ms <ms>                verify: first wait between attempts (default 15000, doubling)
  --deploy-timeout <seconds>           apply, teardown: stop waiting for the app's deploy after this long (default 600)
  --request-timeout <seconds>          give up on a single request after this long (default 120)
  --trace <file.har>                   write every HTTP exchange as HAR 1.2, secrets redacted (for reporting a real-org issue)
  --username <name> --email <address> [--certificate <file>]
                                       no manifest yet: write ./${MANIFEST_FILE} with these first (check, plan, apply)
  --reactivate-user                    apply: reactivate the integration user if it is inactive (after a teardown)
  --json                               one JSON document on stdout
  --yes                                do not ask before writing

Exit codes: 0 every step done (Verify may still wait for BalkanID's first login); 1 steps remain; 2 error,
nothing written; 3 error after some writes. preview, export: 1 when a list cannot be read. Several orgs: the
worst of them.
`;

export interface Args {
  command: string;
  flags: Record<string, string | boolean>;
  /** Every --target-org given, in order (flags['target-org'] holds the first). */
  targets: string[];
}
const COMMANDS = ['check', 'plan', 'apply', 'verify', 'handoff', 'teardown', 'preview', 'export', 'upload'];
/** Commands that read or write an org (upload only sends files). */
const EXTRACT = ['preview', 'export'];
const VALUE_FLAGS = [
  'manifest',
  'target-org',
  'instance-url',
  'access-token',
  'step',
  'key',
  'audience',
  'retries',
  'retry-delay-ms',
  'deploy-timeout',
  'request-timeout',
  'trace',
  'username',
  'email',
  'certificate',
  'out',
  'dir',
  'tenant-url',
  'api-key-id',
  'concurrency',
  'app',
];
const BOOL_FLAGS = ['json', 'yes', 'help', 'reactivate-user', 'all-orgs'];
const NEW_MANIFEST = ['check', 'plan', 'apply'];
/** Which command each command-specific flag goes with. */
const FLAG_COMMANDS: Record<string, string[]> = {
  step: ['apply'],
  key: ['verify', ...EXTRACT],
  out: ['export'],
  dir: ['upload'],
  'tenant-url': ['upload'],
  'api-key-id': ['upload'],
  audience: ['verify'],
  retries: ['verify', ...EXTRACT],
  'retry-delay-ms': ['verify', ...EXTRACT],
  app: ['export'],
  'deploy-timeout': ['apply', 'teardown'],
  yes: ['apply', 'teardown'],
  'reactivate-user': ['apply'],
  username: NEW_MANIFEST,
  email: NEW_MANIFEST,
  certificate: NEW_MANIFEST,
};

/** A whole number within [min, max], or a USAGE error naming the flag. */
export function intFlag(flags: Args['flags'], name: string, min: number, max: number): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
    throw new SetupError(`--${name} must be a whole number from ${min} to ${max}, not "${v}".`, 'USAGE');
  return Number(v);
}

/** Strict: unknown flags, repeated flags, values on switches (`--yes=no`) and misplaced flags are errors. */
export function parseArgs(argv: string[]): Args {
  const [command, ...rest] = argv;
  const flags: Record<string, string | boolean> = {};
  const targets: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (!a.startsWith('--')) throw new SetupError(`Unexpected argument "${a}".`, 'USAGE');
    const eq = a.indexOf('=');
    const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
    const inline = eq === -1 ? undefined : a.slice(eq + 1);
    if (/secret/i.test(name))
      throw new SetupError(
        `--${name}: the BalkanID API key secret is never taken from a flag (it would stay in your shell history and ` +
          'process list). Set $BALKANID_API_KEY_SECRET instead.',
        'USAGE',
      );
    if (Object.hasOwn(flags, name) && name !== 'target-org')
      throw new SetupError(`--${name} is given more than once.`, 'USAGE');
    if (BOOL_FLAGS.includes(name)) {
      if (inline !== undefined)
        throw new SetupError(
          `--${name} takes no value (got "--${name}=${inline}"): write --${name} alone, or leave it out.`,
          'USAGE',
        );
      flags[name] = true;
    } else if (VALUE_FLAGS.includes(name)) {
      const v = inline ?? rest[++i];
      if (v === undefined || (inline === undefined && v.startsWith('--')))
        throw new SetupError(`--${name} needs a value.`, 'USAGE');
      if (!v.trim()) throw new SetupError(`--${name} is empty.`, 'USAGE');
      if (name === 'target-org') {
        if (targets.includes(v)) throw new SetupError(`--target-org ${v} is given more than once.`, 'USAGE');
        targets.push(v);
        if (targets.length > 1) continue;
      }
      flags[name] = v;
    } else throw new SetupError(`Unknown option --${name}.`, 'USAGE');
  }
  if (!command || command === '--help' || command === 'help') return { command: 'help', flags, targets };
  if (!COMMANDS.includes(command))
    throw new SetupError(`Unknown command "${command}". Commands: ${COMMANDS.join(', ')}.`, 'USAGE');
  if (flags.help) return { command: 'help', flags, targets };
  for (const [flag, commands] of Object.entries(FLAG_COMMANDS))
    if (flags[flag] !== undefined && !commands.includes(command))
      throw new SetupError(`--${flag} goes with ${commands.join(' or ')}, not ${command}.`, 'USAGE');
  if (flags.step && !STEP_IDS.includes(flags.step as StepId))
    throw new SetupError(`Unknown step "${flags.step}". Steps: ${STEP_IDS.join(', ')}.`, 'USAGE');
  if ((flags['instance-url'] || flags['access-token']) && (flags['target-org'] || flags['all-orgs']))
    throw new SetupError('Use either --target-org or --instance-url with --access-token, not both.', 'USAGE');
  if (flags['all-orgs'] && command === 'teardown')
    throw new SetupError(
      'teardown does not take --all-orgs: name each org with --target-org (removing the setup from every org the ' +
        'Salesforce CLI knows, production included, in one line is refused).',
      'USAGE',
    );
  if (flags['all-orgs'] && targets.length)
    throw new SetupError('Use either --all-orgs or --target-org, not both.', 'USAGE');
  if (flags.app && (targets.length > 1 || flags['all-orgs']))
    throw new SetupError(
      '--app names one org\'s files; with several orgs each keeps its own App ("salesforce-<My Domain name>", so that ' +
        'BalkanID keeps them apart). Leave --app out, or export the orgs one at a time.',
      'USAGE',
    );
  if (flags.app && !/^[\w .@:-]{1,100}$/.test(String(flags.app)))
    throw new SetupError(
      `--app "${flags.app}": use up to 100 letters, digits, spaces and . @ : - _ (BalkanID shows it as the App).`,
      'USAGE',
    );
  if (command === 'export' && !flags.out) throw new SetupError('export needs --out <folder>.', 'USAGE');
  if (command === 'upload' && !flags.dir)
    throw new SetupError('upload needs --dir <folder> (made by export).', 'USAGE');
  if ((flags.username || flags.email || flags.certificate) && !(flags.username && flags.email))
    throw new SetupError('--username and --email go together (--certificate is optional).', 'USAGE');
  intFlag(flags, 'retries', 1, 30);
  intFlag(flags, 'retry-delay-ms', 0, 600_000);
  intFlag(flags, 'deploy-timeout', 10, 24 * 3600);
  intFlag(flags, 'request-timeout', 1, 600);
  intFlag(flags, 'concurrency', 1, 32);
  return { command, flags, targets };
}
