// The credentials webview's HTML: a strict CSP with a per-load nonce, no inline script, theme variables.
import { randomBytes } from 'node:crypto';

export function nonce(): string {
  return randomBytes(18).toString('base64');
}

export function credentialsHtml(o: { cspSource: string; nonce: string; scriptUri: string; styleUri: string }): string {
  const csp = [
    `default-src 'none'`,
    `style-src ${o.cspSource}`,
    `script-src 'nonce-${o.nonce}'`,
    `img-src ${o.cspSource} data:`,
    `font-src ${o.cspSource}`,
    // default-src does not cover these two: no <base> that moves relative URLs, no form that submits anywhere.
    `base-uri 'none'`,
    `form-action 'none'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${o.styleUri}" rel="stylesheet">
<title>BalkanID Credentials</title>
</head>
<body>
<main>
  <h1>BalkanID credentials</h1>
  <p id="org" class="note"></p>
  <p id="message" role="status" aria-live="polite"></p>
  <section aria-labelledby="h-values">
    <h2 id="h-values">Values for BalkanID</h2>
    <p class="note">
      Paste them into BalkanID (Integrations → Add Integration → Salesforce → Direct integration).
    </p>
    <p id="notReady" class="error" role="alert" hidden></p>
    <div class="values">
      <span class="name">Salesforce User Name</span><code id="username">—</code>
      <button type="button" class="secondary" data-copy="username" aria-label="Copy the Salesforce User Name">
        Copy
      </button>
      <span class="name">Consumer Key</span><code id="consumerKeyText">—</code>
      <button type="button" class="secondary" data-copy="consumerKey" aria-label="Copy the Consumer Key">Copy</button>
      <span class="name">Login URL</span><code id="loginUrl">—</code>
      <button type="button" class="secondary" data-copy="loginUrl" aria-label="Copy the Login URL">Copy</button>
    </div>
    <p id="keyNote" class="note"></p>
    <div id="manualKey">
      <p id="keyWhy" class="note"></p>
      <button id="openKeyPage" type="button" class="secondary" hidden>Open the App in Setup</button>
      <label for="consumerKey">Consumer key from Setup (when your org does not let you read it here)</label>
      <div class="row">
        <input id="consumerKey" type="text" spellcheck="false" autocomplete="off"
          placeholder="Filled in once the consumer key step ran, or type it">
        <button id="saveKey" type="button">Use this key</button>
      </div>
    </div>
    <button id="copyValues" type="button" data-copy="all">Copy all values</button>
  </section>
  <section aria-labelledby="h-other">
    <h2 id="h-other">Other ways into BalkanID</h2>
    <div class="values">
      <span class="name">SCIM base URL</span><code id="scimUrl">—</code>
      <button type="button" class="secondary" data-copy="scimUrl" aria-label="Copy the SCIM base URL">Copy</button>
    </div>
    <p id="scimAccess" class="note"></p>
    <p class="note">Or BalkanID's file upload and Bulk API: the same data as entities.csv and entity-relations.csv.</p>
    <div class="row">
      <button type="button" class="secondary" data-run="previewExtraction">Preview Extraction</button>
      <button type="button" class="secondary" data-run="exportForBalkanId">Export for BalkanID…</button>
      <button type="button" class="secondary" data-run="uploadToBalkanId">Upload to BalkanID…</button>
    </div>
  </section>
  <section aria-labelledby="h-login">
    <h2 id="h-login">BalkanID's login</h2>
    <p id="login" class="note"></p>
    <p id="selfTest" class="note"></p>
    <p id="verifyResult"></p>
  </section>
  <section aria-labelledby="h-cert">
    <h2 id="h-cert">Certificate (salesforce.crt)</h2>
    <div class="row"><button id="pickCert" type="button">Choose file…</button></div>
    <label for="certPem">…or paste the PEM</label>
    <textarea id="certPem" rows="6" spellcheck="false" placeholder="-----BEGIN CERTIFICATE-----"></textarea>
    <button id="useCert" type="button">Use certificate</button>
    <p id="certError" class="error" role="alert"></p>
    <dl id="certInfo" hidden>
      <dt>Subject</dt><dd id="certSubject"></dd>
      <dt>Issuer</dt><dd id="certIssuer"></dd>
      <dt>Valid</dt><dd id="certValidity"></dd>
      <dt>SHA-256</dt><dd id="certFingerprint" class="mono"></dd>
      <dt>Key</dt><dd id="certKey"></dd>
    </dl>
    <ul id="certProblems" class="error"></ul>
  </section>
  <section aria-labelledby="h-key">
    <h2 id="h-key">Private key for the JWT self-test (optional)</h2>
    <p class="note">
      Only for testing a login as the integration user. Stored in VS Code's secret storage, never in settings.
    </p>
    <label for="keyPem">Private key (PEM)</label>
    <textarea id="keyPem" rows="4" spellcheck="false" autocomplete="off"
      placeholder="-----BEGIN PRIVATE KEY-----"></textarea>
    <div class="row">
      <button id="saveKeyPem" type="button">Store key</button>
      <button id="clearKeyPem" type="button" class="secondary">Forget key</button>
      <button id="verify" type="button">Verify login</button>
    </div>
    <p id="keyState" class="note"></p>
    <p id="keyError" class="error" role="alert"></p>
  </section>
</main>
<script nonce="${o.nonce}" src="${o.scriptUri}"></script>
</body>
</html>`;
}
