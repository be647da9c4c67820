// Every finding a step can report, declared once: how serious it is, what it does to its step's state, whether VS
// Code lists it in Problems, and the quick fix that can repair it there. The step's state (stepResult, steps/step.ts),
// the Problems and their quick fixes (vscode/diagnosticsModel.ts) derive from this table. A step makes a finding
// with `finding(code, …)`: the severity comes from here. test/unit/steps.test.ts has a case per code.

export type Severity = 'error' | 'warning' | 'info';

/**
 * What a finding does to its step's state (stepResult):
 * - blocks: the step cannot make its writes while it stands, so it is blocked when it has writes to make; when it
 *   has none (what it creates exists), it does not matter — a missing admin permission is a problem for a later
 *   change, not for the setup in place.
 * - blocks-or-error: blocked while the step has writes to make, in error otherwise (an expired certificate also
 *   breaks the app in place).
 * - error: the step is in error: running it cannot help until someone acts (another username, a licence, …).
 * - drift: what exists differs from the setup: the step is drifted, and running it repairs it.
 * - none: it informs. The state comes from the plan — Verify's from the login history (its evaluate decides).
 */
export type Effect = 'blocks' | 'blocks-or-error' | 'error' | 'drift' | 'none';

/** Repairs offered in Problems: run the finding's step, choose BalkanID's certificate, or open the admin's user in
 *  Setup (only another admin can grant a permission). */
export type QuickFix = 'runStep' | 'chooseCertificate' | 'openAdminUser';

/** An info is never a Problem; an error or a warning may be one, with a quick fix or without. */
export type FindingSpec =
  | { severity: 'info'; effect: Effect; problem: false; quickFix?: never }
  | { severity: 'error' | 'warning'; effect: Effect; problem: boolean; quickFix?: QuickFix };

const problem = (severity: 'error' | 'warning', effect: Effect, quickFix?: QuickFix) =>
  ({ severity, effect, problem: true, quickFix }) as const;
const info = (effect: Effect = 'none') => ({ severity: 'info', effect, problem: false }) as const;
/** Worth a look, but not a Problem: nothing in the org is wrong, something could not be checked or was a test. */
const note = (severity: 'warning') => ({ severity, effect: 'none', problem: false }) as const;
/** A certificate problem: choosing another certificate repairs it. */
const certificate = (severity: 'error' | 'warning') =>
  problem(severity, severity === 'error' ? 'blocks-or-error' : 'none', 'chooseCertificate');

export const FINDINGS = {
  // Any step.
  'admin-permission-missing': problem('error', 'blocks', 'openAdminUser'),
  'waits-for': info('blocks'), // a step it depends on is blocked
  pending: info(), // it waits for an earlier step (Verify, the consumer key)
  // Preflight.
  'api-version-too-old': problem('error', 'error'),
  'admin-permissions-unreadable': problem('warning', 'none'),
  'eca-unavailable': problem('warning', 'none'),
  'license-headroom': info(),
  'license-missing': problem('error', 'error'),
  'placeholder-value': problem('error', 'error'), // editing the manifest fixes it
  'reserved-domain': problem('warning', 'none'),
  'jwt-session-rest-only': note('warning'), // the admin's session takes REST only: SOAP reads were not made
  // Profile.
  'source-profile-missing': problem('error', 'error'),
  'source-profile-ambiguous': problem('error', 'error'),
  'profile-permissions-not-copied': info(), // the source profile's permissions an insert could not carry
  'profile-permission-drift': problem('warning', 'drift', 'runStep'),
  'profile-ip-ranges': problem('warning', 'none'),
  'profile-ip-ranges-unchecked': note('warning'),
  'profile-wrong-license': problem('error', 'error'),
  // Integration user.
  'license-exhausted': problem('error', 'blocks'),
  'user-is-admin': problem('error', 'error'),
  'user-inactive': problem('error', 'error'), // Run All asks to reactivate it
  'user-frozen': problem('error', 'error'),
  'user-profile-drift': problem('warning', 'drift', 'runStep'),
  'user-role-drift': problem('warning', 'drift', 'runStep'),
  // Permission set.
  'permset-permission-drift': problem('warning', 'drift', 'runStep'),
  'permset-has-license': problem('warning', 'none'),
  'permset-unassigned-drift': problem('warning', 'drift', 'runStep'),
  // External Client App, and BalkanID's certificate (the codes of readCertificate's errors are findings of it).
  'cert-missing': certificate('error'),
  'cert-too-large': certificate('error'),
  'cert-is-private-key': certificate('error'),
  'cert-is-csr': certificate('error'),
  'cert-is-public-key': certificate('error'),
  'cert-several': certificate('error'),
  'cert-unreadable': certificate('error'),
  'cert-not-rsa': certificate('error'),
  'cert-key-too-short': certificate('error'),
  'cert-expired': certificate('error'),
  'cert-not-yet-valid': certificate('error'),
  'cert-expiring': certificate('warning'),
  'cert-unverified': problem('warning', 'none'), // only a JWT login (Verify) settles it
  'app-partly-unchecked': problem('warning', 'none'),
  'oauth-metadata-closed': problem('error', 'blocks'), // the deploy of the OAuth settings would be refused
  'policy-self-authorized': problem('warning', 'drift', 'runStep'),
  'app-drift': problem('warning', 'drift', 'runStep'),
  // Link.
  'link-missing-drift': problem('warning', 'drift', 'runStep'),
  // Consumer key.
  'consumer-key-unreadable': problem('error', 'error'), // by every route: the admin copies it from Setup
  'consumer-key-typed': info(), // the admin's copy from Setup, since the org gives it by no route
  // Verify (its state comes from the login history).
  'login-failing': problem('warning', 'none'),
  'login-ok': info(),
  'login-history-unreadable': info(),
  'awaiting-login': info(),
  'self-test-passed': info(), // this tool's own login: never BalkanID's
  'self-test-failed': note('warning'),
} as const satisfies Record<string, FindingSpec>;

export type FindingCode = keyof typeof FINDINGS;

export const isFindingCode = (code: unknown): code is FindingCode =>
  typeof code === 'string' && Object.hasOwn(FINDINGS, code);

/** The spec of a finding's code, typed as the general shape. */
export const findingSpec = (code: FindingCode): FindingSpec => FINDINGS[code];

export interface Finding {
  /** Stable code (the table above); diagnostics use it. */
  code: FindingCode;
  severity: Severity;
  message: string;
  /** What to do about it, in one sentence. */
  fix?: string;
  /** JSON path in the setup manifest the finding is about (for diagnostics). */
  manifestPath?: Array<string | number>;
  /** The Salesforce permission concerned, if any (API name without the `Permissions` prefix). */
  permission?: string;
  /** Which principal the finding is about. */
  subject?: 'admin' | 'integration-user' | 'org' | 'app' | 'certificate' | 'manifest';
}

/** A finding of `code`, with the severity its code declares. */
export function finding(code: FindingCode, details: Omit<Finding, 'code' | 'severity'>): Finding {
  return { code, severity: FINDINGS[code].severity, ...details };
}
