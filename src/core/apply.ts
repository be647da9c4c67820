// Sending the planned writes: the record writes of the profile, user and permission set steps in one composite
// with references, the app in one deploy, the link in one composite, then one re-check. Within the request budget:
// a fresh org takes 3 reads, 1 composite, the deploy (1 + status polls), 1 composite and 3 reads.
import { OrgClient } from './client';
import { CertificateInfo } from './certificate';
import { EcaPart } from './eca';
import { concurrentRun } from './concurrency';
import { errorOf, phase, stepError, writeFailure, writesSentence } from './errors';
import { Facts, gatherFacts, linkOf } from './facts';
import { Manifest } from './manifest';
import { STEP_TITLES, evaluate } from './steps';
import { appDeployFiles } from './steps/app';
import { linkRequests } from './steps/link';
import { isAssigned, permissionSetRecords } from './steps/permissionSet';
import { profileRecords } from './steps/profile';
import { RecordWrite, StepContext } from './steps/step';
import { userRecords } from './steps/user';
import { isSetupError, SetupError, StepId, StepResult, Write } from './types';

export interface ApplyOptions {
  steps?: StepId[];
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
  /** How long to wait for the app's deploy before reporting it as still running (default 10 minutes). */
  deployTimeoutMs?: number;
}

export interface WriteInput {
  client: OrgClient;
  manifest: Manifest;
  certificate?: CertificateInfo | SetupError;
  now?: number;
}

/** Refuses to write when a wanted step is blocked or needs attention first. */
function gate(results: StepResult[], wants: (s: StepId) => boolean): void {
  const blocker = results.filter(s => wants(s.id)).find(s => s.state === 'blocked' && s.plan.length);
  if (blocker) {
    const why = blocker.findings.find(f => f.severity === 'error') ?? blocker.findings[0];
    throw stepError(
      blocker.id,
      new SetupError(
        `Step "${blocker.title}" cannot run: ${why?.message ?? 'blocked'} ${why?.fix ?? ''}`.trim(),
        why?.code ?? 'BLOCKED',
        blocker.id,
      ),
      [],
    );
  }
  const erroring = results
    .filter(s => wants(s.id))
    .find(s => s.state === 'error' && s.id !== 'verify' && s.id !== 'consumerKey');
  const why = erroring?.findings.find(f => f.severity === 'error');
  if (erroring && why)
    throw stepError(
      erroring.id,
      new SetupError(
        `Step "${erroring.title}" needs attention: ${why.message} ${why.fix ?? ''}`.trim(),
        why.code,
        erroring.id,
      ),
      [],
    );
}

/** Makes the planned writes; returns the facts read afterwards (undefined when nothing was written) and the writes. */
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
  const ctx: StepContext = { facts, manifest: m, certificate: input.certificate, now: input.now ?? Date.now() };
  const results = evaluate(facts, m, input.certificate, ctx.now);
  const planned = (id: StepId) => wants(id) && results.find(s => s.id === id)!.plan.length > 0;
  gate(results, wants);
  const api = `/services/data/v${client.apiVersion}`;

  // 1. Records: profile, user, permission set, assignment, in one composite with references.
  const records: RecordWrite[] = [];
  if (planned('profile')) records.push(...profileRecords(ctx, api));
  const profileRef =
    facts.profile?.Id ??
    (records.some(r => r.referenceId === 'profile' && r.method === 'POST') ? '@{profile.id}' : undefined);
  if (planned('user')) {
    if (!profileRef && !facts.user)
      throw stepError(
        'user',
        new SetupError(
          `Step "${STEP_TITLES.user}" needs the profile "${m.profile.name}" first: run the profile step.`,
          'NEEDS_PROFILE',
          'user',
        ),
        writes,
      );
    records.push(...userRecords(ctx, api, profileRef));
  }
  const userRef =
    facts.user?.Id ?? (records.some(r => r.referenceId === 'user' && r.method === 'POST') ? '@{user.id}' : undefined);
  if (planned('permissionSet')) {
    if (!isAssigned(ctx) && !userRef)
      throw stepError(
        'permissionSet',
        new SetupError(
          `Step "${STEP_TITLES.permissionSet}" needs the integration user first: run the user step.`,
          'NEEDS_USER',
          'permissionSet',
        ),
        writes,
      );
    records.push(...permissionSetRecords(ctx, api, userRef));
  }
  let permissionSetId = facts.permissionSet?.Id;
  if (records.length) {
    abortIfCancelled(records[0]!.step);
    const what = records.map(r => `${r.method === 'POST' ? 'create' : 'update'} ${r.target}`).join(', ');
    say(`Writing: ${what}…`);
    // allOrNone=false: what succeeded stays, so a re-run continues from there.
    const res = await phase(records[0]!.step, writes, what, () =>
      client.composite(
        records.map(({ referenceId, method, url, body }) => ({ referenceId, method, url, body })),
        false,
      ),
    );
    for (const r of records) {
      const answer = res[r.referenceId];
      if (!answer || answer.status >= 300) continue;
      if (r.referenceId === 'permset' && r.method === 'POST')
        permissionSetId = (answer.body as { id?: string } | undefined)?.id;
      writes.push({
        step: r.step,
        action: r.method === 'POST' ? 'create' : 'update',
        target: r.target,
        detail: r.detail,
      });
    }
    const unanswered = records.filter(r => !res[r.referenceId]);
    if (unanswered.length)
      throw stepError(
        unanswered[0]!.step,
        new SetupError('Salesforce did not answer every part of the record writes.', 'UNEXPECTED_RESPONSE'),
        writes,
        unanswered.map(r => `${r.method === 'POST' ? 'create' : 'update'} ${r.target}`).join(', '),
      );
    const bad = records.find(r => res[r.referenceId]!.status >= 300);
    if (bad) {
      if (/^DUPLICATE_/.test(errorOf(res[bad.referenceId]).errorCode)) {
        const other = await concurrentRun(client, m, facts, bad.step, writes);
        if (other) throw other;
      }
      throw stepError(bad.step, writeFailure(bad.step, res[bad.referenceId], m), writes);
    }
  }

  // 2. The External Client App, in one deploy (certificate always sent).
  if (planned('app')) {
    abortIfCancelled('app');
    const deploy = async (parts?: EcaPart[]) => {
      const which = parts ? parts.join(', ') : 'all components';
      const out = await phase('app', writes, `the External Client App deploy (${which})`, () =>
        client.deploy(
          appDeployFiles(ctx, client.apiVersion, parts),
          { timeoutMs: opts.deployTimeoutMs },
          st => say(`Deploying the External Client App: ${st}…`),
          opts.signal,
        ),
      );
      if (out.success)
        writes.push({
          step: 'app',
          action: 'deploy',
          target: `External Client App ${m.app.name}`,
          detail: `deploy ${out.id} (${which})`,
        });
      return out;
    };
    let out = await deploy();
    // Some orgs want the app to exist before its satellites: fall back to two phases.
    if (
      !out.success &&
      out.failures.some(x => /no ExternalClientApplication named/i.test(x.problem)) &&
      out.failures.every(x => x.componentType !== 'ExternalClientApplication')
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
    say('Linking the permission set to the app…');
    const res = await phase('link', writes, inFlight, () =>
      client.composite(linkRequests(ctx, api, permissionSetId!), false),
    );
    if (!res.app || !res.link)
      throw stepError(
        'link',
        new SetupError('Salesforce did not answer every part of the link request.', 'UNEXPECTED_RESPONSE'),
        writes,
        inFlight,
      );
    if (res.app.status < 300 && !(res.app.body as { records?: unknown[] } | undefined)?.records?.length)
      throw stepError(
        'link',
        new SetupError(
          `Step "${STEP_TITLES.link}" needs the External Client App first: run the app step.`,
          'NEEDS_APP',
          'link',
        ),
        writes,
      );
    if (res.link.status >= 300 && errorOf(res.link).errorCode !== 'DUPLICATE_VALUE')
      throw stepError('link', writeFailure('link', res.link, m), writes);
    if (res.link.status < 300)
      writes.push({
        step: 'link',
        action: 'create',
        target: 'Link',
        detail: `permission set ${m.permissionSet.label} → External Client App ${m.app.label}`,
      });
  }
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
