// What each command does in the UI: pickers, confirmations, progress, messages. The work itself is the
// controller's (and the engine's).
import * as vscode from 'vscode';
import { findingSpec } from '../core/findings';
import { codeOf, messageOf, STEP_IDS, SetupError, isSetupError, StepId, Write } from '../core/types';
import { STEP_TITLES, SETUP_PAGES } from '../core/steps';
import { Controller, engine, Target } from './controller';
import { CredentialsPanel, handoffText, pickCertificate, saveCertificate } from './credentials';
import { planText, runAll, RunAllArgs } from './runAll';
import { createManifestByQuestions } from './manifestQuestions';
import { helpUrl } from '../core/steps';
import { ChecklistTree } from './tree';
import { Handlers } from './commandTable';
import { notify, withCancel } from './notify';
import { plainText } from './plainText';
import { pickOrg } from './connectPicker';
import { verify } from './verify';
import { exportForBalkanId } from './extract/export';
import { previewExtraction } from './extract/preview';
import { uploadToBalkanId } from './extract/upload';
import { PreviewTree } from './previewTree';

/** Where the values go in BalkanID, said the same way everywhere. */
const BALKANID_PATH = 'Integrations → Add Integration → Salesforce → Direct integration';

/** Read-only documents (the plan): nothing to save, no "save changes?" when closed. */
export class ReadOnlyDocs implements vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private provider?: vscode.Disposable;

  async show(name: string, content: string): Promise<void> {
    this.provider ??= vscode.workspace.registerTextDocumentContentProvider('balkanid', {
      provideTextDocumentContent: uri => this.texts.get(uri.path) ?? '',
    });
    const uri = vscode.Uri.from({ scheme: 'balkanid', path: name, query: String(Date.now()) });
    this.texts.set(uri.path, content);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  dispose(): void {
    this.provider?.dispose();
  }
}

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

  const run = async (steps: StepId[] | undefined, title: string, reactivateUser = false, planned?: Write[]) => {
    const writes = await withCancel(title, (report, signal) => controller.run(steps, report, signal, reactivateUser));
    void afterRun(writes, planned);
    return writes;
  };
  // The next action, offered where the admin looks: copy the values once the setup is in place.
  const afterRun = async (writes: Write[], planned?: Write[]) => {
    const r = controller.report;
    const left = r ? engine().remaining(r) : 0;
    // The plan's link is skipped when the app's deploy made it (its policy names the permission set): say so.
    const linkedByDeploy =
      planned?.some(w => w.step === 'link') &&
      !writes.some(w => w.step === 'link') &&
      writes.some(w => w.step === 'app');
    const made =
      `${writes.length} change(s) made.` +
      (linkedByDeploy
        ? " The app's deploy linked its permission set itself, so that planned change was not needed."
        : '');
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

  const connectTo = async (target: Target) => {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Connecting to Salesforce' },
      () => controller.connect(target),
    );
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
      const { writes, blockers } = engine().runnable(await controller.check());
      const mine = writes.filter(w => !id || w.step === id);
      const stuck = blockers.filter(b => !id || b.step === id);
      // A markdown document: what it quotes from the org is plain text (no link, no control character).
      const plan = mine.length || stuck.length ? planText(mine, stuck) : 'Nothing to write: the org matches the setup.';
      await docs.show(
        'BalkanID plan.md',
        `# BalkanID setup plan${id ? `: ${STEP_TITLES[id]}` : ''}\n\n${plainText(plan)}\n`,
      );
      return mine;
    }),

    verify: safely(() => verify(controller, checkAll)),

    openCredentials: async () => {
      await controller.loadManifest();
      credentials().open();
    },

    copyValues: safely(async () => {
      const state = await credentials().state();
      if (!state.consumerKey)
        throw new SetupError(
          'The consumer key is not known yet: run all steps, or type it into the Credentials view.',
          'NO_CONSUMER_KEY',
        );
      const text = handoffText(state);
      await vscode.env.clipboard.writeText(text);
      controller.valuesCopied();
      void notify.info(
        `Copied the username, consumer key and login URL: paste them into BalkanID (${BALKANID_PATH}). ` +
          'The checklist shows when BalkanID logs in.',
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
      const data = await pickCertificate("BalkanID's certificate (salesforce.crt)");
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
