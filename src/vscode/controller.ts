// The extension's state: which org, which manifest, the last report, what is running. Commands, the tree, the
// status bar, diagnostics, the context keys and the webview read it and listen to onDidChange; only the controller
// changes it. What belongs to the connected org lives in one OrgSession, dropped as a whole on disconnect or switch.
import * as vscode from 'vscode';
import type * as Engine from '../node/index';
import { LoadedManifest } from '../node/workspace';
import { MANIFEST_FILE } from '../core/manifest';
import { CertificateInfo } from '../core/certificate';
import { Clock, systemClock } from '../core/clock';
import { codeOf, isSetupError, messageOf, Report, SetupError, StepId, Write } from '../core/types';
import { ContextSource } from './contextKeys';
import { Connection, StepOffers, valueRows } from './viewModel';
import { adminNeeds } from '../core/adminRequest';
import { Log } from './log';
import { settings } from './settings';
import { progressText, rememberProgress } from './orgProgress';
import { OwnLogin, OwnLoginFence, ownLoginsKey, ownLoginsOf, rememberLogins } from '../core/ownLogins';

/** An org to connect: one the Salesforce CLI knows, or an address with an access token (pasted, or from the browser
 *  login: `via`). Without a token, the one stored for the address is used. */
export type Target =
  | { kind: 'sf'; alias: string }
  | { kind: 'token'; instanceUrl: string; accessToken?: string; via?: 'browser' | 'token' };
const TARGET_KEY = 'balkanid.target';
/** Orgs connected here by browser login or access token (their tokens in secret storage): the picker lists them. */
const TOKEN_ORGS_KEY = 'balkanid.tokenOrgs';
export interface RememberedOrg {
  instanceUrl: string;
  via: 'browser' | 'token';
  /** The org's name, once a check read it. */
  name?: string;
}
/** A typed consumer key belongs to one org (its Id). */
const manualKey = (orgId: string) => `balkanid.manualConsumerKey:${orgId}`;
const tokenKey = (instanceUrl: string) => `balkanid.accessToken:${instanceUrl}`;
/** The private key for the JWT self-test is bound to one org (its Id): another org never signs with it. */
export const PRIVATE_KEY_SECRET = (orgId: string) => `balkanid.jwtPrivateKey:${orgId}`;
/** Where earlier versions kept one key for every org: removed when found. */
const UNBOUND_PRIVATE_KEY = 'balkanid.jwtPrivateKey';
/** The logins this extension made as an org's integration user (never BalkanID's), in global state: no secret. */
const ownLoginsStateKey = (orgId: string, username: string) => `balkanid.ownLogins:${ownLoginsKey(orgId, username)}`;

let engineModule: typeof Engine | undefined;
/** jsforce and the engine live in dist/engine.js, loaded on first use (activation stays light). */
export function engine(): typeof Engine {
  return (engineModule ??= require('./engine.js') as typeof Engine);
}

const inputsOf = (manifestText: string, certificate: CertificateInfo | SetupError | undefined) =>
  `${manifestText}\0${isSetupError(certificate) ? certificate.message : (certificate?.fingerprint256 ?? '')}`;

/** What the extension knows about the connected org; a new one for every connection. */
interface OrgSession {
  /** The org's client; gone once the session expired (what was learned stays until another org is connected). */
  client?: Engine.JsforceClient;
  report?: Report;
  /** A consumer key typed by hand (when the admin cannot read it from the org). */
  manualConsumerKey?: string;
  /** The last JWT self-test's outcome, shown in the Credentials view. */
  lastVerify?: { ok: boolean; text: string; at: number };
  /** The values for BalkanID were copied (the walkthrough's step). */
  valuesCopied: boolean;
}

/** A controller with an org connected: `client` is there (see Controller.connected()). */
export type ConnectedController = Controller & { readonly client: Engine.JsforceClient };

export class Controller implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private state: Connection = { kind: 'disconnected' };
  private session?: OrgSession;
  private runningSteps = new Set<StepId>();
  /** The extension's own logins as the integration user, and the checks that must not overlap them. */
  private readonly ownLoginFence = new OwnLoginFence();
  /** The own logins this window remembered, by global-state key (see ownLoginsAt). */
  private readonly ownLoginsHere = new Map<string, OwnLogin[]>();
  private loaded?: LoadedManifest & { uri: vscode.Uri };
  /** Whether the certificate the manifest names was read and is one (as the last engine call found it). */
  private certificateReadable = false;
  /** The manifest and certificate as the last engine call read them. */
  private inputsRead?: string;
  /** Run All's answers so far (no manifest yet), kept when a question is dismissed. */
  readonly manifestDraft: { username?: string; email?: string } = {};

  constructor(
    readonly context: vscode.ExtensionContext,
    readonly log: Log,
    /** The one clock of the extension: certificate validity, login windows, the watch's waits. */
    readonly clock: Clock = systemClock,
  ) {}

  get connection(): Connection {
    return this.state;
  }
  get client(): Engine.JsforceClient | undefined {
    return this.session?.client;
  }
  get report(): Report | undefined {
    return this.session?.report;
  }
  get manualConsumerKey(): string | undefined {
    return this.session?.manualConsumerKey;
  }
  get lastVerify(): OrgSession['lastVerify'] {
    return this.session?.lastVerify;
  }
  /** The logins this extension made as the integration user of the connected org (self-tests, reading as it). */
  get ownLogins(): OwnLogin[] {
    const orgId = this.session?.client?.orgId;
    const username = this.loaded?.manifest?.user.username;
    return orgId && username ? this.ownLoginsAt(ownLoginsStateKey(orgId, username)) : [];
  }
  /**
   * What the global state holds under `key`, with what this window remembered itself. VS Code keeps an extension's
   * global state as one object and replaces it whole with each copy its storage sends back, so for a moment after
   * an update `get` may give an older copy: an own login read from there alone could go missing and be shown as
   * BalkanID's login.
   */
  private ownLoginsAt(key: string): OwnLogin[] {
    return rememberLogins(ownLoginsOf(this.context.globalState.get(key)), this.ownLoginsHere.get(key) ?? []);
  }

  /** Remembers logins this extension made as `username`, the integration user of the connected org. */
  async rememberOwnLogins(fresh: OwnLogin[], username: string): Promise<void> {
    const { client } = this.connected();
    if (!fresh.length) return;
    const key = ownLoginsStateKey(client.orgId, username);
    const all = rememberLogins(this.ownLoginsAt(key), fresh);
    this.ownLoginsHere.set(key, all);
    await this.context.globalState.update(key, all);
  }

  /**
   * Runs a login of this extension's own as the integration user (the self-test, reading as it) and remembers it. A
   * check that overlaps it is made again once it is remembered (OwnLoginFence): its row is never shown as BalkanID's.
   */
  ownLogin<T>(work: () => Promise<T>): Promise<T> {
    return this.ownLoginFence.login(work);
  }

  /** The steps whose writes are being sent now ("running…" in the checklist). */
  get running(): ReadonlySet<StepId> {
    return this.runningSteps;
  }
  get manifest(): (LoadedManifest & { uri: vscode.Uri }) | undefined {
    return this.loaded;
  }

  isConnected(): this is ConnectedController {
    return !!this.session?.client;
  }

  /** This controller with its org, or the error that says to connect one first. */
  connected(): ConnectedController {
    if (!this.isConnected())
      throw new SetupError('No org connected. Run "BalkanID: Connect or Switch Salesforce Org".', 'NOT_CONNECTED');
    return this;
  }

  /**
   * What the checklist and the status bar offer now: the values for BalkanID once they work (the setup in place, the
   * consumer key known), the request for a System Administrator while the admin lacks permissions for the work left.
   */
  offers(): Required<StepOffers> {
    const report = this.loaded ? this.report : undefined;
    return {
      values: valueRows(report, this.manualConsumerKey).length > 0,
      request: !!report && adminNeeds(report.steps).length > 0,
    };
  }

  /** What the context keys are made of (contextKeys.ts). */
  contextSource(): ContextSource {
    return {
      connected: this.isConnected(),
      hasManifest: !!this.loaded,
      certificateReadable: this.certificateReadable,
      report: this.report,
      valuesCopied: !!this.session?.valuesCopied,
      ...this.offers(),
    };
  }

  fire(): void {
    this.changed.fire();
  }

  async setManualConsumerKey(key: string | undefined): Promise<void> {
    const { client } = this.connected();
    this.session!.manualConsumerKey = key || undefined;
    await this.context.workspaceState.update(manualKey(client.orgId), key || undefined);
    this.fire();
    // The consumer key step counts a key typed for an org that gives it by no route: the checklist follows.
    if (this.loaded?.manifest) await this.check().catch(() => undefined);
  }

  recordVerify(ok: boolean, text: string): void {
    if (this.session) this.session.lastVerify = { ok, text, at: this.clock.now() };
    this.fire();
  }

  valuesCopied(): void {
    if (this.session) this.session.valuesCopied = true;
    this.fire();
  }

  /** An org's setup progress as last checked here (the org picker shows it). */
  progressOf(instanceUrl: string | undefined): string {
    return progressText(this.context.globalState, instanceUrl);
  }

  get rememberedTarget(): Target | undefined {
    return this.context.globalState.get<Target>(TARGET_KEY);
  }

  /** Orgs connected by browser login or access token, newest first (the picker lists them after switching away). */
  get rememberedOrgs(): RememberedOrg[] {
    return this.context.globalState.get<RememberedOrg[]>(TOKEN_ORGS_KEY) ?? [];
  }

  private async rememberOrg(org: RememberedOrg): Promise<void> {
    const key = (u: string) => u.replace(/\/+$/, '').toLowerCase();
    const before = this.rememberedOrgs.find(o => key(o.instanceUrl) === key(org.instanceUrl));
    const others = this.rememberedOrgs.filter(o => key(o.instanceUrl) !== key(org.instanceUrl));
    await this.context.globalState.update(TOKEN_ORGS_KEY, [{ ...before, ...org }, ...others].slice(0, 20));
  }

  manifestUri(): vscode.Uri | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0];
    return folder && vscode.Uri.joinPath(folder.uri, settings().manifestPath || MANIFEST_FILE);
  }

  async loadManifest(): Promise<void> {
    const uri = this.manifestUri();
    if (!uri) {
      this.loaded = undefined;
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
    // The manifest's parser (jsonc) lives in dist/later.js, apart from what activation evaluates.
    const { parseManifest } = require('./later.js') as typeof import('./later');
    this.loaded = text === undefined ? undefined : { uri, path: uri.fsPath, text, ...parseManifest(text) };
    this.fire();
  }

  async connect(target: Target): Promise<void> {
    const label =
      target.kind === 'sf' ? target.alias : target.instanceUrl.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    this.state = { kind: 'connecting', label };
    this.session = undefined;
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
      const client = await e.connect(creds);
      const manualConsumerKey = this.context.workspaceState.get<string>(manualKey(client.orgId));
      this.session = { client, manualConsumerKey, valuesCopied: false };
      // Only a token that worked is kept, and only in secret storage.
      if (target.kind === 'token' && target.accessToken)
        await this.context.secrets.store(tokenKey(target.instanceUrl), target.accessToken);
      await this.context.globalState.update(
        TARGET_KEY,
        target.kind === 'sf'
          ? target
          : { kind: 'token', instanceUrl: target.instanceUrl, ...(target.via ? { via: target.via } : {}) },
      );
      if (target.kind === 'token') {
        const known = this.rememberedOrgs.find(o => o.instanceUrl === target.instanceUrl);
        await this.rememberOrg({ instanceUrl: target.instanceUrl, via: target.via ?? known?.via ?? 'token' });
      }
      this.state = { kind: 'connected', label, instanceUrl: client.instanceUrl };
      this.log.info(`Connected to ${client.instanceUrl} (API ${client.apiVersion}) as user ${client.userId}.`);
    } catch (err) {
      this.session = undefined;
      // A token just pasted that Salesforce refuses is mistyped or stale: not "session expired", and not kept.
      if (codeOf(err) === 'SESSION_EXPIRED' && target.kind === 'token' && target.accessToken) {
        this.state = { kind: 'disconnected' };
        this.fire();
        throw new SetupError(
          `Salesforce refused this access token for ${label}: it is mistyped, expired or from another org. Copy a ` +
            'fresh one ("Access Token" in `sf org display`), or use "Log in with the browser".',
          'AUTH',
        );
      }
      this.state =
        codeOf(err) === 'SESSION_EXPIRED'
          ? { kind: 'expired', label }
          : { kind: 'unreachable', label, detail: messageOf(err) };
      this.log.error(`Connecting to ${label} failed: ${messageOf(err)}`);
      this.fire();
      throw err;
    }
    this.fire();
  }

  /** Forgets the org: its session, and the access token stored for it (a CLI org's token is the CLI's). */
  async disconnect(): Promise<void> {
    const remembered = this.rememberedTarget;
    const url = this.session?.client?.instanceUrl;
    this.session = undefined;
    this.state = { kind: 'disconnected' };
    await this.context.globalState.update(TARGET_KEY, undefined);
    for (const u of new Set([remembered?.kind === 'token' ? remembered.instanceUrl : undefined, url]))
      if (u) await this.context.secrets.delete(tokenKey(u));
    this.fire();
  }

  /**
   * Whether the manifest or its certificate now differ from what the last engine call read: a file event that
   * changes nothing (the extension's own writes before its check, a save without an edit) needs no new check.
   */
  async inputsChanged(): Promise<boolean> {
    await this.loadManifest();
    const m = this.loaded;
    if (!m?.manifest || !this.inputsRead) return true;
    return inputsOf(m.text, await engine().loadCertificate(m.path, m.manifest, this.clock.now())) !== this.inputsRead;
  }

  /** What every engine call needs; explains what is missing instead of failing obscurely. */
  private async input(reactivateUser = false): Promise<Engine.EngineInput & { client: Engine.JsforceClient }> {
    const { client } = this.connected();
    await this.loadManifest();
    if (!this.loaded)
      throw new SetupError(
        `No setup manifest (${settings().manifestPath}) in the workspace. Run "BalkanID: Create Setup Manifest".`,
        'NO_MANIFEST',
      );
    if (!this.loaded.manifest)
      throw new SetupError(
        `The setup manifest has problems: ` +
          `${this.loaded.problems.map(p => `${p.path.join('.') || '(manifest)'}: ${p.message}`).join('; ')}`,
        'MANIFEST',
      );
    const certificate = await engine().loadCertificate(this.loaded.path, this.loaded.manifest, this.clock.now());
    this.inputsRead = inputsOf(this.loaded.text, certificate);
    this.certificateReadable = !!certificate && !isSetupError(certificate);
    return {
      client,
      manifest: this.loaded.manifest,
      certificate,
      clock: this.clock,
      reactivateUser,
      ownLogins: this.ownLogins,
      typedConsumerKey: this.manualConsumerKey,
    };
  }

  /** Runs engine work, turning an expired session into the status bar's warning look. */
  async guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      const code = codeOf(err);
      if (code === 'SESSION_EXPIRED' && this.state.kind !== 'disconnected') {
        this.state = { kind: 'expired', label: 'label' in this.state ? this.state.label : 'org' };
        if (this.session) this.session.client = undefined;
      } else if (code === 'UNREACHABLE' && 'label' in this.state) {
        this.state = { kind: 'unreachable', label: this.state.label, detail: messageOf(err) };
      }
      this.log.error(messageOf(err));
      this.fire();
      throw err;
    }
  }

  /** The report of the org `client` is connected to, unless another org was connected meanwhile. */
  private setReport(report: Report, client: Engine.JsforceClient): void {
    if (!this.session || this.session.client !== client) return;
    this.session.report = report;
    if (this.state.kind === 'connected') this.state = { ...this.state, report };
    void rememberProgress(this.context.globalState, report);
    if (
      report.org.name &&
      this.rememberedOrgs.some(o => o.instanceUrl === client.instanceUrl && o.name !== report.org.name)
    ) {
      const known = this.rememberedOrgs.find(o => o.instanceUrl === client.instanceUrl)!;
      void this.rememberOrg({ ...known, name: report.org.name });
    }
    this.fire();
  }

  /** Reads and evaluates the org; `reactivateUser` plans the integration user's reactivation (after asking). */
  async check(reactivateUser = false): Promise<Report> {
    return this.guarded(async () => {
      const { input, report } = await this.ownLoginFence.read(async () => {
        const input = await this.input(reactivateUser);
        return { input, report: (await engine().check(input)).report };
      });
      this.log.info(`Checked: ${report.steps.map(s => `${s.id}=${s.state}`).join(', ')}`);
      this.setReport(report, input.client);
      return report;
    });
  }

  /** The connected admin's username and email (one query), for Run All's proposals before a manifest exists. */
  async admin(): Promise<{ username?: string; email?: string }> {
    if (this.report) return { username: this.report.org.username, email: this.report.org.adminEmail };
    if (!this.isConnected()) return {};
    const { client } = this;
    return this.guarded(() => engine().whoAmI(client));
  }

  async run(
    steps: StepId[] | undefined,
    progress: (m: string) => void,
    signal: AbortSignal,
    reactivateUser = false,
  ): Promise<Write[]> {
    try {
      return await this.guarded(async () => {
        const input = await this.input(reactivateUser);
        const { report, writes } = await engine().apply(input, {
          steps,
          signal,
          deployTimeoutMs: settings().deployTimeoutMs,
          // Only the steps being written show "running…".
          onStep: now => {
            this.runningSteps = new Set(now);
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
        this.setReport(report, input.client);
        return writes;
      });
    } catch (err) {
      // A failed run may have written something: the checklist shows what the org holds now, not the plan before.
      if (isSetupError(err) && err.writes?.length && this.isConnected()) await this.check().catch(() => undefined);
      throw err;
    } finally {
      this.runningSteps = new Set();
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
      this.setReport(report, input.client);
      return { removed, kept: engine().teardownKept(facts, input.manifest) };
    });
  }

  /** The private key stored for the connected org (none when no org is connected). */
  async privateKey(): Promise<string | undefined> {
    await this.dropUnboundKey();
    const orgId = this.session?.client?.orgId;
    return orgId ? this.context.secrets.get(PRIVATE_KEY_SECRET(orgId)) : undefined;
  }
  /** Stores (or forgets) the private key for the connected org only. */
  async storePrivateKey(pem: string | undefined): Promise<void> {
    await this.dropUnboundKey();
    const orgId = this.session?.client?.orgId;
    if (!orgId)
      throw new SetupError(
        'Connect the org first: the private key is kept for one org, so that no other org signs with it.',
        'NOT_CONNECTED',
      );
    if (pem) await this.context.secrets.store(PRIVATE_KEY_SECRET(orgId), pem);
    else await this.context.secrets.delete(PRIVATE_KEY_SECRET(orgId));
  }
  /** A key an earlier version stored for every org is removed (choose it again for its org). */
  private async dropUnboundKey(): Promise<void> {
    if (!(await this.context.secrets.get(UNBOUND_PRIVATE_KEY))) return;
    await this.context.secrets.delete(UNBOUND_PRIVATE_KEY);
    this.log.warn(
      'A private key stored for every org was removed: keys are now kept per org. Store it again in the Credentials ' +
        'view while the org it belongs to is connected.',
    );
  }

  dispose(): void {
    this.changed.dispose();
  }
}
