// Honest about who logged in (issue 19 §3): the logins this tool makes as the integration user — the self-test, and
// reading as it — are remembered and never counted as BalkanID's, whatever their outcome; only a login this tool did
// not make (here from another client, as the test org's X-TestOrg-Client-Ip header makes it) says "connected".
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apply, check } from '../../src/core/engine';
import { readPrivateKey } from '../../src/core/certificate';
import { OwnLogin, rememberLogins } from '../../src/core/ownLogins';
import { rememberedJwtLogin } from '../../src/node/verify';
import { loadOwnLogins, ownLoginsPath, saveOwnLogins } from '../../src/node/ownLoginsFile';
import { selfSignedCert } from '../../packages/sf-test-org/src/x509';
import { adminClient, engineInput, loginFromElsewhere, testCert, useOrg } from '../support/helpers';
import { tempDir } from '../support/temp';

describe("engine: the tool's own logins are never BalkanID's", function () {
  this.timeout(60000);
  const t = useOrg({ scenario: 'fresh', deployMs: 20 });

  it("a failed self-test (another key) is remembered: Verify says the self-test failed and keeps waiting — not BalkanID's failing login; a reader's login is remembered too; BalkanID's own then completes Verify", async () => {
    t.org.reset('fresh');
    const input = engineInput(await adminClient(t.org));
    const { report } = await apply(input);
    const h = report.handoff!;
    let own: OwnLogin[] = [];
    const remember = async (fresh: OwnLogin[]) => {
      own = rememberLogins(own, fresh);
    };
    const options = {
      instanceUrl: t.org.url,
      consumerKey: h.consumerKey!,
      username: h.username,
      audience: h.loginUrl,
      attempts: 1,
    };
    const failed = await rememberedJwtLogin(
      input.client,
      { ...options, key: readPrivateKey(selfSignedCert().keyPem) },
      remember,
      'self-test',
    );
    assert.equal(failed.ok, false);
    assert.deepEqual(
      own.map(o => [o.ok, o.by]),
      [[false, 'self-test']],
    );
    const afterFailure = (await check({ ...input, ownLogins: own })).report;
    assert.equal(afterFailure.login?.status, 'waiting', 'not "failing": BalkanID did not fail');
    const verify = afterFailure.steps.find(s => s.id === 'verify')!;
    assert.equal(verify.state, 'waiting');
    assert.deepEqual(
      verify.findings.map(f => f.code),
      ['self-test-failed', 'awaiting-login'],
    );
    // Reading as the integration user (preview, export) is this tool's login too.
    const reader = await rememberedJwtLogin(
      input.client,
      { ...options, key: readPrivateKey(testCert().keyPem), session: true },
      remember,
      'reader',
    );
    assert.equal(reader.ok, true);
    assert.deepEqual(
      own.map(o => [o.ok, o.by]),
      [
        [true, 'reader'],
        [false, 'self-test'],
      ],
    );
    const afterReader = (await check({ ...input, ownLogins: own })).report;
    assert.equal(afterReader.login?.status, 'waiting');
    assert.equal(afterReader.login?.selfTest?.ok, false, 'the self-test line is the self-test, not the reader');
    assert.equal(await loginFromElsewhere(t.org, h.consumerKey!), 200);
    const connected = (await check({ ...input, ownLogins: own })).report;
    assert.equal(connected.login?.status, 'connected');
    assert.equal(connected.steps.find(s => s.id === 'verify')!.state, 'done');
  });

  it('without access to the login history nothing can be remembered, and the result says so', async () => {
    t.org.reset('done');
    const delegate = t.org.tokenFor('jane@acme.example');
    const { connect } = await import('../../src/node/salesforce');
    const jane = await connect({ instanceUrl: t.org.url, accessToken: delegate });
    const key = String(
      t.org.meta.getComponent('ExtlClntAppGlobalOauthSettings', 'BalkanID_Extractor_glbloauth')!.consumerKey,
    );
    let remembered = 0;
    const r = await rememberedJwtLogin(
      jane,
      {
        instanceUrl: t.org.url,
        consumerKey: key,
        username: 'balkanid@example.test',
        key: readPrivateKey(t.org.demo!.keyPem),
        audience: 'https://login.salesforce.com',
        attempts: 1,
      },
      async fresh => {
        remembered += fresh.length;
      },
      'self-test',
    );
    assert.equal(r.ok, true);
    assert.equal(r.remembered, undefined);
    assert.equal(remembered, 0);
  });
});

describe("the CLI's memory of its own logins, beside the manifest (ownLoginsFile.ts)", () => {
  it('sits next to the manifest, adds logins per org and user, and reads nothing from a file that is not its own', async () => {
    const dir = tempDir('balkanid-own-');
    const path = ownLoginsPath(join(dir, 'balkanid-setup.json'));
    assert.equal(path, join(dir, 'balkanid-setup.logins.json'));
    const login = (id: string): OwnLogin => ({
      id,
      at: `2026-11-30T10:00:0${id.slice(-1)}Z`,
      ok: true,
      sourceIp: '127.0.0.1',
      by: 'self-test',
    });
    await saveOwnLogins(path, '00D000000000001AAA', 'a@acme.com', [login('0Ya000000000001')]);
    await saveOwnLogins(path, '00D000000000001AAA', 'a@acme.com', [login('0Ya000000000002')]);
    await saveOwnLogins(path, '00D000000000002AAA', 'a@acme.com', [login('0Ya000000000003')]);
    assert.deepEqual(
      (await loadOwnLogins(path, '00D000000000001', 'A@acme.com')).map(o => o.id),
      ['0Ya000000000002', '0Ya000000000001'],
      'both, the newest first',
    );
    assert.doesNotMatch(readFileSync(path, 'utf8'), /token|key|secret/i);
    writeFileSync(path, 'not json');
    assert.deepEqual(await loadOwnLogins(path, '00D000000000001AAA', 'a@acme.com'), []);
    assert.deepEqual(await loadOwnLogins(join(dir, 'missing.json'), '00D000000000001AAA', 'a@acme.com'), []);
  });
});
