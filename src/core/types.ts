// The vocabulary of the setup engine, shared by the CLI and the VS Code extension.
import type { ErrorCode, SalesforceCode } from './errorCodes';
import type { Finding, FindingCode } from './findings';
import type { LoginRow } from './rows';

export type { Finding } from './findings';

export const STEP_IDS = [
  'preflight',
  'profile',
  'user',
  'permissionSet',
  'app',
  'link',
  'consumerKey',
  'verify',
] as const;
export type StepId = (typeof STEP_IDS)[number];

/** `waiting`: nothing to write, waiting for something outside (Verify: the first login through the app). */
export type StepState = 'done' | 'todo' | 'drifted' | 'blocked' | 'error' | 'waiting';

/** One write the engine would make (plan) or made (apply). */
export interface Write {
  step: StepId;
  action: 'create' | 'update' | 'delete' | 'deploy';
  target: string;
  detail: string;
  /** The record the write concerns, when the engine needs it (teardown's deletes). */
  id?: string;
  /** Made by another write of the run: the link, by the app's deploy (its policy names the permission set). */
  by?: 'deploy';
}

export interface StepResult {
  id: StepId;
  title: string;
  state: StepState;
  findings: Finding[];
  plan: Write[];
  /** Whether what the step creates exists (it may still drift); steps that need it may go on. */
  exists?: boolean;
}

/** What the integration user's login history says of BalkanID (newest first, at most 10 rows read): the logins this
 *  tool made itself (ownLogins.ts) are left out. */
export interface LoginStatus {
  status: 'waiting' | 'connected' | 'failing' | 'unreadable';
  /** The earliest successful login among the rows read (the first login when fewer than 10 rows exist). */
  firstSuccess?: string;
  /** Whether every login since the start was read (so `firstSuccess` is the very first). */
  complete: boolean;
  /** When the app was created: older logins do not count. */
  since?: string;
  latest?: LoginRow;
  /** This tool's latest JWT self-test through the app (never counted as BalkanID's login). */
  selfTest?: { at: string; ok: boolean };
}

export interface Report {
  org: {
    instanceUrl: string;
    username: string;
    /** The connected admin's email (Run All proposes it for the integration user). */
    adminEmail?: string;
    orgId: string;
    isSandbox: boolean;
    apiVersion: string;
    name?: string;
  };
  steps: StepResult[];
  handoff?: Handoff;
  /** The integration user's logins through the app (Verify's evidence). */
  login?: LoginStatus;
}

export interface Handoff {
  /** Why the values cannot work yet (no integration user, inactive, the setup unfinished); the consumer key aside. */
  notReady?: string;
  username: string;
  consumerKey?: string;
  /** Where the key came from: the org, or the admin's copy from Setup (the org gives it to this tool by no route). */
  consumerKeySource?: 'org' | 'typed';
  /**
   * The app's page in Setup, where the consumer key is shown (Settings → OAuth Settings → Consumer Key and Secret).
   */
  consumerKeyPage?: string;
  loginUrl: string;
  isSandbox: boolean;
  instanceUrl: string;
  /** The org's SCIM 2.0 base URL (the SCIM way into BalkanID). */
  scimUrl: string;
}

/** Steps that still need work (Verify waiting for BalkanID's first login needs none). */
export const remaining = (r: Pick<Report, 'steps'>) =>
  r.steps.filter(s => s.state !== 'done' && s.state !== 'waiting').length;

/** Every writing step is done: what Verify and the watch for BalkanID's login need (the consumer key may be one the
 *  admin typed by hand because the org does not let them read it). */
export const writesDone = (r: Pick<Report, 'steps'>) =>
  r.steps.every(s => s.id === 'verify' || s.id === 'consumerKey' || s.state === 'done');

const VERBS: Record<Write['action'], string> = {
  create: 'Create',
  update: 'Update',
  delete: 'Delete',
  deploy: 'Deploy',
};

/** One line per write, numbered: the plan as the CLI and the extension show it. */
export function describeWrites(writes: Write[]): string[] {
  return writes.map(
    (w, i) => `${i + 1}. ${VERBS[w.action]} ${w.target} — ${w.detail}${w.by ? " (made by the app's deploy)" : ''}`,
  );
}

/** "6 changes made (the link by the app's deploy)." — counted as the plan counts them, the CLI and VS Code alike. */
export function changesMade(writes: Write[]): string {
  const n = writes.length;
  const byDeploy = writes.some(w => w.by === 'deploy');
  return (
    `${n} change${n === 1 ? '' : 's'} made` +
    (byDeploy ? " (the link by the External Client App's deploy: its policy names the permission set)" : '') +
    '.'
  );
}

const BRAND = Symbol.for('balkanid.SetupError');

/** A SetupError's code: one of ERRORS (errorCodes.ts), the finding that stops a step (findings.ts), or a code
 *  Salesforce answered, passed on as it came. */
export type SetupErrorCode = ErrorCode | FindingCode | SalesforceCode;

/**
 * An error the product explains: a stable code, the step it happened in, and what had been written by then.
 * The extension loads the engine and the UI as separate bundles, each with its own copy of this class, so
 * `instanceof` is unreliable across them: use `isSetupError`.
 */
export class SetupError extends Error {
  readonly [BRAND] = true;
  /** Writes made before the failure (undefined when the operation writes nothing). */
  writes?: Write[];
  /** A write that was in flight when the connection failed: it may or may not have been made. */
  uncertain?: string;
  constructor(
    message: string,
    public readonly code: SetupErrorCode,
    public readonly step?: StepId,
  ) {
    super(message);
    this.name = 'SetupError';
  }
}

export function isSetupError(e: unknown): e is SetupError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}

/** The message of anything thrown: an error's message, or the value as text. */
export function messageOf(e: unknown): string {
  const message = typeof e === 'object' && e !== null ? (e as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(e);
}

/** The code of anything thrown (a SetupError's, Node's ENOENT, a Salesforce error's), if it has one. */
export function codeOf(e: unknown): string | undefined {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}
