// Two runs at once on one org: after a duplicate error or a failed deploy, what this run was creating may have
// appeared meanwhile. Then another run (a second window, a colleague, CI) is changing the org, and the error says so.
import { OrgClient } from './client';
import { stepError } from './errors';
import { Facts, gatherFacts, linkOf } from './facts';
import { Manifest } from './manifest';
import { STEP_TITLES } from './steps';
import { SetupError, StepId, Write } from './types';

/** What exists now that the plan's facts did not have, by kind (matching `createdKind`). */
function appeared(before: Facts, now: Facts): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (!before.profile && now.profile) out.push(['profile', `the profile "${now.profile.Name}"`]);
  if (!before.user && now.user) out.push(['integration user', `the user ${now.user.Username}`]);
  if (!before.permissionSet && now.permissionSet)
    out.push(['permission set', `the permission set "${now.permissionSet.Label}"`]);
  if (!before.permissionSet?.Assignments?.records?.length && now.permissionSet?.Assignments?.records?.length)
    out.push(['permission set assignment', 'the permission set assignment']);
  if (!before.app && now.app) out.push(['app', `the External Client App "${now.app.MasterLabel}"`]);
  if (!linkOf(before) && linkOf(now)) out.push(['link', 'the link between the permission set and the app']);
  return out;
}
const createdKind = (w: Write) => (w.step === 'app' || w.step === 'link' ? w.step : w.target);

/**
 * After a duplicate error or a failed deploy: if what this run was creating appeared meanwhile, another run
 * (a second window, a colleague, CI) is changing the org. Say so instead of reporting a confusing duplicate.
 */
export async function concurrentRun(
  client: OrgClient,
  m: Manifest,
  before: Facts,
  step: StepId,
  writes: Write[],
): Promise<SetupError | undefined> {
  const now = await gatherFacts(client, m).catch(() => undefined);
  const ours = new Set(writes.map(createdKind));
  const others = now
    ? appeared(before, now)
        .filter(([kind]) => !ours.has(kind))
        .map(([, label]) => label)
    : [];
  if (!others.length) return undefined;
  const title = STEP_TITLES[step];
  const err = new SetupError(
    `Step "${title}": another run is changing this org — ${others.join(', ')} appeared while this run was writing. ` +
      'Nothing was duplicated. Run again when the other run has finished.',
    'CONCURRENT_RUN',
    step,
  );
  return stepError(step, err, writes);
}
