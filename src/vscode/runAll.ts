// Run All, as an admin meets it: connect first if needed; without a manifest, the three questions; an inactive
// integration user reactivated only after asking; a confirmation that lists exactly the writes that can run and,
// apart, what is blocked and why; nothing sent when nothing can run.
import * as vscode from 'vscode';
import { describeWrites, Report, StepId, Write } from '../core/types';
import { STEP_LABELS } from '../core/steps';
import { findingSpec, findingTitle } from '../core/findings';
import { adminRequestText } from '../core/adminRequest';
import { Controller, engine } from './controller';
import { createManifestByQuestions, ManifestAnswers } from './manifestQuestions';
import { notify } from './notify';

export interface RunAllArgs extends ManifestAnswers {
  /** Automation: skip the confirmations (the reactivation question included). */
  assumeYes?: boolean;
}

/** Runs the writes; `copyValues`: then copies the values for BalkanID (the admin chose "Apply and Copy Values"). */
export type Runner = (
  steps: StepId[] | undefined,
  title: string,
  reactivateUser?: boolean,
  copyValues?: boolean,
) => Thenable<Write[]> | Promise<Write[]>;

/**
 * The warnings a run leaves as they are (a reserved-domain address, a certificate that expires soon, Login IP Ranges):
 * said before Apply, so nothing open is a surprise afterwards. Drift is not among them: the run repairs it.
 */
export function openWarnings(r: Pick<Report, 'steps'>): string[] {
  return r.steps.flatMap(s =>
    s.findings
      .filter(f => f.severity === 'warning' && findingSpec(f.code).effect !== 'drift')
      .map(f => `${STEP_LABELS[s.id]} — ${findingTitle(f)}: ${f.message}`),
  );
}

/** The confirmation's text: the writes, then the blocked steps apart, then the warnings the run does not change. */
export function planText(
  writes: Write[],
  blockers: Array<{ title: string; reason: string }>,
  warnings: string[] = [],
): string {
  const parts = [describeWrites(writes).join('\n')];
  if (blockers.length)
    parts.push(`Not run now (blocked):\n${blockers.map(b => `• ${b.title}: ${b.reason}`).join('\n')}`);
  if (warnings.length)
    parts.push(`Open warnings (Apply does not change them):\n${warnings.map(w => `• ${w}`).join('\n')}`);
  return parts.filter(Boolean).join('\n\n');
}

const checking = <T>(work: () => Promise<T>) =>
  vscode.window.withProgress({ location: { viewId: 'balkanid.checklist' }, title: 'Checking the org' }, work);

export async function runAll(c: Controller, args: RunAllArgs, run: Runner): Promise<Write[]> {
  if (!c.isConnected()) {
    await vscode.commands.executeCommand('balkanid.connect');
    if (!c.isConnected()) return [];
  }
  await c.loadManifest();
  if (!c.manifest && !(await createManifestByQuestions(c, args))) return [];
  let report: Report = await checking(() => c.check());
  let reactivate = false;
  const userStep = report.steps.find(s => s.id === 'user');
  const inactive = userStep?.findings.find(f => f.code === 'user-inactive');
  // Asked only when reactivating could happen now (not when the admin lacks the permission to do it anyway).
  if (inactive && !userStep!.findings.some(f => f.code === 'admin-permission-missing')) {
    const go = args.assumeYes
      ? 'Reactivate'
      : await notify.ask(
          `Reactivate the integration user ${report.handoff?.username}?`,
          `${inactive.message} Reactivating it takes a Salesforce Platform licence; the setup then reuses it.`,
          'Reactivate',
        );
    if (go !== 'Reactivate') {
      void notify.info(
        `Nothing was written: ${report.handoff?.username} stays inactive. Choose another username in ` +
          'balkanid-setup.json to set up a new integration user instead.',
      );
      return [];
    }
    reactivate = true;
    report = await checking(() => c.check(true));
  }
  const { writes, blockers } = engine().runnable(report);
  const org = report.org.name ?? c.client.instanceUrl;
  if (!writes.length) {
    if (blockers.length) {
      const own = blockers.filter(b => b.short);
      const waiting = blockers.length - own.length;
      c.log.warn(`Nothing can run: ${blockers.map(b => `${b.title}: ${b.reason}`).join(' ')}`);
      // A limited admin gets the one request to send, with every permission they lack.
      const request = adminRequestText(report) ? (['Copy Request for a System Administrator'] as const) : [];
      void notify
        .error(
          `Nothing can run on ${org}, so nothing was written. Blocked: ` +
            `${own.map(b => `${STEP_LABELS[b.step]} (${b.short})`).join(', ')}` +
            `${waiting ? `; ${waiting} more step(s) wait for these` : ''}. Show Plan lists each reason and its fix.`,
          ...request,
          'Show Plan',
        )
        .then(choice =>
          choice === 'Show Plan'
            ? vscode.commands.executeCommand('balkanid.showPlan')
            : choice && vscode.commands.executeCommand('balkanid.copyAdminRequest'),
        );
      return [];
    }
    void notify.info('Nothing to write: the org matches the setup.');
    return [];
  }
  let copy = false;
  if (!args.assumeYes) {
    const title = blockers.length
      ? `Apply ${writes.length} change(s) to ${org}? ${blockers.length} step(s) stay blocked.`
      : `Apply ${writes.length} change(s) to ${org}?`;
    // When the run completes the setup, the next step can come with it: the values for BalkanID on the clipboard.
    const go = await notify.ask(
      title,
      planText(writes, blockers, openWarnings(report)),
      'Apply',
      ...(blockers.length ? [] : (['Apply and Copy Values'] as const)),
    );
    if (go !== 'Apply' && go !== 'Apply and Copy Values') return [];
    copy = go === 'Apply and Copy Values';
  }
  // The engine applies what can run by the same rule (runnable), on what it reads now.
  return run(undefined, 'BalkanID setup', reactivate, copy);
}
