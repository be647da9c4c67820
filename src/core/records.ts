// The record writes of every step that has them (Step.records: the profile, the user, the permission set), in one
// composite with references. A profile is cloned with only the permissions describe says the API may set (read with
// the facts); when Salesforce answers that a permission depends on another, that one is added, and when the licence
// forbids one, it is dropped, and the records are sent once more.
import { concurrentRun } from './concurrency';
import { errorOf, phase, stepError, writeFailure } from './errors';
import { Facts, gatherFacts } from './facts';
import { PERMISSION_LABELS } from './permissions';
import { evaluate, STEPS } from './steps';
import { PermissionHints, RecordWrite, StepContext } from './steps/step';
import { SetupError, StepId, Write } from './types';
import type { OrgClient, SubResult } from './client';

export interface RecordRun {
  client: OrgClient;
  ctx: StepContext;
  wants: (s: StepId) => boolean;
  writes: Write[];
  say: (message: string) => void;
  abortIfCancelled: (next: StepId) => void;
}

/** The record writes the steps plan on these facts, in the guide's order (empty when nothing is to do). */
function build(ctx: StepContext, wants: (s: StepId) => boolean, writes: Write[]): RecordWrite[] {
  const results = evaluate(ctx.facts, ctx.manifest, ctx.certificate, ctx.now, ctx.reactivateUser);
  const records: RecordWrite[] = [];
  const created = (id: string) => records.some(r => r.referenceId === id && r.method === 'POST');
  const ref = (id: string, existing: string | undefined) => existing ?? (created(id) ? `@{${id}.id}` : undefined);
  for (const step of STEPS) {
    if (!step.records || !wants(step.id) || !results.find(s => s.id === step.id)!.plan.length) continue;
    try {
      records.push(...step.records({ ...ctx, ref }));
    } catch (e) {
      throw stepError(step.id, e, writes);
    }
  }
  return records;
}

/** A permission named in an error, by API name ("ViewSetup") or by Setup label ("View Setup and Configuration"). */
function permissionNamed(text: string, labels: Map<string, string>): string | undefined {
  const t = text
    .replace(/^Permissions/, '')
    .replace(/:\s*\[[^\]]*\]\s*$/, '')
    .trim();
  if (!t) return undefined;
  if ([...labels.values()].includes(t) || t in PERMISSION_LABELS) return t;
  if (/^[A-Za-z][A-Za-z0-9]*$/.test(t) && !labels.size) return t;
  return (
    labels.get(t.toLowerCase()) ??
    Object.entries(PERMISSION_LABELS).find(([, l]) => l.toLowerCase() === t.toLowerCase())?.[0]
  );
}

/**
 * What to change after FIELD_INTEGRITY_EXCEPTION on a profile or permission set: "… depends on permission(s): A, B"
 * names what to add (API names or labels, one or several), "… doesn't allow the permission: X" what to drop. The
 * message is read, not `fields` (real orgs may send it empty). Anything else: undefined (the error stands).
 */
export function permissionFix(
  r: SubResult | undefined,
  labels: Map<string, string>,
): { add: string[]; drop: string[] } | undefined {
  const e = errorOf(r);
  if (e.errorCode !== 'FIELD_INTEGRITY_EXCEPTION') return undefined;
  const needed = /depends on permission\(s\):\s*(.+?)\s*$/is.exec(e.message)?.[1];
  if (needed) {
    const add = needed.split(/[,;]/).map(x => permissionNamed(x, labels));
    return add.length && add.every(Boolean) ? { add: add as string[], drop: [] } : undefined;
  }
  const forbidden = /(?:doesn't|does not) allow the permission:?\s*(.+?)\s*$/is.exec(e.message)?.[1];
  const drop = forbidden ? permissionNamed(forbidden, labels) : undefined;
  return drop ? { add: [], drop: [drop] } : undefined;
}

const describeFix = (fix: { add: string[]; drop: string[] }) =>
  [...fix.add.map(p => `add ${p}`), ...fix.drop.map(p => `drop ${p}`)].join(', ');

/**
 * Sends the record writes (retried while Salesforce's answers teach something new); returns the facts they were built
 * on and the Id of every record created, by its reference (`created.permset`).
 */
export async function writeRecords(run: RecordRun): Promise<{ facts: Facts; created: Record<string, string> }> {
  const { client, writes, say } = run;
  let ctx = run.ctx;
  const api = `/services/data/v${client.apiVersion}`;
  // Profile's describe came with the facts (apply reads it in the same batch).
  const hints: PermissionHints = { adjust: {}, createableOnProfile: ctx.facts.profileFields?.createable };
  const labels = ctx.facts.profileFields?.byLabel ?? new Map<string, string>();
  const created: Record<string, string> = {};
  for (let attempt = 0; ; attempt++) {
    ctx = { ...ctx, permissions: hints };
    const records = build(ctx, run.wants, writes);
    if (!records.length) return { facts: ctx.facts, created };
    run.abortIfCancelled(records[0]!.step);
    const what = records.map(r => `${r.method === 'POST' ? 'create' : 'update'} ${r.target}`).join(', ');
    say(`Writing: ${what}…`);
    // allOrNone=false: what succeeded stays, so a re-run continues from there.
    const res = await phase(records[0]!.step, writes, what, () =>
      client.composite(
        records.map(({ referenceId, method, path, body }) => ({ referenceId, method, url: `${api}${path}`, body })),
        false,
      ),
    );
    for (const r of records) {
      const answer = res[r.referenceId];
      if (!answer || answer.status >= 300) continue;
      const id = (answer.body as { id?: unknown } | undefined)?.id;
      if (r.method === 'POST' && typeof id === 'string') created[r.referenceId] = id;
      writes.push({
        step: r.step,
        action: r.method === 'POST' ? 'create' : 'update',
        target: r.target,
        detail: r.detail,
      });
    }
    const unanswered = records.filter(r => !res[r.referenceId]);
    if (unanswered.length) {
      const inFlight = unanswered.map(r => `${r.method === 'POST' ? 'create' : 'update'} ${r.target}`).join(', ');
      throw stepError(
        unanswered[0]!.step,
        new SetupError('Salesforce did not answer every part of the record writes.', 'UNEXPECTED_RESPONSE'),
        writes,
        inFlight,
      );
    }
    const bad = records.find(r => res[r.referenceId]!.status >= 300);
    if (!bad) return { facts: ctx.facts, created };
    const record = bad.permissions;
    // Salesforce names one refusal at a time: learn and retry while each answer teaches something new.
    const fix = record && attempt < 5 ? permissionFix(res[bad.referenceId], labels) : undefined;
    const a = record ? (hints.adjust[record] ??= { add: [], drop: [] }) : undefined;
    const news =
      fix && a ? [...fix.add.filter(p => !a.add.includes(p)), ...fix.drop.filter(p => !a.drop.includes(p))] : [];
    if (record && fix && a && news.length) {
      a.add.push(...fix.add.filter(p => !a.add.includes(p)));
      a.drop.push(...fix.drop.filter(p => !a.drop.includes(p)));
      say(`Salesforce asked for a change of permissions (${describeFix(fix)}); writing again…`);
      ctx = {
        ...ctx,
        facts: await phase(bad.step, writes, undefined, () =>
          gatherFacts(client, ctx.manifest, { describeProfile: true }),
        ),
      };
      continue;
    }
    if (/^DUPLICATE_/.test(errorOf(res[bad.referenceId]).errorCode)) {
      const other = await concurrentRun(client, ctx.manifest, run.ctx.facts, bad.step, writes);
      if (other) throw other;
    }
    throw stepError(bad.step, writeFailure(bad.step, res[bad.referenceId], ctx.manifest), writes);
  }
}
