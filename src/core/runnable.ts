// What can run now, and what cannot and why: the one rule Run All, `plan` and `apply` share.
import { label } from './permissions';
import { hasWork, stoppedSteps } from './steps';
import { Finding, Report, StepId, StepResult, Write } from './types';

export interface Blocker {
  step: StepId;
  title: string;
  /** Why, in one sentence, and what to do. */
  reason: string;
  /** Why in a few words ('needs "Customize Application"'), or undefined when it only waits for another step. */
  short?: string;
}

/**
 * What can run now — the same rule for Run All, `plan` and `apply`: the writes of the steps that can run, and the
 * steps that cannot, with why. A preflight error (no licence, an old API) or a placeholder in the manifest stops
 * everything; a blocked or erroring step stops itself (and, through evaluate, the steps that need it). A step with
 * nothing left to do is no blocker (a blocked preflight only gathers the permissions the admin lacks).
 */
export function runnable(r: Pick<Report, 'steps'>): { writes: Write[]; steps: StepId[]; blockers: Blocker[] } {
  const stopped = stoppedSteps(r.steps);
  const blockers = r.steps
    .filter(s => stopped.has(s.id) && (hasWork(s) || (stopped.get(s.id)!.id === s.id && s.state === 'error')))
    .map(s => {
      const by = stopped.get(s.id)!;
      return by.id === s.id
        ? blockerOf(s)
        : { step: s.id, title: s.title, reason: `Waits for "${by.title}", which cannot run now.` };
    });
  const open = r.steps.filter(s => s.plan.length && !stopped.has(s.id));
  return { writes: open.flatMap(s => s.plan), steps: open.map(s => s.id), blockers };
}

/** "A", "B" and "C" (each with what would do instead). */
function permissionList(findings: Finding[]): string {
  const names = findings.map(
    f => `"${label(f.permission!)}"${f.alternatives?.length ? ` (or ${f.alternatives.map(label).join(' / ')})` : ''}`,
  );
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names[0]!;
}

/** Why a step stops itself: every reason with its fix (every permission it lacks), and a few words for a summary. */
function blockerOf(s: StepResult): Blocker {
  const errors = s.findings.filter(x => x.severity === 'error');
  const f = errors[0] ?? s.findings.find(x => x.code === 'waits-for');
  const lacking = errors.filter(x => x.code === 'admin-permission-missing' && x.permission);
  const others = errors.filter(x => !lacking.includes(x));
  const firstSentence = f?.message.replace(/\.\s.*$/s, '.');
  const short =
    f?.code === 'waits-for'
      ? undefined
      : lacking.length
        ? `needs ${[...new Set(lacking.map(x => `"${label(x.permission!)}"`))].join(', ')}`
        : (firstSentence ?? s.state);
  const reasons = [
    ...(lacking.length
      ? [
          `You (the connected admin) lack ${permissionList(lacking)}, which this step needs. Ask a System ` +
            'Administrator to grant them (the request for a System Administrator lists them all), or connect as an ' +
            'admin who has them.',
        ]
      : []),
    ...others.map(x => `${x.message}${x.fix ? ` ${x.fix}` : ''}`),
  ];
  const reason = reasons.length ? reasons.join(' ') : f ? `${f.message}${f.fix ? ` ${f.fix}` : ''}` : s.state;
  return { step: s.id, title: s.title, reason, short };
}
