// The credentials webview (runs in the webview, bundled by esbuild to dist/webview/credentials.js). It talks to the
// host only through the typed protocol, and keeps no secret in its state: the private key box is cleared as soon as
// it is sent, and a private key pasted into the certificate box by mistake is never kept.
/// <reference lib="dom" />
import type { CopyWhat, CredentialsState, HostMessage, OtherWay, WebviewMessage } from '../vscode/webview/protocol';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): { certDraft?: string } | undefined;
  setState(state: { certDraft: string }): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const el = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const input = (id: string) => el<HTMLInputElement | HTMLTextAreaElement>(id);
const send = (message: WebviewMessage) => vscode.postMessage(message);
const isKey = (text: string) => /PRIVATE KEY/.test(text);
const saveDraft = () => vscode.setState({ certDraft: isKey(input('certPem').value) ? '' : input('certPem').value });

const draft = vscode.getState()?.certDraft;
if (draft && !isKey(draft)) input('certPem').value = draft;

const KEY_NOTES: Record<string, string> = { org: 'Read from the org.', manual: 'Typed by hand.' };
const KEY_CHECKS: Record<string, string> = {
  match: " It matches the org's app.",
  mismatch: " It does NOT match the org's app.",
  unverified: ' It could not be checked against the org.',
};

function render(s: CredentialsState): void {
  el('org').textContent = s.org ? `For the org ${s.org}.` : 'No org connected.';
  el('notReady').textContent = s.notReady ? `Not ready: ${s.notReady}` : '';
  el('notReady').hidden = !s.notReady;
  el('username').textContent = s.username || '—';
  el('loginUrl').textContent = s.loginUrl || '—';
  el('consumerKeyText').textContent = s.consumerKey || '—';
  // A key read from the org needs no typing; the box is for orgs that do not let the admin read it.
  el('manualKey').hidden = s.consumerKeySource === 'org';
  if (document.activeElement !== el('consumerKey'))
    input('consumerKey').value = s.consumerKeySource === 'manual' ? (s.consumerKey ?? '') : '';
  el('scimUrl').textContent = s.scimUrl || '—';
  el('scimAccess').textContent = s.scimAccess || '';
  const values = { username: s.username, consumerKey: s.consumerKey, loginUrl: s.loginUrl, scimUrl: s.scimUrl };
  // Nothing to copy for a user that does not exist or cannot log in (the SCIM URL is the org's own).
  for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>('[data-copy]'))) {
    const what = b.dataset.copy as keyof typeof values | 'all';
    b.disabled =
      (!!s.notReady && what !== 'scimUrl') || (what === 'all' ? !s.username || !s.consumerKey : !values[what]);
  }
  el('keyWhy').textContent = s.consumerKeyWhy || '';
  el('openKeyPage').hidden = !s.consumerKeyPage;
  el('login').textContent = s.login || '';
  el('selfTest').textContent = s.selfTest ? `${s.selfTest} (this tool's own login: not counted as BalkanID's)` : '';
  el('login').className = s.loginTone === 'error' ? 'error' : s.loginTone === 'ok' ? 'ok' : 'note';
  el('verifyResult').textContent = s.verify?.text || '';
  el('verifyResult').className = s.verify?.ok ? 'ok' : 'error';
  el('keyNote').textContent = s.consumerKey
    ? (KEY_NOTES[s.consumerKeySource ?? ''] ?? '') + (KEY_CHECKS[s.consumerKeyCheck ?? ''] ?? '')
    : 'Not available yet: run the consumer key step, or type it in.';
  el('keyNote').className = s.consumerKeyCheck === 'mismatch' ? 'error' : 'note';
  el('certError').textContent = s.certificateError || '';
  if (isKey(input('certPem').value)) {
    input('certPem').value = '';
    saveDraft();
  }
  const c = s.certificate;
  el('certInfo').hidden = !c;
  if (c) {
    el('certSubject').textContent = c.subject;
    el('certIssuer').textContent = c.issuer;
    el('certValidity').textContent =
      `${c.validFrom.slice(0, 10)} → ${c.validTo.slice(0, 10)} (${c.daysLeft} days left)`;
    el('certFingerprint').textContent = c.fingerprint256;
    el('certKey').textContent = `${c.keyType.toUpperCase()}${c.keyBits ? ` ${c.keyBits} bits` : ''}`;
  }
  const list = el('certProblems');
  list.textContent = '';
  for (const p of c?.problems ?? []) {
    const li = document.createElement('li');
    li.textContent = p;
    list.appendChild(li);
  }
  el('keyState').textContent = s.hasPrivateKey ? 'A private key is stored.' : 'No private key stored.';
  el<HTMLButtonElement>('clearKeyPem').disabled = !s.hasPrivateKey;
  el('keyError').textContent = s.privateKeyError || '';
  el('message').textContent = s.message || '';
}

window.addEventListener('message', (e: MessageEvent<HostMessage>) => {
  if (e.data?.type === 'state') render(e.data.state);
});
el('saveKey').addEventListener('click', () => send({ type: 'setConsumerKey', key: input('consumerKey').value }));
for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>('[data-copy]')))
  b.addEventListener('click', () => send({ type: 'copy', what: b.dataset.copy as CopyWhat }));
el('pickCert').addEventListener('click', () => send({ type: 'pickCertificate' }));
el('certPem').addEventListener('input', saveDraft);
el('useCert').addEventListener('click', () => send({ type: 'pasteCertificate', pem: input('certPem').value }));
el('saveKeyPem').addEventListener('click', () => {
  send({ type: 'setPrivateKey', pem: input('keyPem').value });
  input('keyPem').value = '';
});
el('clearKeyPem').addEventListener('click', () => send({ type: 'clearPrivateKey' }));
el('verify').addEventListener('click', () => send({ type: 'verify' }));
el('openKeyPage').addEventListener('click', () => send({ type: 'openKeyPage' }));
for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>('[data-run]')))
  b.addEventListener('click', () => send({ type: 'run', command: b.dataset.run as OtherWay }));
send({ type: 'ready' });
