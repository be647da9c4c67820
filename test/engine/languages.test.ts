// The engine on an org in another language (issue 19 §2), and on the issue-19 switches today's engine already meets:
// the full flow — apply, apply again with no writes, a real JWT login, Verify done — and teardown.
import assert from 'node:assert/strict';
import { apply, check, teardown } from '../../src/core/engine';
import { readPrivateKey } from '../../src/core/certificate';
import { jwtSelfTest } from '../../src/node/verify';
import { OrgOptions } from '../../packages/sf-test-org/src/state';
import { adminClient, assertNoDuplicates, engineInput, guideManifest, testCert, useOrg } from '../support/helpers';

const SETTINGS: Array<[string, OrgOptions]> = [
  ['an org in German', { language: 'de' }],
  ['an org in Japanese', { language: 'ja' }],
  ['an org in Spanish', { language: 'es' }],
  ['English refusals with typographic apostrophes', { curlyApostrophes: true }],
  [
    "a hardened org that withholds only the secret (the Help page's reading)",
    { consumerSecretsViaMetadata: false, hardenedMetadataWithholds: 'secret' },
  ],
  ['consumer secrets readable through the REST API', { consumerSecretsViaRest: true }],
];

describe('engine: the full flow in other languages and under the issue-19 switches it already meets', function () {
  this.timeout(120000);
  const t = useOrg({ scenario: 'fresh', deployMs: 20 });
  for (const [name, options] of SETTINGS) {
    it(`${name}: apply reaches every step, a second apply writes nothing, the JWT login works, Verify is done, teardown removes what it made`, async () => {
      t.org.reset('fresh', options);
      const manifest = guideManifest();
      const input = { ...engineInput(await adminClient(t.org)), manifest };
      const first = await apply(input);
      assert.deepEqual(
        first.report.steps.filter(s => s.state !== 'done').map(s => [s.id, s.state]),
        [['verify', 'waiting']],
      );
      const writes = t.org.org.writes;
      const again = await apply({ ...input, client: await adminClient(t.org) });
      assert.deepEqual(again.writes, []);
      assert.equal(t.org.org.writes, writes);
      const { report } = await check(input);
      const login = await jwtSelfTest({
        instanceUrl: t.org.url,
        consumerKey: report.handoff!.consumerKey!,
        username: manifest.user.username,
        key: readPrivateKey(testCert().keyPem),
        audience: report.handoff!.loginUrl,
        attempts: 1,
      });
      assert.equal(login.ok, true, JSON.stringify(login.failure));
      const after = (await check({ ...input, client: await adminClient(t.org) })).report;
      assert.equal(after.steps.find(s => s.id === 'verify')!.state, 'done');
      assertNoDuplicates(t.org);
      assert.deepEqual(t.org.secretRequests(), [], 'the consumer secret was never asked for');
      await teardown({ ...input, client: await adminClient(t.org) });
      assert.equal(
        t.org.org.find('PermissionSet', p => p.Name === 'BalkanID_Extractor'),
        undefined,
      );
      assert.equal(
        t.org.org.find('ExternalClientApplication', a => a.DeveloperName === 'BalkanID_Extractor'),
        undefined,
      );
    });
  }
});
