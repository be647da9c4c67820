// What each command does in the UI: pickers, confirmations, progress, messages. The work itself is the
// controller's (and the engine's).
import * as vscode from 'vscode';
import { STEP_IDS, SetupError, isSetupError, StepId, Write, describeWrites } from '../core/types';
import { STEP_TITLES, SETUP_PAGES } from '../core/steps';
import { manifestTemplate } from '../core/manifest';
import { Controller, engine, Target } from './controller';
import { CredentialsPanel, handoffText, readPicked } from './credentials';
import { MAX_PRIVATE_KEY_BYTES } from '../core/certificate';
import { ChecklistTree } from './tree';
import { Handlers } from './commandTable';
import { notify } from './notify';
import { pickOrg } from './connectPicker';

const isStep = (v: unknown): v is StepId => typeof v === 'string' && (STEP_IDS as readonly string[]).includes(v);
/** Tree items pass their node ({kind, id}); palette calls pass nothing; automation passes the id. */
function stepArg(arg: unknown): StepId | undefined {
  if (isStep(arg)) return arg;
  const id = (arg as { id?: unknown } | undefined)?.id;
  return isStep(id) ? id : undefined;
}
const assumeYes = (arg: unknown) =>
  typeof arg === 'object' && arg !== null && (arg as { assumeYes?: unknown }).assumeYes === true;

const renderPlan = (writes: Write[]) => describeWrites(writes).join('\n');

export function handlers(controller: Controller, tree: ChecklistTree, credentials: () => CredentialsPanel): Handlers {
  const fail = (err: any) => {
    const message = isSetupError(err) || err?.code ? err.message : `Unexpected error: ${err?.message ?? err}`;
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
    if (!controller.client || !controller.manifest?.manifest) return undefined;
    return vscode.window.withProgress({ location: { viewId: 'balkanid.checklist' }, title: 'Checking the org' }, () =>
      controller.check(),
    );
  });

  const run = async (steps: StepId[] | undefined, title: string) =>
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        const writes = await controller.run(steps, m => progress.report({ message: m }), abort.signal);
        const left = controller.report?.steps.filter(s => s.state !== 'done').length ?? 0;
        void notify.info(
          `${writes.length} write(s) made. ${left ? `${left} step(s) still need attention.` : 'All steps done.'}`,
        );
        return writes;
      },
    );

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

    runAll: safely(async (arg?: unknown) => {
      const writes = await vscode.window.withProgress(
        { location: { viewId: 'balkanid.checklist' }, title: 'Planning' },
        () => controller.plan(),
      );
      if (!writes.length) {
        void notify.info('Nothing to do: the org matches the setup.');
        return [];
      }
      if (!assumeYes(arg)) {
        const go = await notify.ask(
          `Apply ${writes.length} write(s) to ${controller.client?.instanceUrl}?`,
          renderPlan(writes),
          'Apply',
        );
        if (go !== 'Apply') return [];
      }
      return run(undefined, 'BalkanID setup');
    }),

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
      if (!controller.client) throw new SetupError('Connect an org first.', 'NOT_CONNECTED');
      const id = stepArg(arg) ?? 'preflight';
      return vscode.env.openExternal(vscode.Uri.parse(`${controller.client.instanceUrl}${SETUP_PAGES[id]}`));
    }),

    showPlan: safely(async (arg?: unknown) => {
      const id = stepArg(arg);
      const writes = (await controller.plan()).filter(w => !id || w.step === id);
      const doc = await vscode.workspace.openTextDocument({
        language: 'markdown',
        content:
          `# BalkanID setup ` +
          `plan${id ? `: ${STEP_TITLES[id]}` : ''}\n\n${writes.length ? renderPlan(writes) : 'Nothing to write: the org matches the setup.'}\n`,
      });
      await vscode.window.showTextDocument(doc, { preview: true });
      return writes;
    }),

    verify: safely(async () => {
      let pem = await controller.privateKey();
      if (!pem) {
        const choice = await notify.info(
          'The JWT self-test needs the private key that matches salesforce.crt (BalkanID usually keeps it). Without ' +
            'it, the static checks still run.',
          'Choose Key File…',
          'Check Only',
        );
        if (choice === 'Check Only') return checkAll();
        if (choice !== 'Choose Key File…') return undefined;
        const file = await vscode.window.showOpenDialog({
          canSelectMany: false,
          openLabel: 'Use for this test',
          filters: { 'Private keys': ['pem', 'key'] },
        });
        if (!file?.[0]) return undefined;
        pem = Buffer.from(
          await readPicked(file[0], MAX_PRIVATE_KEY_BYTES, 'The private key', 'key-too-large'),
        ).toString('utf8');
      }
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Verifying the JWT login', cancellable: true },
        (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          return controller.verify(pem!, m => progress.report({ message: m }), abort.signal);
        },
      );
      if (result.ok) {
        const reads = result.reads.map(r => `${r.object} ${r.count}`).join(', ');
        controller.log.info(`JWT login succeeded; reads: ${reads}`);
        void notify.info(`JWT login as the integration user works. BalkanID can read: ${reads}.`);
      } else if (result.failure) {
        controller.log.warn(`JWT login failed: ${result.failure.error}: ${result.failure.description}`);
        void notify.error(
          `JWT login failed (${result.failure.description}). ${result.failure.cause} Fix: ${result.failure.fix}`,
        );
      } else {
        const bad = result.reads.filter(r => r.error);
        void notify.warn(`JWT login works, but: ${bad.map(r => `${r.object}: ${r.cause}`).join(' ')}`);
      }
      return result;
    }),

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
      await vscode.env.clipboard.writeText(handoffText(state));
      void notify.info('BalkanID values copied: paste them into BalkanID → Integrations → Salesforce.');
      return handoffText(state);
    }),

    createManifest: safely(async () => {
      const uri = controller.manifestUri();
      if (!uri) throw new SetupError('Open a folder first: the setup manifest lives in the workspace.', 'NO_WORKSPACE');
      const exists = await vscode.workspace.fs.stat(uri).then(
        () => true,
        () => false,
      );
      if (!exists) await vscode.workspace.fs.writeFile(uri, Buffer.from(manifestTemplate()));
      await vscode.window.showTextDocument(uri);
      await controller.loadManifest();
      return uri;
    }),

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
      return vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Removing the BalkanID setup' },
        progress => controller.teardown(m => progress.report({ message: m })),
      );
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
