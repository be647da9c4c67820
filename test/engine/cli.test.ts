// The balkanid-sf binary (dist/cli.js) end to end: commands, exit codes, JSON, and no secret in any output.
import { tempDir } from '../support/temp';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loginFromElsewhere, testCert, useOrg, workspace } from '../support/helpers';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
const outputs: string[] = [];

function cli(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd, env: { ...process.env, ...env }, timeout: 60000 },
      (err, stdout, stderr) => {
        outputs.push(stdout, stderr);
        resolve({ code: err ? Number((err as any).code ?? 2) : 0, stdout, stderr });
      },
    );
  });
}

describe('balkanid-sf (the CLI binary)', function () {
  this.timeout(60000);
  const t = useOrg({ scenario: 'fresh' });
  let ws: string;
  const conn = () => ['--instance-url', t.org.url];
  const env = () => ({ SF_ACCESS_TOKEN: t.org.adminToken });
  before(() => {
    ws = workspace();
  });

  it('check: exit 1 while steps remain, with the checklist on stdout and progress on stderr', async () => {
    const r = await cli(['check', ...conn()], ws, env());
    assert.equal(r.code, 1);
    assert.match(r.stdout, /○ Profile cloned from the standard Platform profile +to do/);
    assert.match(r.stdout, /1\/8 steps done/);
    assert.match(r.stderr, /Connecting/);
    const j = JSON.parse((await cli(['check', '--json', ...conn()], ws, env())).stdout);
    assert.deepEqual(
      j.steps.map((s: any) => s.id),
      ['preflight', 'profile', 'user', 'permissionSet', 'app', 'link', 'consumerKey', 'verify'],
    );
  });

  it('plan lists the writes; apply without --yes and without a terminal refuses and writes nothing', async () => {
    const plan = await cli(['plan', ...conn()], ws, env());
    assert.match(plan.stdout, /1\. Create +Profile "BalkanID Integration"/);
    assert.match(plan.stdout, /Deploy +External Client App "BalkanID Extractor"/);
    const r = await cli(['apply', ...conn()], ws, env());
    assert.equal(r.code, 2);
    assert.match(r.stderr, /run with --yes/);
    assert.equal(t.org.org.writes, 0);
  });

  it('without a manifest, check proposes the answers and writes nothing (no failed step), apply says how to write one; --username/--email/--certificate write one (checked first, never overwritten); placeholders are refused', async () => {
    const dir = tempDir('balkanid-new-');
    writeFileSync(join(dir, 'balkanid.crt'), testCert().certPem);
    // A read-only check needs no manifest: it proposes the values (from the admin's user) and writes nothing.
    const missing = await cli(['check', ...conn()], dir, env());
    assert.equal(missing.code, 1, missing.stderr);
    assert.match(missing.stdout, /^No setup manifest yet: checked with proposed values \(nothing was written\)/);
    assert.match(
      missing.stdout,
      /Integration user: balkanid@acme\.example \(from your username's domain\), email admin@acme\.example/,
    );
    assert.ok(!/Step "Preflight[^"]*" failed/.test(missing.stdout + missing.stderr), missing.stderr);
    assert.equal(existsSync(join(dir, 'balkanid-setup.json')), false);
    // A command that writes says how to write the manifest — no failed step.
    const apply = await cli(['apply', '--yes', ...conn()], dir, env());
    assert.equal(apply.code, 2);
    assert.match(apply.stderr, /^No setup manifest yet \(.*balkanid-setup\.json\): pass --username and --email/m);
    assert.ok(!/Step "/.test(apply.stderr), apply.stderr);
    const half = await cli(['check', '--username', 'balkanid@acme.com', ...conn()], dir, env());
    assert.match(half.stderr, /--username and --email go together/);
    const placeholder = await cli(
      ['check', '--username', 'balkanid@yourcompany.com', '--email', 'it@acme.com', ...conn()],
      dir,
      env(),
    );
    assert.equal(placeholder.code, 2);
    assert.match(placeholder.stderr, /No manifest was written: .*placeholder domain yourcompany\.com/);
    const noCert = await cli(
      ['check', '--username', 'balkanid@acme.com', '--email', 'it@acme.com', '--certificate', 'nope.crt', ...conn()],
      dir,
      env(),
    );
    assert.match(noCert.stderr, /No manifest was written: the certificate nope\.crt does not exist/);
    assert.equal(existsSync(join(dir, 'balkanid-setup.json')), false);
    const answers = ['--username', 'balkanid@acme.com', '--email', 'it@acme.com', '--certificate', 'balkanid.crt'];
    const ok = await cli(['check', ...answers, ...conn()], dir, env());
    assert.equal(ok.code, 1, ok.stderr); // steps remain
    assert.match(ok.stderr, /Wrote .*balkanid-setup\.json \(certificate: balkanid\.crt\)/);
    const same = await cli(['check', ...answers, ...conn()], dir, env());
    assert.equal(same.code, 1, `the same command again is fine: ${same.stderr}`);
    assert.ok(!/Wrote/.test(same.stderr));
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'balkanid-setup.json'), 'utf8')), {
      user: { username: 'balkanid@acme.com', email: 'it@acme.com' },
      certificate: 'balkanid.crt',
    });
    const again = await cli(['check', '--username', 'other@acme.com', '--email', 'it@acme.com', ...conn()], dir, env());
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already exists with other values; nothing was changed/);
    assert.match(readFileSync(join(dir, 'balkanid-setup.json'), 'utf8'), /balkanid@acme\.com/);
    assert.equal(t.org.org.writes, 0);
  });

  it('rejects a bad manifest with exit 2, naming the setting, and writes nothing', async () => {
    const bad = workspace({ user: { username: 'balkanid', email: 'it@acme.com' } });
    const r = await cli(['apply', '--yes', ...conn()], bad, env());
    assert.equal(r.code, 2);
    assert.match(r.stderr, /user\.username: Username "balkanid" is not in the form of an email address/);
    const missing = await cli(['apply', '--yes', '--manifest', 'nope.json', ...conn()], bad, env());
    assert.match(missing.stderr, /No setup manifest yet \(.*nope\.json\)/);
    assert.equal(t.org.org.writes, 0);
  });

  it('refuses an expired or wrong token with a typed message and exit 2', async () => {
    const r = await cli(['check', ...conn()], ws, { SF_ACCESS_TOKEN: '00D000000000000!AQbogus' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /session has expired/);
    const down = await cli(['check', '--instance-url', 'http://127.0.0.1:9', '--access-token', 'x'], ws);
    assert.match(down.stderr, /Cannot reach http:\/\/127\.0\.0\.1:9/);
  });

  it('apply --yes finishes the setup (exit 0); verify --key passes its self-test, remembers its login beside the manifest and still waits for BalkanID; a login from another client then completes Verify', async () => {
    const a = await cli(['apply', '--yes', ...conn()], ws, env());
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /Setup done; waiting for BalkanID's first login/);
    assert.equal((await cli(['check', ...conn()], ws, env())).code, 0);
    const v = await cli(['verify', '--key', 'key.pem', '--json', ...conn()], ws, env());
    assert.equal(v.code, 0, v.stdout);
    const verified = JSON.parse(v.stdout);
    assert.equal(verified.selfTest.ok, true);
    const step = verified.steps.find((s: any) => s.id === 'verify');
    assert.equal(step.state, 'waiting', "the self-test is the tool's own login, not BalkanID's");
    assert.deepEqual(
      step.findings.map((f: any) => f.code),
      ['self-test-passed', 'awaiting-login'],
    );
    assert.equal(verified.login.status, 'waiting');
    const memory = JSON.parse(readFileSync(join(ws, 'balkanid-setup.logins.json'), 'utf8'));
    const [remembered] = Object.values(memory.orgs) as any[];
    assert.equal(remembered.length, 1);
    assert.equal(remembered[0].by, 'self-test');
    assert.equal(remembered[0].sourceIp, '127.0.0.1');
    assert.doesNotMatch(JSON.stringify(memory), /BEGIN|PRIVATE|3MVG9/, 'no key of any kind in the memory');
    const text = await cli(['check', ...conn()], ws, env());
    assert.match(text.stdout, /Self-test passed: this tool logged in as balkanid@example\.test/);
    assert.match(text.stdout, /Waiting for BalkanID's first login/);
    // What BalkanID can read, in Setup's labels (as the preview says them), not API names.
    const labels = await cli(['verify', '--key', 'key.pem', ...conn()], ws, env());
    assert.match(labels.stdout, /✔ User Licenses +\d+ record\(s\)\n/);
    assert.match(labels.stdout, /✔ Permission Set Assignments +\d+ record\(s\)/);
    assert.ok(!/UserLicense|PermissionSetAssignment/.test(labels.stdout), labels.stdout);
    const h = JSON.parse((await cli(['handoff', '--json', ...conn()], ws, env())).stdout);
    assert.deepEqual(
      [h.username, h.loginUrl, h.isSandbox, h.consumerKeySource],
      ['balkanid@example.test', 'https://login.salesforce.com', false, 'org'],
    );
    assert.match(h.consumerKey, /^3MVG9/);
    assert.equal(await loginFromElsewhere(t.org, h.consumerKey), 200);
    const after = JSON.parse((await cli(['check', '--json', ...conn()], ws, env())).stdout);
    assert.equal(after.login.status, 'connected');
    assert.equal(after.steps.find((s: any) => s.id === 'verify').state, 'done');
  });

  it('verify with the wrong key exits 1 with the mapped cause', async () => {
    writeFileSync(join(ws, 'other.pem'), (await import('../../packages/sf-test-org/src/x509')).selfSignedCert().keyPem);
    const v = await cli(['verify', '--key', 'other.pem', '--retries', '3', ...conn()], ws, env());
    assert.equal(v.code, 1);
    assert.match(
      v.stdout,
      /JWT login failed after 1 attempt\(s\): invalid_grant/,
      'a wrong key is not retried, and the count says so',
    );
    assert.match(v.stdout, /invalid assertion[\s\S]*Cause: The signature does not match the app's certificate/);
    for (const retries of ['0', 'abc']) {
      const bad = await cli(['verify', '--key', 'key.pem', '--retries', retries, ...conn()], ws, env());
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, new RegExp(`--retries must be a whole number from 1 to 30, not "${retries}"`));
      assert.ok(!/succeeded/.test(bad.stdout + bad.stderr));
    }
  });

  it('--trace to a folder or a missing folder is refused before anything runs (exit 2, nothing written)', async () => {
    const before = t.org.org.writes;
    for (const target of [ws, join(ws, 'missing', 'x.har')]) {
      const r = await cli(['apply', '--yes', '--trace', target, ...conn()], ws, env());
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--trace .*(is a folder|does not exist).*\. Nothing was done\./);
    }
    assert.equal(t.org.org.writes, before);
  });

  it('an access token with a line break is refused with a plain message, not a stack trace', async () => {
    const r = await cli(['check', ...conn()], ws, { SF_ACCESS_TOKEN: `${t.org.adminToken}\nX-Evil: 1` });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /The access token contains spaces, line breaks or other characters/);
    assert.ok(!/TypeError|at .*\.js:\d+/.test(r.stderr));
  });

  it('teardown --yes=no and apply --yes=no are refused before connecting: exit 2, nothing written', async () => {
    const before = t.org.org.writes;
    for (const command of ['teardown', 'apply']) {
      const r = await cli([command, '--yes=no', ...conn()], ws, env());
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--yes takes no value/);
    }
    assert.equal(t.org.org.writes, before);
  });

  it('teardown --yes removes what the setup created; the profile stays and is explained', async () => {
    const r = await cli(['teardown', '--yes', ...conn()], ws, env());
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Removed:[\s\S]*External Client App "BalkanID Extractor"[\s\S]*deactivate/);
    assert.match(r.stdout, /Kept:[\s\S]*Profile "BalkanID Integration": the deactivated user still holds it/);
    const o = t.org.org;
    assert.equal(o.all('ExternalClientApplication').length, 0);
    assert.equal(o.all('SetupEntityAccess').length, 0);
    assert.equal(
      o.find('PermissionSet', p => p.Name === 'BalkanID_Extractor'),
      undefined,
    );
    assert.equal(o.find('User', u => u.Username === 'balkanid@example.test')!.IsActive, false);
    const c = await cli(['check', ...conn()], ws, env());
    assert.equal(c.code, 1);
    assert.match(c.stdout, /exists but is inactive \(a teardown deactivates it\); it is not reused silently/);
  });

  it('teardown again, with nothing left to remove, says so and claims nothing about a profile or user', async () => {
    const r = await cli(['teardown', '--yes', ...conn()], ws, env());
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Nothing to remove: the BalkanID setup is not in this org\.$/m);
    assert.ok(!/stays|Kept/.test(r.stdout));
  });

  it('after a teardown, apply refuses the inactive user unless asked; apply --reactivate-user brings the org back', async () => {
    const refused = await cli(['apply', '--yes', ...conn()], ws, env());
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /inactive[\s\S]*--reactivate-user[\s\S]*Nothing was written/);
    const plan = await cli(['apply', '--reactivate-user', ...conn()], ws, env());
    assert.match(plan.stderr, /Update User balkanid@example\.test — reactivate/);
    const back = await cli(['apply', '--yes', '--json', '--reactivate-user', ...conn()], ws, env());
    assert.equal(t.org.org.find('User', u => u.Username === 'balkanid@example.test')!.IsActive, true);
    // Every step done again; the logins of the app the teardown removed (the wrong-key test's failure) no longer
    // count: Verify waits for a login through the new app (exit 0).
    const states = JSON.parse(back.stdout).steps.map((s: any) => `${s.id}=${s.state}`);
    assert.deepEqual(states, [
      'preflight=done',
      'profile=done',
      'user=done',
      'permissionSet=done',
      'app=done',
      'link=done',
      'consumerKey=done',
      'verify=waiting',
    ]);
    assert.equal(back.code, 0);
    assert.equal(t.org.org.all('User').filter(u => u.Username === 'balkanid@example.test').length, 1);
  });

  it('never prints an access token, a refresh token, a private key or the consumer secret', () => {
    const all = outputs.join('\n');
    const secrets = [
      t.org.adminToken,
      ...t.org.org.sessions.keys(),
      ...t.org.org.refreshTokens.keys(),
      testCert().keyPem.split('\n')[1],
      ...t.org.meta.all('ExtlClntAppGlobalOauthSettings').map(g => g.__consumerSecret),
    ].filter(Boolean);
    assert.ok(secrets.length >= 2);
    for (const s of secrets) assert.ok(!all.includes(s), `a secret leaked: ${s.slice(0, 6)}…`);
    assert.ok(!/00D\w{12}!AQ/.test(all), 'no token-shaped string');
    assert.ok(!/PRIVATE KEY/.test(all));
  });
});

describe('balkanid-sf plan and apply: the same answer as Run All (what can run, what is blocked and why)', function () {
  this.timeout(90000);
  const none = useOrg({ scenario: 'no-licenses' });
  const limited = useOrg({ scenario: 'limited-admin' });
  const fresh = useOrg({ scenario: 'fresh' });
  const run = (org: typeof none, args: string[]) =>
    cli([...args, '--instance-url', org.org.url], workspace(), { SF_ACCESS_TOKEN: org.org.adminToken });

  it('no free licence: plan offers the one write that can run and names the blocked steps; apply makes exactly it; handoff says the user does not exist (exit 1)', async () => {
    const plan = await run(none, ['plan']);
    assert.equal(plan.code, 1);
    assert.match(plan.stdout, /Writes that can run now \(1\):\n {2}1\. Create Profile "BalkanID Integration"/);
    assert.match(
      plan.stdout,
      /Blocked, not run now \(5 steps\):\n {2}⊘ Integration user: No Salesforce Platform licence is free/,
    );
    assert.match(plan.stdout, /free licences of other kinds — .*Salesforce Integration \(5 free\)/);
    const apply = await run(none, ['apply', '--yes']);
    assert.equal(apply.code, 1, apply.stderr);
    assert.match(apply.stdout, /^1 change made\.\nStill blocked \(5 steps\): Integration user, /m);
    assert.ok(none.org.org.find('Profile', p => p.Name === 'BalkanID Integration'));
    assert.equal(
      none.org.org.find('User', u => u.Username === 'balkanid@example.test'),
      undefined,
    );
    const handoff = await run(none, ['handoff']);
    assert.equal(handoff.code, 1);
    assert.match(
      handoff.stdout,
      /^Not ready for BalkanID: The integration user balkanid@example\.test does not exist: No Salesforce Platform licence is free/,
    );
    assert.ok(!/Salesforce User Name/.test(handoff.stdout), 'no username offered for a user never created');
    const json = JSON.parse((await run(none, ['handoff', '--json'])).stdout);
    assert.equal(json.ready, false);
    assert.match(json.notReady, /does not exist/);
  });

  it('a limited admin: Preflight is blocked, plan gives one request for a System Administrator with every permission lacking; apply writes nothing and says why', async () => {
    const plan = await run(limited, ['plan']);
    assert.match(plan.stdout, /⊘ Preflight: connection, permissions, licences +blocked/);
    assert.match(plan.stdout, /Nothing can run now: apply would write nothing\./);
    const request = plan.stdout.slice(plan.stdout.indexOf('The request for a System Administrator'));
    assert.deepEqual(
      request.split('\n').filter(l => l.startsWith('  • ')),
      [
        '  • Manage Profiles and Permission Sets — for: Profile, Permission set, App ↔ permission set link',
        '  • Customize Application — for: External Client App',
        '  • Create, edit, and delete External Client Apps (or Modify All Data) — for: External Client App',
        '  • Modify Metadata Through Metadata API Functions (or Modify All Data) — for: External Client App, Consumer key',
      ],
    );
    assert.match(
      JSON.parse((await run(limited, ['plan', '--json'])).stdout).adminRequest,
      /Please grant my user admin@acme\.example/,
    );
    const apply = await run(limited, ['apply', '--yes']);
    assert.equal(apply.code, 2);
    assert.match(apply.stderr, /cannot run, and nothing else can before it: .*"Manage Profiles and Permission Sets"/);
    assert.match(apply.stderr, /Nothing was written\./);
    assert.equal(limited.org.org.writes, 0);
  });

  it("counts agree on a fresh org: plan's writes, apply's changes (the link made by the app's deploy counted, and said) and --json's writes", async () => {
    const plan = await run(fresh, ['plan']);
    const planned = Number(/Writes that can run now \((\d+)\)/.exec(plan.stdout)?.[1]);
    assert.equal(planned, 6);
    const apply = await run(fresh, ['apply', '--yes', '--json']);
    assert.equal(apply.code, 0, apply.stderr);
    const writes = JSON.parse(apply.stdout).writes;
    assert.equal(writes.length, planned);
    assert.deepEqual(
      writes.filter((w: any) => w.by === 'deploy').map((w: any) => w.step),
      ['link'],
    );
    fresh.org.reset('fresh');
    const text = await run(fresh, ['apply', '--yes']);
    assert.match(
      text.stdout,
      /^6 changes made \(the link by the External Client App's deploy: its policy names the permission set\)\.$/m,
    );
  });
});

describe('balkanid-sf on the PATH', function () {
  this.timeout(120000);
  it('npm install -g . (as the README says) puts balkanid-sf on the PATH, and it runs', async () => {
    const prefix = tempDir('balkanid-global-');
    const root = join(__dirname, '..', '..', '..');
    // npm's own settings of the test run (npm test) are not the admin's.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
    await new Promise<void>((resolve, reject) =>
      execFile(
        'npm',
        ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--no-update-notifier', '--offline', '.'],
        { cwd: root, env, timeout: 100000 },
        (err, out, errOut) => (err ? reject(new Error(`${out}\n${errOut}`)) : resolve()),
      ),
    );
    const bin = join(prefix, 'bin', 'balkanid-sf');
    const version = await new Promise<string>((resolve, reject) =>
      execFile(bin, ['--version'], { env: { ...env, PATH: `${join(prefix, 'bin')}:${env.PATH}` } }, (err, out) =>
        err ? reject(err) : resolve(out),
      ),
    );
    assert.match(version, /^balkanid-sf \d+\.\d+\.\d+\n$/);
  });
});
