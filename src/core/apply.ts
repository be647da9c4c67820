// Sending the planned writes: the steps' record writes in one composite with references (records.ts), the app in
// one deploy, one re-check — which also shows whether the app's deploy made the link — and the link inserted only
// if it is still missing. A fresh org takes 3 reads in parallel (the batch, the permission dependencies and the app's
// global OAuth settings, whose refusal blocks the app step before any write; the profile's metadata is not read
// before the profile exists), 1 composite, the deploy (1 + status polls) and 2 reads in parallel (the batch and the
// new app's global OAuth settings): 7 requests besides the polls, 10 with the connection's 2 and one poll (budget:
// `npm run bench`).
import { OrgClient } from './client';
import { Clock } from './clock';
import { CertificateInfo } from './certificate';
import { deployVersion, EcaPart } from './eca';
import { concurrentRun } from './concurrency';
import { writeRecords } from './records';
import { phase, stepError, writesSentence } from './errors';
import { Facts, gatherFacts, linkOf, sameId } from './facts';
import { Manifest } from './manifest';
import { STEP_TITLES, STEPS, evaluate, stoppedSteps } from './steps';
import { runnable } from './runnable';
import { appDeployFiles } from './steps/app';
import { linkRequests } from './steps/link';
import { StepContext } from './steps/step';
import type { OwnLogin } from './ownLogins';
import { isSetupError, SetupError, StepId, StepResult, Write } from './types';

export interface ApplyOptions {
  steps?: StepId[];
  onProgress?: (message: string) => void;
  /** The steps whose writes are being sent now (empty: none, the run is reading). */
  onStep?: (steps: StepId[]) => void;
  signal?: AbortSignal;
  /** How long to wait for the app's deploy before reporting it as still running (default 10 minutes). */
  deployTimeoutMs?: number;
}

export interface WriteInput {
  client: OrgClient;
  manifest: Manifest;
  certificate?: CertificateInfo | SetupError;
  /** The run's clock (certificate validity, login windows). */
  clock: Clock;
  /** Reactivate the integration user when it is inactive (only after the admin agreed). */
  reactivateUser?: boolean;
  /** The logins this tool made as the integration user (remembered by the front end): never BalkanID's. */
  ownLogins?: OwnLogin[];
  /** The consumer key the admin copied from Setup, for an org that gives it to this tool by no route. */
  typedConsumerKey?: string;
}

/**
 * Refuses to write when a wanted step is blocked or needs attention first — or a step it needs is (a permission
 * set is never assigned to a user in error), or the preflight found an error (it stops every step).
 */
function gate(results: StepResult[], wants: (s: StepId) => boolean): void {
  const stopped = stoppedSteps(results);
  const hit = results.find(s => {
    const by = stopped.get(s.id);
    return wants(s.id) && by && (s.plan.length > 0 || (by.id === s.id && s.state === 'error'));
  });
  if (!hit) return;
  const by = stopped.get(hit.id)!;
  const why = by.findings.find(f => f.severity === 'error') ?? by.findings[0];
  const what = by.state === 'blocked' ? 'cannot run' : 'needs attention';
  const reason = `${why?.message ?? by.state} ${why?.fix ?? ''}`.trim();
  throw stepError(
    hit.id,
    new SetupError(
      by.id === hit.id
        ? `Step "${hit.title}" ${what}: ${reason}`
        : `Step "${hit.title}" cannot run: it needs "${by.title}", which ${what}: ${reason}`,
      why?.code ?? 'BLOCKED',
      hit.id,
    ),
    [],
  );
}

/**
 * Nothing can run: every step with work to do is blocked, or waits for one that is. Says why, step by step; nothing
 * was written.
 */
export function nothingCanRun(blockers: ReturnType<typeof runnable>['blockers']): SetupError {
  const first = blockers[0]!;
  const why = blockers.map(b => `${b.title}: ${b.reason}`).join(' ');
  return stepError(
    first.step,
    new SetupError(`Step "${first.title}" cannot run, and nothing else can before it: ${why}`, 'NOTHING_CAN_RUN'),
    [],
  );
}

/**
 * Makes the planned writes — of `opts.steps`, or of every step that can run now (runnable: the rule Run All and
 * `plan` show) — and returns the writes and the facts read afterwards (or first, when nothing was written).
 */
export async function applyWrites(
  input: WriteInput,
  opts: ApplyOptions = {},
): Promise<{ facts: Facts; writes: Write[] }> {
  const { client, manifest: m } = input;
  const say = opts.onProgress ?? (() => undefined);
  const abortIfCancelled = (next: StepId) => {
    if (opts.signal?.aborted)
      throw stepError(next, new SetupError('Cancelled. Run again to continue from here.', 'CANCELLED', next), writes);
  };
  say('Checking the org…');
  const writes: Write[] = [];
  // Lean: the profile's metadata is not read before the profile exists (a fresh org's read is 3 requests, not 4).
  const facts = await phase('preflight', writes, undefined, () => gatherFacts(client, m, { lean: true }));
  const ctx: StepContext = {
    facts,
    manifest: m,
    certificate: input.certificate,
    now: input.clock.now(),
    reactivateUser: input.reactivateUser,
    ownLogins: input.ownLogins,
    typedConsumerKey: input.typedConsumerKey,
  };
  const results = evaluate(facts, m, input.certificate, ctx.now, ctx.reactivateUser, ctx);
  let wants = (s: StepId) => !opts.steps || opts.steps.includes(s);
  if (!opts.steps) {
    // What can run now runs; what cannot stays as it is (and says why), as Run All and `plan` show it.
    const can = runnable({ steps: results });
    if (!can.writes.length) {
      if (can.blockers.length) throw nothingCanRun(can.blockers);
      return { facts, writes };
    }
    wants = (s: StepId) => can.steps.includes(s);
  }
  const planned = (id: StepId) => wants(id) && results.find(s => s.id === id)!.plan.length > 0;
  gate(results, wants);
  const api = `/services/data/v${client.apiVersion}`;

  const step = opts.onStep ?? (() => undefined);
  // 1. The steps' record writes (profile, user, permission set, assignment), in one composite with references.
  step(STEPS.filter(s => s.records && planned(s.id)).map(s => s.id));
  const written = await writeRecords({ client, ctx, wants, writes, say, abortIfCancelled });
  const permissionSetId = written.created.permset ?? facts.permissionSet?.Id;

  // 2. The External Client App, in one deploy (certificate always sent).
  const deployed = planned('app');
  if (deployed) {
    abortIfCancelled('app');
    step(['app']);
    if (!permissionSetId) {
      const why =
        `Step "${STEP_TITLES.app}": the app's policy admits the permission set "${m.permissionSet.label}", ` +
        'which does not exist yet. Run the permission set step first (or run all steps).';
      throw stepError('app', new SetupError(why, 'NEEDS_PERMSET', 'app'), writes);
    }
    await deployApp(client, ctx, facts, writes, say, opts);
  }

  // 3. The link. After a deploy, the re-check shows whether the app's policy made it (it names the permission set:
  // audit row 13); only a link still missing is inserted. Without a deploy, the first read knew the app.
  const linkWanted = wants('link') && !linkOf(facts) && (planned('link') || deployed);
  const link = {
    target: `External Client App "${m.app.label}" policies`,
    detail: `Select Permission Sets: add "${m.permissionSet.label}"`,
  };
  const insertLink = async (appId: string) => {
    abortIfCancelled('link');
    if (!permissionSetId)
      throw stepError(
        'link',
        new SetupError(
          `Step "${STEP_TITLES.link}" needs the permission set first: run the permission set step.`,
          'NEEDS_PERMSET',
          'link',
        ),
        writes,
      );
    step(['link']);
    say('Linking the permission set to the app…');
    if (await linkPermissionSet(client, ctx, api, permissionSetId, appId, writes))
      writes.push({ step: 'link', action: 'create', ...link });
  };
  if (linkWanted && !deployed) {
    if (!facts.app) {
      const why = `Step "${STEP_TITLES.link}" needs the External Client App first: run the app step.`;
      throw stepError('link', new SetupError(why, 'NEEDS_APP', 'link'), writes);
    }
    await insertLink(facts.app.Id);
  }
  step([]);
  if (!writes.length) return { facts, writes };
  say('Checking the result…');
  const recheck = (after: Facts | undefined) =>
    gatherFacts(client, m, { reuse: after ? { facts: after, global: true } : { facts, appExists: deployed } });
  if (linkWanted && deployed) {
    // Until the link is there, a failed read is the link step's failure (what was written is listed).
    const seen = await phase('link', writes, undefined, () => recheck(undefined));
    if (linkOf(seen)) {
      // The deploy made it: the plan's link is done, by the app's policy (counted, so plan and apply agree).
      writes.push({ step: 'link', action: 'create', ...link, by: 'deploy' });
      return { facts: seen, writes };
    }
    if (!seen.app) {
      const why = `Step "${STEP_TITLES.link}" needs the External Client App first: run the app step.`;
      throw stepError('link', new SetupError(why, 'NEEDS_APP', 'link'), writes);
    }
    await insertLink(seen.app.Id);
    return { facts: await confirmed(writes, () => recheck(seen)), writes };
  }
  return { facts: await confirmed(writes, () => recheck(undefined)), writes };
}

/** The re-check after writes: its failure does not fail the run (every write went through), it says so. */
async function confirmed(writes: Write[], read: () => Promise<Facts>): Promise<Facts> {
  try {
    return await read();
  } catch (e) {
    const why = isSetupError(e) ? e.message : String((e as Error)?.message ?? e);
    const err = new SetupError(
      `All ${writes.length} write(s) were made (${writesSentence(writes)}), but the check afterwards failed: ${why} ` +
        `Run check to see the result.`,
      'RECHECK_FAILED',
      'verify',
    );
    err.writes = [...writes];
    throw err;
  }
}

/** The app's deploy (two phases when the org wants the app before its satellites); a failure names the app step. */
async function deployApp(
  client: OrgClient,
  ctx: StepContext,
  facts: Facts,
  writes: Write[],
  say: (message: string) => void,
  opts: ApplyOptions,
): Promise<void> {
  const m = ctx.manifest;
  const version = deployVersion(client.apiVersion);
  const deploy = async (parts?: EcaPart[]) => {
    const which = parts ? parts.join(', ') : 'all components';
    const out = await phase('app', writes, `the External Client App deploy (${which})`, () =>
      client.deploy(
        appDeployFiles(ctx, version, parts),
        { timeoutMs: opts.deployTimeoutMs, apiVersion: version },
        st => say(`Deploying the External Client App: ${st}…`),
        opts.signal,
      ),
    );
    if (out.success)
      writes.push({
        step: 'app',
        action: 'deploy',
        target: `External Client App "${m.app.label}"`,
        detail: `deploy ${out.id} (${which})`,
      });
    return out;
  };
  let out = await deploy();
  // Some orgs want the app to exist before its satellites: when only satellites of a new app failed, deploy the
  // app first, then them (keyed on what failed, not on a message text).
  if (
    !out.success &&
    !facts.app &&
    out.failures.length > 0 &&
    out.failures.every(x => x.componentType && x.componentType !== 'ExternalClientApplication')
  ) {
    say('Deploying in two phases (app first)…');
    out = await deploy(['app']);
    if (out.success) out = await deploy(['global', 'oauth', 'policy', 'appPolicy']);
  }
  if (!out.success) {
    const other = await concurrentRun(client, m, facts, 'app', writes);
    if (other) throw other;
    const list = out.failures.map(x => `${x.componentType || 'package'} ${x.fullName}: ${x.problem}`).join('; ');
    throw stepError(
      'app',
      new SetupError(
        `Step "${STEP_TITLES.app}" failed: the deploy ${out.id} ended ${out.status}: ${list}`,
        'DEPLOY_FAILED',
        'app',
      ),
      writes,
    );
  }
}

/**
 * Inserts the link between the permission set and the app (the facts just read say it is missing). Returns whether
 * this run inserted it: after any error on the insert, a link that exists (another run, or the answer lost) counts
 * as done.
 */
async function linkPermissionSet(
  client: OrgClient,
  ctx: StepContext,
  api: string,
  permissionSetId: string,
  appId: string,
  writes: Write[],
): Promise<boolean> {
  const inFlight = 'the link between the permission set and the app';
  try {
    await phase('link', writes, inFlight, () =>
      client.request('POST', `${api}/sobjects/SetupEntityAccess`, { ParentId: permissionSetId, SetupEntityId: appId }),
    );
    return true;
  } catch (e) {
    const again = await client.composite(linkRequests(ctx, api, permissionSetId), false).catch(() => undefined);
    const links =
      again?.links && again.links.status < 300
        ? (again.links.body as { records?: Array<{ SetupEntityId?: string }> })?.records
        : undefined;
    if (links?.some(l => sameId(l.SetupEntityId, appId))) return true;
    throw e;
  }
}
