// Teardown: removes what the setup created. Users cannot be deleted in Salesforce: the integration user is
// deactivated, and the profile stays because an (inactive) user still holds it.
import { ApplyOptions, WriteInput } from './apply';
import { ecaDestructiveFiles } from './eca';
import { errorOf, phase, stepError } from './errors';
import { Facts, gatherFacts, linkOf } from './facts';
import { Manifest } from './manifest';
import { STEP_TITLES } from './steps';
import { appNames } from './steps/app';
import { salesforceCode } from './errorCodes';
import { SetupError, Write } from './types';

export function teardownPlan(f: Facts, m: Manifest): Write[] {
  const out: Write[] = [];
  if (linkOf(f))
    out.push({
      step: 'link',
      action: 'delete',
      target: `External Client App "${m.app.label}" policies`,
      detail: `Select Permission Sets: remove "${m.permissionSet.label}"`,
    });
  for (const a of f.permissionSet?.Assignments?.records ?? [])
    out.push({
      step: 'permissionSet',
      action: 'delete',
      target: 'Permission set assignment',
      detail: `"${m.permissionSet.label}" → ${m.user.username} (${a.Id})`,
      id: a.Id,
    });
  if (f.permissionSet)
    out.push({
      step: 'permissionSet',
      action: 'delete',
      target: `Permission set "${m.permissionSet.label}"`,
      detail: 'with its settings',
    });
  if (f.app)
    out.push({
      step: 'app',
      action: 'delete',
      target: `External Client App "${m.app.label}"`,
      detail: 'with its OAuth settings and policies',
    });
  if (f.user?.IsActive)
    out.push({
      step: 'user',
      action: 'update',
      target: `User ${m.user.username}`,
      detail: 'deactivate (Salesforce users cannot be deleted)',
    });
  return out;
}

/** What a teardown leaves in the org, and why: said after every teardown. */
export function teardownKept(f: Facts, m: Manifest): string[] {
  const out: string[] = [];
  if (f.user)
    out.push(
      `User ${m.user.username}: deactivated, not deleted (Salesforce never deletes users); Run All (or apply ` +
        '--reactivate-user) reactivates it.',
    );
  if (f.profile)
    out.push(
      `Profile "${m.profile.name}": ${f.user ? 'the deactivated user still holds it' : 'delete it in Setup → Profiles if you no longer need it'}; ` +
        'the next setup reuses it.',
    );
  return out;
}

/** Removes what teardownPlan lists; returns exactly what was removed. */
export async function teardown(input: WriteInput, opts: ApplyOptions = {}): Promise<Write[]> {
  const { client, manifest: m } = input;
  const removed: Write[] = [];
  const f = await phase('preflight', removed, undefined, () => gatherFacts(client, m));
  const api = `/services/data/v${client.apiVersion}`;
  const plan = teardownPlan(f, m);
  // Each subrequest carries the plan line it carries out, so what was removed is reported exactly.
  const sub: Array<{ referenceId: string; method: string; url: string; body?: unknown; write: Write }> = [];
  for (const w of plan) {
    const link = linkOf(f);
    if (w.step === 'link' && link)
      sub.push({
        referenceId: 'link',
        method: 'DELETE',
        url: `${api}/sobjects/SetupEntityAccess/${link.Id}`,
        write: w,
      });
    else if (w.target === 'Permission set assignment')
      sub.push({
        referenceId: `assignment${sub.length}`,
        method: 'DELETE',
        url: `${api}/sobjects/PermissionSetAssignment/${w.id}`,
        write: w,
      });
    else if (w.step === 'permissionSet')
      sub.push({
        referenceId: 'permset',
        method: 'DELETE',
        url: `${api}/sobjects/PermissionSet/${f.permissionSet!.Id}`,
        write: w,
      });
    else if (w.step === 'user')
      sub.push({
        referenceId: 'user',
        method: 'PATCH',
        url: `${api}/sobjects/User/${f.user!.Id}`,
        body: { IsActive: false },
        write: w,
      });
  }
  if (sub.length) {
    opts.onProgress?.('Removing the link, the assignment and the permission set; deactivating the user…');
    const res = await phase(
      'permissionSet',
      removed,
      "the removal of the link, assignments and permission set, and the user's deactivation",
      () =>
        client.composite(
          sub.map(({ write: _w, ...r }) => r),
          false,
        ),
    );
    for (const s of sub) if ((res[s.referenceId]?.status ?? 500) < 300) removed.push(s.write);
    const bad = sub.find(s => (res[s.referenceId]?.status ?? 500) >= 300);
    if (bad) {
      const e = errorOf(res[bad.referenceId]);
      const step = bad.write.step;
      throw stepError(
        step,
        new SetupError(
          `Teardown of "${STEP_TITLES[step]}" failed: ${e.errorCode}: ${e.message}`,
          salesforceCode(e.errorCode),
          step,
        ),
        removed,
      );
    }
  }
  const app = plan.find(w => w.step === 'app');
  if (app) {
    opts.onProgress?.('Deleting the External Client App…');
    const out = await phase('app', removed, 'the deletion of the External Client App', () =>
      client.deploy(
        ecaDestructiveFiles(appNames(f, m.app.name), client.apiVersion),
        { timeoutMs: opts.deployTimeoutMs },
        st => opts.onProgress?.(`Deleting the app: ${st}…`),
        opts.signal,
      ),
    );
    if (!out.success)
      throw stepError(
        'app',
        new SetupError(
          `Teardown could not delete the app: ${out.failures.map(x => x.problem).join('; ')}`,
          'DEPLOY_FAILED',
          'app',
        ),
        removed,
      );
    removed.push(app);
  }
  return removed;
}
