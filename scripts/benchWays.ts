// `npm run bench`, the other ways into BalkanID: the export of a large org (100,000 users, ~300,000 assignments)
// by the real CLI in its own process (peak memory, throughput), its files read back with a standard CSV parser
// (counts against the org's, every relation's ends in the file); twenty orgs checked in one run against one
// (latency injected); and the Bulk API upload's requests and bytes against the stand-in.
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { main } from '../src/cli';
import { countSources } from '../src/core/extract/sources';
import { connect } from '../src/node/salesforce';
import { startTestOrg, TestOrg } from '../packages/sf-test-org/src/server';
import { selfSignedCert } from '../packages/sf-test-org/src/x509';
import { startBalkanIdStandIn } from '../test/support/balkanidStandIn';

const root = join(__dirname, '..', '..');
export const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const MAX_RSS_MB = 200;
const LATENCY = 100;

/** Starts `npm run org` in its own process (so its memory is not the exporter's); resolves with its info line. */
function orgProcess(users: number): Promise<{ info: any; stop: () => void; seedMs: number }> {
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [join(root, 'out/packages/sf-test-org/src/main.js'), '--scenario', 'done', '--users', String(users), '--port', '0'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', d => {
      buf += d;
      const line = buf.split('\n')[0];
      if (buf.includes('\n'))
        resolve({ info: JSON.parse(line!), stop: () => child.kill(), seedMs: performance.now() - t0 });
    });
    child.on('exit', code => reject(new Error(`the test org exited (${code})`)));
  });
}

/** Runs the CLI's export in its own process; its peak RSS comes from the process itself when it ends. */
function exportProcess(
  url: string,
  token: string,
  out: string,
): Promise<{ result: any; maxRssMb: number; ms: number }> {
  const probe = join(out, 'rusage.json');
  const code = `require(${JSON.stringify(join(root, 'dist/cli.js'))}).main(${JSON.stringify([
    'export',
    '--instance-url',
    url,
    '--out',
    out,
    '--json',
  ])}).then(c => { require('fs').writeFileSync(${JSON.stringify(probe)}, JSON.stringify({ code: c, maxRss: process.resourceUsage().maxRSS })); process.exitCode = c; })`;
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', code], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, SF_ACCESS_TOKEN: token },
  });
  let stdout = '';
  child.stdout.on('data', d => (stdout += d));
  return new Promise((resolve, reject) =>
    child.on('exit', () => {
      try {
        const r = JSON.parse(readFileSync(probe, 'utf8'));
        if (r.code !== 0) throw new Error(`export exited ${r.code}: ${stdout.slice(0, 500)}`);
        resolve({ result: JSON.parse(stdout), maxRssMb: r.maxRss / 1024, ms: performance.now() - t0 });
      } catch (e) {
        reject(e);
      }
    }),
  );
}

/** Reads a CSV with csv-parse (streaming), calling `row` for each record after the header. */
async function eachRow(file: string, row: (r: string[]) => void): Promise<string[]> {
  let header: string[] | undefined;
  for await (const r of createReadStream(file).pipe(parse({ relax_column_count: false }))) {
    if (!header) header = r;
    else row(r);
  }
  return header ?? [];
}

export async function benchWays(): Promise<{ lines: string[]; failed: boolean; json: Record<string, unknown> }> {
  const lines: string[] = [];
  let failed = false;
  const budget = (name: string, value: number, max: number, unit = '') => {
    const ok = value <= max;
    failed ||= !ok;
    lines.push(`Budget ${name}: ${value.toFixed(1)}${unit} ≤ ${max}${unit} ${ok ? 'met' : 'MISSED'}`);
  };

  // 1. Export at scale.
  const org = await orgProcess(USERS);
  const out = mkdtempSync(join(tmpdir(), 'bench-export-'));
  let json: Record<string, unknown> = {};
  try {
    const exp = await exportProcess(org.info.instanceUrl, org.info.accessToken, out);
    const client = await connect({ instanceUrl: org.info.instanceUrl, accessToken: org.info.accessToken });
    const counted = (await countSources(client, 'standard')).counts;
    const counts = Object.fromEntries(
      Object.entries(counted).map(([k, c]) => [k, 'count' in c ? c.count : undefined]),
    ) as Record<keyof typeof counted, number | undefined>;
    const entityIds = new Map<string, string>();
    const byType: Record<string, number> = {};
    await eachRow(join(out, 'entities.csv'), r => {
      entityIds.set(r[4]!, r[2]!);
      byType[r[5]!] = (byType[r[5]!] ?? 0) + 1;
    });
    let relations = 0,
      dangling = 0;
    await eachRow(join(out, 'entity-relations.csv'), r => {
      relations++;
      if (entityIds.get(r[1]!) !== r[2] || entityIds.get(r[3]!) !== r[4]) dangling++;
    });
    const r = exp.result;
    const seconds = exp.ms / 1000;
    const bytes = statSync(join(out, 'entities.csv')).size + statSync(join(out, 'entity-relations.csv')).size;
    lines.push(
      `\nExport of a test org with ${USERS.toLocaleString('en-US')} extra users (seeded in ${(org.seedMs / 1000).toFixed(1)} s, ` +
        `its own process): ${r.records.toLocaleString('en-US')} records read in ${r.requests} requests, ` +
        `${entityIds.size.toLocaleString('en-US')} entities and ${relations.toLocaleString('en-US')} relations ` +
        `(${(bytes / 1e6).toFixed(1)} MB) in ${seconds.toFixed(1)} s: ${Math.round(r.records / seconds).toLocaleString('en-US')} ` +
        `records/s; peak RSS of the exporting process ${exp.maxRssMb.toFixed(0)} MB.`,
      `Read back with csv-parse: users ${byType.user} (org ${counts.user}), profiles ${byType.profile} (org ${counts.profile}), ` +
        `roles ${byType.role} (org ${counts.role}), permission sets ${byType.permission_set} (org ${counts.permissionSet}), ` +
        `permission set groups ${byType.permission_set_group} (org ${counts.permissionSetGroup}), public groups ` +
        `${byType.group} (org ${counts.group}); assignments in the org ${counts.permissionSetAssignment}, group ` +
        `members ${counts.groupMember}; relations whose ends are not entities in the file: ${dangling}.`,
    );
    const TYPE = {
      user: 'user',
      profile: 'profile',
      role: 'role',
      permissionSet: 'permission_set',
      permissionSetGroup: 'permission_set_group',
      group: 'group',
    } as const;
    const mismatch = Object.entries(TYPE).some(([k, type]) => counts[k as keyof typeof TYPE] !== byType[type]);
    if (mismatch || dangling) {
      failed = true;
      lines.push('MISSED: the files do not match the org (see above).');
    }
    budget('export peak RSS', exp.maxRssMb, MAX_RSS_MB, ' MB');
    json = {
      users: USERS,
      records: r.records,
      requests: r.requests,
      seconds,
      maxRssMb: exp.maxRssMb,
      relations,
      bytes,
    };
  } finally {
    org.stop();
    rmSync(out, { recursive: true, force: true });
  }

  // 2. Twenty orgs against one, 100 ms latency per request.
  const orgs: TestOrg[] = [];
  for (let i = 0; i < 20; i++) orgs.push(await startTestOrg({ scenario: 'done', latencyMs: LATENCY }));
  const ws = mkdtempSync(join(tmpdir(), 'bench-orgs-'));
  writeFileSync(
    join(ws, 'balkanid-setup.json'),
    JSON.stringify({ user: { username: 'balkanid@example.test', email: 'balkanid@example.test' } }),
  );
  writeFileSync(join(ws, 'salesforce.crt'), selfSignedCert().certPem);
  const deps = {
    credentials: async (name: string) => ({
      instanceUrl: orgs[Number(name.slice(3))]!.url,
      accessToken: orgs[Number(name.slice(3))]!.adminToken,
    }),
  };
  const quiet = () => undefined;
  const run = async (n: number) => {
    const t0 = performance.now();
    const argv = ['check', '--json', '--manifest', join(ws, 'balkanid-setup.json')];
    for (let i = 0; i < n; i++) argv.push('--target-org', `org${i}`);
    await main(argv, quiet, quiet, deps);
    return performance.now() - t0;
  };
  await run(1); // warm-up (module loading)
  const one = await run(1);
  const twenty = await run(20);
  await Promise.all(orgs.map(o => o.stop()));
  lines.push(
    `\nCheck on 20 orgs in one run (20 at a time by default, ${LATENCY} ms latency per request): ${Math.round(twenty)} ms; one org ` +
      `${Math.round(one)} ms: ${(twenty / one).toFixed(2)}× one org's time (20× if one after another).`,
  );
  budget("20 orgs' check time over one org's", twenty / one, 3, '×');
  json = { ...json, oneOrgMs: one, twentyOrgsMs: twenty };

  // 3. The upload: requests and bytes for the two files of a small org.
  const small = await startTestOrg({ scenario: 'done' });
  const bid = await startBalkanIdStandIn({ keyId: 'bench', secret: 'bench-secret-0123456789' });
  const dir = mkdtempSync(join(tmpdir(), 'bench-upload-'));
  process.env.SF_ACCESS_TOKEN = small.adminToken;
  await main(['export', '--instance-url', small.url, '--out', dir], quiet, quiet);
  process.env.BALKANID_API_KEY_ID = 'bench';
  process.env.BALKANID_API_KEY_SECRET = 'bench-secret-0123456789';
  await main(['upload', '--dir', dir, '--tenant-url', bid.url], quiet, quiet);
  const sent = bid.received.reduce((a, f) => a + f.bytes, 0);
  lines.push(
    `\nUpload of both files: ${bid.count} requests (an upload URL and a PUT per file), ${sent} bytes of CSV; ` +
      `a 429 or 5xx is retried up to 4 times per request (test/engine/upload.test.ts).`,
  );
  await Promise.all([small.stop(), bid.stop()]);
  return { lines, failed, json: { ...json, uploadRequests: bid.count } };
}
