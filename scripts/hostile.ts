// `npm run hostile`: what the product does against a hostile network and org (issue 18), measured — the seconds to
// give up on a body that stalls after its headers with --request-timeout 5, the peak memory of the CLI reading an
// endless body, the wall time of a three-org check when one org stalls, and what a name with an OSC 52 clipboard
// write looks like in preview's output. The CLI runs as it ships (dist/cli.js, its own process) where memory is
// measured; in this process (main, with the Salesforce CLI's part given) for the several-orgs run.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli';
import { startTestOrg } from '../packages/sf-test-org/src/server';
import { PAYLOAD, startHostile } from '../test/support/hostile';

// Another build's CLI can be measured the same way (BALKANID_CLI=/path/to/dist/cli.js: the numbers before a change;
// the first two rows only — the three-org run and the preview run this build in-process);
// HOSTILE_KILL_AFTER_MS stops a CLI that never gives up (default 60 s).
const CLI = process.env.BALKANID_CLI ?? join(__dirname, '..', '..', 'dist', 'cli.js');
const KILL_AFTER_MS = Number(process.env.HOSTILE_KILL_AFTER_MS ?? 60_000);
const MB = 1024 * 1024;

/** Runs dist/cli.js with a preload that reports its peak RSS; resolves with the exit code, seconds, peak MB, stderr. */
function cli(args: string[], env: NodeJS.ProcessEnv, killAfterMs?: number) {
  const dir = mkdtempSync(join(tmpdir(), 'balkanid-hostile-'));
  const preload = join(dir, 'rss.js');
  writeFileSync(
    preload,
    "process.on('exit', () => process.stderr.write(`\\nPEAK_RSS ${process.resourceUsage().maxRSS}\\n`));\n" +
      "process.on('SIGTERM', () => process.exit(143));\n",
  );
  const started = performance.now();
  return new Promise<{ code: number | null; seconds: number; peakMb: number; stderr: string }>(resolve => {
    const child = spawn(process.execPath, ['-r', preload, CLI, ...args], { env: { ...process.env, ...env } });
    let stderr = '';
    child.stderr.on('data', d => (stderr += d));
    child.stdout.resume();
    const timer = killAfterMs ? setTimeout(() => child.kill('SIGTERM'), killAfterMs) : undefined;
    child.on('exit', code => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      const kb = Number(/PEAK_RSS (\d+)/.exec(stderr)?.[1] ?? 0);
      resolve({ code, seconds: (performance.now() - started) / 1000, peakMb: kb / 1024, stderr });
    });
  });
}

async function run(): Promise<void> {
  const org = await startTestOrg({ scenario: 'fresh' });
  const hostile = await startHostile(org.url);
  const ws = mkdtempSync(join(tmpdir(), 'balkanid-hostile-ws-'));
  writeFileSync(
    join(ws, 'balkanid-setup.json'),
    JSON.stringify({ user: { username: 'balkanid@example.test', email: 'balkanid@example.test' } }),
  );
  const env = { SF_ACCESS_TOKEN: org.adminToken };
  const rows: string[] = [];
  try {
    // 1. A body that stalls after its headers, --request-timeout 5.
    hostile.add({ path: /composite\/batch/, do: { kind: 'stall-after-headers' } });
    const stalled = await cli(
      ['check', '--manifest', join(ws, 'balkanid-setup.json'), '--instance-url', hostile.url, '--request-timeout', '5'],
      env,
      KILL_AFTER_MS,
    );
    rows.push(
      `| check, a batch answer that stalls after its headers, --request-timeout 5 | exit ${stalled.code ?? 'none (killed)'} after ` +
        `${stalled.seconds.toFixed(1)} s | ${stalled.stderr
          .split('\n')
          .find(l => /did not finish/.test(l))
          ?.trim()} |`,
    );

    // 2. An endless body (a query page that never ends): the export refuses it at the query-page cap.
    hostile.clear();
    hostile.add({ path: /\/query\?q=SELECT[^&]*FROM%20UserLicense/, do: { kind: 'endless-body' } });
    const before = hostile.bytesSent();
    const out = mkdtempSync(join(tmpdir(), 'balkanid-hostile-out-'));
    const endless = await cli(['export', '--out', out, '--instance-url', hostile.url], env, KILL_AFTER_MS);
    rmSync(out, { recursive: true, force: true });
    rows.push(
      `| export, a query page that never ends | exit ${endless.code ?? 'none (killed)'} after ${endless.seconds.toFixed(1)} s, peak RSS ` +
        `${endless.peakMb.toFixed(0)} MB, ${((hostile.bytesSent() - before) / MB).toFixed(0)} MB sent by the server | ` +
        `${endless.stderr
          .split('\n')
          .find(l => /more than/.test(l))
          ?.trim()} |`,
    );

    // 3. Three orgs, one of which stalls after every header: --request-timeout 5.
    const others = [await startTestOrg({ scenario: 'fresh' }), await startTestOrg({ scenario: 'fresh' })];
    hostile.clear();
    hostile.add({ path: /\/services\/data\/v/, do: { kind: 'stall-after-headers' } });
    const urls: Record<string, string> = { a: others[0]!.url, b: hostile.url, c: others[1]!.url };
    const tokens: Record<string, string> = { a: others[0]!.adminToken, b: org.adminToken, c: others[1]!.adminToken };
    const lines: string[] = [];
    const t0 = performance.now();
    const code = await main(
      [
        'check',
        '--manifest',
        join(ws, 'balkanid-setup.json'),
        ...['a', 'b', 'c'].flatMap(o => ['--target-org', o]),
      ].concat(['--request-timeout', '5']),
      s => lines.push(s),
      () => undefined,
      { credentials: async name => ({ instanceUrl: urls[name]!, accessToken: tokens[name]! }) },
    );
    const seconds = (performance.now() - t0) / 1000;
    await Promise.all(others.map(o => o.stop()));
    const table = lines.join('\n');
    rows.push(
      `| check on three orgs, org b stalls after every header, --request-timeout 5 | exit ${code} after ` +
        `${seconds.toFixed(1)} s | ${/\d org\(s\): .*/.exec(table)?.[0]} |`,
    );

    // 4. A name with an OSC 52 clipboard write (and the rest of the payload) in preview's output.
    hostile.clear();
    for (const u of [...org.org.table('User').values()].slice(0, 1)) u.LastName = `${u.LastName}${PAYLOAD}`;
    const shown: string[] = [];
    await main(
      ['preview', '--instance-url', org.url, '--access-token', org.adminToken],
      s => shown.push(s),
      () => undefined,
    );
    const row = shown
      .join('\n')
      .split('\n')
      .find(l => l.includes('ZWNobyBwd25lZA=='));
    rows.push(`| preview, a user named "Admin" + OSC 52 and friends | as printed | \`${row?.trim()}\` |`);
  } finally {
    await hostile.stop();
    await org.stop();
    rmSync(ws, { recursive: true, force: true });
  }
  console.log('| case | outcome | what the CLI said |\n|---|---|---|');
  for (const r of rows) console.log(r);
}

void run().then(
  () => process.exit(0),
  e => {
    console.error(e);
    process.exit(1);
  },
);
