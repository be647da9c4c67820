// Pure mapping from engine results to what the tree, badge and status bar show. No `vscode` import, so it
// is unit-tested in plain Node; the VS Code layer turns these into TreeItems.
import {
  describeWrites,
  Finding,
  LoginStatus,
  remaining,
  Report,
  writesDone,
  StepId,
  StepResult,
  StepState,
} from '../core/types';
import { STEP_LABELS } from '../core/steps/names';
import { findingTitle } from '../core/findings';
import { inert } from '../core/inertText';

export type Shown = StepState | 'running' | 'unknown';

export interface StepView {
  id: StepId;
  label: string;
  description: string;
  icon: string;
  color?: string;
  tooltip: string;
  contextValue: string;
}
export interface FindingView {
  label: string;
  description: string;
  icon: string;
  color?: string;
  tooltip: string;
}

/** What a step row offers besides running it: the values for BalkanID, the request for a System Administrator. */
export interface StepOffers {
  /** The values for BalkanID can be copied (the setup is in place and the consumer key is known). */
  values?: boolean;
  /** The admin lacks permissions for the work left (the preflight's request). */
  request?: boolean;
}

const ICONS: Record<Shown, [string, string | undefined, string]> = {
  done: ['pass-filled', 'testing.iconPassed', 'done'],
  todo: ['circle-large-outline', undefined, 'to do'],
  drifted: ['warning', 'list.warningForeground', 'drifted'],
  blocked: ['circle-slash', 'list.errorForeground', 'blocked'],
  error: ['error', 'list.errorForeground', 'error'],
  running: ['sync~spin', undefined, 'running…'],
  unknown: ['circle-large-outline', undefined, 'not checked'],
  waiting: ['watch', undefined, 'waiting for BalkanID'],
};

/** A login time as the admin reads it: the local hour and minute (the date too when it is not today). */
export function loginTime(iso: string, now = new Date()): string {
  const t = new Date(iso);
  const hm = t.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return t.toDateString() === now.toDateString() ? hm : `${t.toLocaleDateString()} ${hm}`;
}

/** Verify's row, in a few words (the time and the error are in its tooltip and its finding). */
function verifyShort(login: LoginStatus | undefined): string | undefined {
  if (login?.status === 'connected') return 'BalkanID connected';
  if (login?.status === 'failing') return 'login failed';
  return undefined;
}

/** Verify's line: BalkanID's first login (one this tool did not make), the login error, or undefined (waiting). */
export function loginDescription(login: LoginStatus | undefined): string | undefined {
  if (login?.status === 'connected' && login.firstSuccess)
    return `BalkanID connected · ${login.complete ? 'first' : 'earliest seen'} login ${loginTime(login.firstSuccess)}`;
  if (login?.status === 'failing' && login.latest) return `login failed: ${login.latest.Status}`;
  return undefined;
}

/** The self-test's own line (this tool's JWT login through the app): never BalkanID's login. */
export function selfTestDescription(login: LoginStatus | undefined): string | undefined {
  const t = login?.selfTest;
  return t && `self-test ${t.ok ? 'passed' : 'failed'} · ${loginTime(t.at)}`;
}

/**
 * A step's row: its short label and a state in a word or two, so a normal-width sidebar shows both whole; why (every
 * finding, every write) is in the tooltip and in the finding rows under it. `contextValue` is `step.open` (something
 * to run) or `step.done`, with `+values` (copy the values for BalkanID) and `+request` (copy the request for a System
 * Administrator) where the row offers them.
 */
export function stepView(
  step: Pick<StepResult, 'id' | 'title' | 'findings' | 'plan'>,
  state: Shown,
  login?: LoginStatus,
  offers: StepOffers = {},
): StepView {
  const [icon, color, text] = ICONS[state];
  const description = (step.id === 'verify' && verifyShort(login)) || text;
  const long = step.id === 'verify' ? (loginDescription(login) ?? description) : description;
  const tooltip = [
    `${step.title} — ${long}`,
    ...step.findings.map(f => `• ${f.message}${f.fix ? ` ${f.fix}` : ''}`),
    ...describeWrites(step.plan).map(l => `→ ${l.replace(/^\d+\. /, '')}`),
  ].join('\n');
  // Something to run: writes planned (a blocked step says why when run), or Verify's self-test.
  const open = state !== 'done' && state !== 'running' && (step.plan.length > 0 || step.id === 'verify');
  return {
    id: step.id,
    label: STEP_LABELS[step.id],
    description,
    icon,
    color,
    tooltip,
    contextValue: `step.${open ? 'open' : 'done'}${offers.values ? '+values' : ''}${offers.request ? '+request' : ''}`,
  };
}

/** A finding's row: its title (a few words), the message as the description, message and fix in the tooltip. */
export function findingView(f: Finding): FindingView {
  const [icon, color] =
    f.severity === 'error'
      ? ['error', 'list.errorForeground']
      : f.severity === 'warning'
        ? ['warning', 'list.warningForeground']
        : ['info', undefined];
  return {
    label: findingTitle(f),
    description: f.message,
    icon,
    color,
    tooltip: f.fix ? `${f.message}\n\nFix: ${f.fix}` : f.message,
  };
}

/** The values BalkanID asks for, as the checklist lists them under the consumer key: each copied on its own. */
export type ValueName = 'username' | 'consumerKey' | 'loginUrl';
export const VALUE_LABELS: Record<ValueName, string> = {
  username: 'Salesforce User Name',
  consumerKey: 'Consumer Key',
  loginUrl: 'Login URL',
};

/** The three values, or none while they cannot work (no user yet, the setup unfinished, no consumer key). */
export function valueRows(
  report: Report | undefined,
  manualConsumerKey?: string,
): Array<{ name: ValueName; label: string; value: string }> {
  const h = report?.handoff;
  const consumerKey = h?.consumerKey ?? manualConsumerKey;
  if (!h || h.notReady || !consumerKey) return [];
  const values: Record<ValueName, string> = { username: h.username, consumerKey, loginUrl: h.loginUrl };
  return (Object.keys(VALUE_LABELS) as ValueName[]).map(name => ({
    name,
    label: VALUE_LABELS[name],
    value: values[name],
  }));
}

export interface StatusView {
  text: string;
  tooltip: string;
  tone: 'normal' | 'warning' | 'error';
  /** The next actions, offered in the tooltip (and on top of the org picker the item opens). */
  actions: Array<{ title: string; command: string }>;
}

/** The actions the status bar offers for a report: the values once they work, the request while permissions lack. */
export function nextActions(report: Report | undefined, offers: StepOffers): Array<{ title: string; command: string }> {
  const out: Array<{ title: string; command: string }> = [];
  if (offers.values) out.push({ title: 'Copy Values for BalkanID', command: 'balkanid.copyValues' });
  if (report && (offers.values || writesDone(report)))
    out.push({ title: 'Open Credentials', command: 'balkanid.openCredentials' });
  if (offers.request)
    out.push({ title: 'Copy Request for a System Administrator', command: 'balkanid.copyAdminRequest' });
  return out;
}

export type Connection =
  | { kind: 'disconnected' }
  | { kind: 'connecting'; label: string }
  | { kind: 'connected'; label: string; instanceUrl: string; report?: Report }
  | { kind: 'expired'; label: string }
  | { kind: 'unreachable'; label: string; detail: string };

/**
 * Whether the status bar item is shown: where the extension is relevant — an org connected (or being connected, or
 * lost), a workspace with a setup manifest, or an org remembered from before — not in every window.
 */
export function statusShown(s: { connection: Connection; hasManifest: boolean; remembered: boolean }): boolean {
  return s.connection.kind !== 'disconnected' || s.hasManifest || s.remembered;
}

/** An org's alias or host in the status bar: shown as text, never as an icon ($(…)) or a control sequence. */
const shownLabel = (label: string) => inert(label).replace(/\$\(/g, '\\$(');

export function statusView(connection: Connection, offers: StepOffers = {}): StatusView {
  const c = 'label' in connection ? { ...connection, label: shownLabel(connection.label) } : connection;
  switch (c.kind) {
    case 'disconnected':
      return {
        text: '$(plug) BalkanID: connect org',
        tooltip: 'No Salesforce org connected. Click to connect.',
        tone: 'normal',
        actions: [],
      };
    case 'connecting':
      return {
        text: `$(sync~spin) BalkanID: ${c.label}`,
        tooltip: `Connecting to ${c.label}…`,
        tone: 'normal',
        actions: [],
      };
    case 'expired':
      return {
        text: `$(plug) BalkanID: ${c.label}: session expired`,
        tooltip: `The session for ${c.label} expired. Click to log in again or switch org.`,
        tone: 'warning',
        actions: [],
      };
    case 'unreachable':
      return {
        text: `$(plug) BalkanID: ${c.label}: unreachable`,
        tooltip: `Cannot reach ${c.label}: ${c.detail}. Click to switch org.`,
        tone: 'error',
        actions: [],
      };
    case 'connected': {
      const steps = c.report?.steps;
      // Done: every step in place (Verify waiting for BalkanID's first login is not work left).
      const done = c.report ? c.report.steps.length - remaining(c.report) : undefined;
      const progress = steps ? ` ${done}/${steps.length}` : '';
      const actions = nextActions(c.report, offers);
      const login = c.report?.login;
      const setUp = !!c.report && writesDone(c.report);
      const connected = setUp && login?.status === 'connected';
      const failing = setUp && login?.status === 'failing';
      const tooltip = [
        `BalkanID setup on ${c.label}`,
        c.instanceUrl,
        steps ? `${done} of ${steps.length} steps in place` : 'not checked yet',
        setUp ? (loginDescription(login) ?? "Waiting for BalkanID's first login through the app.") : '',
        setUp ? capitalised(selfTestDescription(login)) : '',
        failing ? 'Fix: see the Verify step in the checklist.' : '',
        c.report ? `${c.report.org.isSandbox ? 'Sandbox' : 'Production'}, API ${c.report.org.apiVersion}` : '',
        'Click to switch org.',
      ]
        .filter(Boolean)
        .join('\n');
      if (connected)
        return { text: `$(pass-filled) BalkanID: ${c.label} · connected`, tooltip, tone: 'normal', actions };
      if (failing)
        return {
          text: `$(warning) BalkanID: ${c.label} · login failed`,
          tooltip,
          tone: 'warning',
          actions,
        };
      // A finished setup waiting for BalkanID is no "7/8": nothing is left to do here but hand the values over.
      if (setUp)
        return {
          text: `$(watch) BalkanID: ${c.label} · set up, waiting for BalkanID`,
          tooltip,
          tone: 'normal',
          actions,
        };
      return { text: `$(plug) BalkanID: ${c.label}${progress}`, tooltip, tone: 'normal', actions };
    }
  }
}

const capitalised = (t: string | undefined) => (t ? `${t[0]!.toUpperCase()}${t.slice(1)}` : '');

export function badge(report: Report | undefined): { value: number; tooltip: string } | undefined {
  if (!report) return undefined;
  const left = remaining(report);
  return left ? { value: left, tooltip: `${left} step(s) left` } : undefined;
}
