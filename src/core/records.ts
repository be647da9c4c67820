// The record writes of every step that has them (Step.records: the profile, the user, the permission set), in one
// composite with references. What a profile clone carries is decided before writing (describe's createable fields,
// PermissionDependency); when Salesforce still refuses a permission, the refusal is read by the org's own vocabulary
// — never by English text — and the records are sent once more with what it needs added, or what it refused left
// out; a refusal nobody can read makes the profile fall back to the guide's own permissions.
import { concurrentRun } from './concurrency';
import { errorOf, phase, stepError, writeFailure } from './errors';
import { Facts, gatherFacts, ProfileFields } from './facts';
import { INTEGRATION_PERMSET_PERMISSIONS, PERMISSION_LABELS, withDependencies } from './permissions';
import { GUIDE_PROFILE_PERMISSIONS } from './steps/profile';
import { permissionLabel } from './steps/step';
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
  const results = evaluate(ctx.facts, ctx.manifest, ctx.certificate, ctx.now, ctx.reactivateUser, ctx);
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

/** Straight and typographic apostrophes, and runs of white space, alike. */
const plain = (t: string) =>
  t
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/\s+/g, ' ')
    .toLowerCase();

/**
 * The permissions a refusal names, found by the org's own vocabulary — never by the grammar of a message: `fields`
 * (`PermissionsViewAllData`), API names (`ViewAllData`, the form real orgs use with an empty `fields`) and Setup's
 * labels as describe gives them in the admin's language ("Alle Daten anzeigen"), longest first, each place in the
 * message matched once. English labels stand in only when describe could not be read.
 */
export function permissionsNamed(
  e: { message: string; fields?: string[] },
  labels: ReadonlyMap<string, string> | undefined,
): string[] {
  const named = new Set<string>();
  for (const f of e.fields ?? []) if (/^Permissions\w+$/.test(f)) named.add(f.slice('Permissions'.length));
  const vocabulary = labels?.size ? labels : new Map(Object.entries(PERMISSION_LABELS));
  for (const m of e.message.matchAll(/\b(?:Permissions)?([A-Z][A-Za-z0-9]+)\b/g))
    if (vocabulary.has(m[1]!)) named.add(m[1]!);
  let text = plain(e.message);
  const byLength = [...vocabulary].filter(([, l]) => l.trim()).sort((a, b) => b[1].length - a[1].length);
  for (const [name, label] of byLength) {
    const l = plain(label);
    if (!text.includes(l)) continue;
    named.add(name);
    text = text.split(l).join('\u0000');
  }
  return [...named];
}

/**
 * What to change after FIELD_INTEGRITY_EXCEPTION on a profile or permission set, from the permissions the refusal
 * names (permissionsNamed): those the record did not carry are what a permission needs — added when the API may set
 * them; those it carried are refused — dropped, unless the guide needs them (`essential`). Anything else is not
 * understood: undefined (the profile then falls back to the guide's own permissions; the permission set's error
 * stands).
 */
export function permissionFix(
  r: SubResult | undefined,
  fields: ProfileFields | undefined,
  sent: readonly string[],
  essential: readonly string[],
): { add: string[]; drop: string[] } | undefined {
  const e = errorOf(r);
  if (e.errorCode !== 'FIELD_INTEGRITY_EXCEPTION') return undefined;
  const named = permissionsNamed(e, fields?.labels);
  const needed = named.filter(p => !sent.includes(p));
  const settable = (p: string) => !fields?.createable.size || fields.createable.has(p);
  if (needed.length && needed.every(settable)) return { add: needed, drop: [] };
  const droppable = named.filter(p => sent.includes(p) && !essential.includes(p));
  return droppable.length ? { add: [], drop: droppable } : undefined;
}

const describeFix = (fix: { add: string[]; drop: string[] }, f: Facts) =>
  [
    ...fix.add.map(p => `add "${permissionLabel(f, p)}"`),
    ...fix.drop.map(p => `leave out "${permissionLabel(f, p)}"`),
  ].join(', ');

/**
 * Sends the record writes (retried while Salesforce's answers teach something new); returns the facts they were built
 * on and the Id of every record created, by its reference (`created.permset`).
 */
export async function writeRecords(run: RecordRun): Promise<{ facts: Facts; created: Record<string, string> }> {
  const { client, writes, say } = run;
  let ctx = run.ctx;
  const api = `/services/data/v${client.apiVersion}`;
  const hints: PermissionHints = { adjust: {} };
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
    const sent = Object.keys(bad.body)
      .filter(k => k.startsWith('Permissions') && bad.body[k] === true)
      .map(k => k.slice('Permissions'.length));
    const essential = withDependencies(
      record === 'profile' ? GUIDE_PROFILE_PERMISSIONS : INTEGRATION_PERMSET_PERMISSIONS,
      ctx.facts.dependencies,
    );
    const fix =
      record && attempt < 5 ? permissionFix(res[bad.referenceId], ctx.facts.profileFields, sent, essential) : undefined;
    const a = record ? (hints.adjust[record] ??= { add: [], drop: [] }) : undefined;
    const news =
      fix && a ? [...fix.add.filter(p => !a.add.includes(p)), ...fix.drop.filter(p => !a.drop.includes(p))] : [];
    // An answer not understood (another form, another language without describe's labels): the profile keeps only
    // what the guide asks, once; the source profile's other permissions are then reported as not copied.
    const refusedPermission = errorOf(res[bad.referenceId]).errorCode === 'FIELD_INTEGRITY_EXCEPTION';
    const fallback =
      refusedPermission && record === 'profile' && bad.method === 'POST' && !news.length && !hints.fallback;
    if (record && ((fix && a && news.length) || fallback)) {
      if (fix && a && news.length) {
        a.add.push(...fix.add.filter(p => !a.add.includes(p)));
        a.drop.push(...fix.drop.filter(p => !a.drop.includes(p)));
        say(`Salesforce refused a permission (${describeFix(fix, ctx.facts)}); writing again…`);
      } else {
        hints.fallback = true;
        say(
          `Salesforce refused the profile ("${errorOf(res[bad.referenceId]).message}"); writing it with the guide's ` +
            'own permissions only…',
        );
      }
      ctx = {
        ...ctx,
        facts: await phase(bad.step, writes, undefined, () => gatherFacts(client, ctx.manifest)),
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
