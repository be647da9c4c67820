// The setup engine's facade: check (read and evaluate), plan, apply and teardown. Reading the org lives in
// facts.ts, judging it in steps/, sending writes in apply.ts and teardown.ts.
import { applyWrites, ApplyOptions, WriteInput } from './apply';
import { Facts, gatherFacts } from './facts';
import { Manifest } from './manifest';
import { evaluate } from './steps';
import { Handoff, Report, Write } from './types';

export type EngineInput = WriteInput;
export type { ApplyOptions } from './apply';
export type { Facts } from './facts';
export { gatherFacts, factQueries } from './facts';
export { evaluate, STEPS, STEP_TITLES, STEP_LABELS, SETUP_PAGES } from './steps';
export { MIN_API_VERSION } from './steps/preflight';
export { stepError } from './errors';
export { teardown, teardownPlan } from './teardown';

/** The values BalkanID asks for (Direct integration). */
export function handoff(facts: Facts, m: Manifest, instanceUrl: string): Handoff {
  const sandbox = !!facts.org?.IsSandbox;
  return {
    username: m.user.username,
    consumerKey: facts.global?.consumerKey,
    isSandbox: sandbox,
    instanceUrl,
    loginUrl: m.loginUrl ?? (sandbox ? 'https://test.salesforce.com' : 'https://login.salesforce.com'),
  };
}

export function buildReport(input: EngineInput, facts: Facts): Report {
  const c = input.client;
  return {
    org: {
      instanceUrl: c.instanceUrl,
      username: facts.admin?.Username ?? c.userId,
      orgId: c.orgId,
      isSandbox: !!facts.org?.IsSandbox,
      apiVersion: c.apiVersion,
      name: facts.org?.Name,
    },
    steps: evaluate(facts, input.manifest, input.certificate, input.now),
    handoff: handoff(facts, input.manifest, c.instanceUrl),
  };
}

/** Reads the org (one round trip) and evaluates every step. Writes nothing. */
export async function check(input: EngineInput): Promise<{ report: Report; facts: Facts }> {
  const facts = await gatherFacts(input.client, input.manifest);
  return { facts, report: buildReport(input, facts) };
}

/** All planned writes, for `plan` and the "run all" confirmation. */
export const planOf = (r: Report): Write[] => r.steps.flatMap(s => s.plan);

export const remaining = (r: Report) => r.steps.filter(s => s.state !== 'done').length;

/** Makes the planned writes (of `opts.steps`, or all); returns the report read afterwards and what was written. */
export async function apply(input: EngineInput, opts: ApplyOptions = {}): Promise<{ report: Report; writes: Write[] }> {
  const { facts, writes } = await applyWrites(input, opts);
  return { report: buildReport(input, facts), writes };
}
