// The extension's state: which org, which manifest, the last report, what is running. Commands, the tree,
// the status bar, diagnostics and the webview all read it and listen to onDidChange.
import * as vscode from 'vscode';
import type * as Engine from '../node/index';
import { LoadedManifest } from '../node/workspace';
import { MANIFEST_FILE } from '../core/manifest';
import { parseManifest } from '../core/manifestText';
import { CertificateInfo } from '../core/certificate';
import { Clock, systemClock } from '../core/clock';
import { isSetupError, remaining, Report, SetupError, StepId, Write } from '../core/types';
import { Connection } from './viewModel';
import { Log } from './log';
import { settings } from './settings';
import { progressText, rememberProgress } from './orgProgress';

export type Target = { kind: 'sf'; alias: string } | { kind: 'token'; instanceUrl: string; accessToken?: string };
const TARGET_KEY = 'balkanid.target';
/** A typed consumer key belongs to one org (its Id). */
const manualKey = (orgId: string) => `balkanid.manualConsumerKey:${orgId}`;
const tokenKey = (instanceUrl: string) => `balkanid.accessToken:${instanceUrl}`;
export const PRIVATE_KEY_SECRET = 'balkanid.jwtPrivateKey';

let engineModule: typeof Engine | undefined;
/** jsforce and the engine live in dist/engine.js, loaded on first use (activation stays light). */
export function engine(): typeof Engine {
  return (engineModule ??= require('./engine.js') as typeof Engine);
}

const inputsOf = (manifestText: string, certificate: CertificateInfo | SetupError | undefined) =>
  `${manifestText}\0${isSetupError(certificate) ? certificate.message : (certificate?.fingerprint256 ?? '')}`;

export class Controller implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  connection: Connection = { kind: 'disconnected' };
  client?: Engine.JsforceClient;
  report?: Report;
  running = new Set<StepId>();
  manifest?: LoadedManifest & { uri: vscode.Uri };
  /** A consumer key typed by hand (when the admin cannot read it from the org). */
  manualConsumerKey?: string;
  /** Run All's answers so far (no manifest yet), kept when a question is dismissed. */
  newcomerDraft: { username?: string; email?: string } = {};
  /** The last JWT self-test's outcome, shown in the Credentials view. */
  lastVerify?: { ok: boolean; text: string; at: number };

  constructor(
    readonly context: vscode.ExtensionContext,
    readonly log: Log,
    /** The one clock of the extension: certificate validity, login windows, the watch's waits. */
    readonly clock: Clock = systemClock,
  ) {}

  async setManualConsumerKey(key: string | undefined): Promise<void> {
    if (!this.client) throw new SetupError('Connect the org the consumer key belongs to first.', 'NOT_CONNECTED');
    this.manualConsumerKey = key || undefined;
    await this.context.workspaceState.update(manualKey(this.client.orgId), this.manualConsumerKey);
    this.fire();
  }

  fire(): void {
    this.changed.fire();
  }

  /** An org's setup progress as last checked here (the org picker shows it). */
  progressOf(instanceUrl: string | undefined): string {
    return progressText(this.context.globalState, instanceUrl);
  }

  get rememberedTarget(): Target | undefined {
    return this.context.globalState.get<Target>(TARGET_KEY);
  }

  manifestUri(): vscode.Uri | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0];
    return folder && vscode.Uri.joinPath(folder.uri, settings().manifestPath || MANIFEST_FILE);
  }

  async loadManifest(): Promise<void> {
    const uri = this.manifestUri();
    if (!uri) {
      this.manifest = undefined;
      return;
    }
    let text: string | undefined;
    const open = vscode.workspace.textDocuments.find(d => d.uri.toString() === uri.toString());
    if (open) text = open.getText();
    else {
      try {
        text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
      } catch {
        text = undefined;
      }
    }
    this.manifest = text === undefined ? undefined : { uri, path: uri.fsPath, text, ...parseManifest(text) };
    await vscode.commands.executeCommand('setContext', 'balkanid.hasManifest', !!this.manifest);
    this.fire();
  }

  async connect(target: Target): Promise<void> {
    const label =
      target.kind === 'sf' ? target.alias : target.instanceUrl.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    this.connection = { kind: 'connecting', label };
    this.forget();
    this.fire();
    try {
      const e = engine();
      let creds: Engine.Credentials;
      if (target.kind === 'sf') creds = await e.sfCredentials(target.alias, settings().sfPath);
      else {
        const token = target.accessToken ?? (await this.context.secrets.get(tokenKey(target.instanceUrl)));
        if (!token) throw new SetupError('No access token stored for this org: connect again with a token.', 'AUTH');
        creds = { instanceUrl: target.instanceUrl, accessToken: token };
      }
      this.client = await e.connect(creds);
      this.manualConsumerKey = this.context.workspaceState.get<string>(manualKey(this.client.orgId));
      // Only a token that worked is kept, and only in secret storage.
      if (target.kind === 'token' && target.accessToken)
        await this.context.secrets.store(tokenKey(target.instanceUrl), target.accessToken);
      await this.context.globalState.update(
        TARGET_KEY,
        target.kind === 'sf' ? target : { kind: 'token', instanceUrl: target.instanceUrl },
      );
      this.connection = { kind: 'connected', label, instanceUrl: this.client.instanceUrl };
      this.log.info(
        `Connected to ${this.client.instanceUrl} (API ${this.client.apiVersion}) as user ${this.client.userId}.`,
      );
      await vscode.commands.executeCommand('setContext', 'balkanid.connected', true);
    } catch (err: any) {
      // A token just pasted that Salesforce refuses is mistyped or stale: not "session expired", and not kept.
      if (err?.code === 'SESSION_EXPIRED' && target.kind === 'token' && target.accessToken) {
        this.connection = { kind: 'disconnected' };
        await vscode.commands.executeCommand('setContext', 'balkanid.connected', false);
        this.fire();
        throw new SetupError(
          `Salesforce refused this access token for ${label}: it is mistyped, expired or from another org. Copy a ` +
            'fresh one ("Access Token" in `sf org display`), or use "Log in with the browser".',
          'AUTH',
        );
      }
      this.connection =
        err?.code === 'SESSION_EXPIRED'
          ? { kind: 'expired', label }
          : { kind: 'unreachable', label, detail: err?.message ?? String(err) };
      this.log.error(`Connecting to ${label} failed: ${err?.message ?? err}`);
      await vscode.commands.executeCommand('setContext', 'balkanid.connected', false);
      this.fire();
      throw err;
    }
    this.fire();
  }

  /** What belongs to one org: its client, report, last Verify, and the walkthrough's progress on it. */
  private forget(): void {
    this.client = undefined;
    this.report = undefined;
    this.lastVerify = undefined;
    this.manualConsumerKey = undefined;
    for (const key of ['balkanid.setupDone', 'balkanid.balkanidConnected', 'balkanid.valuesCopied'])
      void vscode.commands.executeCommand('setContext', key, false);
  }

  async disconnect(): Promise<void> {
    this.forget();
    this.connection = { kind: 'disconnected' };
    await this.context.globalState.update(TARGET_KEY, undefined);
    await vscode.commands.executeCommand('setContext', 'balkanid.connected', false);
    this.fire();
  }

  /** The manifest and certificate as the last engine call read them. */
  private inputsRead?: string;

  /**
   * Whether the manifest or its certificate now differ from what the last engine call read: a file event that
   * changes nothing (the extension's own writes before its check, a save without an edit) needs no new check.
   */
  async inputsChanged(): Promise<boolean> {
    await this.loadManifest();
    const m = this.manifest;
    if (!m?.manifest || !this.inputsRead) return true;
    return inputsOf(m.text, await engine().loadCertificate(m.path, m.manifest, this.clock.now())) !== this.inputsRead;
  }

  /** What every engine call needs; explains what is missing instead of failing obscurely. */
  private async input(reactivateUser = false): Promise<Engine.EngineInput & { client: Engine.JsforceClient }> {
    if (!this.client)
      throw new SetupError('No org connected. Run "BalkanID: Connect or Switch Salesforce Org".', 'NOT_CONNECTED');
    await this.loadManifest();
    if (!this.manifest)
      throw new SetupError(
        `No setup manifest (${settings().manifestPath}) in the workspace. Run "BalkanID: Create Setup Manifest".`,
        'NO_MANIFEST',
      );
    if (!this.manifest.manifest)
      throw new SetupError(
        `The setup manifest has problems: ` +
          `${this.manifest.problems.map(p => `${p.path.join('.') || '(manifest)'}: ${p.message}`).join('; ')}`,
        'MANIFEST',
      );
    const certificate = await engine().loadCertificate(this.manifest.path, this.manifest.manifest, this.clock.now());
    this.inputsRead = inputsOf(this.manifest.text, certificate);
    void vscode.commands.executeCommand(
      'setContext',
      'balkanid.hasCertificate',
      !!certificate && !isSetupError(certificate),
    );
    return { client: this.client, manifest: this.manifest.manifest, certificate, clock: this.clock, reactivateUser };
  }

  /** Runs engine work, turning an expired session into the status bar's warning look. */
  async guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err: any) {
      if (err?.code === 'SESSION_EXPIRED' && this.connection.kind !== 'disconnected') {
        this.connection = { kind: 'expired', label: 'label' in this.connection ? this.connection.label : 'org' };
        this.client = undefined;
        await vscode.commands.executeCommand('setContext', 'balkanid.connected', false);
      } else if (err?.code === 'UNREACHABLE' && 'label' in this.connection) {
        this.connection = { kind: 'unreachable', label: this.connection.label, detail: err.message };
      }
      this.log.error(err?.message ?? String(err));
      this.fire();
      throw err;
    }
  }

  private setReport(report: Report): void {
    this.report = report;
    // The walkthrough's steps complete on these.
    void vscode.commands.executeCommand('setContext', 'balkanid.setupDone', remaining(report) === 0);
    void vscode.commands.executeCommand(
      'setContext',
      'balkanid.balkanidConnected',
      report.login?.status === 'connected',
    );
    if (this.connection.kind === 'connected') this.connection = { ...this.connection, report };
    void rememberProgress(this.context.globalState, report);
    this.fire();
  }

  /** Reads and evaluates the org; `reactivateUser` plans the integration user's reactivation (after asking). */
  async check(reactivateUser = false): Promise<Report> {
    return this.guarded(async () => {
      const { report } = await engine().check(await this.input(reactivateUser));
      this.log.info(`Checked: ${report.steps.map(s => `${s.id}=${s.state}`).join(', ')}`);
      this.setReport(report);
      return report;
    });
  }

  /** The connected admin's username and email (one query), for Run All's proposals before a manifest exists. */
  async admin(): Promise<{ username?: string; email?: string }> {
    if (this.report) return { username: this.report.org.username, email: this.report.org.adminEmail };
    if (!this.client) return {};
    return this.guarded(() => engine().whoAmI(this.client!));
  }

  async run(
    steps: StepId[] | undefined,
    progress: (m: string) => void,
    signal: AbortSignal,
    reactivateUser = false,
  ): Promise<Write[]> {
    try {
      return await this.guarded(async () => {
        const { report, writes } = await engine().apply(await this.input(reactivateUser), {
          steps,
          signal,
          deployTimeoutMs: settings().deployTimeoutMs,
          // Only the steps being written show "running…".
          onStep: now => {
            this.running = new Set(now);
            this.fire();
          },
          onProgress: m => {
            this.log.info(m);
            progress(m);
          },
        });
        this.log.info(
          `Applied ${writes.length} write(s): ${writes.map(w => `${w.action} ${w.target}`).join('; ') || 'none'}`,
        );
        this.setReport(report);
        return writes;
      });
    } catch (err: any) {
      // A failed run may have written something: the checklist shows what the org holds now, not the plan before.
      if (err?.writes?.length && this.client) await this.check().catch(() => undefined);
      throw err;
    } finally {
      this.running.clear();
      this.fire();
    }
  }

  /** Removes the setup; returns what was removed and what stays (and why). */
  async teardown(progress: (m: string) => void): Promise<{ removed: Write[]; kept: string[] }> {
    return this.guarded(async () => {
      const input = await this.input();
      const removed = await engine().teardown(input, {
        onProgress: progress,
        deployTimeoutMs: settings().deployTimeoutMs,
      });
      this.log.info(`Teardown removed: ${removed.map(w => w.target).join('; ') || 'nothing'}`);
      const { report, facts } = await engine().check(input);
      this.setReport(report);
      return { removed, kept: engine().teardownKept(facts, input.manifest) };
    });
  }

  async privateKey(): Promise<string | undefined> {
    return this.context.secrets.get(PRIVATE_KEY_SECRET);
  }
  async storePrivateKey(pem: string | undefined): Promise<void> {
    if (pem) await this.context.secrets.store(PRIVATE_KEY_SECRET, pem);
    else await this.context.secrets.delete(PRIVATE_KEY_SECRET);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
