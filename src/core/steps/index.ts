// The steps of the BalkanID guide, in its order. Titles, labels, Setup pages, admin permissions and what blocks
// what all derive from this list.
import { finding, Finding } from '../findings';
import { Facts } from '../facts';
import { Manifest } from '../manifest';
import { CertificateInfo } from '../certificate';
import { label } from '../permissions';
import { adminNeeds } from '../adminRequest';
import { SetupError, STEP_IDS, StepId, StepResult } from '../types';
import { app } from './app';
import { consumerKey } from './consumerKey';
import { link } from './link';
import { permissionSet } from './permissionSet';
import { preflight } from './preflight';
import { profile } from './profile';
import { Step, StepContext, stepResult } from './step';
import { user } from './user';
import { verify } from './verify';

export const STEPS: readonly Step[] = [preflight, profile, user, permissionSet, app, link, consumerKey, verify];

const byId = <T>(f: (s: Step) => T) => Object.fromEntries(STEPS.map(s => [s.id, f(s)])) as Record<StepId, T>;
export { STEP_TITLES, STEP_LABELS } from './names';
export const SETUP_PAGES = byId(s => s.setupPage);
export const stepById = (id: StepId): Step => STEPS.find(s => s.id === id)!;

/** BalkanID's public guide, which this product automates. */
export const GUIDE_URL =
  'https://docs.balkan.id/getting-started/setting-up-your-tenant/application-integrations/' +
  'direct-application-integration/salesforce-application-integration-setup';
/** A step's help: its section of BalkanID's guide, or Salesforce's documentation page. */
export const helpUrl = (id: StepId, docs = false) =>
  docs ? stepById(id).help.docs : `${GUIDE_URL}#${stepById(id).help.guide}`;

if (STEPS.map(s => s.id).join() !== STEP_IDS.join())
  throw new Error('steps/index.ts and STEP_IDS disagree on the steps or their order');

export { adminNeeds, hasWork, type AdminNeed } from '../adminRequest';

/** A step that cannot write now: blocked, or in error (Verify and the consumer key only read, and stop nothing). */
const stops = (s: StepResult) =>
  s.state === 'blocked' || (s.state === 'error' && s.id !== 'verify' && s.id !== 'consumerKey');

/**
 * Which steps cannot run now, each with the step that stops it: itself, a prerequisite (transitively — a permission
 * set is never assigned to an integration user that is in error), or what stops every step: the preflight in error
 * (no licence, an old API) or a placeholder value in the manifest.
 */
export function stoppedSteps(results: StepResult[]): Map<StepId, StepResult> {
  const stopped = new Map<StepId, StepResult>();
  // What stops everything: the preflight in error (no licence, an old API, the admin's own reading permissions), or
  // a manifest value that is wrong (a placeholder username): no write is made until the input is right.
  const everything = results.find(
    s =>
      (s.id === 'preflight' && s.state === 'error') ||
      s.findings.some(f => f.subject === 'manifest' && f.severity === 'error'),
  );
  // A stopped prerequisite stops a step that needs it when what it creates does not exist yet, or when the
  // integration user itself is wrong (the admin, inactive, frozen): nothing is granted to it.
  const holdsBack = (p: StepResult) =>
    !p.exists || p.findings.some(f => f.severity === 'error' && f.subject === 'integration-user');
  for (const s of results) {
    const prerequisite = stepById(s.id)
      .dependsOn.map(d => results.find(r => r.id === d))
      .find(p => p && stopped.has(p.id) && holdsBack(p));
    // A step that only waits names what it waits for (the root cause), not itself.
    const onlyWaits = s.findings.every(f => f.code === 'waits-for' || f.severity !== 'error');
    const by = everything
      ? everything
      : prerequisite && (onlyWaits || !stops(s))
        ? stopped.get(prerequisite.id)
        : stops(s)
          ? s
          : undefined;
    if (by) stopped.set(s.id, by);
  }
  return stopped;
}

/** Every step's state, findings and plan; a step whose prerequisite is blocked is blocked too, and says by what. */
export function evaluate(
  facts: Facts,
  manifest: Manifest,
  certificate: CertificateInfo | SetupError | undefined,
  now: number,
  reactivateUser = false,
  known: Pick<StepContext, 'ownLogins' | 'typedConsumerKey'> = {},
): StepResult[] {
  const results: StepResult[] = [];
  for (const step of STEPS) {
    const e = step.evaluate({ facts, manifest, certificate, now, reactivateUser, ...known }, [...results]);
    let r = stepResult(step, e);
    // A step with work to do waits for a prerequisite that is blocked: it says so, and that blocks it too.
    const blocked = step.dependsOn.map(id => results.find(x => x.id === id)!).find(p => p.state === 'blocked');
    if (blocked && r.state === 'todo') {
      const waits = finding('waits-for', { message: `Waits for "${blocked.title}", which is blocked.` });
      r = stepResult(step, { ...e, findings: [...e.findings, waits] });
    }
    results.push(r);
  }
  return withAdminRequest(results);
}

/**
 * The preflight gathers every permission the admin lacks for the work left (each also a finding of its step): one
 * list to send to a System Administrator. While any is missing the preflight is blocked, not done — it blocks no step
 * that can run without them.
 */
function withAdminRequest(results: StepResult[]): StepResult[] {
  const needs = adminNeeds(results);
  const preflight = results[0]!;
  if (!needs.length || preflight.id !== 'preflight') return results;
  const labels = needs.map(n => `"${label(n.permission)}"`);
  const request: Finding = finding('admin-request', {
    subject: 'admin',
    permissions: needs.map(n => n.permission),
    message:
      `You lack ${needs.length === 1 ? 'a permission' : `${needs.length} permissions`} the setup needs: ` +
      `${labels.join(', ')}.`,
    fix:
      'Send the request for a System Administrator (it lists each permission and the steps that need it), or ' +
      'connect as an admin who has them.',
  });
  results[0] = {
    ...preflight,
    findings: [request, ...preflight.findings],
    state: preflight.state === 'error' ? 'error' : 'blocked',
  };
  return results;
}
