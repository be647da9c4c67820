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
import { STEP_LABELS } from '../core/steps';
import { inert } from '../core/inertText';
import { label } from '../core/permissions';

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
  icon: string;
  color?: string;
  tooltip: string;
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

export function stepView(
  step: Pick<StepResult, 'id' | 'title' | 'findings' | 'plan'>,
  state: Shown,
  login?: LoginStatus,
): StepView {
  const [icon, color, text] = ICONS[state];
  const blocking = step.findings.find(f => f.code === 'admin-permission-missing');
  const description =
    state === 'blocked' && blocking?.permission
      ? `blocked: needs ${label(blocking.permission)}`
      : step.id === 'verify' && (state === 'done' || state === 'error')
        ? (loginDescription(login) ?? text)
        : text;
  const tooltip = [
    `${step.title} — ${description}`,
    ...step.findings.map(f => `• ${f.message}${f.fix ? ` ${f.fix}` : ''}`),
    ...describeWrites(step.plan).map(l => `→ ${l.replace(/^\d+\. /, '')}`),
  ].join('\n');
  return {
    id: step.id,
    label: STEP_LABELS[step.id],
    description,
    icon,
    color,
    tooltip,
    contextValue: `step.${state === 'done' ? 'done' : 'open'}`,
  };
}

export function findingView(f: Finding): FindingView {
  const [icon, color] =
    f.severity === 'error'
      ? ['error', 'list.errorForeground']
      : f.severity === 'warning'
        ? ['warning', 'list.warningForeground']
        : ['info', undefined];
  return { label: f.message, icon, color, tooltip: f.fix ? `${f.message}\n\nFix: ${f.fix}` : f.message };
}

export interface StatusView {
  text: string;
  tooltip: string;
  tone: 'normal' | 'warning' | 'error';
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

export function statusView(connection: Connection): StatusView {
  const c = 'label' in connection ? { ...connection, label: shownLabel(connection.label) } : connection;
  switch (c.kind) {
    case 'disconnected':
      return {
        text: '$(plug) BalkanID: connect org',
        tooltip: 'No Salesforce org connected. Click to connect.',
        tone: 'normal',
      };
    case 'connecting':
      return { text: `$(sync~spin) BalkanID: ${c.label}`, tooltip: `Connecting to ${c.label}…`, tone: 'normal' };
    case 'expired':
      return {
        text: `$(plug) BalkanID: ${c.label}: session expired`,
        tooltip: `The session for ${c.label} expired. Click to log in again or switch org.`,
        tone: 'warning',
      };
    case 'unreachable':
      return {
        text: `$(plug) BalkanID: ${c.label}: unreachable`,
        tooltip: `Cannot reach ${c.label}: ${c.detail}. Click to switch org.`,
        tone: 'error',
      };
    case 'connected': {
      const steps = c.report?.steps;
      const done = steps ? steps.filter(s => s.state === 'done').length : undefined;
      const progress = steps ? ` ${done}/${steps.length}` : '';
      const login = c.report?.login;
      const setUp = !!c.report && writesDone(c.report);
      const connected = setUp && login?.status === 'connected';
      const failing = setUp && login?.status === 'failing';
      const tooltip = [
        `BalkanID setup on ${c.label}`,
        c.instanceUrl,
        steps ? `${done} of ${steps.length} steps done` : 'not checked yet',
        setUp ? (loginDescription(login) ?? "Waiting for BalkanID's first login through the app.") : '',
        setUp ? capitalised(selfTestDescription(login)) : '',
        failing ? 'Fix: see the Verify step in the checklist.' : '',
        c.report ? `${c.report.org.isSandbox ? 'Sandbox' : 'Production'}, API ${c.report.org.apiVersion}` : '',
        'Click to switch org.',
      ]
        .filter(Boolean)
        .join('\n');
      if (connected) return { text: `$(pass-filled) BalkanID: ${c.label} · connected`, tooltip, tone: 'normal' };
      if (failing) return { text: `$(warning) BalkanID: ${c.label} · login failed`, tooltip, tone: 'warning' };
      if (setUp)
        return { text: `$(watch) BalkanID: ${c.label}${progress} · waiting for BalkanID`, tooltip, tone: 'normal' };
      return { text: `$(plug) BalkanID: ${c.label}${progress}`, tooltip, tone: 'normal' };
    }
  }
}

const capitalised = (t: string | undefined) => (t ? `${t[0]!.toUpperCase()}${t.slice(1)}` : '');

export function badge(report: Report | undefined): { value: number; tooltip: string } | undefined {
  if (!report) return undefined;
  const left = remaining(report);
  return left ? { value: left, tooltip: `${left} step(s) left` } : undefined;
}
