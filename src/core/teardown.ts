// Teardown: removes what the setup created, step by step in reverse (Step.teardown: each step says what of it is
// removed and how). Record writes go in one composite, then the deploys of destructive changes (the app). Users
// cannot be deleted in Salesforce: the integration user is deactivated, and the profile stays while a user holds it
// (Step.kept says so).
import { ApplyOptions, WriteInput } from './apply';
import { salesforceCode } from './errorCodes';
import { errorOf, phase, stepError } from './errors';
import { deployVersion } from './eca';
import { Facts, gatherFacts } from './facts';
import { Manifest } from './manifest';
import { STEP_TITLES, STEPS } from './steps';
import { TeardownWrite } from './steps/step';
import { SetupError, Write } from './types';

const reversed = [...STEPS].reverse();

/** What teardown removes, in the order it does it: the record writes (one composite), then the deploys. */
function removals(f: Facts, m: Manifest): TeardownWrite[] {
  const all = reversed.flatMap(s => s.teardown?.(f, m) ?? []);
  return [...all.filter(w => 'request' in w.removal), ...all.filter(w => 'deploy' in w.removal)];
}

const asWrite = ({ removal: _removal, ...w }: TeardownWrite): Write => w;

export function teardownPlan(f: Facts, m: Manifest): Write[] {
  return removals(f, m).map(asWrite);
}

/** What a teardown leaves in the org, and why: said after every teardown. */
export function teardownKept(f: Facts, m: Manifest): string[] {
  return reversed.flatMap(s => s.kept?.(f, m) ?? []);
}

const doing = (w: Write) => `${w.action === 'delete' ? 'delete' : 'update'} ${w.target}`;

/** Removes what teardownPlan lists; returns exactly what was removed. */
export async function teardown(input: WriteInput, opts: ApplyOptions = {}): Promise<Write[]> {
  const { client, manifest: m } = input;
  const removed: Write[] = [];
  const f = await phase('preflight', removed, undefined, () => gatherFacts(client, m));
  const api = `/services/data/v${client.apiVersion}`;
  const plan = removals(f, m);
  // Each subrequest carries the plan line it carries out, so what was removed is reported exactly.
  const sub = plan.flatMap((w, i) =>
    'request' in w.removal
      ? [{ referenceId: `${w.step}${i}`, ...w.removal.request, url: `${api}${w.removal.request.path}`, write: w }]
      : [],
  );
  if (sub.length) {
    const what = sub.map(s => doing(s.write)).join(', ');
    opts.onProgress?.(`Removing: ${what}…`);
    const res = await phase(sub[0]!.write.step, removed, what, () =>
      client.composite(
        sub.map(({ referenceId, method, url, body }) => ({ referenceId, method, url, body })),
        false,
      ),
    );
    for (const s of sub) if ((res[s.referenceId]?.status ?? 500) < 300) removed.push(asWrite(s.write));
    const bad = sub.find(s => (res[s.referenceId]?.status ?? 500) >= 300);
    if (bad) {
      const e = errorOf(res[bad.referenceId]);
      const step = bad.write.step;
      const why = `Teardown of "${STEP_TITLES[step]}" failed: ${e.errorCode}: ${e.message}`;
      throw stepError(step, new SetupError(why, salesforceCode(e.errorCode), step), removed);
    }
  }
  for (const w of plan) {
    if (!('deploy' in w.removal)) continue;
    const version = deployVersion(client.apiVersion);
    const files = w.removal.deploy(version);
    opts.onProgress?.(`Deleting ${w.target}…`);
    const out = await phase(w.step, removed, `the deletion of ${w.target}`, () =>
      client.deploy(
        files,
        { timeoutMs: opts.deployTimeoutMs, apiVersion: version },
        st => opts.onProgress?.(`Deleting ${w.target}: ${st}…`),
        opts.signal,
      ),
    );
    if (!out.success) {
      const why = `Teardown could not delete ${w.target}: ${out.failures.map(x => x.problem).join('; ')}`;
      throw stepError(w.step, new SetupError(why, 'DEPLOY_FAILED', w.step), removed);
    }
    removed.push(asWrite(w));
  }
  return removed;
}
