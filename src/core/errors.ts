// Errors of apply and teardown: each names its step, lists the writes made before it, and says plainly when
// the write in flight may have been made (the connection failed before the answer came).
import { SubResult } from './client';
import { Manifest } from './manifest';
import { STEP_TITLES } from './steps';
import { mayHaveWritten, salesforceCode } from './errorCodes';
import { describeWrites, isSetupError, messageOf, SetupError, StepId, Write } from './types';

/** The writes as one sentence: "Create profile — "BalkanID Integration"; Create integration user — …". */
export const writesSentence = (writes: Write[]) =>
  describeWrites(writes)
    .map(l => l.replace(/^\d+\. /, ''))
    .join('; ');

export function stepError(step: StepId, e: unknown, writes: Write[], inFlight?: string): SetupError {
  if (isSetupError(e) && e.writes) return e;
  const base = isSetupError(e) ? e : new SetupError(`Unexpected error: ${messageOf(e)}`, 'UNKNOWN');
  const uncertain = base.uncertain ?? (inFlight && mayHaveWritten(base.code) ? inFlight : undefined);
  const said = /[.!?)]$/.test(base.message.trim()) ? base.message.trim() : `${base.message.trim()}.`;
  const head = said.startsWith('Step "') ? said : `Step "${STEP_TITLES[step]}" failed: ${said}`;
  const done = writes.length
    ? ` Written before the failure: ${writesSentence(writes)}.`
    : uncertain
      ? ''
      : ' Nothing was written.';
  const maybe = uncertain
    ? ` ${uncertain[0]!.toUpperCase()}${uncertain.slice(1)} may have been written: the answer did not arrive. The ` +
      `next run checks and completes it.`
    : '';
  const err = new SetupError(`${head}${done}${maybe}`, base.code, base.step ?? step);
  err.writes = [...writes];
  err.uncertain = uncertain;
  return err;
}

/** Runs one phase of apply or teardown; its errors leave through stepError. */
export async function phase<T>(
  step: StepId,
  writes: Write[],
  inFlight: string | undefined,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw stepError(step, e, writes, inFlight);
  }
}

/** The first error of a subrequest's answer. */
export function errorOf(r: SubResult | undefined): { errorCode: string; message: string; fields?: string[] } {
  const body = r?.body;
  const e = (Array.isArray(body) ? body[0] : body) as
    { errorCode?: unknown; message?: unknown; fields?: unknown } | undefined;
  return {
    errorCode: typeof e?.errorCode === 'string' ? e.errorCode : `HTTP_${r?.status}`,
    message: typeof e?.message === 'string' ? e.message : 'no response',
    fields: Array.isArray(e?.fields) ? e.fields.map(String) : undefined,
  };
}

/** A failed record write, explained (a taken username gets free variants). */
export function writeFailure(step: StepId, r: SubResult | undefined, m: Manifest): SetupError {
  const e = errorOf(r);
  const title = STEP_TITLES[step];
  if (e.errorCode === 'DUPLICATE_USERNAME') {
    const [local, domain] = m.user.username.split('@');
    return new SetupError(
      `Step "${title}": the username ${m.user.username} is already taken in this or another Salesforce org ` +
        `(usernames are global). ` +
        `Set "user.username" in the manifest to a free variant such as ${local}@${domain}.balkanid or ` +
        `${local}.${Date.now().toString(36)}@${domain}.`,
      'DUPLICATE_USERNAME',
      step,
    );
  }
  if (e.errorCode === 'LICENSE_LIMIT_EXCEEDED')
    return new SetupError(
      `Step "${title}": no Salesforce Platform licence is free (LICENSE_LIMIT_EXCEEDED). Free or buy one, then run ` +
        `again.`,
      salesforceCode(e.errorCode),
      step,
    );
  return new SetupError(
    `Step "${title}" failed: ${e.errorCode}: ${e.message.trim()}`,
    salesforceCode(e.errorCode),
    step,
  );
}
