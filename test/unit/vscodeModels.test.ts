// The extension's pure parts, in plain Node: view models, the webview's HTML and CSP, the message
// protocol guards, diagnostics anchoring, and the command table against package.json.
import { progressText, rememberProgress } from '../../src/vscode/orgProgress';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  badge,
  findingView,
  loginTime,
  selfTestDescription,
  statusView,
  stepView,
  valueRows,
} from '../../src/vscode/viewModel';
import { contextOf } from '../../src/vscode/contextKeys';
import { loginStatus } from '../../src/core/steps/verify';
import { credentialsHtml, nonce } from '../../src/vscode/webview/html';
import { parseWebviewMessage } from '../../src/vscode/webview/protocol';
import { anchor, diagnosticsFor, quickFixFor } from '../../src/vscode/diagnosticsModel';
import { CATEGORY, COMMANDS } from '../../src/vscode/commandTable';
import { redact } from '../../src/core/redact';
import { parseTree } from 'jsonc-parser';
import { Report, STEP_IDS } from '../../src/core/types';
import { STEP_TITLES } from '../../src/core/steps';

const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
const report = (states: string[], findings: Record<number, any[]> = {}): Report => ({
  org: {
    instanceUrl: 'https://acme.my.salesforce.com',
    username: 'admin@acme.com',
    orgId: '00D',
    isSandbox: false,
    apiVersion: '64.0',
  },
  steps: STEP_IDS.map((id, i) => ({
    id,
    title: STEP_TITLES[id],
    state: states[i] as any,
    findings: findings[i] ?? [],
    plan: [],
  })),
});

describe('view models', () => {
  it('maps step states to icons, colours and a state in a word or two; the reasons are in the tooltip and the finding rows', () => {
    const s = {
      id: 'profile' as const,
      title: STEP_TITLES.profile,
      plan: [],
      findings: [
        {
          code: 'admin-permission-missing' as const,
          severity: 'error' as const,
          message: 'You lack X',
          permission: 'ManageProfilesPermissionsets',
        },
      ],
    };
    assert.deepEqual(
      [stepView(s, 'done').icon, stepView(s, 'done').color, stepView(s, 'done').contextValue],
      ['pass-filled', 'testing.iconPassed', 'step.done'],
    );
    // Short enough for a normal-width sidebar beside the step's label; the permission is in the finding's row.
    assert.equal(stepView(s, 'blocked').description, 'blocked');
    assert.equal(stepView(s, 'running').icon, 'sync~spin');
    const planned = { ...s, plan: [{ step: 'profile' as const, action: 'create' as const, target: 'P', detail: 'd' }] };
    assert.equal(stepView(planned, 'todo').contextValue, 'step.open');
    assert.equal(stepView(s, 'blocked').contextValue, 'step.done', 'nothing to run: no Run Step');
    assert.equal(
      stepView(planned, 'todo', undefined, { values: true, request: true }).contextValue,
      'step.open+values+request',
    );
    assert.equal(stepView(s, 'todo').label, 'Profile');
    assert.match(
      stepView(s, 'todo').tooltip,
      /^Profile cloned from the standard Platform profile — to do\n• You lack X/,
    );
    const row = findingView(s.findings[0]);
    assert.deepEqual(
      [row.label, row.description, row.icon, findingView({ code: 'pending', severity: 'info', message: 'm' }).icon],
      ['You lack a permission', 'You lack X', 'error', 'info'],
    );
  });

  it('the values for BalkanID, under the consumer key, each on its own row: only once they work', () => {
    const ready = {
      ...report(Array(8).fill('done')),
      handoff: {
        username: 'balkanid@acme.com',
        consumerKey: '3MVG9abc',
        loginUrl: 'https://login.salesforce.com',
        isSandbox: false,
        instanceUrl: 'https://acme.my.salesforce.com',
        scimUrl: 'https://acme.my.salesforce.com/services/scim/v2/',
      },
    };
    assert.deepEqual(
      valueRows(ready).map(v => `${v.label}: ${v.value}`),
      ['Salesforce User Name: balkanid@acme.com', 'Consumer Key: 3MVG9abc', 'Login URL: https://login.salesforce.com'],
    );
    assert.deepEqual(valueRows({ ...ready, handoff: { ...ready.handoff, consumerKey: undefined } }), []);
    assert.equal(
      valueRows({ ...ready, handoff: { ...ready.handoff, consumerKey: undefined } }, '3MVG9typed')[1]!.value,
      '3MVG9typed',
    );
    // No username to copy for a user that was never created.
    assert.deepEqual(
      valueRows({ ...ready, handoff: { ...ready.handoff, notReady: 'The integration user … does not exist' } }),
      [],
    );
  });
  it('status bar: org with progress, warning when expired, error when unreachable', () => {
    assert.equal(
      statusView({
        kind: 'connected',
        label: 'acme',
        instanceUrl: 'https://acme',
        report: report(['done', 'done', 'todo', 'todo', 'todo', 'todo', 'todo', 'todo']),
      }).text,
      '$(plug) BalkanID: acme 2/8',
    );
    const setUp = (login: Report['login']) => ({
      kind: 'connected' as const,
      label: 'acme',
      instanceUrl: 'https://acme',
      report: {
        ...report([
          ...Array(7).fill('done'),
          { connected: 'done', failing: 'error' }[login!.status as string] ?? 'waiting',
        ]),
        login,
      },
    });
    // A finished setup waiting for BalkanID reads as finished (no "7/8"), with the next actions in the tooltip.
    const waiting = statusView(setUp({ status: 'waiting', complete: true }), { values: true });
    assert.equal(waiting.text, '$(watch) BalkanID: acme · set up, waiting for BalkanID');
    assert.deepEqual(
      waiting.actions.map(a => a.command),
      ['balkanid.copyValues', 'balkanid.openCredentials'],
    );
    assert.deepEqual(
      statusView(setUp({ status: 'waiting', complete: true }), { request: true }).actions.map(a => a.command),
      ['balkanid.openCredentials', 'balkanid.copyAdminRequest'],
    );
    const first = '2026-11-30T14:02:00Z';
    const connected = statusView(setUp({ status: 'connected', complete: true, firstSuccess: first }));
    assert.equal(connected.text, '$(pass-filled) BalkanID: acme · connected');
    assert.ok(connected.tooltip.includes(`BalkanID connected · first login ${loginTime(first)}`), connected.tooltip);
    const failing = statusView(
      setUp({
        status: 'failing',
        complete: true,
        latest: { LoginTime: first, Status: 'Failed: invalid assertion', Application: 'BalkanID', LoginType: 'x' },
      }),
    );
    assert.deepEqual([failing.text, failing.tone], ['$(warning) BalkanID: acme · login failed', 'warning']);
    assert.equal(statusView({ kind: 'expired', label: 'acme' }).tone, 'warning');
    assert.equal(statusView({ kind: 'unreachable', label: 'acme', detail: 'ECONNREFUSED' }).tone, 'error');
    assert.match(statusView({ kind: 'connecting', label: 'acme' }).text, /sync~spin/);
    assert.deepEqual(badge(report(['done', 'done', 'todo', 'todo', 'done', 'done', 'done', 'done'])), {
      value: 2,
      tooltip: '2 step(s) left',
    });
    assert.equal(badge(report(Array(8).fill('done'))), undefined);
  });
});

describe('credentials webview', () => {
  it('has a strict CSP with a fresh nonce and no inline script', () => {
    const n = nonce();
    assert.notEqual(n, nonce());
    const html = credentialsHtml({
      cspSource: 'vscode-resource:',
      nonce: n,
      scriptUri: 'vscode-resource:/c.js',
      styleUri: 'vscode-resource:/c.css',
    });
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1];
    assert.match(csp, /^default-src 'none'; /);
    assert.ok(csp.includes(`script-src 'nonce-${n}'`));
    assert.ok(!/unsafe-inline|unsafe-eval/.test(csp));
    // What default-src does not cover: the page's base URL and where a form could submit.
    assert.ok(csp.includes("base-uri 'none'") && csp.includes("form-action 'none'"), csp);
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    assert.equal(scripts[0][2].trim(), '', 'no inline script body');
    assert.ok(scripts[0][1].includes(`nonce="${n}"`));
    assert.ok(!/ on[a-z]+=/.test(html), 'no inline event handlers');
    for (const id of ['consumerKey', 'certPem', 'keyPem'])
      assert.match(html, new RegExp(`<label for="${id}">`), `${id} is labelled`);
  });
  it('shows whole placeholders, and no text of the code that builds it', () => {
    const html = credentialsHtml({ cspSource: 'x', nonce: 'n', scriptUri: 's', styleUri: 't' });
    assert.match(html, /placeholder="Filled in once the consumer key step ran, or type it"/);
    assert.match(html, /placeholder="-----BEGIN PRIVATE KEY-----"/);
    assert.match(html, /placeholder="-----BEGIN CERTIFICATE-----"/);
    assert.ok(!/" \+\s*\n\s*"/.test(html), 'no string concatenation leaked into the page');
  });
  it('the host accepts only well-formed messages', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'openKeyPage', url: 'https://evil.example' }), {
      type: 'openKeyPage',
    });
    assert.deepEqual(parseWebviewMessage({ type: 'setConsumerKey', key: ' 3MVG9abc ' }), {
      type: 'setConsumerKey',
      key: '3MVG9abc',
    });
    for (const bad of [
      null,
      'ready',
      { type: 'nope' },
      { type: 'pasteCertificate' },
      { type: 'pasteCertificate', pem: 42 },
      { type: 'pasteCertificate', pem: '   ' },
      { type: 'pasteCertificate', pem: 'x'.repeat(1024 * 1024 + 1) },
      { type: 'setConsumerKey', key: 'k'.repeat(300) },
      { type: 'setPrivateKey', pem: {} },
    ])
      assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad)?.slice(0, 60));
  });
});

describe('diagnostics mapping', () => {
  const text =
    '{\n  "user": {\n    "username": "balkanid@acme.com",\n    "email": "it@acme.com"\n  },\n  "certificate": "salesforce.crt"\n}\n';
  it('anchors a finding to its value (an object by its key), or the closest existing parent', () => {
    const root = parseTree(text);
    assert.equal(
      text.substr(anchor(root, ['user', 'username']).offset, anchor(root, ['user', 'username']).length),
      '"balkanid@acme.com"',
    );
    assert.equal(text.substr(anchor(root, ['user']).offset, anchor(root, ['user']).length), '"user"');
    assert.deepEqual(anchor(root, ['app', 'name']), { offset: 0, length: 1 }, 'no app section: the opening brace');
    assert.equal(text.substr(anchor(root, ['certificate']).offset, 16), '"salesforce.crt"');
  });
  it('turns error and warning findings into problems with their code and step, and skips info', () => {
    const r = report(['done', 'blocked', 'todo', 'drifted', 'todo', 'todo', 'todo', 'todo'], {
      1: [
        {
          code: 'admin-permission-missing',
          severity: 'error',
          message: 'You lack Manage Profiles.',
          fix: 'Ask an admin.',
          subject: 'admin',
        },
      ],
      3: [
        {
          code: 'permset-permission-drift',
          severity: 'warning',
          message: 'Lacks View All Data.',
          manifestPath: ['permissionSet', 'name'],
          subject: 'integration-user',
        },
      ],
      7: [{ code: 'pending', severity: 'info', message: 'Waiting.' }],
    });
    const d = diagnosticsFor(r, text);
    assert.deepEqual(
      d.map(x => [x.code, x.step, x.severity]),
      [
        ['admin-permission-missing', 'profile', 'error'],
        ['permset-permission-drift', 'permissionSet', 'warning'],
      ],
    );
    assert.equal(d[0].message, 'You lack Manage Profiles. Ask an admin.');
  });
  it('lists a permission several steps need once, on the manifest as a whole (its opening brace), not on "user"', () => {
    const lack = {
      code: 'admin-permission-missing',
      severity: 'error',
      message: 'You lack "Manage Users".',
      subject: 'admin',
    };
    const d = diagnosticsFor(
      report(['done', 'blocked', 'blocked', 'blocked', 'todo', 'todo', 'todo', 'todo'], {
        1: [lack],
        2: [lack],
        3: [lack],
      }),
      text,
    );
    assert.deepEqual(
      d.map(x => [x.code, x.step, x.offset, x.length]),
      [['admin-permission-missing', 'profile', 0, 1]],
    );
    assert.equal(text[d[0]!.offset], '{');
  });
  it("a certificate problem's quick fix chooses the certificate; a drift's runs its step; a permission's opens the admin's user", () => {
    assert.deepEqual(quickFixFor('cert-missing', 'app'), { kind: 'chooseCertificate' });
    assert.deepEqual(quickFixFor('app-drift', 'app'), { kind: 'runStep', step: 'app' });
    assert.deepEqual(quickFixFor('admin-permission-missing', 'user'), { kind: 'openAdminUser' });
    assert.equal(quickFixFor('placeholder-value', 'preflight'), undefined, 'editing the manifest fixes it');
  });
});

describe('the command table and package.json agree', () => {
  it('every command is contributed with its title, icon and category, and nothing else is', () => {
    const contributed = pkg.contributes.commands as Array<{
      command: string;
      title: string;
      category: string;
      icon?: string;
    }>;
    assert.deepEqual(contributed.map(c => c.command).sort(), Object.keys(COMMANDS).sort());
    for (const c of contributed) {
      assert.equal(c.title, COMMANDS[c.command].title, c.command);
      assert.equal(c.category, CATEGORY);
      assert.equal(c.icon, COMMANDS[c.command].icon, c.command);
    }
    const hidden = (pkg.contributes.menus.commandPalette as Array<{ command: string; when: string }>)
      .filter(m => m.when === 'false')
      .map(m => m.command);
    assert.deepEqual(
      hidden,
      Object.entries(COMMANDS)
        .filter(([, s]) => !s.palette)
        .map(([id]) => id),
    );
    const menuCommands = Object.values(pkg.contributes.menus)
      .flat()
      .map((m: any) => m.command);
    for (const m of menuCommands) assert.ok(COMMANDS[m], `menu names unknown command ${m}`);
  });
  it('activation is lazy: a view, the manifest, or a command — never "*"', () => {
    // onStartupFinished: after the window is up, so the status bar shows the remembered org without opening the view.
    assert.deepEqual(pkg.activationEvents, [
      'onView:balkanid.checklist',
      'workspaceContains:balkanid-setup.json',
      'onStartupFinished',
    ]);
  });
});

describe('redaction', () => {
  it('removes tokens, keys, assertions and secrets from log lines', () => {
    const line =
      'token 00D5g000004Xyz1!AQabcdefghijklmnopqrstuvwxyz0123 refresh=5Aep861abcdefghijkl Bearer abc.def assertion=eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIzTVZHOSJ9.sig -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY----- "consumerSecret":"ABC123"';
    const out = redact(line);
    for (const s of ['!AQabcdef', '5Aep861abc', 'Bearer abc', 'eyJhbGci', 'MIIE', 'ABC123'])
      assert.ok(!out.includes(s), `${s} survived: ${out}`);
  });
});

describe('the checklist and the walkthrough', () => {
  it("Verify's row says BalkanID connected with the first login's time, the login error, or that it waits", () => {
    const verify = { id: 'verify' as const, title: STEP_TITLES.verify, findings: [], plan: [] };
    const first = '2026-11-30T14:02:00Z';
    // The row says it in a few words; the tooltip has the time (and the finding row the error).
    const connected = stepView(verify, 'done', { status: 'connected', complete: true, firstSuccess: first });
    assert.equal(connected.description, 'BalkanID connected');
    assert.match(connected.tooltip, new RegExp(`— BalkanID connected · first login ${loginTime(first)}`));
    assert.match(
      stepView(verify, 'done', { status: 'connected', complete: false, firstSuccess: first }).tooltip,
      new RegExp(`BalkanID connected · earliest seen login ${loginTime(first)}`),
    );
    const latest = { LoginTime: first, Status: 'Failed: invalid assertion', Application: 'BalkanID', LoginType: 'x' };
    const failing = stepView(verify, 'error', { status: 'failing', complete: true, latest });
    assert.equal(failing.description, 'login failed');
    assert.match(failing.tooltip, /login failed: Failed: invalid assertion/);
    assert.equal(
      stepView(verify, 'waiting', { status: 'waiting', complete: true }).description,
      'waiting for BalkanID',
    );
    assert.equal(stepView(verify, 'waiting').icon, 'watch');
  });
  it('after a self-test and no other login the checklist, the status bar, the context keys and the walkthrough still wait for BalkanID and show "self-test passed" on its own line; a login by another client then says BalkanID connected', () => {
    const app = {
      Id: '0xI000000000001AAA',
      DeveloperName: 'BalkanID_Extractor',
      MasterLabel: 'BalkanID Extractor',
      ContactEmail: 'it@acme.com',
      DistributionState: 'Local',
      CreatedDate: '2026-11-30T10:00:00Z',
    };
    const mine = {
      Id: '0Ya000000000001AAA',
      LoginTime: '2026-11-30T14:02:00Z',
      Status: 'Success',
      Application: 'BalkanID_Extractor',
      LoginType: 'Remote Access 2.0',
      SourceIp: '198.51.100.20',
    };
    const own = [{ id: mine.Id, at: mine.LoginTime, ok: true, sourceIp: mine.SourceIp, by: 'self-test' as const }];
    const view = (logins: Array<typeof mine>) => {
      const login = loginStatus({ logins, failed: {}, app }, own);
      const r = { ...report(['done', 'done', 'done', 'done', 'done', 'done', 'done', 'waiting']), login };
      if (login.status === 'connected') r.steps[7]!.state = 'done';
      const verify = r.steps[7]!;
      const step = stepView(verify, verify.state, login);
      return {
        row: step.description,
        rowTooltip: step.tooltip,
        status: statusView({
          kind: 'connected',
          label: 'acme',
          instanceUrl: 'https://acme.my.salesforce.com',
          report: r,
        }),
        keys: contextOf({
          connected: true,
          hasManifest: true,
          certificateReadable: true,
          report: r,
          valuesCopied: true,
          values: true,
          request: false,
        }),
        selfTest: selfTestDescription(login),
      };
    };
    const waiting = view([mine]);
    assert.equal(waiting.row, 'waiting for BalkanID');
    assert.equal(waiting.status.text, '$(watch) BalkanID: acme · set up, waiting for BalkanID');
    assert.doesNotMatch(waiting.status.tooltip, /BalkanID connected/);
    assert.ok(waiting.status.tooltip.split('\n').includes(`Self-test passed · ${loginTime(mine.LoginTime)}`));
    assert.equal(waiting.selfTest, `self-test passed · ${loginTime(mine.LoginTime)}`);
    assert.equal(waiting.keys['balkanid.balkanidConnected'], false);
    const watch = pkg.contributes.walkthroughs[0].steps.find((x: any) => x.id === 'watch');
    assert.deepEqual(
      watch.completionEvents,
      ['onContext:balkanid.balkanidConnected'],
      'the walkthrough follows that key',
    );
    const theirs = { ...mine, Id: '0Ya000000000002AAA', LoginTime: '2026-11-30T14:30:00Z', SourceIp: '203.0.113.7' };
    const connected = view([theirs, mine]);
    assert.equal(connected.row, 'BalkanID connected');
    assert.match(connected.rowTooltip, new RegExp(`BalkanID connected · first login ${loginTime(theirs.LoginTime)}`));
    assert.equal(connected.status.text, '$(pass-filled) BalkanID: acme · connected');
    assert.ok(connected.status.tooltip.split('\n').includes(`Self-test passed · ${loginTime(mine.LoginTime)}`));
    assert.equal(connected.keys['balkanid.balkanidConnected'], true);
  });
  it('the walkthrough has six steps, each completed by a context the extension sets or a command, with its markdown', () => {
    const [w] = pkg.contributes.walkthroughs;
    assert.deepEqual(
      w.steps.map((s: any) => s.id),
      ['connect', 'user', 'certificate', 'run', 'copy', 'watch'],
    );
    const src = ['contextKeys.ts']
      .map(f => readFileSync(join(__dirname, '..', '..', '..', 'src', 'vscode', f), 'utf8'))
      .join('\n');
    for (const s of w.steps) {
      const [event] = s.completionEvents;
      const key = /^onContext:(.+)$/.exec(event)?.[1];
      assert.ok(key && src.includes(`'${key}'`), `${s.id}: ${event} is set by the extension`);
      assert.ok(readFileSync(join(__dirname, '..', '..', '..', s.media.markdown), 'utf8').length > 100, s.id);
      for (const [, cmd] of s.description.matchAll(/\(command:([\w.]+)\)/g))
        assert.ok(COMMANDS[cmd] || cmd === 'balkanid.checklist.focus', `${s.id}: ${cmd}`);
    }
    // The walkthrough's subtitle fits its three lines on the Welcome page whole (the old one ended "without clickin…").
    assert.ok(w.description.length <= 64, `${w.description.length} characters: ${w.description}`);
  });

  it('the first screen names the browser login, and Restricted Mode says the folder must be trusted (nothing else runs there)', () => {
    const welcome = pkg.contributes.viewsWelcome as Array<{ view: string; contents: string; when: string }>;
    const disconnected = welcome.find(
      w => w.view === 'balkanid.checklist' && w.when.startsWith('!balkanid.connected'),
    )!;
    assert.match(disconnected.contents, /log in with the browser \(no Salesforce CLI needed\)/);
    assert.match(disconnected.contents, /\[Connect and Set Up…\]\(command:balkanid\.runAll\)/);
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    const restricted = welcome.filter(w => w.when === '!isWorkspaceTrusted');
    assert.deepEqual(
      restricted.map(w => w.view),
      ['balkanid.checklist', 'balkanid.preview'],
    );
    for (const w of restricted) assert.match(w.contents, /Restricted Mode[\s\S]*\(command:workbench\.trust\.manage\)/);
    for (const w of welcome.filter(x => !restricted.includes(x)))
      assert.match(w.when, /&& isWorkspaceTrusted$/, `shown only in a trusted folder: ${w.contents.slice(0, 40)}`);
    for (const c of pkg.contributes.commands) assert.equal(c.enablement, 'isWorkspaceTrusted', c.command);
    // activate() starts nothing in Restricted Mode but the wait for trust.
    const ext = readFileSync(join(__dirname, '..', '..', '..', 'src', 'extension.ts'), 'utf8');
    assert.match(
      ext,
      /if \(!vscode\.workspace\.isTrusted\) \{\s*context\.subscriptions\.push\(vscode\.workspace\.onDidGrantWorkspaceTrust\(\(\) => start\(context\)\)\);\s*return undefined;/,
    );
  });
});

describe('the package', () => {
  it("the user-facing README's images exist and ship in the .vsix; the developers' README is not the package's", () => {
    const root = join(__dirname, '..', '..', '..');
    const readme = readFileSync(join(root, 'docs', 'marketplace', 'README.md'), 'utf8');
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map(m => m[1]!);
    assert.ok(images.length >= 3);
    const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8').split('\n');
    for (const image of images) {
      assert.ok(!/^https?:/.test(image), `${image} is packaged, not fetched`);
      assert.ok(readFileSync(join(root, image)).length > 1000, image);
      assert.ok(ignore.includes(`!${image}`), `${image} is allowlisted`);
    }
    assert.ok(!ignore.includes('!README.md'), 'vsce takes docs/marketplace/README.md (--readme-path)');
    assert.match(pkg.scripts.package, /--readme-path docs\/marketplace\/README\.md/);
  });
});

describe('each org as last checked (the org picker)', () => {
  const memento = () => {
    const data = new Map<string, unknown>();
    return {
      get: (k: string) => data.get(k),
      update: async (k: string, v: unknown) => void data.set(k, v),
      keys: () => [...data.keys()],
    } as any;
  };
  const report = (instanceUrl: string, states: string[]) =>
    ({
      org: { instanceUrl },
      steps: states.map((state, i) => ({ id: `s${i}`, state, findings: [], plan: [] })),
    }) as any;

  it('is found whichever way the address is written (the Salesforce CLI keeps a trailing slash)', async () => {
    const m = memento();
    await rememberProgress(
      m,
      report('https://Acme.my.salesforce.com', ['done', 'todo', 'error']),
      Date.UTC(2026, 10, 30, 10, 2),
    );
    assert.equal(
      progressText(m, 'https://acme.my.salesforce.com/'),
      'BalkanID: 1 of 3 steps done · checked 2026-11-30 10:02 UTC',
    );
    assert.equal(progressText(m, 'https://other.my.salesforce.com'), 'BalkanID setup not checked yet');
    await rememberProgress(
      m,
      report('https://acme.my.salesforce.com', ['done', 'waiting']),
      Date.UTC(2026, 10, 30, 11, 0),
    );
    assert.equal(
      progressText(m, 'https://acme.my.salesforce.com'),
      'BalkanID: set up, waiting for BalkanID · checked 2026-11-30 11:00 UTC',
    );
  });
});
