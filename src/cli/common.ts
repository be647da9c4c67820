// What the commands share: where the org's session comes from, asking before writing, the manifest and certificate,
// the engine's input, the JWT login options, a report's outcome, and JSON output (redacted).
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { readPrivateKey } from '../core/certificate';
import { OrgClient } from '../core/client';
import { Clock } from '../core/clock';
import type { EngineInput } from '../core/engine';
import { defaultManifest, MANIFEST_FILE, proposedUsername } from '../core/manifest';
import { whoAmI } from '../core/probe';
import { jsonInert } from '../core/inertText';
import { redactDeep } from '../core/redact';
import { remaining, Report, SetupError } from '../core/types';
import { Credentials, JsforceClient } from '../node/salesforce';
import { defaultTargetOrg, sfCredentials } from '../node/sfcli';
import { createManifest, loadCertificate, loadManifest, readKeyFile } from '../node/workspace';
import { loadOwnLogins, ownLoginsPath, saveOwnLogins } from '../node/ownLoginsFile';
import type { RememberLogins } from '../node/verify';
import type { CliDeps, Outcome, Setup } from './command';

export type { CliDeps } from './command';
import { Args, intFlag, usageError } from './flags';

/** check, plan and apply write the manifest first when there is none: --username, --email, --certificate. */
export const MANIFEST_ANSWERS = { username: 'optional', email: 'optional', certificate: 'optional' } as const;
/** The consumer key the admin copied from Setup, for an org that gives it to this tool by no route. */
export const KEY_ANSWER = { 'consumer-key': 'optional' } as const;

type Flags = Args['flags'];

/** --request-timeout in milliseconds (undefined: the default, REQUEST_TIMEOUT_MS). */
export const requestTimeoutMs = (flags: Flags) => {
  const seconds = intFlag(flags, 'request-timeout');
  return seconds && seconds * 1000;
};

export async function credentials(
  flags: Flags,
  deps: CliDeps,
  target?: string,
  manifestTarget?: string,
  signal?: AbortSignal,
): Promise<Credentials> {
  const timeoutMs = requestTimeoutMs(flags);
  const url = typeof flags['instance-url'] === 'string' ? flags['instance-url'] : undefined;
  const given = typeof flags['access-token'] === 'string' ? flags['access-token'] : undefined;
  const token = given ?? (url ? process.env.SF_ACCESS_TOKEN : undefined);
  if (url || given) {
    if (!url || !token) throw usageError('--instance-url and --access-token (or $SF_ACCESS_TOKEN) go together.');
    return { instanceUrl: url, accessToken: token, timeoutMs, signal };
  }
  target ??= manifestTarget ?? (await defaultTargetOrg(process.cwd()));
  if (!target)
    throw usageError(
      'No org: pass --target-org <alias>, or --instance-url with --access-token, or set a default with `sf config ' +
        'set target-org <alias>`.',
    );
  return { ...(await (deps.credentials ?? sfCredentials)(target, { timeoutMs, signal })), timeoutMs, signal };
}

/** Asks on the terminal; Ctrl+C (or SIGTERM) while asking is a "no". */
export async function confirm(question: string, signal?: AbortSignal): Promise<boolean> {
  if (!process.stdin.isTTY)
    throw usageError('Refusing to write without confirmation: run with --yes (no terminal to ask on).');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `, { signal }).catch(() => '');
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/**
 * `--json` output: every string redacted before it is quoted (after quoting, a pattern could miss an escaped one), and
 * the characters a terminal would interpret escaped as \uXXXX (the document says exactly the same).
 */
export const toJson = (value: unknown) => jsonInert(JSON.stringify(redactDeep(value), null, 2));

/** The manifest's path, as loadSetup resolves it. */
const manifestPathOf = (flags: Flags) => resolve(String(flags.manifest ?? MANIFEST_FILE));

/** The manifest (written first from --username and --email when asked) and the certificate it names. */
export async function loadSetup(flags: Flags, json: boolean, err: (s: string) => void, clock: Clock): Promise<Setup> {
  const manifestPath = manifestPathOf(flags);
  if (typeof flags.username === 'string' && typeof flags.email === 'string') {
    const certificate = typeof flags.certificate === 'string' ? flags.certificate : undefined;
    const made = await createManifest(
      manifestPath,
      { username: flags.username, email: flags.email, certificate },
      clock.now(),
    );
    if (made.created && !json) err(`Wrote ${manifestPath} (certificate: ${made.manifest!.certificate}).`);
  }
  const loaded = await loadManifest(manifestPath);
  if (loaded.missing)
    throw new SetupError(
      `No setup manifest yet (${manifestPath}): pass --username and --email (and --certificate) to write it, or run ` +
        '`balkanid-sf check` first: it proposes the values from your user. Nothing was written.',
      'NO_MANIFEST',
    );
  if (!loaded.manifest) {
    const problems = loaded.problems
      .map(p => `  ${p.path.length ? p.path.join('.') : '(manifest)'}: ${p.message} ${p.fix}`)
      .join('\n');
    throw new SetupError(`The setup manifest ${manifestPath} has problems:\n${problems}`, 'MANIFEST');
  }
  const certificate = await loadCertificate(manifestPath, loaded.manifest, clock.now());
  return { manifest: loaded.manifest, certificate };
}

/** Values proposed for a check without a manifest, and what to run to keep them. */
export interface Proposal {
  username: string;
  email: string;
  /** Where the certificate was looked for, and whether it is there. */
  certificate: { path: string; found: boolean };
}

/**
 * Without a setup manifest, a read-only command checks the org with proposed values — the integration user's
 * username from the admin's domain, the admin's email — and writes nothing. One query more (who the admin is).
 */
export async function proposedSetup(
  flags: Flags,
  client: OrgClient,
  clock: Clock,
): Promise<{ setup: Setup; proposal: Proposal }> {
  const me = await whoAmI(client);
  const given = (name: 'username' | 'email') => (typeof flags[name] === 'string' ? String(flags[name]) : undefined);
  const username = given('username') ?? proposedUsername(me.username) ?? 'balkanid@your-domain.com';
  const email = given('email') ?? me.email ?? username;
  const manifest = defaultManifest(username, email);
  if (typeof flags.certificate === 'string') manifest.certificate = flags.certificate;
  const manifestPath = resolve(String(flags.manifest ?? MANIFEST_FILE));
  const certificate = await loadCertificate(manifestPath, manifest, clock.now());
  return {
    setup: { manifest, certificate },
    proposal: {
      username,
      email,
      certificate: { path: resolve(manifestPath, '..', manifest.certificate), found: certificate !== undefined },
    },
  };
}

/** The header of a check made with proposed values: they are not saved, and how to keep them. */
export function proposalText(p: Proposal): string {
  return [
    'No setup manifest yet: checked with proposed values (nothing was written).',
    `  Integration user: ${p.username} (from your username's domain), email ${p.email} (yours)`,
    "  BalkanID's certificate: " +
      (p.certificate.found ? p.certificate.path : `not found (looked for ${p.certificate.path})`),
    `  To keep them: balkanid-sf check --username ${p.username} --email ${p.email} --certificate <salesforce.crt>`,
    '',
  ].join('\n');
}

/** --consumer-key, checked: letters, digits, dots and underscores, as Salesforce shows a consumer key. */
export function typedConsumerKey(flags: Flags): string | undefined {
  const key = flags['consumer-key'];
  if (typeof key !== 'string') return undefined;
  if (!/^[A-Za-z0-9._]{20,256}$/.test(key))
    throw usageError(
      '--consumer-key does not look like a consumer key (letters and digits, usually starting with 3MVG): copy the ' +
        "Consumer Key from the app's page in Setup (Settings → OAuth Settings → Consumer Key and Secret).",
    );
  return key;
}

/** What the engine needs, from what a setup command was given: with the logins this tool made as the integration
 *  user (never BalkanID's), remembered beside the manifest. */
export async function engineInput(ctx: {
  client: JsforceClient;
  setup: Setup;
  clock: Clock;
  flags: Flags;
}): Promise<EngineInput> {
  const { client, setup, clock } = ctx;
  const ownLogins = await loadOwnLogins(
    ownLoginsPath(manifestPathOf(ctx.flags)),
    client.orgId,
    setup.manifest.user.username,
  );
  return {
    client,
    ...setup,
    clock,
    reactivateUser: !!ctx.flags['reactivate-user'],
    ownLogins,
    typedConsumerKey: typedConsumerKey(ctx.flags),
  };
}

/** Remembers the logins this tool made as the integration user (the self-test, reading as it) beside the manifest. */
export const rememberLoginsFor =
  (ctx: { client: JsforceClient; setup: Setup; flags: Flags }): RememberLogins =>
  fresh =>
    saveOwnLogins(ownLoginsPath(manifestPathOf(ctx.flags)), ctx.client.orgId, ctx.setup.manifest.user.username, fresh);

/** How long apply and teardown wait for the app's deploy (--deploy-timeout), in milliseconds. */
export const deployTimeoutMs = (flags: Flags) => {
  const seconds = intFlag(flags, 'deploy-timeout');
  return seconds && seconds * 1000;
};

/** An org's state in a few words for the several-orgs table: what is left, what failed, or that it is set up. */
function orgState(r: Report): string {
  const count = (state: string) => r.steps.filter(s => s.state === state).length;
  const parts = [
    count('error') && `${count('error')} in error`,
    count('blocked') && `${count('blocked')} blocked`,
    count('drifted') && `${count('drifted')} drifted`,
    count('todo') && `${count('todo')} to do`,
  ].filter(Boolean);
  if (parts.length) return parts.join(', ');
  return count('waiting') ? "set up, waiting for BalkanID's first login" : 'set up';
}

/** A report's outcome: exit 0 when every step is done (Verify may wait for BalkanID), 1 when steps remain. */
export function reportOutcome(r: Report): Outcome {
  const left = remaining(r);
  return { code: left ? 1 : 0, steps: `${r.steps.length - left}/${r.steps.length}`, result: orgState(r) };
}

/** The options of a JWT login as the integration user. */
export interface JwtFlags {
  readonly manifest?: string;
  readonly 'consumer-key'?: string;
  readonly key?: string;
  readonly audience?: string;
  readonly retries?: string;
  readonly 'retry-delay-ms'?: string;
}

/** The JWT login as the integration user with the private key given in --key (verify, preview, export). */
export async function jwtOptions(
  ctx: {
    flags: JwtFlags & Flags;
    client: OrgClient;
    setup: Setup;
    progress: (s: string) => void;
    signal?: AbortSignal;
  },
  report: Report,
) {
  const { flags, client } = ctx;
  const key = readPrivateKey(await readKeyFile(resolve(String(flags.key))));
  const h = report.handoff!;
  if (!h.consumerKey)
    throw new SetupError(
      h.consumerKeyPage
        ? "Salesforce gives the app's consumer key to this tool by no route: open " +
            `${h.consumerKeyPage} (Settings → OAuth Settings → Consumer Key and Secret), ` +
            'copy the Consumer Key and pass it with --consumer-key.'
        : 'The consumer key is not available yet: run apply first.',
      'NO_CONSUMER_KEY',
      'verify',
    );
  return {
    instanceUrl: client.instanceUrl,
    consumerKey: h.consumerKey,
    username: ctx.setup.manifest.user.username,
    key,
    audience: flags.audience ?? h.loginUrl,
    attempts: intFlag(flags, 'retries'),
    baseDelayMs: intFlag(flags, 'retry-delay-ms'),
    onProgress: ctx.progress,
    timeoutMs: requestTimeoutMs(flags),
    signal: ctx.signal,
  };
}
