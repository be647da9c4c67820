// What each command does in the UI: pickers, confirmations, progress, messages. The work itself is the
// controller's (and the engine's).
import * as vscode from 'vscode';
import { findingSpec } from '../core/findings';
import { changesMade, codeOf, messageOf, STEP_IDS, SetupError, isSetupError, StepId, Write } from '../core/types';
import { adminRequestText } from '../core/adminRequest';
import { ValueName, VALUE_LABELS, valueRows } from './viewModel';
import { STEP_TITLES, SETUP_PAGES } from '../core/steps';
import { Controller, engine, Target } from './controller';
import { CredentialsPanel, handoffText, saveCertificate } from './credentials';
import { openWarnings, planText, runAll, RunAllArgs } from './runAll';
import { askCertificate, createManifestByQuestions } from './manifestQuestions';
import { helpUrl } from '../core/steps';
import { ChecklistTree } from './tree';
import { Handlers } from './commandTable';
import { notify, withCancel } from './notify';
import { plainText } from './plainText';
import { loginAt, pickOrg } from './connectPicker';
import { verify } from './verify';
import { exportForBalkanId } from './extract/export';
import { previewExtraction } from './extract/preview';
import { uploadToBalkanId } from './extract/upload';
import { PreviewTree } from './previewTree';

/** Where the values go in BalkanID, said the same way everywhere. */
const BALKANID_PATH = 'Integrations → Add Integration → Salesforce → Direct integration';

/**
 * Read-only documents (the plan): nothing to save, no "save changes?" when closed. Each belongs to the org it was
 * made for: switching org (or disconnecting) closes it, so no plan of another org stays on screen.
 */
export class ReadOnlyDocs implements vscode.Disposable {
  private readonly texts = new Map<string, string>();
  /** Each document's org (its Id), by its URI. */
  private readonly orgs = new Map<string, string>();
  private provider?: vscode.Disposable;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly controller: Controller) {
    this.subscription = controller.onDidChange(() => void this.closeOtherOrgs());
  }

  async show(name: string, content: string): Promise<void> {
    this.provider ??= vscode.workspace.registerTextDocumentContentProvider('balkanid', {
      provideTextDocumentContent: uri => this.texts.get(uri.path) ?? '',
    });
    const uri = vscode.Uri.from({ scheme: 'balkanid', path: name, query: String(Date.now()) });
    this.texts.set(uri.path, content);
    const org = this.controller.client?.orgId;
    if (org) this.orgs.set(uri.toString(), org);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  /** Closes the documents of an org that is no longer the connected one. */
  private async closeOtherOrgs(): Promise<void> {
    const now = this.controller.client?.orgId;
    const stale = vscode.window.tabGroups.all
      .flatMap(g => g.tabs)
      .filter(t => {
        const uri = t.input instanceof vscode.TabInputText ? t.input.uri.toString() : undefined;
        const org = uri && this.orgs.get(uri);
        return org && org !== now && this.controller.connection.kind !== 'connecting';
      });
    for (const t of stale) if (t.input instanceof vscode.TabInputText) this.orgs.delete(t.input.uri.toString());
    if (stale.length) await vscode.window.tabGroups.close(stale, true);
  }

  dispose(): void {
    this.subscription.dispose();
    this.provider?.dispose();
  }
}

const isValueName = (v: unknown): v is ValueName => typeof v === 'string' && Object.hasOwn(VALUE_LABELS, v);

const isStep = (v: unknown): v is StepId => typeof v === 'string' && (STEP_IDS as readonly string[]).includes(v);
/** Tree items pass their node ({kind, id}); palette calls pass nothing; automation passes the id. */
function stepArg(arg: unknown): StepId | undefined {
  if (isStep(arg)) return arg;
  const id = (arg as { id?: unknown } | undefined)?.id;
  return isStep(id) ? id : undefined;
}
const assumeYes = (arg: unknown) =>
  typeof arg === 'object' && arg !== null && (arg as { assumeYes?: unknown }).assumeYes === true;

export function handlers(
  controller: Controller,
  tree: ChecklistTree,
  credentials: () => CredentialsPanel,
  preview: PreviewTree,
  docs: ReadOnlyDocs,
): Handlers {
  const fail = (err: unknown) => {
    const message = isSetupError(err) || codeOf(err) ? messageOf(err) : `Unexpected error: ${messageOf(err)}`;
    controller.log.error(message);
    void notify.error(message, 'Show Log').then(c => {
      if (c) controller.log.show();
    });
  };
  const safely =
    <A extends unknown[]>(fn: (...a: A) => Promise<unknown>) =>
    async (...a: A) => {
      try {
        return await fn(...a);
      } catch (e) {
        fail(e);
        return undefined;
      }
    };

  const checkAll = safely(async () => {
    await controller.loadManifest();
    if (!controller.isConnected() || !controller.manifest?.manifest) return undefined;
    return vscode.window.withProgress({ location: { viewId: 'balkanid.checklist' }, title: 'Checking the org' }, () =>
      controller.check(),
    );
  });

  /** The three values on the clipboard, said in a message (after `before`: what a run just did). */
  const copyValues = async (before = '') => {
    const state = await credentials().state();
    // No values for a user that does not exist or cannot log in: say why instead.
    if (state.notReady) throw new SetupError(`Nothing was copied: ${state.notReady}`, 'NOTHING_TO_COPY');
    if (!state.consumerKey)
      throw new SetupError(
        'The consumer key is not known yet: run all steps, or type it into the Credentials view.',
        'NO_CONSUMER_KEY',
      );
    const text = handoffText(state);
    await vscode.env.clipboard.writeText(text);
    controller.valuesCopied();
    void notify.info(
      `${before}Copied the username, consumer key and login URL: paste them into BalkanID (${BALKANID_PATH}). ` +
        'The checklist shows when BalkanID logs in.',
    );
    return text;
  };

  const run = async (steps: StepId[] | undefined, title: string, reactivateUser = false, copy = false) => {
    const writes = await withCancel(title, (report, signal) => controller.run(steps, report, signal, reactivateUser));
    // "Apply and Copy Values": the values once they work, else what is left to do.
    if (copy && controller.offers().values) await copyValues(`${changesMade(writes)} The setup is in place. `);
    else void afterRun(writes);
    return writes;
  };
  // The next action, offered where the admin looks: copy the values once the setup is in place (the checklist's
  // Consumer key and Verify rows and the status bar offer it too, after this message is gone).
  const afterRun = async (writes: Write[]) => {
    const r = controller.report;
    const left = r ? engine().remaining(r) : 0;
    // Counted as the plan counts them (the link the app's deploy made included, and said).
    const made = changesMade(writes);
    if (left) {
      const first = r!.steps.find(s => s.state !== 'done' && s.state !== 'waiting')!;
      const cert = first.findings.some(
        f => f.severity === 'error' && findingSpec(f.code).quickFix === 'chooseCertificate',
      );
      const choice = await notify.warn(
        `${made} ${left} step(s) still need attention, first "${first.title}".`,
        ...(cert ? (['Choose Certificate…'] as const) : []),
        'Show Checklist',
      );
      if (choice === 'Choose Certificate…') await vscode.commands.executeCommand('balkanid.chooseCertificate');
      if (choice === 'Show Checklist') await vscode.commands.executeCommand('balkanid.checklist.focus');
      return;
    }
    const choice = await notify.info(
      `${made} The setup is in place: paste the values into BalkanID (${BALKANID_PATH}); the checklist ` +
        'shows when BalkanID logs in.',
      'Copy Values',
      'Open Credentials',
    );
    if (choice === 'Copy Values') await vscode.commands.executeCommand('balkanid.copyValues');
    if (choice === 'Open Credentials') await vscode.commands.executeCommand('balkanid.openCredentials');
  };

  // Called by the command (its argument filtered by automation.ts) and by the export's "Upload to BalkanID…" with
  // the folder it just wrote.
  const upload = safely((arg?: unknown) => uploadToBalkanId(controller, arg));

  const connectTo = async (target: Target | undefined): Promise<void> => {
    if (!target) return;
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'Connecting to Salesforce' },
        () => controller.connect(target),
      );
    } catch (e) {
      // The session kept from an earlier login expired: log in at that org's address again.
      if (target.kind === 'token' && !target.accessToken && ['SESSION_EXPIRED', 'AUTH'].includes(codeOf(e) ?? '')) {
        const again = await notify.warn(
          `The session kept for ${target.instanceUrl} has expired: log in again.`,
          'Log In with the Browser',
        );
        if (again) return connectTo(await loginAt(target.instanceUrl));
        return;
      }
      throw e;
    }
    await checkAll();
  };

  return {
    connect: safely(async (arg?: unknown) => {
      const a = arg as { instanceUrl?: string; accessToken?: string; alias?: string } | undefined;
      if (a?.alias) return connectTo({ kind: 'sf', alias: a.alias });
      if (a?.instanceUrl && a.accessToken)
        return connectTo({ kind: 'token', instanceUrl: a.instanceUrl, accessToken: a.accessToken });
      const chosen = await pickOrg(controller);
      if (chosen === 'disconnect') return controller.disconnect();
      if (chosen) return connectTo(chosen);
      return undefined;
    }),

    disconnect: safely(() => controller.disconnect()),
    checkAll,
    checkStep: safely(async (arg?: unknown) => {
      await checkAll();
      const id = stepArg(arg);
      if (id) await tree.view.reveal({ kind: 'step', id }, { focus: true, select: true });
    }),

    runAll: safely(async (arg?: unknown) => runAll(controller, (arg ?? {}) as RunAllArgs, run)),

    runStep: safely(async (arg?: unknown) => {
      let id = stepArg(arg);
      if (!id) {
        const picked = await vscode.window.showQuickPick(
          STEP_IDS.filter(s => s !== 'preflight' && s !== 'verify').map(s => ({
            label: STEP_TITLES[s],
            description: controller.report?.steps.find(x => x.id === s)?.state,
            id: s,
          })),
          { title: 'Run step' },
        );
        id = picked?.id;
      }
      if (!id) return;
      if (id === 'verify') return vscode.commands.executeCommand('balkanid.verify');
      return run([id], STEP_TITLES[id]);
    }),

    openInSetup: safely(async (arg?: unknown) => {
      const { client } = controller.connected();
      const id = stepArg(arg) ?? 'preflight';
      return vscode.env.openExternal(vscode.Uri.parse(`${client.instanceUrl}${SETUP_PAGES[id]}`));
    }),

    showPlan: safely(async (arg?: unknown) => {
      const id = stepArg(arg);
      const report = await controller.check();
      const { writes, blockers } = engine().runnable(report);
      const mine = writes.filter(w => !id || w.step === id);
      const stuck = blockers.filter(b => !id || b.step === id);
      // The org it is for, in its title; switching org closes it (ReadOnlyDocs). A markdown document: what it quotes
      // from the org is plain text (no link, no control character).
      const org = plainText(report.org.name ?? report.org.instanceUrl.replace(/^https?:\/\//, ''));
      const request = !id ? adminRequestText(report) : undefined;
      const plan =
        mine.length || stuck.length
          ? planText(mine, stuck, id ? [] : openWarnings(report))
          : 'Nothing to write: the org matches the setup.';
      const forOrg = report.org.name ? `${report.org.name} (${report.org.instanceUrl})` : report.org.instanceUrl;
      await docs.show(
        `BalkanID plan — ${org.replace(/[\\/:*?"<>|]/g, '-')}.md`,
        `# BalkanID setup plan${id ? `: ${STEP_TITLES[id]}` : ''}\n\n` +
          plainText(`For ${forOrg}, as ${report.org.username}.\n\n${plan}\n`) +
          (request ? `\n## The request for a System Administrator\n\n${plainText(request)}\n` : ''),
      );
      return mine;
    }),

    verify: safely(() => verify(controller, checkAll)),

    openCredentials: async () => {
      await controller.loadManifest();
      credentials().open();
    },

    copyValues: safely(() => copyValues()),

    // One value at a time: the checklist's value rows pass theirs; the palette asks which.
    copyValue: safely(async (arg?: unknown) => {
      const rows = valueRows(controller.report, controller.manualConsumerKey);
      if (!rows.length) {
        const why = controller.report?.handoff?.notReady ?? 'the consumer key is not known yet: run all steps first.';
        throw new SetupError(`Nothing was copied: ${why}`, 'NOTHING_TO_COPY');
      }
      const given = (arg as { name?: unknown } | undefined)?.name;
      const name = isValueName(given)
        ? given
        : (
            await vscode.window.showQuickPick(
              rows.map(r => ({ label: r.label, description: r.value, name: r.name })),
              { title: 'Copy one value for BalkanID', placeHolder: 'The value to copy' },
            )
          )?.name;
      const row = rows.find(r => r.name === name);
      if (!row) return undefined;
      await vscode.env.clipboard.writeText(row.value);
      vscode.window.setStatusBarMessage(`$(check) Copied the ${row.label}`, 5000);
      return row.value;
    }),

    // Every permission the admin lacks for the work left, once each with the steps that need it, ready to send.
    copyAdminRequest: safely(async () => {
      const r = controller.manifest ? controller.report : undefined;
      const text = r && adminRequestText(r);
      if (!text) {
        void notify.info('You have every permission the setup still needs: there is nothing to ask for.');
        return undefined;
      }
      await vscode.env.clipboard.writeText(text);
      const n = text.split('\n').filter(l => l.startsWith('• ')).length;
      void notify.info(
        `Copied the request for a System Administrator: ${n} permission${n === 1 ? '' : 's'}, each with the steps ` +
          'that need it. Send it to them (email or chat); once granted, run Check All Steps.',
      );
      return text;
    }),

    createManifest: safely(async () => {
      await controller.loadManifest();
      if (!controller.manifest && !(await createManifestByQuestions(controller))) return undefined;
      const uri = controller.manifestUri()!;
      await vscode.window.showTextDocument(uri);
      if (controller.isConnected()) await checkAll();
      return uri;
    }),

    chooseCertificate: safely(async () => {
      const data = await askCertificate(controller, "BalkanID's certificate: salesforce.crt from BalkanID");
      if (!data) return undefined;
      const message = await saveCertificate(controller, data);
      void notify.info(message);
      return message;
    }),

    previewExtraction: safely(() => previewExtraction(controller, preview)),
    exportForBalkanId: safely((arg?: unknown) => exportForBalkanId(controller, arg, dir => upload({ folder: dir }))),
    uploadToBalkanId: upload,

    openHelp: safely(async (arg?: unknown) =>
      vscode.env.openExternal(
        vscode.Uri.parse(helpUrl(stepArg(arg) ?? 'preflight', (arg as { docs?: boolean })?.docs)),
      ),
    ),

    teardown: safely(async (arg?: unknown) => {
      if (!assumeYes(arg)) {
        const go = await notify.ask(
          'Remove the BalkanID setup from this org?',
          'Deletes the permission set link, the assignment, the permission set and the External Client App, and ' +
            'deactivates the integration user. BalkanID stops working.',
          'Remove',
        );
        if (go !== 'Remove') return [];
      }
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Removing the BalkanID setup' },
        progress => controller.teardown(m => progress.report({ message: m })),
      );
      const removed = result.removed.filter(w => w.action === 'delete').map(w => w.target);
      const summary = result.removed.length
        ? `Teardown finished. Removed: ${removed.join('; ') || 'nothing'}.` +
          (result.kept.length ? ` Kept: ${result.kept.join(' ')}` : '')
        : 'Nothing to remove: the BalkanID setup is not in this org.';
      controller.log.info(summary);
      void notify.info(summary);
      return result;
    }),

    showLog: async () => controller.log.show(),

    // A HAR file of every exchange with Salesforce, secrets redacted: the first call starts it, the second saves it.
    recordTrace: safely(async () => {
      const e = engine();
      const running = e.activeTrace();
      if (running) {
        const target = await vscode.window.showSaveDialog({
          title: 'Save the trace',
          filters: { 'HAR files': ['har'] },
          defaultUri: vscode.Uri.joinPath(
            vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.cwd()),
            'balkanid-trace.har',
          ),
        });
        if (!target) return undefined; // still recording
        e.stopTrace();
        await running.save(target.fsPath);
        void notify.info(
          `Trace of ${running.size} exchange(s) saved to ${vscode.workspace.asRelativePath(target)} (tokens, keys, ` +
            `secrets, the consumer key and certificates redacted).`,
        );
        return target.fsPath;
      }
      const trace = e.startTrace();
      controller.client?.attachTrace(trace);
      void notify.info(
        'Recording every exchange with Salesforce. Run the steps, then run "Record Trace…" again to save the ' +
          'HAR file.',
      );
      return undefined;
    }),
  };
}
