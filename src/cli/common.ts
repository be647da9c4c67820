// What every command shares: where the org's session comes from, asking before writing, the manifest and
// certificate, the JWT login options, and JSON output (redacted).
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { readPrivateKey } from '../core/certificate';
import { OrgClient } from '../core/client';
import { Clock } from '../core/clock';
import { Manifest, MANIFEST_FILE } from '../core/manifest';
import { redactDeep } from '../core/redact';
import { Report, SetupError } from '../core/types';
import { Credentials } from '../node/salesforce';
import { defaultTargetOrg, sfCredentials, SfOrg } from '../node/sfcli';
import { createManifest, loadCertificate, loadManifest, readKeyFile } from '../node/workspace';
import { Args, intFlag } from './args';

/** Where orgs come from: the Salesforce CLI (tests give a stand-in). */
export interface CliDeps {
  credentials?: (target: string) => Promise<Credentials>;
  listOrgs?: () => Promise<SfOrg[]>;
  /** The one clock of the run (tests inject theirs). */
  clock?: Clock;
}

export async function credentials(
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

export async function confirm(question: string): Promise<boolean> {
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
export const toJson = (value: unknown) => JSON.stringify(redactDeep(value), null, 2);

export async function loadSetup(flags: Args['flags'], json: boolean, err: (s: string) => void, clock: Clock) {
  const manifestPath = resolve(String(flags.manifest ?? MANIFEST_FILE));
  if (flags.username) {
    const made = await createManifest(
      manifestPath,
      {
        username: String(flags.username),
        email: String(flags.email),
        certificate: flags.certificate ? String(flags.certificate) : undefined,
      },
      clock.now(),
    );
    if (made.created && !json) err(`Wrote ${manifestPath} (certificate: ${made.manifest!.certificate}).`);
  }
  const loaded = await loadManifest(manifestPath);
  if (!loaded.manifest) {
    const problems = loaded.problems
      .map(p => `  ${p.path.length ? p.path.join('.') : '(manifest)'}: ${p.message} ${p.fix}`)
      .join('\n');
    throw new SetupError(`The setup manifest ${manifestPath} has problems:\n${problems}`, 'MANIFEST');
  }
  const certificate = await loadCertificate(manifestPath, loaded.manifest, clock.now());
  return { manifest: loaded.manifest, certificate, clock };
}

/** The JWT login as the integration user with the private key given in --key (verify, preview, export). */
export async function jwtOptions(
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
