// What a setup step is: its place in Setup, what the admin needs for it, how it judges the facts, and — when it
// writes records — its record writes and what teardown removes of it. Each step lives in its own module;
// steps/index.ts lists them in the guide's order, and apply (records.ts) and teardown (teardown.ts) loop over them.
import { CertificateInfo } from '../certificate';
import { Facts, PermissionFields } from '../facts';
import { Manifest } from '../manifest';
import { label, withDependencies } from '../permissions';
import { Effect, finding, Finding, FINDINGS } from '../findings';
import { SetupError, StepId, StepResult, StepState, Write } from '../types';
import type { OwnLogin } from '../ownLogins';

export interface StepContext {
  facts: Facts;
  manifest: Manifest;
  /** The certificate from the manifest, or why it could not be loaded. */
  certificate?: CertificateInfo | SetupError;
  now: number;
  /** The admin agreed to reactivate an inactive integration user (a teardown deactivates it). */
  reactivateUser?: boolean;
  /** What Salesforce's answers taught this run (apply only): permissions to add (a dependency) or drop (the licence
   *  forbids it), per record, or that the profile falls back to the guide's own permissions. */
  permissions?: PermissionHints;
  /** The logins this tool made itself as the integration user (the self-test, reading as it): never BalkanID's. */
  ownLogins?: OwnLogin[];
  /** A consumer key the admin typed (copied from Setup) because the org gives it to this tool by neither route. */
  typedConsumerKey?: string;
}

export interface PermissionHints {
  adjust: Partial<Record<'profile' | 'permissionSet', { add: string[]; drop: string[] }>>;
  /** Salesforce refused the profile with an answer this run could not understand: it copies only the guide's own
   *  permissions and what they need. */
  fallback?: boolean;
}

/** `base` and what it depends on, with the run's adjustments for `record`. */
export function adjusted(ctx: StepContext, record: 'profile' | 'permissionSet', base: string[]): string[] {
  const a = ctx.permissions?.adjust[record];
  return withDependencies([...base, ...(a?.add ?? [])], ctx.facts.dependencies).filter(p => !a?.drop.includes(p));
}

export interface StepEvaluation {
  findings: Finding[];
  plan: Write[];
  /** Whether what the step creates exists (it may still have drift to repair). */
  done: boolean;
  /** A state the step decides itself instead of the one derived from findings and plan. */
  state?: StepResult['state'];
}

export interface Step {
  id: StepId;
  /** The checklist's full title and its short label (Setup's language). */
  title: string;
  label: string;
  /** The Setup page for "Open in Salesforce Setup", relative to the org's Lightning URL. */
  setupPage: string;
  /** Help: the section of BalkanID's guide (an anchor) and Salesforce's documentation page. */
  help: { guide: string; docs: string };
  /** Admin permissions (API names): every group must be satisfied by one of its permissions. */
  adminPermissions: string[][];
  /** Steps whose result this one needs: when one of them is blocked, so is this one. */
  dependsOn: StepId[];
  /** `earlier` holds the results of the steps before this one, in order. */
  evaluate(ctx: StepContext, earlier: StepResult[]): StepEvaluation;
  /** The record writes that carry out its plan, sent with the other steps' in apply's one composite (records.ts);
   *  a step that writes otherwise (the app's deploy, the link) has a phase of its own in apply.ts. */
  records?(ctx: RecordContext): RecordWrite[];
  /** What teardown removes of what it created, each with how (teardown.ts); nothing when absent. */
  teardown?(f: Facts, m: Manifest): TeardownWrite[];
  /** What teardown leaves of it in the org, and why (said after every teardown). */
  kept?(f: Facts, m: Manifest): string[];
}

/**
 * The org's free licences of other kinds, as a sentence for "no Salesforce Platform licence is free" (empty when it
 * has none): the admin may have seats elsewhere, but BalkanID's guide puts the integration user on Salesforce Platform.
 */
export function otherLicences(f: Facts): string {
  const free = (f.otherLicenses ?? []).map(
    l => `${l.MasterLabel || l.Name} (${l.TotalLicenses - l.UsedLicenses} free)`,
  );
  if (!free.length) return '';
  return (
    ` The org has free licences of other kinds — ${free.join(', ')} — but BalkanID's guide puts the integration ` +
    'user on Salesforce Platform, as this setup does.'
  );
}

/** One finding per admin permission group the connected admin does not satisfy. */
export function adminFindings(step: Pick<Step, 'adminPermissions'>, f: Facts): Finding[] {
  if (!f.adminPerms) return [];
  return step.adminPermissions
    .filter(group => !group.some(p => f.adminPerms!.has(p)))
    .map(group =>
      finding('admin-permission-missing', {
        subject: 'admin',
        permission: group[0],
        alternatives: group.slice(1),
        message:
          `You (the connected admin) lack ` +
          `"${label(group[0]!)}"${group.length > 1 ? ` (or ${group.slice(1).map(label).join(' / ')})` : ''}, which ` +
          `this step needs.`,
        fix:
          `Ask a System Administrator to grant "${label(group[0]!)}" to your user (profile or permission set), or ` +
          `connect as an admin who has it.`,
      }),
    );
}

/** A permission as Setup shows it to the admin (describe's label, in their language), else its English label. */
export const permissionLabel = (f: Pick<Facts, 'profileFields'>, p: string) =>
  f.profileFields?.labels.get(p) ?? label(p);

/** The permissions of `names` that a profile or permission set row does not have. */
export function missingPermissions(row: PermissionFields | undefined, names: string[]): string[] {
  return names.filter(p => !row?.[`Permissions${p}`]);
}

/**
 * A step's state from its findings (what each does: findings.ts) and its plan. A step with writes to make is blocked
 * by a finding that blocks; one that needs someone to act first is in error; with nothing to write it is done;
 * otherwise it is drifted (what exists differs) or to do.
 */
export function stepResult(step: Pick<Step, 'id' | 'title'>, e: StepEvaluation): StepResult {
  const { findings, plan, done } = e;
  const result = (state: StepState): StepResult => ({
    id: step.id,
    title: step.title,
    state,
    findings,
    plan,
    exists: done,
  });
  if (e.state) return result(e.state);
  const writes = plan.length > 0 || !done;
  const has = (...effects: Effect[]) => findings.some(f => effects.includes(FINDINGS[f.code].effect));
  if (writes && has('blocks', 'blocks-or-error')) return result('blocked');
  if (has('error', 'blocks-or-error')) return result('error');
  if (!writes) return result('done');
  return result(done || has('drift') ? 'drifted' : 'todo');
}

export interface RecordContext extends StepContext {
  /**
   * A record's Id for a body: the one in the org (`existing`), else a reference to its creation earlier in the same
   * composite (`@{profile.id}`), else undefined (it exists nowhere yet: the step says what it needs first).
   */
  ref(referenceId: string, existing: string | undefined): string | undefined;
}

/** A record write a step adds to the one composite of record writes (references like `@{profile.id}` allowed). */
export interface RecordWrite {
  referenceId: string;
  method: 'POST' | 'PATCH';
  /** Relative to the REST API's version root (`/sobjects/Profile`). */
  path: string;
  body: Record<string, unknown>;
  step: StepId;
  /** How the write is reported: "create profile — "BalkanID Integration"". */
  target: string;
  detail: string;
  /** The permissions record it sets: when Salesforce answers that a permission needs another (or that the licence
   *  forbids one), apply learns that and sends the records again. */
  permissions?: 'profile' | 'permissionSet';
}

/** A write of teardown, with how it is made: a subrequest of teardown's one composite of record writes, or a deploy
 *  of destructive changes (the External Client App). */
export type TeardownWrite = Write & {
  removal:
    | { request: { method: 'DELETE' | 'PATCH'; path: string; body?: unknown } }
    | { deploy: (apiVersion: string) => Record<string, string> };
};

/** `{ PermissionsX: true, ... }` for a record body. */
export const permissionFields = (names: string[]) => Object.fromEntries(names.map(p => [`Permissions${p}`, true]));
