// Drives the real workbench like a newcomer would, with Playwright + Debian Chromium, against test orgs: a workspace
// with no manifest, a fresh org the Salesforce CLI knows; open the BalkanID view, connect, Run All (three questions),
// Apply, Copy Values — counted in user actions and timed; BalkanID's login seen by the watch; the credentials view;
// then a limited admin's org, where Run All must name the blockers and write nothing. Screenshots go to <shots>.
// Usage: node ui-drive.js <baseUrl> <workspace> <shots>
//   env: ORG_URL, CERT_FILE (outside the workspace), KEY_FILE, LIMITED_URL, LIMITED_TOKEN, RESULTS
const { launchBrowser } = require('./browser');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const [baseUrl, folder, shots] = process.argv.slice(2);
const { ORG_URL, CERT_FILE, KEY_FILE, RESULTS, LIMITED_URL, LIMITED_TOKEN } = process.env;
fs.mkdirSync(shots, { recursive: true });
const t0 = Date.now();
const log = (...a) => console.log(`[ui ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

// Chromium and its profile, closed and removed however the drive ends (a check failing outside a step included).
let closeBrowser = async () => {};

(async () => {
  const { context, blocked, close } = await launchBrowser({ reducedMotion: true });
  closeBrowser = close;
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
  // A checklist row by its label, whole: "Profile" is not a row whose description names "Manage Profiles…".
  const row = label =>
    page
      .locator('.monaco-list-row[role=treeitem]')
      .filter({
        has: page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }),
      })
      .first();
  const status = text => page.locator('.statusbar-item', { hasText: text }).first();
  const quickInput = page.locator('.quick-input-widget input');
  /** Runs a command from the Command Palette by its full title, as an admin would type it. */
  const palette = async title => {
    await page.keyboard.press('F1');
    await quickInput.fill(`>${title}`);
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: title.replace(/^[^:]+: /, '') })
      .first()
      .waitFor({ timeout: 30000 });
    await page.keyboard.press('Enter');
  };

  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
  const notification = text => page.locator('.notification-toast', { hasText: text }).first();
  const input = title => page.locator('.quick-input-widget', { hasText: title }).first();
  // The box's value once it holds the expected one (the box shows its title before its value on a busy machine), or
  // whatever it holds after the deadline.
  const proposed = async expected => {
    await page
      .waitForFunction(v => document.querySelector('.quick-input-widget input')?.value === v, expected, {
        timeout: 30000,
      })
      .catch(() => undefined);
    return quickInput.inputValue();
  };
  // The newcomer path: every click, and every value submitted with Enter, is one user action.
  let actions = 0;
  const act = async fn => {
    actions++;
    await fn();
  };

  await page.goto(`${baseUrl}/?folder=${encodeURIComponent(folder)}`);
  await step('the workbench loads', async () => {
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
  });
  // A newcomer starts from the walkthrough (Help → Welcome); it stays open and ticks its steps as they happen.
  await step('the walkthrough opens from the Command Palette', async () => {
    await page.keyboard.press('F1');
    await quickInput.fill('>Welcome: Open Walkthrough');
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'Open Walkthrough' })
      .first()
      .click({ timeout: 30000 });
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'Connect Salesforce to BalkanID' })
      .first()
      .click({ timeout: 45000 });
    await page.locator('.getting-started-step').first().waitFor({ timeout: 45000 });
  });
  await page.locator('.activitybar [aria-label^="BalkanID Setup"]').first().click({ timeout: 45000 });
  const welcome = page.locator('.welcome-view-content .monaco-button', { hasText: 'Connect Salesforce Org' }).first();
  await welcome.waitFor({ timeout: 45000 }).catch(() => undefined);
  await shot('01-welcome.png');
  const started = Date.now();
  let copied = '';

  await step(
    'newcomer path: connect, Run All answers three questions, Apply, Copy Values — values on the clipboard',
    async () => {
      await act(() => welcome.click());
      const cliOrg = page.locator('.quick-input-list .monaco-list-row', { hasText: 'acme-uat' }).first();
      await cliOrg.waitFor({ timeout: 60000 });
      // The extension runs (its picker is open), but a folder without a setup manifest, where no org was connected
      // before, shows no BalkanID status bar item: it appears with the first org.
      if (await page.locator('.statusbar-item', { hasText: 'BalkanID' }).count())
        throw new Error('a BalkanID status bar item in a window where BalkanID is not in use yet');
      await shot('02-connect-picker.png');
      await act(() => cliOrg.click());
      await status('BalkanID: acme-uat').waitFor({ timeout: 60000 });
      const runAll = page.locator('.welcome-view-content .monaco-button', { hasText: 'Run All Steps' }).first();
      await runAll.waitFor({ timeout: 45000 });
      await shot('02b-connected-no-manifest.png');
      await act(() => runAll.click());
      await input('New integration user (1 of 3): username').waitFor({ timeout: 45000 });
      if ((await proposed('balkanid@acme.example')) !== 'balkanid@acme.example')
        throw new Error(`proposed username: ${await quickInput.inputValue()}`);
      await shot('03-username-question.png');
      await act(() => page.keyboard.press('Enter'));
      await input('New integration user (2 of 3): email').waitFor({ timeout: 30000 });
      if ((await proposed('admin@acme.example')) !== 'admin@acme.example')
        throw new Error(`proposed email: ${await quickInput.inputValue()}`);
      await act(() => page.keyboard.press('Enter'));
      await input("BalkanID's certificate (3 of 3)").waitFor({ timeout: 30000 });
      // Its path, typed or pasted, and Enter (the first Enter is the answer).
      await act(async () => {
        await quickInput.fill(CERT_FILE);
        await page.keyboard.press('Enter');
      });
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 30000 });
      await dialog.locator('text=/Apply \\d+ change\\(s\\) to /').waitFor({ timeout: 30000 });
      await dialog.locator('text=/Deploy External Client App "BalkanID Extractor"/').waitFor({ timeout: 30000 });
      if (/BalkanID_Extractor|_oauthPlcy|\bApi, RefreshToken\b/.test(await dialog.innerText()))
        throw new Error('the confirmation shows API names');
      await shot('04-run-all-confirmation.png');
      // "Apply" alone (the confirmation also offers "Apply and Copy Values", which the newcomer drive takes): the
      // values are then copied from the notification that says the setup is in place.
      await act(() => dialog.locator('.monaco-button', { hasText: /^Apply$/ }).click());
      const next = notification('The setup is in place');
      await next.waitFor({ timeout: 90000 });
      // A finished setup waiting for BalkanID reads as set up (no "7/8").
      await status('acme-uat · set up, waiting for BalkanID').waitFor({ timeout: 30000 });
      await shot('05-setup-done-waiting.png');
      await act(() => next.locator('.monaco-button', { hasText: 'Copy Values' }).click());
      await notification('Copied the username, consumer key and login URL').waitFor({ timeout: 30000 });
      copied = await page.evaluate(() => navigator.clipboard.readText());
      if (
        !/^Salesforce User Name: balkanid@acme\.example\nConsumer Key: 3MVG9\w+\nLogin URL: https:\/\/login\.salesforce\.com$/.test(
          copied,
        )
      )
        throw new Error(`clipboard: ${copied}`);
    },
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`newcomer path: ${actions} actions, ${seconds} s`);
  if (actions > 8) {
    failed++;
    log(`FAIL the newcomer path takes at most 8 actions (took ${actions})`);
  }
  if (process.env.NEWCOMER_OUT)
    fs.writeFileSync(process.env.NEWCOMER_OUT, JSON.stringify({ actions, seconds: Number(seconds) }));

  await step(
    'BalkanID logs in with the copied values: the watch shows "BalkanID connected" in the status bar and the checklist',
    async () => {
      const value = name => new RegExp(`^${name}: (.+)$`, 'm').exec(copied)?.[1];
      const b64 = o => Buffer.from(JSON.stringify(o)).toString('base64url');
      const claims = {
        iss: value('Consumer Key'),
        sub: value('Salesforce User Name'),
        aud: value('Login URL'),
        exp: Math.floor(Date.now() / 1000) + 120,
      };
      const unsigned = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}`;
      const signature = crypto
        .sign('RSA-SHA256', Buffer.from(unsigned), fs.readFileSync(KEY_FILE, 'utf8'))
        .toString('base64url');
      const res = await fetch(`${ORG_URL}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          assertion: `${unsigned}.${signature}`,
        }),
      });
      if (res.status !== 200) throw new Error(`JWT login: ${res.status} ${await res.text()}`);
      await status('acme-uat · connected').waitFor({ timeout: 90000 });
      await row('Verify')
        .locator('.label-description', { hasText: /^BalkanID connected$/ })
        .waitFor({ timeout: 30000 });
    },
  );
  await shot('06-balkanid-connected.png');

  await step(
    'the credentials view: each value whole with its own Copy button, no key box for a key read from the org',
    async () => {
      await palette('BalkanID: Open Credentials');
      await page.locator('.tab', { hasText: 'BalkanID Credentials' }).waitFor({ timeout: 45000 });
      const frame = page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('#active-frame');
      await frame.locator('#username', { hasText: 'balkanid@acme.example' }).waitFor({ timeout: 45000 });
      await frame.locator('#login', { hasText: /^BalkanID connected · first login/ }).waitFor({ timeout: 30000 });
      if ((await frame.locator('#consumerKeyText').innerText()) !== /Consumer Key: (.+)/.exec(copied)[1])
        throw new Error('the consumer key is not shown whole');
      if (await frame.locator('#manualKey').isVisible())
        throw new Error('"Use this key" is offered for a key read from the org');
      await frame.locator('#certInfo dd#certFingerprint').waitFor({ timeout: 30000 });
      await frame.locator('button[data-copy="loginUrl"]').click();
      await frame.locator('#message', { hasText: 'Copied the Login URL.' }).waitFor({ timeout: 30000 });
      if ((await page.evaluate(() => navigator.clipboard.readText())) !== 'https://login.salesforce.com')
        throw new Error('the Login URL was not copied');
      await shot('07-credentials.png');
      await frame.locator('#certPem').fill(fs.readFileSync(KEY_FILE, 'utf8'));
      await frame.locator('#useCert').click();
      await frame
        .locator('#certError', { hasText: 'This is a private key, not a certificate' })
        .waitFor({ timeout: 30000 });
      if ((await frame.locator('#certPem').inputValue()) !== '')
        throw new Error('the refused private key is still in the certificate box');
    },
  );

  await step(
    'Preview Extraction from the Command Palette fills its view: each list with its count, and says whose session read it',
    async () => {
      await palette('BalkanID: Preview Extraction (What BalkanID Will Read)');
      const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Preview Extraction' }) });
      await pane.getByText(/^Read as you \(admin@acme\.example\)/).waitFor({ timeout: 30000 });
      // Room for the whole list: collapse the Checklist above it (as an admin would), and open it again after.
      const checklist = page.locator('.pane-header', { hasText: 'Checklist' }).first();
      await checklist.click();
      try {
        await pane.locator('.monaco-list-row', { hasText: 'Permission Set Assignments' }).waitFor({ timeout: 30000 });
        // The row labelled "Users" itself (not "Frozen and Locked Users").
        const usersRow = pane
          .locator('.monaco-list-row')
          .filter({ has: page.locator('.label-name', { hasText: /^Users$/ }) })
          .first();
        const users = await usersRow.innerText();
        if (!/^Users\s*\d+ \(\d+ active\)$/.test(users.trim())) throw new Error(`the Users row reads: ${users}`);
        await usersRow.click();
        await pane
          .locator('.monaco-list-row', { hasText: /admin@acme\.example · active · Salesforce · System Administrator/ })
          .waitFor({ timeout: 30000 });
        await shot('10-preview.png');
      } finally {
        await checklist.click();
      }
    },
  );

  await step('the walkthrough, open from the start, ticked each step as it really happened', async () => {
    await page.locator('.tab', { hasText: 'Welcome' }).first().click({ timeout: 30000 });
    await page.locator('.getting-started-step').first().waitFor({ timeout: 45000 });
    await page.waitForTimeout(500);
    await shot('09-walkthrough.png');
    // A ticked step's checkbox carries VS Code's "checked" icon (codicon-pass-filled) or the class "complete".
    const done = await page.evaluate(
      () =>
        [...document.querySelectorAll('.getting-started-step')].filter(step =>
          [step, ...step.querySelectorAll('*')].some(e =>
            /(^|\s)(codicon-pass-filled|complete)(\s|$)/.test(e.className),
          ),
        ).length,
    );
    if (done < 6) throw new Error(`${done} of 6 walkthrough steps show done`);
  });

  await step(
    'an address outside Salesforce: the login waits for a yes to its host by name; Cancel opens and sends nothing',
    async () => {
      const tabs = context.pages().length;
      for (const [address, host, why] of [
        ['https://sso.acme-proxy.example', 'sso.acme-proxy.example', 'is not a Salesforce address'],
        ['https://10.20.30.40', '10.20.30.40', 'is a private network address'],
      ]) {
        await status('acme-uat').click();
        await quickInput.fill(address);
        await page
          .locator('.quick-input-list .monaco-list-row', { hasText: `Log in to ${address} with the browser` })
          .first()
          .waitFor({ timeout: 30000 });
        await page.keyboard.press('Enter');
        const dialog = page.locator('.monaco-dialog-box', { hasText: `Connect to ${host}?` });
        await dialog.waitFor({ timeout: 30000 });
        const text = await dialog.innerText();
        if (!text.includes(`${host} ${why}`) || !text.includes(`Connect only if ${host} is your org's own address`))
          throw new Error(`the question: ${text}`);
        await shot(`11-confirm-${host}.png`);
        await dialog.locator('.monaco-button', { hasText: /^Cancel$/ }).click();
        await dialog.waitFor({ state: 'detached', timeout: 30000 });
        if (await page.locator('.notification-toast', { hasText: 'Log in to Salesforce in the browser' }).count())
          throw new Error(`a browser login started after Cancel (${host})`);
      }
      if (context.pages().length !== tabs) throw new Error('a tab was opened after Cancel');
      await status('BalkanID: acme-uat').waitFor({ timeout: 30000 });
    },
  );

  await step('another extension gets nothing from activate(), with BALKANID_TEST_AUTOMATION=1 set', async () => {
    await palette("BalkanID Probe: Read the Extension's Exports");
    await notification('Probe: activate() returned undefined; exports: undefined').waitFor({ timeout: 30000 });
  });

  await step('a limited admin: Run All names the blocked steps in Setup words and writes nothing', async () => {
    const before = await (await fetch(`${LIMITED_URL}/__testorg/stats`)).json();
    await status('BalkanID: acme-uat').click();
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'Enter instance URL and access token' })
      .first()
      .click({ timeout: 45000 });
    await input('Salesforce instance URL').waitFor({ timeout: 30000 });
    await quickInput.fill(LIMITED_URL);
    await page.keyboard.press('Enter');
    await input('Access token').waitFor({ timeout: 30000 });
    await quickInput.fill(LIMITED_TOKEN);
    await page.keyboard.press('Enter');
    const limitedHost = new URL(LIMITED_URL).host;
    await status(`BalkanID: ${limitedHost}`).waitFor({ timeout: 30000 });
    // Preflight says it is blocked (four permissions lacking), and each blocked step names what it lacks in a row.
    await row('Preflight')
      .locator('.label-description', { hasText: /^blocked$/ })
      .waitFor({ timeout: 45000 });
    await row('You lack 4 permissions').waitFor({ timeout: 45000 });
    await row('Profile')
      .locator('.label-description', { hasText: /^blocked$/ })
      .waitFor({ timeout: 45000 });
    await page
      .locator('.monaco-list-row[role=treeitem]', { hasText: 'You lack a permission' })
      .filter({ hasText: 'Manage Profiles and Permission Sets' })
      .first()
      .waitFor({ timeout: 45000 });
    // A normal-width sidebar shows every row's label whole, and each step's state.
    const cut = await page.evaluate(() =>
      [...document.querySelectorAll('.monaco-list-row[role=treeitem]')].flatMap(r => {
        const box = r.querySelector('.monaco-icon-label-container')?.getBoundingClientRect();
        const name = r.querySelector('.label-name')?.getBoundingClientRect();
        const d = r.querySelector('.label-description');
        const out = [];
        if (box && name && name.right > box.right + 1) out.push(`label: ${r.innerText}`);
        if (r.getAttribute('aria-level') === '1' && box && d && d.getBoundingClientRect().right > box.right + 1)
          out.push(`state: ${r.innerText}`);
        return out;
      }),
    );
    if (cut.length) throw new Error(`cut off in the checklist: ${cut.join(' | ')}`);
    // With two views in the container, a view's title actions show while its header is hovered (VS Code's rule).
    await page.locator('.pane-header', { hasText: 'Checklist' }).first().hover();
    await page.locator('.action-label[aria-label^="Run All Steps"]').first().click({ timeout: 30000 });
    const error = notification('Nothing can run on');
    await error.waitFor({ timeout: 30000 });
    const text = await error.innerText();
    if (!/so nothing was written/.test(text) || !/"Manage Profiles and Permission Sets"/.test(text))
      throw new Error(`the error: ${text}`);
    await shot('08-limited-admin-blocked.png');
    // One request for a System Administrator: every permission lacking, in Setup's labels, with the steps needing it.
    await error.locator('.monaco-button', { hasText: 'Copy Request for a System Administrator' }).click();
    await notification('Copied the request for a System Administrator: 4 permissions').waitFor({ timeout: 30000 });
    const request = await page.evaluate(() => navigator.clipboard.readText());
    for (const p of [
      'Manage Profiles and Permission Sets',
      'Customize Application',
      'Create, edit, and delete External Client Apps',
      'Modify Metadata Through Metadata API Functions',
    ])
      if (!request.includes(`• ${p}`)) throw new Error(`the request lacks ${p}: ${request}`);
    const after = await (await fetch(`${LIMITED_URL}/__testorg/stats`)).json();
    if (after.writes !== before.writes)
      throw new Error(`${after.writes - before.writes} write(s) reached the limited org`);
  });

  log(`blocked non-loopback requests: ${blocked.length}`);
  if (blocked.length) {
    failed++;
    log(blocked.slice(0, 5));
  }
  await closeBrowser();
  console.log(`ui: ${passed} passed, ${failed} failed`);
  if (RESULTS) fs.writeFileSync(RESULTS, JSON.stringify({ passes: passed, failures: failed }));
  process.exit(failed ? 1 : 0);
})().catch(async e => {
  console.error(e);
  await closeBrowser();
  process.exit(3);
});
