// The files the setup is read from: the manifest (where balkanid.manifestPath says: the watcher moves when the setting
// changes) and the certificates. A change checks the org again — once per burst of events, and only when the files
// now differ from what the last check read (controller.inputsChanged: Run All's own writes, a save without an edit
// need none). At start-up, in a workspace with a manifest, the remembered org reconnects right after activation.
import * as vscode from 'vscode';
import { Controller } from './controller';
import { settings } from './settings';

export class WorkspaceWatch implements vscode.Disposable {
  private manifestWatcher?: vscode.Disposable;
  private recheck?: ReturnType<typeof setTimeout>;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly controller: Controller,
    private readonly checkAll: () => unknown,
  ) {
    // The certificate the manifest points at: deleting or replacing it shows at once (checklist, Problems).
    const certificates = vscode.workspace.createFileSystemWatcher('**/*.{crt,pem,cer,der}');
    const certificateChanged = () => {
      if (controller.isConnected() && controller.manifest) this.recheckSoon();
    };
    this.watchManifest();
    this.disposables.push(
      certificates,
      certificates.onDidChange(certificateChanged),
      certificates.onDidCreate(certificateChanged),
      certificates.onDidDelete(certificateChanged),
      vscode.workspace.onDidSaveTextDocument(d => this.manifestChanged(d.uri)),
      vscode.workspace.onDidChangeConfiguration(e => {
        if (!e.affectsConfiguration('balkanid.manifestPath')) return;
        this.watchManifest();
        this.recheckSoon();
      }),
    );
  }

  /** A watcher on the manifest's path as the setting has it now (the one before is dropped). */
  private watchManifest(): void {
    this.manifestWatcher?.dispose();
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${settings().manifestPath}`);
    this.manifestWatcher = vscode.Disposable.from(
      watcher,
      watcher.onDidChange(uri => this.manifestChanged(uri)),
      watcher.onDidCreate(uri => this.manifestChanged(uri)),
      watcher.onDidDelete(() => void this.controller.loadManifest()),
    );
  }

  private manifestChanged(uri: vscode.Uri): void {
    if (uri.toString() === this.controller.manifestUri()?.toString()) this.recheckSoon();
  }

  /** A save in the editor fires both the save event and the file watcher: one check per burst, not two. */
  private recheckSoon(): void {
    clearTimeout(this.recheck);
    this.recheck = setTimeout(async () => {
      if (await this.controller.inputsChanged()) void this.checkAll();
    }, 300);
  }

  /**
   * Reads the manifest once at start-up and, in a workspace that has one, reconnects the remembered org right after
   * activation (not during it), so the status bar shows it and the watch for BalkanID's login goes on without the
   * view being opened.
   */
  reconnectAtStartup(): void {
    const c = this.controller;
    const target = c.rememberedTarget;
    const manifestRead = c.loadManifest();
    const reconnect = setTimeout(async () => {
      await manifestRead;
      if (target && c.manifest && c.connection.kind === 'disconnected')
        c.connect(target).then(
          () => this.checkAll(),
          () => undefined,
        );
    }, 0);
    this.disposables.push({ dispose: () => clearTimeout(reconnect) });
  }

  dispose(): void {
    clearTimeout(this.recheck);
    this.manifestWatcher?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
