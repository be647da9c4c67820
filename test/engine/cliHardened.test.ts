// The CLI on an org that gives the consumer key to this tool by no route (both settings Off, as Salesforce
// advises): check names each route and why; handoff prints the app's page in Setup where the key is shown;
// --consumer-key (the admin's copy) completes the step, and verify --key logs in with it. Never a secret requested.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli, useOrg, workspace } from '../support/helpers';
import { keyInSetup } from '../support/flow';

describe('balkanid-sf on a hardened org: the consumer key copied from Setup', function () {
  this.timeout(60000);
  const t = useOrg({ scenario: 'fresh', deployMs: 20, consumerSecretsViaMetadata: false });
  const conn = () => ['--instance-url', t.org.url, '--access-token', t.org.adminToken];

  it('check exits 1 naming both routes; handoff prints the page; --consumer-key completes the step; verify --key logs in with it and still waits for BalkanID', async () => {
    const ws = workspace();
    const manifest = ['--manifest', join(ws, 'balkanid-setup.json')];
    const applied = await runCli(['apply', '--yes', ...manifest, ...conn()]);
    assert.equal(applied.code, 1, 'one step needs the admin: the consumer key');
    assert.match(applied.stdout, /✖ Consumer key +error/);
    assert.match(applied.stdout, /the Metadata API did not give it \(NO_KEY/);
    assert.match(applied.stdout, /the Connect REST API refused it \(FUNCTIONALITY_NOT_ENABLED/);
    const h = await runCli(['handoff', ...manifest, ...conn()]);
    assert.equal(h.code, 1);
    assert.match(
      h.stdout,
      /Consumer Key +: not readable here — open http:\/\/127\.0\.0\.1:\d+\/lightning\/setup\/ManageExternalClientApplication\/0xI\w{15}\/detail, Settings → OAuth Settings → Consumer Key and Secret/,
    );
    const bad = await runCli(['check', '--consumer-key', 'not a key', ...manifest, ...conn()]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--consumer-key does not look like a consumer key/);
    const key = keyInSetup(t.org);
    const checked = await runCli(['check', '--json', '--consumer-key', key, ...manifest, ...conn()]);
    assert.equal(checked.code, 0, checked.stdout);
    const report = JSON.parse(checked.stdout);
    assert.equal(report.steps.find((s: any) => s.id === 'consumerKey').state, 'done');
    assert.equal(report.handoff.consumerKeySource, 'typed');
    const v = await runCli(['verify', '--key', join(ws, 'key.pem'), '--consumer-key', key, ...manifest, ...conn()]);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /Self-test passed: JWT login as the integration user succeeded/);
    assert.match(v.stdout, /Remembered as this tool's own login: never counted as BalkanID's/);
    assert.match(v.stdout, /◌ Verified by a login through the app +waiting for the first login/);
    const noKey = await runCli(['verify', '--key', join(ws, 'key.pem'), ...manifest, ...conn()]);
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /pass it with --consumer-key/);
    assert.deepEqual(t.org.secretRequests(), []);
  });
});
