// The credentials webview. Talks to the host only through the typed protocol (src/vscode/webview/protocol.ts);
// keeps no secret in its state: the private key textarea is cleared as soon as it is sent.
(function () {
  const vscode = acquireVsCodeApi();
  const $ = id => document.getElementById(id);
  const send = msg => vscode.postMessage(msg);
  // A private key pasted into the certificate box by mistake is never kept in the view's state.
  const isKey = text => /PRIVATE KEY/.test(text);
  const saved = vscode.getState() || {};
  if (saved.certDraft && !isKey(saved.certDraft)) $('certPem').value = saved.certDraft;
  const saveDraft = () => vscode.setState({ certDraft: isKey($('certPem').value) ? '' : $('certPem').value });

  function render(s) {
    $('username').textContent = s.username || '—';
    $('loginUrl').textContent = s.loginUrl || '—';
    if (document.activeElement !== $('consumerKey')) $('consumerKey').value = s.consumerKey || '';
    const notes = { org: 'Read from the org.', manual: 'Typed by hand.' };
    const checks = { match: ' It matches the org\'s app.', mismatch: ' It does NOT match the org\'s app.', unverified: ' It could not be checked against the org.' };
    $('keyNote').textContent = s.consumerKey ? (notes[s.consumerKeySource] || '') + (checks[s.consumerKeyCheck] || '') : 'Not available yet: run the consumer key step, or type it in.';
    $('keyNote').className = s.consumerKeyCheck === 'mismatch' ? 'error' : 'note';
    $('certError').textContent = s.certificateError || '';
    if (isKey($('certPem').value)) { $('certPem').value = ''; saveDraft(); }
    const c = s.certificate;
    $('certInfo').hidden = !c;
    if (c) {
      $('certSubject').textContent = c.subject;
      $('certIssuer').textContent = c.issuer;
      $('certValidity').textContent = `${c.validFrom.slice(0, 10)} → ${c.validTo.slice(0, 10)} (${c.daysLeft} days left)`;
      $('certFingerprint').textContent = c.fingerprint256;
      $('certKey').textContent = `${c.keyType.toUpperCase()}${c.keyBits ? ` ${c.keyBits} bits` : ''}`;
    }
    const list = $('certProblems');
    list.textContent = '';
    for (const p of (c && c.problems) || []) { const li = document.createElement('li'); li.textContent = p; list.appendChild(li); }
    $('keyState').textContent = s.hasPrivateKey ? 'A private key is stored.' : 'No private key stored.';
    $('keyError').textContent = s.privateKeyError || '';
    $('message').textContent = s.message || '';
  }

  window.addEventListener('message', e => { if (e.data && e.data.type === 'state') render(e.data.state); });
  $('saveKey').addEventListener('click', () => send({ type: 'setConsumerKey', key: $('consumerKey').value }));
  $('copyValues').addEventListener('click', () => send({ type: 'copyValues' }));
  $('pickCert').addEventListener('click', () => send({ type: 'pickCertificate' }));
  $('certPem').addEventListener('input', saveDraft);
  $('useCert').addEventListener('click', () => send({ type: 'pasteCertificate', pem: $('certPem').value }));
  $('saveKeyPem').addEventListener('click', () => { send({ type: 'setPrivateKey', pem: $('keyPem').value }); $('keyPem').value = ''; });
  $('clearKeyPem').addEventListener('click', () => send({ type: 'clearPrivateKey' }));
  $('verify').addEventListener('click', () => send({ type: 'verify' }));
  send({ type: 'ready' });
})();
