// Drives the real workbench like an admin would, with Playwright + Debian Chromium, against a test org:
// open the BalkanID container, connect through the status bar (instance URL + token), press a step's inline
// Run, click the status bar, fill and submit the credentials webview. Screenshots go to <shots>.
// Usage: node ui-drive.js <baseUrl> <workspace> <shots>   env: ORG_URL, ORG_TOKEN, CERT_FILE, KEY_FILE, RESULTS
const { chromium } = require('playwright-core');
const fs = require('fs');
const os = require('os');
const path = require('path');

const [baseUrl, folder, shots] = process.argv.slice(2);
const { ORG_URL, ORG_TOKEN, CERT_FILE, KEY_FILE, RESULTS } = process.env;
fs.mkdirSync(shots, { recursive: true });
const LOOPBACK = /^(https?|wss?):\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//;
const t0 = Date.now();
const log = (...a) => console.log(`[ui ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

(async () => {
  const profile = fs.mkdtempSync(path.join(process.env.HARNESS_TMP || os.tmpdir(), 'chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    reducedMotion: 'reduce',
    env: {
      ...process.env,
      HOME: profile,
      XDG_CONFIG_HOME: path.join(profile, '.config'),
      XDG_CACHE_HOME: path.join(profile, '.cache'),
    },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  const blocked = [];
  await context.route('**/*', r => {
    const u = r.request().url();
    if (LOOPBACK.test(u) || u.startsWith('data:') || u.startsWith('blob:')) return r.continue();
    blocked.push(u);
    return r.abort();
  });
  const page = context.pages()[0] || (await context.newPage());
  let passed = 0,
    failed = 0;
  const step = async (name, fn) => {
    try {
      await fn();
      passed++;
      log(`PASS ${name}`);
    } catch (e) {
      failed++;
      log(`FAIL ${name}: ${String(e.message).split('\n')[0]}`);
      await page.screenshot({ path: path.join(shots, `fail-${name.replace(/\W+/g, '_')}.png`) }).catch(() => {});
    }
  };
  const shot = name => page.screenshot({ path: path.join(shots, name) });
  const row = text => page.locator('.monaco-list-row[role=treeitem]', { hasText: text }).first();
  const status = text => page.locator('.statusbar-item', { hasText: text }).first();
  const host = new URL(ORG_URL).host;
  const quickInput = page.locator('.quick-input-widget input');

  await page.goto(`${baseUrl}/?folder=${encodeURIComponent(folder)}`);
  await step('the workbench loads with the BalkanID status bar item', async () => {
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    await status('BalkanID: connect org').waitFor({ timeout: 60000 });
  });
  await step('the activity bar opens the checklist, which offers to connect', async () => {
    await page.locator('.activitybar [aria-label^="BalkanID Setup"]').first().click({ timeout: 20000 });
    await page
      .locator('.welcome-view-content', { hasText: 'Connect Salesforce Org' })
      .first()
      .waitFor({ timeout: 20000 });
  });
  await shot('01-welcome.png');

  await step('clicking the status bar connects with an instance URL and an access token', async () => {
    await status('BalkanID: connect org').click();
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'Enter instance URL and access token' })
      .first()
      .click({ timeout: 20000 });
    await page.locator('.quick-input-widget', { hasText: 'Salesforce instance URL' }).waitFor({ timeout: 10000 });
    await quickInput.fill(ORG_URL);
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget', { hasText: 'Access token' }).waitFor({ timeout: 10000 });
    await quickInput.fill(ORG_TOKEN);
    await page.keyboard.press('Enter');
    await status(`${host} 1/8`).waitFor({ timeout: 30000 });
    await row('Profile').waitFor({ timeout: 10000 });
    await row('Integration user').locator('.label-description', { hasText: 'to do' }).waitFor({ timeout: 10000 });
  });
  await shot('02-connected-checklist.png');

  await step('the inline Run on the profile step runs it', async () => {
    const profileRow = page
      .locator('.monaco-list-row[role=treeitem]')
      .filter({ has: page.locator('.label-name', { hasText: /^Profile$/ }) })
      .first();
    await profileRow.hover();
    await profileRow.locator('.action-label[aria-label^="Run Step"]').click({ timeout: 10000 });
    await profileRow.locator('.label-description', { hasText: /^done$/ }).waitFor({ timeout: 30000 });
    await status(`${host} 2/8`).waitFor({ timeout: 10000 });
  });
  await shot('03-step-run.png');

  await step('clicking the status bar lists the Salesforce CLI orgs; picking one switches to it', async () => {
    await status(`${host} 2/8`).click();
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'Disconnect' })
      .first()
      .waitFor({ timeout: 20000 });
    const cliOrg = page.locator('.quick-input-list .monaco-list-row', { hasText: 'acme-uat' }).first();
    await cliOrg.waitFor({ timeout: 60000 });
    await shot('04-switch-org.png');
    await cliOrg.click();
    await status('acme-uat 2/8').waitFor({ timeout: 60000 });
  });

  await step('Run All shows the plan in a confirmation, then finishes every step', async () => {
    await page.locator('.action-label[aria-label^="Run All Steps"]').first().click({ timeout: 10000 });
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 20000 });
    await dialog.locator('text=/Apply \\d+ write/').waitFor({ timeout: 5000 });
    await dialog.locator('text=/deploy External Client App BalkanID_Extractor/').waitFor({ timeout: 5000 });
    await shot('05-run-all-confirmation.png');
    await dialog.locator('.monaco-button', { hasText: 'Apply' }).click();
    await status('acme-uat 8/8').waitFor({ timeout: 60000 });
    await row('Verify')
      .locator('.label-description', { hasText: /^done$/ })
      .waitFor({ timeout: 10000 });
  });
  await shot('06-all-done.png');

  await step(
    'the credentials webview shows the consumer key, takes a certificate and shows its fingerprint',
    async () => {
      await page.keyboard.press('F1');
      await quickInput.fill('>BalkanID: Open Credentials');
      await page
        .locator('.quick-input-list .monaco-list-row', { hasText: 'Open Credentials' })
        .first()
        .waitFor({ timeout: 10000 });
      await page.keyboard.press('Enter');
      await page.locator('.tab', { hasText: 'BalkanID Credentials' }).waitFor({ timeout: 20000 });
      const frame = page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('#active-frame');
      await frame.locator('#username', { hasText: 'balkanid@example.test' }).waitFor({ timeout: 20000 });
      await frame.locator('#keyNote', { hasText: 'Read from the org.' }).waitFor({ timeout: 10000 });
      if (!/^3MVG9/.test(await frame.locator('#consumerKey').inputValue()))
        throw new Error('no consumer key in the form');
      await frame.locator('#certPem').fill(fs.readFileSync(CERT_FILE, 'utf8'));
      await frame.locator('#useCert').click();
      await frame
        .locator('#certFingerprint', { hasText: /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/ })
        .waitFor({ timeout: 10000 });
      await frame.locator('#message', { hasText: 'already holds this certificate' }).waitFor({ timeout: 10000 });
      await shot('07-credentials-certificate.png');
      await frame.locator('#certPem').fill(fs.readFileSync(KEY_FILE, 'utf8'));
      await frame.locator('#useCert').click();
      await frame
        .locator('#certError', { hasText: 'This is a private key, not a certificate' })
        .waitFor({ timeout: 10000 });
      if ((await frame.locator('#certPem').inputValue()) !== '')
        throw new Error('the refused private key is still in the certificate box');
    },
  );
  await shot('08-credentials-private-key-rejected.png');

  log(`blocked non-loopback requests: ${blocked.length}`);
  if (blocked.length) {
    failed++;
    log(blocked.slice(0, 5));
  }
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
  console.log(`ui: ${passed} passed, ${failed} failed`);
  if (RESULTS) fs.writeFileSync(RESULTS, JSON.stringify({ passes: passed, failures: failed }));
  process.exit(failed ? 1 : 0);
})().catch(e => {
  console.error(e);
  process.exit(3);
});
