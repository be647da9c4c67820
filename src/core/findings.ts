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

/** An info is never a Problem; an error or a warning may be one, with a quick fix or without. Every finding has a
 *  title: a few words for its row in the checklist (a normal-width sidebar shows it whole); its message and fix are
 *  the detail (the row's description and tooltip). */
export type FindingSpec = { title: string | ((f: Finding) => string) } & (
  | { severity: 'info'; effect: Effect; problem: false; quickFix?: never }
  | { severity: 'error' | 'warning'; effect: Effect; problem: boolean; quickFix?: QuickFix }
);

type Title = FindingSpec['title'];
const problem = (title: Title, severity: 'error' | 'warning', effect: Effect, quickFix?: QuickFix) =>
  ({ title, severity, effect, problem: true, quickFix }) as const;
const info = (title: Title, effect: Effect = 'none') => ({ title, severity: 'info', effect, problem: false }) as const;
/** Worth a look, but not a Problem: nothing in the org is wrong, something could not be checked or was a test. */
const note = (title: Title, severity: 'warning') => ({ title, severity, effect: 'none', problem: false }) as const;
/** A certificate problem: choosing another certificate repairs it. */
const certificate = (title: Title, severity: 'error' | 'warning') =>
  problem(title, severity, severity === 'error' ? 'blocks-or-error' : 'none', 'chooseCertificate');
/** The manifest's username or email (its path says which). */
const value = (f: Finding) => (f.manifestPath?.[1] === 'email' ? 'Email' : 'Username');

export const FINDINGS = {
  // Any step.
  'admin-permission-missing': problem('You lack a permission', 'error', 'blocks', 'openAdminUser'),
  'waits-for': info('Waits for an earlier step', 'blocks'), // a step it depends on is blocked
  pending: info('Waits for earlier steps'), // it waits for an earlier step (Verify, the consumer key)
  // Preflight.
  'api-version-too-old': problem('API version too old', 'error', 'error'),
  'admin-permissions-unreadable': problem('Your permissions unreadable', 'warning', 'none'),
  // Every permission the admin lacks for the steps that have work to do, in one list (the request for a System
  // Administrator); each is also a finding of its step.
  'admin-request': {
    title: f => `You lack ${f.permissions?.length ?? 0} permission${f.permissions?.length === 1 ? '' : 's'}`,
    severity: 'warning',
    effect: 'none',
    problem: false,
  },
  'eca-unavailable': problem('Apps not visible to you', 'warning', 'none'),
  'license-headroom': info('No Platform licence free'),
  'license-missing': problem('No Salesforce Platform licence', 'error', 'error'),
  // Integration user: the manifest's username and email.
  // A placeholder value: editing the manifest fixes it.
  'placeholder-value': problem(f => `${value(f)}: placeholder domain`, 'error', 'error'),
  'reserved-domain': problem(f => `${value(f)}: reserved domain`, 'warning', 'none'),
  // The admin's session takes REST only: SOAP reads were not made.
  'jwt-session-rest-only': note('Some reads not made', 'warning'),
  // Profile.
  'source-profile-missing': problem('No standard Platform profile', 'error', 'error'),
  'source-profile-ambiguous': problem('Several Platform profiles fit', 'error', 'error'),
  // The source profile's permissions an insert could not carry.
  'profile-permissions-not-copied': info('Some permissions not copied'),
  'profile-permission-drift': problem('Profile lacks permissions', 'warning', 'drift', 'runStep'),
  'profile-ip-ranges': problem('Profile has Login IP Ranges', 'warning', 'none'),
  'profile-ip-ranges-unchecked': note('Login IP Ranges not checked', 'warning'),
  'profile-wrong-license': problem('Profile on another licence', 'error', 'error'),
  // Integration user.
  'license-exhausted': problem('No Platform licence free', 'error', 'blocks'),
  'user-is-admin': problem('The user is you, the admin', 'error', 'error'),
  'user-inactive': problem('User is inactive', 'error', 'error'), // Run All asks to reactivate it
  'user-frozen': problem('User is frozen', 'error', 'error'),
  'user-profile-drift': problem('User on another profile', 'warning', 'drift', 'runStep'),
  'user-role-drift': problem('User has a role', 'warning', 'drift', 'runStep'),
  // Permission set.
  'permset-permission-drift': problem('Permissions switched off', 'warning', 'drift', 'runStep'),
  'permset-has-license': problem('Tied to a licence', 'warning', 'none'),
  'permset-unassigned-drift': problem('Not assigned to the user', 'warning', 'drift', 'runStep'),
  // External Client App, and BalkanID's certificate (the codes of readCertificate's errors are findings of it).
  'cert-missing': certificate('Certificate not found', 'error'),
  'cert-too-large': certificate('Certificate file too large', 'error'),
  'cert-is-private-key': certificate('A private key, no certificate', 'error'),
  'cert-is-csr': certificate('A CSR, no certificate', 'error'),
  'cert-is-public-key': certificate('A public key, no certificate', 'error'),
  'cert-several': certificate('Several certificates', 'error'),
  'cert-unreadable': certificate('Certificate unreadable', 'error'),
  'cert-not-rsa': certificate('Certificate key not RSA', 'error'),
  'cert-key-too-short': certificate('Certificate key too short', 'error'),
  'cert-expired': certificate('Certificate expired', 'error'),
  'cert-not-yet-valid': certificate('Certificate not yet valid', 'error'),
  'cert-expiring': certificate('Certificate expires soon', 'warning'),
  'cert-unverified': problem('Certificate not compared', 'warning', 'none'), // only a JWT login (Verify) settles it
  'app-partly-unchecked': problem('Some settings unreadable', 'warning', 'none'),
  // The deploy of the OAuth settings would be refused.
  'oauth-metadata-closed': problem('OAuth settings not deployable', 'error', 'blocks'),
  'policy-self-authorized': problem('Users may self-authorize', 'warning', 'drift', 'runStep'),
  'app-drift': problem('App differs from the setup', 'warning', 'drift', 'runStep'),
  // Link.
  'link-missing-drift': problem('Permission set not linked', 'warning', 'drift', 'runStep'),
  // Consumer key.
  // Unreadable by every route: the admin copies it from Setup.
  'consumer-key-unreadable': problem('Consumer key unreadable', 'error', 'error'),
  // The admin's copy from Setup, since the org gives it by no route.
  'consumer-key-typed': info('Consumer key typed by you'),
  // Verify (its state comes from the login history).
  'login-failing': problem('Latest login failed', 'warning', 'none'),
  'login-ok': info('First login seen'),
  'login-history-unreadable': info('Login history not visible'),
  'awaiting-login': info('No login through the app yet'),
  'self-test-passed': info('JWT self-test: passed'), // this tool's own login: never BalkanID's
  'self-test-failed': note('JWT self-test: failed', 'warning'),
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
  /** Permissions that would do instead of `permission` ("or Modify All Data"). */
  alternatives?: string[];
  /** Every permission concerned (the admin's request: each permission the admin lacks). */
  permissions?: string[];
  /** Which principal the finding is about. */
  subject?: 'admin' | 'integration-user' | 'org' | 'app' | 'certificate' | 'manifest';
}

/** A finding's row title in the checklist (a few words). */
export function findingTitle(f: Finding): string {
  const t = findingSpec(f.code).title;
  return typeof t === 'function' ? t(f) : t;
}

/** A finding of `code`, with the severity its code declares. */
export function finding(code: FindingCode, details: Omit<Finding, 'code' | 'severity'>): Finding {
  return { code, severity: FINDINGS[code].severity, ...details };
}
