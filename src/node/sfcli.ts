// Orgs the admin authenticated with the Salesforce CLI. We ask the CLI itself (`sf org display`, `sf org auth
// show-access-token`), which reads its encrypted auth files and refreshes tokens; the default org comes from
// .sf/config.json.
// (@salesforce/core 9 needs Node >= 22 and 8.x pulls jsforce-node >= 3.10.17 plus pino workers; the CLI is
// present wherever such an org exists, so it is the smaller and equally faithful dependency.)
import { Clock, systemClock } from '../core/clock';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Credentials, ConnectionError } from './salesforce';
import { redact } from '../core/redact';
import { codeOf } from '../core/types';

export interface SfOrg {
  alias?: string;
  username: string;
  instanceUrl?: string;
  isDefault: boolean;
  connectedStatus?: string;
  /** Scratch orgs past their expiration date. */
  isExpired?: boolean;
}

/**
 * No telemetry, no update check, and no background `sf update` (which outlives the command): current CLIs read
 * SF_DISABLE_AUTOUPDATE, older ones SF_AUTOUPDATE_DISABLE and SFDX_DISABLE_AUTOUPDATE.
 */
export const SF_QUIET_ENV = {
  SF_DISABLE_TELEMETRY: 'true',
  SF_DISABLE_AUTOUPDATE: 'true',
  SF_AUTOUPDATE_DISABLE: 'true',
  SFDX_DISABLE_AUTOUPDATE: 'true',
  SF_SKIP_NEW_VERSION_CHECK: 'true',
};

/** What `sf <command> --json` prints (the result's shape is the command's). */
interface SfJson {
  status?: number;
  result?: unknown;
  message?: string;
}
/** An org as `sf org list --json` lists it. */
interface SfOrgJson {
  alias?: string;
  username: string;
  instanceUrl?: string;
  isDefaultUsername?: boolean;
  connectedStatus?: string;
  isExpired?: boolean;
  expirationDate?: string;
}
type SfOrgList = Partial<Record<'nonScratchOrgs' | 'scratchOrgs' | 'sandboxes' | 'devHubs' | 'other', SfOrgJson[]>>;

/** How long an sf command may run, and how much it may print, before it is stopped (its output is read whole). */
export const SF_TIMEOUT_MS = 60_000;
export const SF_MAX_OUTPUT = 8 << 20;

/** Where the Salesforce CLI is and how long a command of it may take; a signal (Ctrl+C) stops it. */
export interface SfOptions {
  sf?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}
const sfOptions = (o: string | SfOptions | undefined): SfOptions => (typeof o === 'string' ? { sf: o } : (o ?? {}));

/** Runs an sf command with --json; its result, in the shape that command documents. */
function run<T>(o: SfOptions, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Partial<T> | undefined> {
  const sf = o.sf ?? 'sf';
  const timeout = o.timeoutMs ?? SF_TIMEOUT_MS;
  const command = `sf ${args.slice(0, 2).join(' ')}`;
  return new Promise((resolve, reject) => {
    execFile(
      sf,
      [...args, '--json'],
      {
        env: { ...env, ...SF_QUIET_ENV },
        maxBuffer: SF_MAX_OUTPUT,
        timeout,
        killSignal: 'SIGKILL',
        signal: o.signal,
        windowsHide: true,
      },
      (err, stdout) => {
        if (o.signal?.aborted) return reject(o.signal.reason);
        // The deadline and the output cap: the CLI was stopped, whatever it printed is not used.
        if (codeOf(err) === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER')
          return reject(
            new ConnectionError(
              `The Salesforce CLI printed more than ${SF_MAX_OUTPUT >> 20} MB for \`${command}\`; it was stopped and ` +
                'its output not read.',
              'AUTH',
            ),
          );
        if (err && (err as { killed?: boolean }).killed)
          return reject(
            new ConnectionError(
              `The Salesforce CLI did not finish \`${command}\` within ${Math.round(timeout / 1000)} s; it was ` +
                'stopped. Check that `sf` works in a terminal (it may be waiting for a login or an update).',
              'TIMEOUT',
            ),
          );
        let parsed: SfJson | undefined;
        try {
          parsed = JSON.parse(stdout) as SfJson;
        } catch {
          /* below */
        }
        if (parsed?.status === 0) return resolve(parsed.result as Partial<T> | undefined);
        if (codeOf(err) === 'ENOENT')
          return reject(
            new ConnectionError(
              'The Salesforce CLI (sf) was not found. Install it, or connect with an instance URL and access token.',
              'AUTH',
            ),
          );
        const message = redact(String(parsed?.message ?? err?.message ?? 'unknown error'));
        reject(
          new ConnectionError(`${command}: ${message}`, /expired|refresh/i.test(message) ? 'SESSION_EXPIRED' : 'AUTH'),
        );
      },
    );
  });
}

export async function defaultTargetOrg(workspace?: string): Promise<string | undefined> {
  for (const dir of [workspace, homedir()].filter(Boolean) as string[]) {
    try {
      const cfg = JSON.parse(await readFile(join(dir, '.sf', 'config.json'), 'utf8'));
      if (cfg['target-org']) return cfg['target-org'];
    } catch {
      /* not there */
    }
  }
  return undefined;
}

export async function listOrgs(sf: string | SfOptions = 'sf', clock: Clock = systemClock): Promise<SfOrg[]> {
  const r = await run<SfOrgList>(sfOptions(sf), ['org', 'list', '--skip-connection-status']);
  const all = [
    ...(r?.nonScratchOrgs ?? []),
    ...(r?.scratchOrgs ?? []),
    ...(r?.sandboxes ?? []),
    ...(r?.devHubs ?? []),
    ...(r?.other ?? []),
  ];
  const seen = new Set<string>();
  return all
    .filter(o => !seen.has(o.username) && seen.add(o.username))
    .map(o => ({
      alias: o.alias,
      username: o.username,
      instanceUrl: o.instanceUrl,
      isDefault: !!o.isDefaultUsername,
      connectedStatus: o.connectedStatus,
      isExpired:
        o.isExpired === true || (typeof o.expirationDate === 'string' && Date.parse(o.expirationDate) < clock.now()),
    }));
}

/**
 * Credentials for an alias or username. `sf org display` names the org but, in current CLI releases, redacts
 * the token ("[REDACTED] Use 'sf org auth show-access-token'"), so the token comes from that command.
 * `refresh` asks the CLI again, which refreshes an expired token where it can (web or JWT logins).
 */
export async function sfCredentials(target: string, options: string | SfOptions = 'sf'): Promise<Credentials> {
  const o = sfOptions(options);
  const token = async () => {
    const r = await run<{ accessToken: string }>(o, ['org', 'auth', 'show-access-token', '--target-org', target]);
    if (!r?.accessToken || /REDACTED/.test(r.accessToken))
      throw new ConnectionError(
        `The Salesforce CLI has no session for ${target}. Log in again: sf org login web --alias ${target}`,
        'SESSION_EXPIRED',
      );
    return r.accessToken;
  };
  const [display, accessToken] = await Promise.all([
    run<{ instanceUrl: string; alias: string; username: string }>(o, ['org', 'display', '--target-org', target]),
    token(),
  ]);
  if (!display?.instanceUrl)
    throw new ConnectionError(
      `sf org display returned no instance URL for ${target}. Log in again: sf org login web --alias ${target}`,
      'SESSION_EXPIRED',
    );
  return {
    instanceUrl: display.instanceUrl,
    accessToken,
    label: display.alias ?? display.username ?? target,
    refresh: token,
  };
}
