// The setup engine's facade: check (read and evaluate), plan, apply and teardown. Reading the org lives in
// facts.ts, judging it in steps/, sending writes in apply.ts and teardown.ts.
import { scimBaseUrl } from './extract/scim';
import { applyWrites, ApplyOptions, WriteInput } from './apply';
import { Facts, gatherFacts } from './facts';
import { Manifest } from './manifest';
import { evaluate, stoppedSteps } from './steps';
import { loginStatus } from './steps/verify';
import { consumerKeyPage } from './steps/consumerKey';
import { label } from './permissions';
import { Handoff, Report, StepId, StepResult, Write } from './types';

export type EngineInput = WriteInput;
export type { ApplyOptions } from './apply';
export type { Facts } from './facts';
export { gatherFacts, factQueries } from './facts';
export { evaluate, STEPS, STEP_TITLES, STEP_LABELS, SETUP_PAGES } from './steps';
export { MIN_API_VERSION } from './steps/preflight';
export { stepError } from './errors';
export { teardown, teardownPlan, teardownKept } from './teardown';

/** The values BalkanID asks for (Direct integration); the key the org gives, else the one the admin typed. */
export function handoff(facts: Facts, m: Manifest, instanceUrl: string, typedConsumerKey?: string): Handoff {
  const sandbox = !!facts.org?.IsSandbox;
  const fromOrg = facts.consumerKey?.key;
  const page = consumerKeyPage(facts);
  return {
    username: m.user.username,
    consumerKey: fromOrg ?? typedConsumerKey,
    ...(fromOrg
      ? { consumerKeySource: 'org' as const }
      : typedConsumerKey
        ? { consumerKeySource: 'typed' as const }
        : {}),
    ...(page ? { consumerKeyPage: `${instanceUrl.replace(/\/+$/, '')}${page}` } : {}),
    isSandbox: sandbox,
    instanceUrl,
    scimUrl: scimBaseUrl(instanceUrl),
    loginUrl: m.loginUrl ?? (sandbox ? 'https://test.salesforce.com' : 'https://login.salesforce.com'),
  };
}

export function buildReport(input: EngineInput, facts: Facts): Report {
  const c = input.client;
  return {
    org: {
      instanceUrl: c.instanceUrl,
      username: facts.admin?.Username ?? c.userId,
      adminEmail: facts.admin?.Email,
      orgId: c.orgId,
      isSandbox: !!facts.org?.IsSandbox,
      apiVersion: c.apiVersion,
      name: facts.org?.Name,
    },
    steps: evaluate(facts, input.manifest, input.certificate, input.clock.now(), input.reactivateUser, input),
    handoff: handoff(facts, input.manifest, c.instanceUrl, input.typedConsumerKey),
    login: loginStatus(facts, input.ownLogins),
  };
}

/** Reads the org (one round trip) and evaluates every step. Writes nothing. */
export async function check(input: EngineInput): Promise<{ report: Report; facts: Facts }> {
  const facts = await gatherFacts(input.client, input.manifest);
  return { facts, report: buildReport(input, facts) };
}

/** All planned writes, for `plan`. */
export const planOf = (r: Report): Write[] => r.steps.flatMap(s => s.plan);

export interface Blocker {
  step: StepId;
  title: string;
  /** Why, in one sentence, and what to do. */
  reason: string;
  /** Why in a few words ('needs "Customize Application"'), or undefined when it only waits for another step. */
  short?: string;
}

/**
 * What Run All can do now: the writes of the steps that can run, and the steps that cannot, with why. A preflight
 * error (no licence, placeholder values, an old API) stops everything; a blocked or erroring step stops itself
 * (and, through evaluate, the steps that need it).
 */
export function runnable(r: Report): { writes: Write[]; steps: StepId[]; blockers: Blocker[] } {
  const stopped = stoppedSteps(r.steps);
  const blockers = r.steps
    .filter(s => stopped.has(s.id))
    .map(s => {
      const by = stopped.get(s.id)!;
      return by.id === s.id
        ? blockerOf(s)
        : { step: s.id, title: s.title, reason: `Waits for "${by.title}", which cannot run now.` };
    });
  const open = r.steps.filter(s => s.plan.length && !stopped.has(s.id));
  return { writes: open.flatMap(s => s.plan), steps: open.map(s => s.id), blockers };
}

/** Why a step stops itself: the full reason with its fix, and a few words for a summary. */
function blockerOf(s: StepResult): Blocker {
  const f = s.findings.find(x => x.severity === 'error') ?? s.findings.find(x => x.code === 'waits-for');
  const firstSentence = f?.message.replace(/\.\s.*$/s, '.');
  const lacking = [
    ...new Set(s.findings.filter(x => x.permission && x.severity === 'error').map(x => label(x.permission!))),
  ];
  const short =
    f?.code === 'waits-for'
      ? undefined
      : lacking.length
        ? `needs ${lacking.map(l => `"${l}"`).join(', ')}`
        : (firstSentence ?? s.state);
  return { step: s.id, title: s.title, reason: f ? `${f.message}${f.fix ? ` ${f.fix}` : ''}` : s.state, short };
}

export { remaining } from './types';

/** Makes the planned writes (of `opts.steps`, or all); returns the report read afterwards and what was written. */
export async function apply(input: EngineInput, opts: ApplyOptions = {}): Promise<{ report: Report; writes: Write[] }> {
  const { facts, writes } = await applyWrites(input, opts);
  return { report: buildReport(input, facts), writes };
}
