// Contract tests of the Metadata API (SOAP through jsforce, REST deployRequest through raw HTTP).
import assert from 'node:assert/strict';
import JSZip from 'jszip';
import { jsforce, raw, testCert, useOrg } from './helpers';
import { ecaFiles, ecaNames } from '../../../src/core/eca';
import { defaultManifest } from '../../../src/core/manifest';

async function zipOf(files: Record<string, string>): Promise<Buffer> {
  const z = new JSZip();
  for (const [k, v] of Object.entries(files)) z.file(k, v);
  return z.generateAsync({ type: 'nodebuffer' });
}
const manifest = defaultManifest('balkanid@example.test', 'balkanid@example.test');
const certBody = () =>
  testCert()
    .certPem.replace(/-----[A-Z ]+-----/g, '')
    .trim();

describe('test org: Metadata API', () => {
  const t = useOrg({ scenario: 'fresh' });
  before(async () => {
    await jsforce(t.org).sobject('PermissionSet').create({ Name: 'BalkanID_Extractor', Label: 'BalkanID Extractor' });
  });

  it("fails ECA types at jsforce's default API 50.0, as a real org does", async () => {
    const old = jsforce(t.org, '50.0');
    await assert.rejects(
      async () => old.metadata.read('ExternalClientApplication' as any, ['X']),
      (e: any) => e.errorCode === 'sf:INVALID_TYPE',
    );
    const res: any = await old.metadata
      .deploy(await zipOf(ecaFiles(manifest, ecaNames('Old_App'), certBody(), '50.0')), { singlePackage: true })
      .complete(true);
    assert.equal(res.status, 'Failed');
    assert.match(JSON.stringify(res.details.componentFailures), /Unknown type name 'ExternalClientApplication'/);
  });

  it('deploys an app over SOAP asynchronously, with per-component results, a generated stable consumer key and no secret', async () => {
    const conn = jsforce(t.org);
    const deploy = conn.metadata.deploy(
      await zipOf(ecaFiles(manifest, ecaNames('BalkanID_Extractor'), certBody(), '64.0')),
      { singlePackage: true, rollbackOnError: true },
    );
    const first: any = await deploy;
    assert.equal(first.state, 'Queued');
    assert.match(first.id, /^0Af/);
    const res: any = await deploy.complete(true);
    assert.equal(res.status, 'Succeeded');
    const successes = [].concat(res.details.componentSuccesses);
    assert.deepEqual(successes.map((s: any) => s.componentType).sort(), [
      '',
      'ExternalClientApplication',
      'ExtlClntAppConfigurablePolicies',
      'ExtlClntAppGlobalOauthSettings',
      'ExtlClntAppOauthConfigurablePolicies',
      'ExtlClntAppOauthSettings',
    ]);
    assert.equal((successes.find((s: any) => s.componentType === '') as any).fullName, 'package.xml');
    const [g]: any = await conn.metadata.read('ExtlClntAppGlobalOauthSettings' as any, [
      'BalkanID_Extractor_glbloauth',
    ]);
    assert.match(g.consumerKey, /^3MVG9\w{40,}$/);
    assert.equal(g.consumerSecret, undefined);
    assert.equal(g.isPkceRequired, 'false');
    const eca = await conn.query<any>(
      "SELECT Id, DistributionState FROM ExternalClientApplication WHERE DeveloperName = 'BalkanID_Extractor'",
    );
    assert.equal(eca.records[0].DistributionState, 'Local');
    const pol = await conn.query<any>(
      "SELECT PermittedUsersPolicyType, IpRelaxationPolicyType FROM ExtlClntAppOauthPlcyCnfg WHERE ExternalClientApplication.DeveloperName = 'BalkanID_Extractor'",
    );
    assert.deepEqual(
      pol.records.map(r => [r.PermittedUsersPolicyType, r.IpRelaxationPolicyType]),
      [['AdminApprovedPreAuthorized', 'Bypass']],
    );
    // Redeploying keeps the key; leaving the certificate out clears it (the declarative hazard).
    const files = ecaFiles(manifest, ecaNames('BalkanID_Extractor'), certBody(), '64.0', ['global']);
    files['extlClntAppGlobalOauthSets/BalkanID_Extractor_glbloauth.ecaGlblOauth'] = files[
      'extlClntAppGlobalOauthSets/BalkanID_Extractor_glbloauth.ecaGlblOauth'
    ].replace(/<certificate>[\s\S]*?<\/certificate>\n/, '');
    assert.equal(
      ((await conn.metadata.deploy(await zipOf(files), { singlePackage: true }).complete(true)) as any).status,
      'Succeeded',
    );
    const [g2]: any = await conn.metadata.read('ExtlClntAppGlobalOauthSettings' as any, [
      'BalkanID_Extractor_glbloauth',
    ]);
    assert.equal(g2.consumerKey, g.consumerKey);
    assert.equal(g2.certificate, undefined);
  });

  it('fails a bad enum, a second policy record and an unknown permission set per component, and rolls back', async () => {
    const conn = jsforce(t.org);
    const files = ecaFiles(
      manifest,
      ecaNames('BalkanID_Extractor', { policy: 'Other_oauthPlcy' }),
      certBody(),
      '64.0',
      ['app', 'policy'],
    );
    const key = Object.keys(files).find(k => k.endsWith('.eca'))!;
    files[key] = files[key].replace(
      '<distributionState>Local</distributionState>',
      '<distributionState>LocalAndExternal</distributionState>',
    );
    const res: any = await conn.metadata
      .deploy(await zipOf(files), { singlePackage: true, rollbackOnError: true })
      .complete(true);
    assert.equal(res.status, 'Failed');
    const problems = [].concat(res.details.componentFailures).map((f: any) => `${f.componentType}: ${f.problem}`);
    assert.ok(
      problems.some(
        p =>
          p ===
          "ExternalClientApplication: 'LocalAndExternal' is not a valid value for the enum 'ExtlClntAppDistState'",
      ),
      problems.join('\n'),
    );
    assert.ok(
      problems.some(
        p =>
          p ===
          'ExtlClntAppOauthConfigurablePolicies: ExtlClntAppOauthSettingsId duplicates value on BalkanID_Extractor_oauthPlcy',
      ),
      problems.join('\n'),
    );
    const names = await conn.metadata.list([{ type: 'ExtlClntAppOauthConfigurablePolicies' }]);
    assert.deepEqual(
      [].concat(names as any).map((n: any) => n.fullName),
      ['BalkanID_Extractor_oauthPlcy'],
    );
  });

  it('validates without committing when checkOnly, and retrieves a real zip with the consumer key but never the secret', async () => {
    const conn = jsforce(t.org);
    const check: any = await conn.metadata
      .deploy(await zipOf(ecaFiles(manifest, ecaNames('Check_Only'), certBody(), '64.0')), {
        singlePackage: true,
        checkOnly: true,
      })
      .complete(true);
    assert.equal(check.status, 'Succeeded');
    assert.equal(
      (await conn.query("SELECT Id FROM ExternalClientApplication WHERE DeveloperName = 'Check_Only'")).totalSize,
      0,
    );
    const r: any = await conn.metadata
      .retrieve({
        apiVersion: '64.0',
        singlePackage: true,
        unpackaged: {
          types: [
            { name: 'ExtlClntAppGlobalOauthSettings', members: ['BalkanID_Extractor_glbloauth', 'Missing_glbloauth'] },
          ],
          version: '64.0',
        },
      } as any)
      .complete();
    const zip = await JSZip.loadAsync(Buffer.from(r.zipFile, 'base64'));
    const xml = await zip.file('extlClntAppGlobalOauthSets/BalkanID_Extractor_glbloauth.ecaGlblOauth')!.async('string');
    assert.match(xml, /<consumerKey>3MVG9/);
    assert.doesNotMatch(xml, /<consumerSecret>/);
    assert.match(JSON.stringify(r.messages), /named 'Missing_glbloauth' cannot be found/);
  });

  it('accepts the REST deployRequest (multipart) and reports the deploy through GET deployRequest/{id}', async () => {
    const zip = await zipOf(ecaFiles(manifest, ecaNames('Rest_App'), certBody(), '64.0', ['app']));
    const boundary = 'xyz123';
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="json"\r\nContent-Type: application/json\r\n\r\n{"deployOptions":{"singlePackage":true}}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="d.zip"\r\nContent-Type: application/zip\r\n\r\n`,
      ),
      zip,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const start = await fetch(`${t.org.url}/services/data/v64.0/metadata/deployRequest`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${t.org.adminToken}`,
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
      },
      body,
    });
    assert.equal(start.status, 201);
    const { id } = (await start.json()) as any;
    let st: any;
    // Polled until done (a condition with a generous deadline, whatever the machine's load).
    for (const end = Date.now() + 30_000; Date.now() < end;) {
      st = (await raw(t.org, 'GET', `/services/data/v64.0/metadata/deployRequest/${id}?includeDetails=true`)).body;
      if (st.deployResult.done) break;
      await new Promise(r => setTimeout(r, 50));
    }
    assert.equal(st.deployResult.status, 'Succeeded');
    assert.equal(
      st.deployResult.details.componentSuccesses.find((c: any) => c.componentType === 'ExternalClientApplication')
        .fullName,
      'Rest_App',
    );
  });

  it('upserts per item (errors are not faults) and describes the types it knows', async () => {
    const conn = jsforce(t.org);
    const res: any = await conn.metadata.upsert(
      'ExternalClientApplication' as any,
      [
        { fullName: 'Upserted_App', label: 'U', distributionState: 'Local' },
        { fullName: 'Bad_App', label: 'B', distributionState: 'Nope' },
      ] as any,
    );
    assert.deepEqual(
      res.map((r: any) => [r.fullName, String(r.success), String(r.created)]),
      [
        ['Upserted_App', 'true', 'true'],
        ['Bad_App', 'false', 'false'],
      ],
    );
    const d: any = await conn.metadata.describe('64.0');
    assert.ok(
      d.metadataObjects.some(
        (o: any) => o.xmlName === 'ExtlClntAppGlobalOauthSettings' && o.directoryName === 'extlClntAppGlobalOauthSets',
      ),
    );
  });
});
