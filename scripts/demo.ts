// `npm start`: the whole flow against the bundled test org (scenario fresh) with the real CLI binary:
// check, plan, apply, then verify with a key pair generated here, so a real JWT login happens; then the other ways
// into BalkanID: the preview as the integration user, the CSV export, and the Bulk API upload to a local stand-in.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestOrg } from '../packages/sf-test-org/src/server';
import { selfSignedCert } from '../packages/sf-test-org/src/x509';
import { startBalkanIdStandIn } from '../test/support/balkanidStandIn';

async function main(): Promise<void> {
  const org = await startTestOrg({ scenario: 'fresh' });
  const dir = mkdtempSync(join(tmpdir(), 'balkanid-demo-'));
  const pair = selfSignedCert({ cn: 'BalkanID demo' });
  writeFileSync(join(dir, 'salesforce.crt'), pair.certPem);
  writeFileSync(join(dir, 'demo-key.pem'), pair.keyPem, { mode: 0o600 });
  writeFileSync(
    join(dir, 'balkanid-setup.json'),
    JSON.stringify({ user: { username: 'balkanid@example.test', email: 'balkanid@example.test' } }, null, 2),
  );
  const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
  // Asynchronous on purpose: the test org answers from this very process.
  const bid = await startBalkanIdStandIn({ keyId: 'demo-key-id', secret: 'demo-secret-0123456789abcdef' });
  const run = (title: string, args: string[], withOrg = true) =>
    new Promise<number>(resolve => {
      process.stdout.write(`\n━━ balkanid-sf ${args.join(' ')}   (${title})\n`);
      spawn(process.execPath, [cli, ...args, ...(withOrg ? ['--instance-url', org.url] : [])], {
        cwd: dir,
        stdio: 'inherit',
        env: {
          ...process.env,
          SF_ACCESS_TOKEN: org.adminToken,
          BALKANID_API_KEY_ID: 'demo-key-id',
          BALKANID_API_KEY_SECRET: 'demo-secret-0123456789abcdef',
        },
      }).on('exit', code => resolve(code ?? 2));
    });
  console.log(`Test org (scenario fresh) at ${org.url}; workspace ${dir}`);
  await run('read-only inspection', ['check']);
  await run('the writes apply would make', ['plan']);
  const applied = await run('make them', ['apply', '--yes']);
  const verified = await run('JWT login as the integration user with the demo key', [
    'verify',
    '--key',
    'demo-key.pem',
  ]);
  await run('values for BalkanID', ['handoff']);
  const previewed = await run('what BalkanID will read, as the integration user', ['preview', '--key', 'demo-key.pem']);
  const exported = await run("BalkanID's upload files", ['export', '--out', 'balkanid-files']);
  const uploaded = await run(
    "BalkanID's Bulk API, to a local stand-in of it",
    ['upload', '--dir', 'balkanid-files', '--tenant-url', bid.url],
    false,
  );
  const s = org.stats();
  console.log(
    `\nThe test org answered ${s.total} requests; ${s.writes} writes. The BalkanID stand-in received ${bid.received.map(f => `${f.resource} (${f.rows} rows)`).join(' and ')}.`,
  );
  await Promise.all([org.stop(), bid.stop()]);
  process.exitCode = applied || verified || previewed || exported || uploaded;
}

main().catch(e => {
  console.error(e);
  process.exit(2);
});
