// The credentials webview: consumer key, certificate, username and login URL, the optional private key for
// the JWT self-test (SecretStorage only) and "Copy BalkanID values". The host re-validates every message.
import * as vscode from 'vscode';
import {
  readCertificate,
  certificateProblems,
  readPrivateKey,
  checkSize,
  MAX_CERTIFICATE_BYTES,
} from '../core/certificate';
import { SetupError, SetupErrorCode, isSetupError, messageOf } from '../core/types';
import { Controller, engine } from './controller';
import { notify } from './notify';
import { inertDeep } from '../core/inertText';
import { redactDeep } from '../core/redact';
import { credentialsHtml, nonce } from './webview/html';
import { loginDescription, selfTestDescription } from './viewModel';
import {
  CredentialsState,
  HostMessage,
  parseWebviewMessage,
  WebviewMessage,
  CertificateView,
} from './webview/protocol';
import { scimAccess, scimBaseUrl } from '../core/extract/scim';

const COPY_NAMES = {
  username: 'Salesforce User Name',
  consumerKey: 'Consumer Key',
  loginUrl: 'Login URL',
  scimUrl: 'SCIM base URL',
};

/** The login line of the view: BalkanID connected, its login error, or that it waits for the first login. */
function loginLine(c: Controller): Pick<CredentialsState, 'login' | 'loginTone'> {
  const r = c.report;
  if (!r) return {};
  const verify = r.steps.find(s => s.id === 'verify');
  const described = loginDescription(r.login);
  if (r.login?.status === 'connected' && described) return { login: described, loginTone: 'ok' };
  if (r.login?.status === 'failing') {
    const f = verify?.findings.find(x => x.code === 'login-failing');
    return { login: f ? `${f.message} ${f.fix ?? ''}`.trim() : described, loginTone: 'error' };
  }
  if (verify?.state === 'waiting')
    return {
      login:
        r.login?.status === 'unreadable'
          ? "Your login history is not visible to you, so BalkanID's first login cannot be seen here. Verify with " +
            'the private key instead.'
          : "Waiting for BalkanID's first login through the app (checked in the background while VS Code is open).",
      loginTone: 'waiting',
    };
  return {};
}

export function handoffText(s: CredentialsState): string {
  return [
    `Salesforce User Name: ${s.username ?? ''}`,
    `Consumer Key: ${s.consumerKey ?? ''}`,
    `Login URL: ${s.loginUrl ?? ''}`,
  ].join('\n');
}

/** Reads a file the user picked, after checking its size (a huge file is refused with its size, not read). */
export async function readPicked(
  uri: vscode.Uri,
  max: number,
  what: string,
  code: SetupErrorCode,
): Promise<Uint8Array> {
  checkSize((await vscode.workspace.fs.stat(uri)).size, max, what, code);
  return vscode.workspace.fs.readFile(uri);
}

/**
 * Validates a certificate and saves it where the manifest points (salesforce.crt by default), but only inside the
 * workspace folder, and only after asking when a different certificate is already there. Says what happened; the
 * checklist and Problems are re-checked at once (no stale "not found").
 */
export async function saveCertificate(c: Controller, data: string | Uint8Array): Promise<string> {
  // Specific errors: the size, a private key, a CSR, several certificates, unreadable.
  const info = readCertificate(data, c.clock.now());
  await c.loadManifest();
  if (!c.manifest?.manifest)
    throw new SetupError('Create a valid setup manifest first; the certificate is saved next to it.', 'NO_MANIFEST');
  const target = vscode.Uri.file(engine().certificatePath(c.manifest.path, c.manifest.manifest));
  const folder = vscode.workspace.getWorkspaceFolder(c.manifest.uri);
  if (!folder || !(await engine().insideFolder(folder.uri.fsPath, target.fsPath)))
    throw new SetupError(
      `Nothing was saved: the manifest's "certificate" (${c.manifest.manifest.certificate}) points outside the ` +
        `workspace folder. Set it to a file inside the folder, such as "salesforce.crt".`,
      'cert-outside-workspace',
    );
  const existing = await engine().loadCertificate(c.manifest.path, c.manifest.manifest, c.clock.now());
  if (existing && !isSetupError(existing) && existing.fingerprint256 === info.fingerprint256)
    return `${vscode.workspace.asRelativePath(target)} already holds this certificate.`;
  const present = await vscode.workspace.fs.stat(target).then(
    () => true,
    () => false,
  );
  if (present) {
    const was =
      existing && !isSetupError(existing)
        ? `${existing.subject} (SHA-256 ${existing.fingerprint256.slice(0, 23)}…)`
        : 'a file that is not a usable certificate';
    const go = await notify.ask(
      `Replace ${vscode.workspace.asRelativePath(target)}?`,
      `It holds ${was}. The new certificate is ${info.subject} (SHA-256 ${info.fingerprint256.slice(0, 23)}…).`,
      'Replace',
    );
    if (go !== 'Replace') return 'Kept the existing file; the new certificate was not saved.';
  }
  await vscode.workspace.fs.writeFile(target, Buffer.from(info.pem));
  c.log.info(`Certificate ${info.fingerprint256} saved to ${target.fsPath}.`);
  if (c.isConnected()) await c.check().catch(() => undefined);
  else c.fire();
  return `Certificate saved to ${vscode.workspace.asRelativePath(target)}.`;
}

/** The file picker for BalkanID's certificate; undefined when dismissed. */
export async function pickCertificate(title?: string): Promise<Uint8Array | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title,
    canSelectMany: false,
    openLabel: 'Use certificate',
    filters: { Certificates: ['crt', 'pem', 'cer', 'der'] },
  });
  return picked?.[0] && readPicked(picked[0], MAX_CERTIFICATE_BYTES, 'The certificate', 'cert-too-large');
}

export class CredentialsPanel implements vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  private local: Pick<CredentialsState, 'certificateError' | 'privateKeyError' | 'message'> = {};
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly controller: Controller,
  ) {
    this.subscription = controller.onDidChange(() => {
      void this.post();
    });
  }

  open(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const media = vscode.Uri.joinPath(this.context.extensionUri, 'media');
    // The view may load its own folder only — its script and its style sheet (scripts/bundle.mjs) — nothing else of
    // the extension (dist/ holds the engine).
    const own = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview');
    const script = vscode.Uri.joinPath(own, 'credentials.js');
    const style = vscode.Uri.joinPath(own, 'credentials.css');
    const panel = vscode.window.createWebviewPanel(
      'balkanid.credentials',
      'BalkanID Credentials',
      vscode.ViewColumn.Active,
      { enableScripts: true, localResourceRoots: [own], retainContextWhenHidden: false },
    );
    panel.iconPath = vscode.Uri.joinPath(media, 'activity.svg');
    panel.webview.html = credentialsHtml({
      cspSource: panel.webview.cspSource,
      nonce: nonce(),
      scriptUri: panel.webview.asWebviewUri(script).toString(),
      styleUri: panel.webview.asWebviewUri(style).toString(),
    });
    panel.webview.onDidReceiveMessage(raw => {
      void this.handle(raw);
    });
    panel.onDidDispose(() => {
      this.panel = undefined;
    });
    this.panel = panel;
  }

  /** Current form state: never a secret (the private key is only "stored or not"). */
  async state(): Promise<CredentialsState> {
    const c = this.controller;
    const m = c.manifest?.manifest;
    const handoff = c.report?.handoff;
    const orgKey = handoff?.consumerKeySource === 'org' ? handoff.consumerKey : undefined;
    const manual = c.manualConsumerKey;
    const unreadable = c.report?.steps
      .find(s => s.id === 'consumerKey')
      ?.findings.find(f => f.code === 'consumer-key-unreadable' || f.code === 'consumer-key-typed');
    let certificate: CertificateView | undefined;
    let certificateError = this.local.certificateError;
    if (m && c.manifest) {
      const cert = await engine()
        .loadCertificate(c.manifest.path, m, c.clock.now())
        .catch(() => undefined);
      if (isSetupError(cert)) certificateError ??= cert.message;
      else if (cert)
        certificate = {
          subject: cert.subject,
          issuer: cert.issuer,
          validFrom: cert.validFrom,
          validTo: cert.validTo,
          fingerprint256: cert.fingerprint256,
          keyType: cert.keyType,
          keyBits: cert.keyBits,
          daysLeft: cert.daysLeft,
          problems: certificateProblems(cert, c.clock.now()).map(p => p.message),
        };
    }
    const r = c.report;
    return {
      org: r ? `${r.org.name ? `${r.org.name} (${r.org.instanceUrl})` : r.org.instanceUrl}` : c.client?.instanceUrl,
      notReady: m ? r?.handoff?.notReady : undefined,
      username: m?.user.username,
      loginUrl: c.report?.handoff?.loginUrl ?? m?.loginUrl,
      consumerKey: orgKey ?? manual,
      consumerKeySource: orgKey ? 'org' : manual ? 'manual' : undefined,
      // A key typed by hand is compared with the org's when the org lets us read it; otherwise only a JWT login
      // proves it.
      consumerKeyCheck: !manual ? undefined : !orgKey ? 'unverified' : manual === orgKey ? 'match' : 'mismatch',
      consumerKeyWhy: orgKey ? undefined : unreadable?.message,
      consumerKeyPage: !orgKey && !!handoff?.consumerKeyPage,
      certificate,
      certificateError,
      hasPrivateKey: !!(await c.privateKey()),
      privateKeyError: this.local.privateKeyError,
      message: this.local.message,
      ...loginLine(c),
      selfTest: selfTestDescription(c.report?.login),
      verify: c.lastVerify && { ok: c.lastVerify.ok, text: c.lastVerify.text },
      scimUrl: c.report?.handoff?.scimUrl ?? (c.client && scimBaseUrl(c.client.instanceUrl)),
      scimAccess: m && scimAccess(m.user.username),
    };
  }

  private async post(): Promise<void> {
    if (!this.panel) return;
    // Shown with textContent, and what the org said made inert too (bidirectional overrides, controls: visible).
    const msg: HostMessage = { type: 'state', state: inertDeep(redactDeep(await this.state()), { lines: true }) };
    await this.panel.webview.postMessage(msg);
  }

  /** Handles one message from the webview (exported for the extension-host tests). */
  async handle(raw: unknown): Promise<CredentialsState> {
    const msg: WebviewMessage | undefined = parseWebviewMessage(raw);
    if (!msg) {
      this.controller.log.warn('Ignored a malformed message from the credentials view.');
      return this.state();
    }
    this.local = {};
    try {
      switch (msg.type) {
        case 'ready':
          break;
        case 'pickCertificate': {
          const data = await pickCertificate();
          if (data) this.local.message = await saveCertificate(this.controller, data);
          break;
        }
        case 'pasteCertificate':
          this.local.message = await saveCertificate(this.controller, msg.pem);
          break;
        case 'setConsumerKey': {
          if (msg.key && !/^[A-Za-z0-9._]{20,256}$/.test(msg.key))
            throw new SetupError(
              'That does not look like a consumer key (letters and digits, usually starting with 3MVG).',
              'bad-consumer-key',
            );
          await this.controller.setManualConsumerKey(msg.key);
          this.local.message = msg.key ? 'Consumer key saved.' : 'Consumer key cleared.';
          break;
        }
        case 'setPrivateKey':
          try {
            readPrivateKey(msg.pem);
          } catch (e) {
            this.local.privateKeyError = messageOf(e);
            break;
          }
          await this.controller.storePrivateKey(msg.pem);
          this.local.message = 'Private key stored in secret storage.';
          break;
        case 'clearPrivateKey':
          await this.controller.storePrivateKey(undefined);
          this.local.message = 'Private key forgotten.';
          break;
        case 'copy': {
          // Says "Copied" only once the clipboard holds the value.
          const s = await this.state();
          if (msg.what === 'all') {
            const copied = await vscode.commands.executeCommand<string | undefined>('balkanid.copyValues');
            this.local.message = copied
              ? 'Copied all three values.'
              : 'Nothing was copied: the consumer key is not known yet.';
            break;
          }
          const value = s[msg.what];
          if (s.notReady && msg.what !== 'scimUrl')
            throw new SetupError(`Nothing was copied: ${s.notReady}`, 'NOTHING_TO_COPY');
          if (!value)
            throw new SetupError(
              `Nothing was copied: the ${COPY_NAMES[msg.what]} is not known yet.`,
              'NOTHING_TO_COPY',
            );
          await vscode.env.clipboard.writeText(value);
          this.local.message = `Copied the ${COPY_NAMES[msg.what]}.`;
          break;
        }
        case 'openKeyPage': {
          // The app's page in Setup, on the connected org's own address only.
          const page = this.controller.report?.handoff?.consumerKeyPage;
          const org = this.controller.client?.instanceUrl;
          if (!page || !org || new URL(page).origin !== new URL(org).origin)
            throw new SetupError('Connect the org and run the External Client App step first.', 'NOT_CONNECTED');
          await vscode.env.openExternal(vscode.Uri.parse(page));
          this.local.message =
            'Opened the app in Setup: Settings → OAuth Settings → Consumer Key and Secret. Copy the Consumer Key ' +
            '(never the secret) and paste it here.';
          break;
        }
        case 'verify':
        case 'run':
          void vscode.commands.executeCommand(`balkanid.${msg.type === 'run' ? msg.command : 'verify'}`);
          break;
      }
    } catch (e) {
      if (msg.type === 'pasteCertificate' || msg.type === 'pickCertificate') this.local.certificateError = messageOf(e);
      else this.local.message = messageOf(e);
    }
    const state = await this.state();
    await this.post();
    return state;
  }

  dispose(): void {
    this.subscription.dispose();
    this.panel?.dispose();
  }
}
