// Debian's Chromium for the real-VS-Code suites, the same for each of them: headless, a profile of its own under the
// harness's temp directory (HOME and XDG folders inside it), and loopback only — every other request is refused and
// kept in `blocked`, so a suite can say that nothing left the machine. `close()` closes it and removes the profile,
// however the suite ends.
const { chromium } = require('playwright-core');
const fs = require('fs');
const os = require('os');
const path = require('path');

const LOOPBACK = /^(https?|wss?):\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//;

async function launchBrowser({ reducedMotion } = {}) {
  const profile = fs.mkdtempSync(path.join(process.env.HARNESS_TMP || os.tmpdir(), 'chromium-'));
  let context;
  const close = async () => {
    await context?.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  };
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      viewport: { width: 1400, height: 900 },
      ...(reducedMotion ? { reducedMotion: 'reduce' } : {}),
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
  } catch (e) {
    await close();
    throw e;
  }
  const blocked = [];
  await context.route('**/*', r => {
    const u = r.request().url();
    if (LOOPBACK.test(u) || u.startsWith('data:') || u.startsWith('blob:')) return r.continue();
    blocked.push(u);
    return r.abort();
  });
  return { context, blocked, close };
}

module.exports = { launchBrowser };
