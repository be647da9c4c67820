// Runs the extension's mocha suite inside code-server's real Node extension host: the workbench is opened
// with a `payload` naming extensionDevelopmentPath/extensionTestsPath (honoured with the smoke-test driver
// option), and exits through window.codeAutomationExit, which we expose before the page loads.
// Usage: node run-tests.js <baseUrl> <workspace> <extensionPath> <testsPath> [screenshotDir]
const { launchBrowser } = require('./browser');
const fs = require('fs');
const path = require('path');
const util = require('util');

const [baseUrl, folder, extDev, extTests, shots] = process.argv.slice(2);
const TIMEOUT_MS = Number(process.env.TEST_TIMEOUT_MS || 600000);
const NOISE =
  /color: #33f|Ignoring fetching additional builtin extensions|Creating a socket|connection token|\[Service Worker\]|\[AgentHost|AccountPolicyGate|grace time|vsda/;

(async () => {
  const remote = p => `vscode-remote://${new URL(baseUrl).host}${path.resolve(p)}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(extDev)],
    ['extensionTestsPath', remote(extTests)],
    ['skipWelcome', 'true'],
  ]);
  const { context, close } = await launchBrowser();
  let finish;
  const done = new Promise(resolve => {
    finish = resolve;
  });
  const timer = setTimeout(() => finish({ code: 124 }), TIMEOUT_MS);
  let exited = false;
  await context.exposeFunction('codeAutomationLog', (type, args) => {
    if (exited) return;
    const line = util.format(...(Array.isArray(args) ? args : [args]));
    if (process.env.HARNESS_VERBOSE || !NOISE.test(line)) console.log(`[vscode:${type}] ${line}`);
  });
  await context.exposeFunction('codeAutomationExit', code => {
    exited = true;
    finish({ code });
  });
  const page = context.pages()[0] || (await context.newPage());
  await page.goto(
    `${baseUrl}/?folder=${encodeURIComponent(path.resolve(folder))}&payload=${encodeURIComponent(payload)}`,
  );
  const res = await done;
  clearTimeout(timer);
  console.log(`[run-tests] extension host exited with code ${res.code}`);
  if (shots) {
    fs.mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: path.join(shots, 'tests-end.png') }).catch(() => {});
  }
  await close();
  process.exit(typeof res.code === 'number' ? res.code : 1);
})().catch(e => {
  console.error(e);
  process.exit(3);
});
