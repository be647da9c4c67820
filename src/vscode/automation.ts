// Which arguments a command takes from its caller. Commands can be run by any other extension
// (vscode.commands.executeCommand) and by links rendered from text; outside the extension's test mode a caller may
// only name a step (what tree items and quick fixes pass). Connecting with an address and a token, Run All's answers
// and certificate, a folder for the export or the upload and `assumeYes` are accepted only in test mode — the
// extension host runs this extension's own tests (ExtensionMode.Test) and the environment says so explicitly
// (BALKANID_TEST_AUTOMATION=1, set by scripts/e2e for its suite). No `vscode` import: tested in plain Node.
import { STEP_IDS, StepId } from '../core/types';

/** The environment variable that, with ExtensionMode.Test, lets commands take automation arguments. */
export const AUTOMATION_ENV = 'BALKANID_TEST_AUTOMATION';

/** Test mode: VS Code runs this extension's tests (ExtensionMode.Test, passed as `isTestMode`) and the env says so. */
export const automationAllowed = (isTestMode: boolean, env: NodeJS.ProcessEnv = process.env) =>
  isTestMode && env[AUTOMATION_ENV] === '1';

const isStep = (v: unknown): v is StepId => typeof v === 'string' && (STEP_IDS as readonly string[]).includes(v);
/** The checklist's value rows (under the consumer key): which of the three values for BalkanID a row copies. */
const VALUE_NAMES = ['username', 'consumerKey', 'loginUrl'] as const;
const isValueName = (v: unknown) => typeof v === 'string' && (VALUE_NAMES as readonly string[]).includes(v);

/**
 * What a command receives from its caller: everything in test mode; otherwise a step id, a tree item's `{ kind, id }`
 * reduced to those two fields, or a value row's `{ kind: 'value', name }`; anything else is dropped.
 */
export function callerArg(arg: unknown, automation: boolean): unknown {
  if (automation) return arg;
  if (isStep(arg)) return arg;
  if (arg && typeof arg === 'object') {
    const { kind, id, name } = arg as { kind?: unknown; id?: unknown; name?: unknown };
    // A value row's inline Copy: only which value (the handler copies it from the report, never from the caller).
    if (kind === 'value' && isValueName(name)) return { kind, name };
    if (isStep(id) && (kind === undefined || typeof kind === 'string'))
      return kind === undefined ? { id } : { kind, id };
  }
  return undefined;
}
