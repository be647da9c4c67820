// The smaller findings of the second audit (issue 19 §4), in the engine: adopting an app reads only that app's
// settings, never another app's (they hold their consumer secrets); readMetadata never takes more than 10 names;
// API_DISABLED_FOR_ORG keeps Salesforce's code and words.
import assert from 'node:assert/strict';
import JSZip from 'jszip';
import { check } from '../../src/core/engine';
import { OrgClient } from '../../src/core/client';
import { ecaFiles, ecaNames } from '../../src/core/eca';
import { defaultManifest } from '../../src/core/manifest';
import { connect } from '../../src/node/salesforce';
import { adminClient, engineInput, jsforce, testCert, useOrg } from '../support/helpers';

/** Every readMetadata and listMetadata call the engine makes, with its names. */
function metadataCalls(client: OrgClient): { client: OrgClient; calls: Array<{ type: string; names: string[] }> } {
  const calls: Array<{ type: string; names: string[] }> = [];
  const spy = new Proxy(client, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (prop === 'readMetadata')
        return (type: string, names: string[]) => {
          calls.push({ type, names });
          return target.readMetadata(type, names);
        };
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { client: spy, calls };
}

async function deployApp(org: Parameters<typeof jsforce>[0], app: string): Promise<void> {
  const zip = new JSZip();
  const body = testCert()
    .certPem.replace(/-----[A-Z ]+-----/g, '')
    .trim();
  const files = ecaFiles(defaultManifest('x@example.test', 'x@example.test'), ecaNames(app), body, '64.0', [
    'app',
    'global',
  ]);
  for (const [k, v] of Object.entries(files)) zip.file(k, v);
  const res: any = await jsforce(org)
    .metadata.deploy(await zip.generateAsync({ type: 'nodebuffer' }), { singlePackage: true })
    .complete(true);
  assert.equal(res.status, 'Succeeded', JSON.stringify(res.details));
}

describe("engine: adopting an app another tool made reads only that app's settings", function () {
  this.timeout(60000);
  const t = useOrg({ scenario: 'adopted' });

  it("finds its global OAuth settings under the other tool's name without reading another app's — not even one whose name starts with the app's", async () => {
    await deployApp(t.org, 'BalkanID_Extractor_Old');
    await deployApp(t.org, 'Zeta_App');
    const spy = metadataCalls(await adminClient(t.org));
    const { report } = await check(engineInput(spy.client as never));
    const global = spy.calls.filter(c => c.type === 'ExtlClntAppGlobalOauthSettings').flatMap(c => c.names);
    assert.deepEqual(global, ['BalkanID_Extractor_glbloauth', 'BalkanID_Extractor_GlobalSettings']);
    assert.ok(spy.calls.every(c => c.names.length <= 10));
    assert.equal(
      report.handoff!.consumerKey,
      t.org.meta.getComponent('ExtlClntAppGlobalOauthSettings', 'BalkanID_Extractor_GlobalSettings')!.consumerKey,
    );
  });

  it("settings under a name it cannot tell is the app's are not read: unchecked, never redeployed over", async () => {
    t.org.reset('adopted');
    // Another tool named the app's global OAuth settings without the app's name.
    const g = t.org.meta.getComponent('ExtlClntAppGlobalOauthSettings', 'BalkanID_Extractor_GlobalSettings')!;
    const store = t.org.meta.store('ExtlClntAppGlobalOauthSettings');
    store.delete('balkanid_extractor_globalsettings');
    store.set('oauthsettings1', { ...g, fullName: 'OAuthSettings1', label: 'OAuthSettings1' });
    const spy = metadataCalls(await adminClient(t.org));
    const { report } = await check(engineInput(spy.client as never));
    assert.deepEqual(
      spy.calls.filter(c => c.type === 'ExtlClntAppGlobalOauthSettings').flatMap(c => c.names),
      ['BalkanID_Extractor_glbloauth'],
    );
    const app = report.steps.find(s => s.id === 'app')!;
    assert.match(
      app.findings.find(f => f.code === 'app-partly-unchecked')!.message,
      /NOT_IDENTIFIED: no global OAuth settings named after BalkanID_Extractor were found; settings under other names are not read/,
    );
    assert.ok(!app.findings.some(f => f.code === 'app-drift' && /global OAuth settings/.test(f.message)));
  });
});

describe('engine: readMetadata of at most 10 names (Metadata API Developer Guide, readMetadata: "Limit: 10")', () => {
  const t = useOrg({ scenario: 'done' });

  it('23 names are read in calls of 10, 10 and 3 (the test org refuses 11), in order', async () => {
    t.org.resetStats();
    const names = Array.from({ length: 23 }, (_, i) => (i === 12 ? 'BalkanID_Extractor_glbloauth' : `Missing_${i}`));
    const got = await (await adminClient(t.org)).readMetadata('ExtlClntAppGlobalOauthSettings', names);
    assert.equal(got.length, 23);
    assert.equal(got[12]?.fullName, 'BalkanID_Extractor_glbloauth');
    assert.equal(got.filter(Boolean).length, 1);
    assert.equal(t.org.stats().byRoute['POST /services/Soap/m/64.0#readMetadata'], 3);
  });
});

describe("engine: API_DISABLED_FOR_ORG keeps Salesforce's code and words", () => {
  const t = useOrg({ scenario: 'fresh' });

  it('a user without "API Enabled" gets API_DISABLED_FOR_ORG with the org\'s message and what to do', async () => {
    const root = t.org.org.find('User', u => u.Username === t.org.adminUsername)!.Id;
    t.org.org.update(
      'Profile',
      t.org.org.find('Profile', p => p.Name === 'Standard User')!.Id,
      { PermissionsApiEnabled: false },
      root,
    );
    await assert.rejects(
      connect({ instanceUrl: t.org.url, accessToken: t.org.tokenFor('jane@acme.example') }),
      (e: any) =>
        e.code === 'API_DISABLED_FOR_ORG' &&
        /API_DISABLED_FOR_ORG: The REST API is not enabled for this Organization\./.test(e.message) &&
        /"API Enabled"/.test(e.message),
    );
  });
});
