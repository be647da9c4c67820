// The setup engine's facade: check (read and evaluate), plan, apply and teardown. Reading the org lives in
// facts.ts, judging it in steps/, sending writes in apply.ts and teardown.ts.
import { scimBaseUrl } from './extract/scim';
import { applyWrites, ApplyOptions, WriteInput } from './apply';
import { Facts, gatherFacts } from './facts';
import { Manifest } from './manifest';
import { evaluate } from './steps';
import { loginStatus } from './steps/verify';
import { consumerKeyPage } from './steps/consumerKey';
import { Handoff, Report, StepResult, Write } from './types';

export type EngineInput = WriteInput;
export type { ApplyOptions } from './apply';
export type { Facts } from './facts';
export { gatherFacts, factQueries } from './facts';
export { evaluate, STEPS, STEP_TITLES, STEP_LABELS, SETUP_PAGES } from './steps';
export { MIN_API_VERSION } from './steps/preflight';
export { stepError } from './errors';
export { teardown, teardownPlan, teardownKept } from './teardown';

/**
 * Why the values for BalkanID cannot work yet, or undefined when the setup is in place (the consumer key aside: it
 * may be typed by hand). No username is offered for a user that was never created, or cannot log in.
 */
export function notReady(facts: Facts, m: Manifest, steps: StepResult[]): string | undefined {
  const user = steps.find(s => s.id === 'user');
  const stop = (s: StepResult | undefined) =>
    s?.findings.find(f => f.severity === 'error' && f.code !== 'admin-permission-missing') ??
    s?.findings.find(f => f.severity === 'error');
  if (!facts.user) {
    const why = stop(user);
    return why
      ? `The integration user ${m.user.username} does not exist: ${why.message}${why.fix ? ` ${why.fix}` : ''}`
      : `The integration user ${m.user.username} does not exist yet: run the setup first.`;
  }
  const wrong = user?.findings.find(f => f.severity === 'error' && f.subject === 'integration-user');
  if (wrong) return `${wrong.message}${wrong.fix ? ` ${wrong.fix}` : ''}`;
  const open = steps.filter(s => !['preflight', 'consumerKey', 'verify'].includes(s.id) && s.state !== 'done');
  if (open.length) {
    const listed = open.map(s => `${s.title} (${s.state === 'todo' ? 'to do' : s.state})`).join(', ');
    return `The setup is not finished: ${listed}.`;
  }
  return undefined;
}

/**
 * The values BalkanID asks for (Direct integration); the key the org gives, else the one the admin typed; `notReady`
 * says why they cannot work yet.
 */
export function handoff(
  facts: Facts,
  m: Manifest,
  instanceUrl: string,
  typedConsumerKey?: string,
  steps: StepResult[] = [],
): Handoff {
  const sandbox = !!facts.org?.IsSandbox;
  const fromOrg = facts.consumerKey?.key;
  const page = consumerKeyPage(facts);
  return {
    notReady: notReady(facts, m, steps),
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
  const steps = evaluate(facts, input.manifest, input.certificate, input.clock.now(), input.reactivateUser, input);
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
    steps,
    handoff: handoff(facts, input.manifest, c.instanceUrl, input.typedConsumerKey, steps),
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

export { runnable, type Blocker } from './runnable';
export { nothingCanRun } from './apply';
export { adminRequestText } from './adminRequest';

export { remaining } from './types';

/** Makes the planned writes (of `opts.steps`, or all); returns the report read afterwards and what was written. */
export async function apply(input: EngineInput, opts: ApplyOptions = {}): Promise<{ report: Report; writes: Write[] }> {
  const { facts, writes } = await applyWrites(input, opts);
  return { report: buildReport(input, facts), writes };
}
