// Sending the planned writes: the steps' record writes in one composite with references (records.ts), the app in
// one deploy, the link looked up and, if missing, inserted, then one re-check. A fresh org takes 4 reads in
// parallel, 1 composite, the deploy (1 + status polls), 1 composite and 4 reads in parallel: 11 requests besides the
// polls (budget 12, `npm run bench`).
import { OrgClient, SubResult } from './client';
import { Clock } from './clock';
import { CertificateInfo } from './certificate';
import { deployVersion, EcaPart } from './eca';
import { concurrentRun } from './concurrency';
import { writeRecords } from './records';
import { phase, stepError, writeFailure, writesSentence } from './errors';
import { Facts, gatherFacts, linkOf, sameId } from './facts';
import { Manifest } from './manifest';
import { STEP_TITLES, STEPS, evaluate, stoppedSteps } from './steps';
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

/** Makes the planned writes; returns the writes and the facts read afterwards (or first, when nothing was written). */
export async function applyWrites(
  input: WriteInput,
  opts: ApplyOptions = {},
): Promise<{ facts: Facts; writes: Write[] }> {
  const { client, manifest: m } = input;
  const say = opts.onProgress ?? (() => undefined);
  const wants = (s: StepId) => !opts.steps || opts.steps.includes(s);
  const abortIfCancelled = (next: StepId) => {
    if (opts.signal?.aborted)
      throw stepError(next, new SetupError('Cancelled. Run again to continue from here.', 'CANCELLED', next), writes);
  };
  say('Checking the org…');
  const writes: Write[] = [];
  const facts = await phase('preflight', writes, undefined, () => gatherFacts(client, m));
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
  const planned = (id: StepId) => wants(id) && results.find(s => s.id === id)!.plan.length > 0;
  gate(results, wants);
  const api = `/services/data/v${client.apiVersion}`;

  const step = opts.onStep ?? (() => undefined);
  // 1. The steps' record writes (profile, user, permission set, assignment), in one composite with references.
  step(STEPS.filter(s => s.records && planned(s.id)).map(s => s.id));
  const written = await writeRecords({ client, ctx, wants, writes, say, abortIfCancelled });
  const permissionSetId = written.created.permset ?? facts.permissionSet?.Id;

  // 2. The External Client App, in one deploy (certificate always sent).
  if (planned('app')) {
    abortIfCancelled('app');
    step(['app']);
    if (!permissionSetId) {
      const why =
        `Step "${STEP_TITLES.app}": the app's policy admits the permission set "${m.permissionSet.label}", ` +
        'which does not exist yet. Run the permission set step first (or run all steps).';
      throw stepError('app', new SetupError(why, 'NEEDS_PERMSET', 'app'), writes);
    }
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

  // 3. The link: the app's Id is read and the SetupEntityAccess row inserted in one composite.
  if (wants('link') && !linkOf(facts) && (planned('link') || writes.some(w => w.step === 'app'))) {
    abortIfCancelled('link');
    const inFlight = 'the link between the permission set and the app';
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
    if (await linkPermissionSet(client, ctx, api, permissionSetId, writes, inFlight))
      writes.push({
        step: 'link',
        action: 'create',
        target: `External Client App "${m.app.label}" policies`,
        detail: `Select Permission Sets: add "${m.permissionSet.label}"`,
      });
  }
  step([]);
  if (!writes.length) return { facts, writes };
  say('Checking the result…');
  try {
    return { facts: await gatherFacts(client, m), writes };
  } catch (e) {
    // Every write went through; only the confirmation failed. Say so: this is not a failed run.
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

/**
 * The link, looked up before it is inserted (the policy's deploy may have made it: audit row 13). Returns whether
 * this run inserted it. After any error on the insert, a link that exists counts as done.
 */
async function linkPermissionSet(
  client: OrgClient,
  ctx: StepContext,
  api: string,
  permissionSetId: string,
  writes: Write[],
  inFlight: string,
): Promise<boolean> {
  const m = ctx.manifest;
  const res = await phase('link', writes, undefined, () =>
    client.composite(linkRequests(ctx, api, permissionSetId), false),
  );
  const records = (r: SubResult | undefined) =>
    r && r.status < 300
      ? ((r.body as { records?: Array<{ Id: string; SetupEntityId?: string }> })?.records ?? [])
      : undefined;
  const app = records(res.app)?.[0];
  const existing = app && records(res.links)?.filter(l => sameId(l.SetupEntityId, app.Id));
  if (!app || !existing) {
    if (res.app?.status && res.app.status < 300) {
      const why = `Step "${STEP_TITLES.link}" needs the External Client App first: run the app step.`;
      throw stepError('link', new SetupError(why, 'NEEDS_APP', 'link'), writes);
    }
    throw stepError('link', writeFailure('link', !res.app || res.app.status >= 300 ? res.app : res.links, m), writes);
  }
  if (existing.length) return false;
  try {
    await phase('link', writes, inFlight, () =>
      client.request('POST', `${api}/sobjects/SetupEntityAccess`, { ParentId: permissionSetId, SetupEntityId: app.Id }),
    );
    return true;
  } catch (e) {
    const again = await client.composite(linkRequests(ctx, api, permissionSetId), false).catch(() => undefined);
    if (records(again?.links)?.some(l => sameId(l.SetupEntityId, app.Id))) return true;
    throw e;
  }
}
