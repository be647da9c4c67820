// The real Salesforce CLI against the test org, unchanged: login (access token and JWT), display, queries,
// record creation, deploy, retrieve and list metadata. Runs inside a network namespace with only loopback
// (scripts/test.mjs starts it with `unshare -n`), because on a failed login the CLI falls back to real hosts.
import { tempDir } from '../support/temp';
import { systemClock } from '../../src/core/clock';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useOrg, testCert, guideManifest } from '../support/helpers';
import { dirname } from 'node:path';
import { defaultTargetOrg, listOrgs, sfCredentials } from '../../src/node/sfcli';
import { connect } from '../../src/node/salesforce';
import { check } from '../../src/core/engine';

const SF = process.env.SF_BIN ?? 'sf';
const home = tempDir('sf-home-');

function sf(
  args: string[],
  env: Record<string, string> = {},
  cwd = env.HOME ?? home,
): Promise<{ code: number; json: any; stderr: string }> {
  return new Promise(resolve => {
    execFile(
      SF,
      [...args, '--json'],
      {
        cwd,
        timeout: 120000,
        maxBuffer: 16 << 20,
        env: {
          ...process.env,
          HOME: env.HOME ?? home,
          SF_DISABLE_TELEMETRY: 'true',
          SFDX_DISABLE_TELEMETRY: 'true',
          SF_AUTOUPDATE_DISABLE: 'true',
          SF_DISABLE_AUTOUPDATE: 'true',
          SF_SKIP_NEW_VERSION_CHECK: 'true',
          SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
          ...env,
        },
      },
      (err, stdout, stderr) => {
        let json: any;
        try {
          json = JSON.parse(stdout);
        } catch {
          json = { raw: stdout };
        }
        resolve({ code: (err as any)?.code ?? 0, json, stderr });
      },
    );
  });
}

const NS = 'http://soap.sforce.com/2006/04/metadata';
function project(dir: string, enumValue = 'AdminApprovedPreAuthorized'): void {
  const base = join(dir, 'force-app', 'main', 'default');
  const put = (sub: string, name: string, xml: string) => {
    mkdirSync(join(base, sub), { recursive: true });
    writeFileSync(join(base, sub, name), `<?xml version="1.0" encoding="UTF-8"?>\n${xml}\n`);
  };
  writeFileSync(
    join(dir, 'sfdx-project.json'),
    JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '64.0' }),
  );
  put(
    'externalClientApps',
    'Cli_App.eca-meta.xml',
    `<ExternalClientApplication xmlns="${NS}"><contactEmail>a@example.com</contactEmail><distributionState>Local</distributionState><isProtected>false</isProtected><label>Cli App</label></ExternalClientApplication>`,
  );
  put(
    'extlClntAppGlobalOauthSets',
    'Cli_App_glbloauth.ecaGlblOauth-meta.xml',
    `<ExtlClntAppGlobalOauthSettings xmlns="${NS}"><callbackUrl>https://app.balkan.id</callbackUrl><certificate>${testCert().certPem.trim()}</certificate><externalClientApplication>Cli_App</externalClientApplication><isPkceRequired>false</isPkceRequired><label>Cli_App_glbloauth</label></ExtlClntAppGlobalOauthSettings>`,
  );
  put(
    'extlClntAppOauthSettings',
    'Cli_App_oauth.ecaOauth-meta.xml',
    `<ExtlClntAppOauthSettings xmlns="${NS}"><commaSeparatedOauthScopes>Api, RefreshToken</commaSeparatedOauthScopes><externalClientApplication>Cli_App</externalClientApplication><label>Cli_App_oauth</label></ExtlClntAppOauthSettings>`,
  );
  put(
    'extlClntAppOauthPolicies',
    'Cli_App_oauthPlcy.ecaOauthPlcy-meta.xml',
    `<ExtlClntAppOauthConfigurablePolicies xmlns="${NS}"><externalClientApplication>Cli_App</externalClientApplication><ipRelaxationPolicyType>Bypass</ipRelaxationPolicyType><label>Cli_App_oauthPlcy</label><permittedUsersPolicyType>${enumValue}</permittedUsersPolicyType></ExtlClntAppOauthConfigurablePolicies>`,
  );
  put(
    'permissionsets',
    'Cli_PS.permissionset-meta.xml',
    `<PermissionSet xmlns="${NS}"><label>Cli PS</label><userPermissions><enabled>true</enabled><name>ApiEnabled</name></userPermissions></PermissionSet>`,
  );
}

describe('the real Salesforce CLI against the test org', function () {
  this.timeout(180000);
  const t = useOrg({ scenario: 'fresh' });
  const proj = tempDir('sf-proj-');
  const ids: Record<string, string> = {};

  it('logs in with an access token and shows the org as connected', async () => {
    const login = await sf(
      ['org', 'login', 'access-token', '--instance-url', t.org.url, '--no-prompt', '--alias', 'at'],
      { SF_ACCESS_TOKEN: t.org.adminToken },
    );
    assert.equal(login.code, 0, JSON.stringify(login.json));
    assert.equal(login.json.result.username, 'admin@acme.example');
    const display = await sf(['org', 'display', '--target-org', 'at']);
    assert.equal(display.code, 0, JSON.stringify(display.json));
    assert.equal(display.json.result.connectedStatus, 'Connected');
    assert.equal(display.json.result.apiVersion, '64.0');
  });

  it('queries over REST and Tooling, with relationship columns', async () => {
    const q = await sf([
      'data',
      'query',
      '--query',
      'SELECT Id, Username, Profile.Name FROM User WHERE IsActive = true',
      '--target-org',
      'at',
    ]);
    assert.equal(q.code, 0, JSON.stringify(q.json));
    assert.ok(
      q.json.result.records.some(
        (r: any) => r.Username === 'ops@acme.example' && r.Profile.Name === 'Standard Platform User',
      ),
    );
    const tq = await sf([
      'data',
      'query',
      '--query',
      "SELECT Id, Name FROM PermissionSet WHERE Name = 'Report_Builder'",
      '--use-tooling-api',
      '--target-org',
      'at',
    ]);
    assert.equal(tq.code, 0, JSON.stringify(tq.json));
    assert.equal(tq.json.result.totalSize, 1);
    const bad = await sf(['data', 'query', '--query', 'SELECT Bogus FROM User', '--target-org', 'at']);
    assert.notEqual(bad.code, 0);
    assert.match(JSON.stringify(bad.json), /No such column 'Bogus' on entity 'User'/);
  });

  it('creates a record, and a duplicate username surfaces DUPLICATE_USERNAME', async () => {
    const profile = t.org.org.find('Profile', p => p.Name === 'Standard Platform User')!;
    const values = `Username=cli.user@example.test LastName=Cli Email=cli.user@example.test Alias=cli ProfileId=${profile.Id} TimeZoneSidKey=GMT LocaleSidKey=en_US EmailEncodingKey=UTF-8 LanguageLocaleKey=en_US`;
    const first = await sf(['data', 'create', 'record', '--sobject', 'User', '--values', values, '--target-org', 'at']);
    assert.equal(first.code, 0, JSON.stringify(first.json));
    ids.user = first.json.result.id;
    const second = await sf([
      'data',
      'create',
      'record',
      '--sobject',
      'User',
      '--values',
      values,
      '--target-org',
      'at',
    ]);
    assert.notEqual(second.code, 0);
    assert.match(JSON.stringify(second.json), /DUPLICATE_USERNAME/);
  });

  it('deploys an External Client App with OAuth settings, policies and a permission set (project deploy start)', async () => {
    project(proj);
    const d = await sf(
      ['project', 'deploy', 'start', '--source-dir', 'force-app', '--target-org', 'at', '--wait', '2'],
      {},
      proj,
    );
    assert.equal(d.code, 0, JSON.stringify(d.json).slice(0, 2000));
    assert.equal(d.json.result.status, 'Succeeded');
    const types = d.json.result.files.map((f: any) => f.type);
    assert.ok(
      types.includes('ExternalClientApplication') &&
        types.includes('ExtlClntAppGlobalOauthSettings') &&
        types.includes('PermissionSet'),
      types.join(','),
    );
  });

  it('shows a bad component in the failures', async () => {
    const bad = tempDir('sf-bad-');
    project(bad, 'AdminsPreApproved');
    const d = await sf(
      ['project', 'deploy', 'start', '--source-dir', 'force-app', '--target-org', 'at', '--wait', '2'],
      {},
      bad,
    );
    assert.notEqual(d.code, 0);
    assert.match(
      JSON.stringify(d.json),
      /'AdminsPreApproved' is not a valid value for the enum 'PermittedUsersPolicyType'/,
    );
  });

  it('retrieves the global OAuth settings: the consumer key comes back, the secret never', async () => {
    const r = await sf(
      [
        'project',
        'retrieve',
        'start',
        '--metadata',
        'ExtlClntAppGlobalOauthSettings:Cli_App_glbloauth',
        '--target-org',
        'at',
        '--wait',
        '2',
      ],
      {},
      proj,
    );
    assert.equal(r.code, 0, JSON.stringify(r.json).slice(0, 2000));
    const dir = join(proj, 'force-app', 'main', 'default', 'extlClntAppGlobalOauthSets');
    const xml = readFileSync(join(dir, readdirSync(dir)[0]), 'utf8');
    const key = /<consumerKey>([^<]+)<\/consumerKey>/.exec(xml)?.[1];
    assert.match(key ?? '', /^3MVG9/);
    assert.doesNotMatch(xml, /<consumerSecret>/);
    ids.consumerKey = key!;
  });

  it('lists metadata', async () => {
    const l = await sf([
      'org',
      'list',
      'metadata',
      '--metadata-type',
      'ExternalClientApplication',
      '--target-org',
      'at',
    ]);
    assert.equal(l.code, 0, JSON.stringify(l.json));
    assert.deepEqual(
      l.json.result.map((x: any) => x.fullName),
      ['Cli_App'],
    );
  });

  it('logs in with JWT once the permission set is assigned and linked to the app', async () => {
    const ps = await sf([
      'data',
      'query',
      '--query',
      "SELECT Id FROM PermissionSet WHERE Name = 'Cli_PS'",
      '--target-org',
      'at',
    ]);
    const app = await sf([
      'data',
      'query',
      '--query',
      "SELECT Id FROM ExternalClientApplication WHERE DeveloperName = 'Cli_App'",
      '--target-org',
      'at',
    ]);
    const psId = ps.json.result.records[0].Id,
      appId = app.json.result.records[0].Id;
    const noLink = await sf([
      'org',
      'login',
      'jwt',
      '--client-id',
      ids.consumerKey,
      '--jwt-key-file',
      keyFile(),
      '--username',
      'cli.user@example.test',
      '--instance-url',
      t.org.url,
      '--alias',
      'jwt',
    ]);
    assert.notEqual(noLink.code, 0, 'not pre-authorized yet');
    assert.match(JSON.stringify(noLink.json), /user is not admin approved to access this app/);
    for (const values of [
      `AssigneeId=${ids.user} PermissionSetId=${psId}`,
      `ParentId=${psId} SetupEntityId=${appId}`,
    ]) {
      const sobject = values.startsWith('Assignee') ? 'PermissionSetAssignment' : 'SetupEntityAccess';
      const c = await sf(['data', 'create', 'record', '--sobject', sobject, '--values', values, '--target-org', 'at']);
      assert.equal(c.code, 0, JSON.stringify(c.json));
    }
    const jwt = await sf([
      'org',
      'login',
      'jwt',
      '--client-id',
      ids.consumerKey,
      '--jwt-key-file',
      keyFile(),
      '--username',
      'cli.user@example.test',
      '--instance-url',
      t.org.url,
      '--alias',
      'jwt',
    ]);
    assert.equal(jwt.code, 0, JSON.stringify(jwt.json).slice(0, 2000));
    assert.equal(jwt.json.result.username, 'cli.user@example.test');
    assert.equal(t.org.org.all('LoginHistory').at(-1)!.Status, 'Success');
  });
});

describe('our Salesforce CLI adapter against the real sf CLI', function () {
  this.timeout(180000);
  const t = useOrg({ scenario: 'fresh' });
  // A HOME of its own: the CLI keys auth files by username, and the suite above logged in the same admin to another org.
  const env = { HOME: tempDir('sf-home2-'), PATH: `${dirname(SF)}:${process.env.PATH}` };
  const withEnv = async <T>(fn: () => Promise<T>): Promise<T> => {
    const saved = { HOME: process.env.HOME, PATH: process.env.PATH };
    Object.assign(process.env, env);
    try {
      return await fn();
    } finally {
      Object.assign(process.env, saved);
    }
  };

  it('lists CLI orgs, reads the default org from .sf/config.json, and connects through `sf org display`', async () => {
    const login = await sf(
      ['org', 'login', 'access-token', '--instance-url', t.org.url, '--no-prompt', '--alias', 'adapter'],
      { SF_ACCESS_TOKEN: t.org.adminToken, HOME: env.HOME },
    );
    assert.equal(login.code, 0, JSON.stringify(login.json));
    const orgs = await withEnv(() => listOrgs(SF));
    assert.ok(
      orgs.some(o => o.alias === 'adapter' && o.username === 'admin@acme.example'),
      JSON.stringify(orgs),
    );
    const ws = tempDir('sf-ws-');
    writeFileSync(
      join(ws, 'sfdx-project.json'),
      JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }] }),
    );
    const set = await sf(['config', 'set', 'target-org', 'adapter'], { HOME: env.HOME }, ws);
    assert.equal(set.code, 0, JSON.stringify(set.json));
    assert.equal(await defaultTargetOrg(ws), 'adapter');
    const creds = await withEnv(() => sfCredentials('adapter', SF));
    assert.equal(creds.instanceUrl.replace(/\/$/, ''), t.org.url);
    const client = await connect(creds);
    const { report } = await check({ client, manifest: guideManifest(), certificate: undefined, clock: systemClock });
    assert.equal(report.org.username, 'admin@acme.example');
    await assert.rejects(
      withEnv(() => sfCredentials('no-such-alias', SF)),
      (e: any) => e.code === 'AUTH' && !/00D\w{12}!/.test(e.message),
    );
  });

  it('balkanid-sf uses --target-org through the CLI', async () => {
    const ws = tempDir('sf-ws-');
    writeFileSync(
      join(ws, 'balkanid-setup.json'),
      JSON.stringify({ user: { username: 'balkanid@example.test', email: 'balkanid@example.test' } }),
    );
    writeFileSync(join(ws, 'salesforce.crt'), testCert().certPem);
    const cli = join(__dirname, '..', '..', '..', 'dist', 'cli.js');
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>(resolve =>
      execFile(
        process.execPath,
        [cli, 'check', '--target-org', 'adapter', '--json'],
        { cwd: ws, env: { ...process.env, ...env }, timeout: 90000 },
        (err, stdout, stderr) => resolve({ code: (err as any)?.code ?? 0, stdout, stderr }),
      ),
    );
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.org.username, 'admin@acme.example');
    assert.equal(out.steps.find((s: any) => s.id === 'profile').state, 'todo');
    assert.ok(!r.stdout.includes(t.org.adminToken) && !r.stderr.includes(t.org.adminToken));
  });
});

function keyFile(): string {
  const f = join(home, 'jwt-key.pem');
  writeFileSync(f, testCert().keyPem);
  return f;
}
