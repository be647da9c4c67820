// What the engine reads from an org (src/core/facts.ts gatherFacts) at its edges, against the test org over HTTP: a
// read the org refuses leaves its fact unknown and says why (the other facts are still read), permission fields the
// org does not have, the Tooling query's pages, and the consumer key through the Connect REST API with every answer
// it may give.
import assert from 'node:assert/strict';
import { gatherFacts } from '../../src/core/facts';
import { ADMIN_PERMISSIONS } from '../../src/core/permissions';
import { isSetupError } from '../../src/core/types';
import { adminClient, guideManifest, recorded, useOrg } from '../support/helpers';

const m = guideManifest();
/** A hardened org whose Connect REST API gives the key (hardened.test.ts): the key comes by that route. */
const HARDENED = { consumerSecretsViaMetadata: false, credentialsKeyNeedsRestSetting: false };

describe('facts: what a read the org refuses leaves, and the consumer key by the Connect REST API', function () {
  this.timeout(30000);
  const t = useOrg({ scenario: 'done' });
  afterEach(() => t.org.clearFaults());

  it("a query the org refuses: its fact is unknown, with Salesforce's code and message; every other fact is read", async () => {
    t.org.reset('done');
    t.org.addQueryFault({ soql: '^SELECT Id, Name, Label, LicenseId\\b.*\\bFROM PermissionSet\\b', error: 500 });
    const f = await gatherFacts(await adminClient(t.org), m);
    assert.equal(f.permissionSet, undefined);
    assert.equal(f.failed.permset?.errorCode, 'UNKNOWN_EXCEPTION');
    assert.match(f.failed.permset!.message, /^An unexpected error occurred/);
    assert.deepEqual(Object.keys(f.failed), ['permset']);
    assert.equal(f.user?.Username, 'balkanid@example.test');
    assert.equal(f.profile?.Name, 'BalkanID Integration');
    assert.equal(f.app?.DeveloperName, 'BalkanID_Extractor');
    assert.equal(f.org?.Name !== undefined, true);
  });

  it("permission fields this org does not have: each is dropped from the admin's permissions query and asked again, the rest read", async () => {
    t.org.reset('done', { absentUserPermissions: ['ModifyMetadata', 'ManageUsers'] });
    const spy = recorded(await adminClient(t.org));
    const batches: string[][] = [];
    const batch = spy.client.batch.bind(spy.client);
    spy.client.batch = (reqs: Array<{ ref: string; url: string }>) => {
      batches.push(reqs.map(r => r.ref));
      return batch(reqs);
    };
    const f = await gatherFacts(spy.client, m);
    assert.equal(f.failed.upa, undefined);
    assert.deepEqual(
      [...f.adminPerms!].sort(),
      ADMIN_PERMISSIONS.filter(p => p !== 'ModifyMetadata' && p !== 'ManageUsers').sort(),
    );
    assert.deepEqual(batches.slice(1), [['upa'], ['upa']], 'one question again per missing field');
  });

  it('more missing permission fields than it asks again for (5): the permissions stay unknown, and why is kept', async () => {
    const absent = ADMIN_PERMISSIONS.filter(p => p !== 'ApiEnabled' && p !== 'ViewSetup').slice(0, 6);
    assert.equal(absent.length, 6);
    t.org.reset('done', { absentUserPermissions: absent });
    const f = await gatherFacts(await adminClient(t.org), m);
    assert.equal(f.adminPerms, undefined);
    assert.equal(f.failed.upa?.errorCode, 'INVALID_FIELD');
    assert.match(f.failed.upa!.message, new RegExp(`No such column 'Permissions${absent[5]}'`));
  });

  it('the Tooling query of permission dependencies: pages that repeat rows are kept once each', async () => {
    t.org.reset('done', { dependencyPageSize: 2000 });
    const whole = await gatherFacts(await adminClient(t.org), m);
    assert.ok(whole.dependencies.length > 4, `${whole.dependencies.length} dependencies`);
    t.org.reset('done', { dependencyPageSize: 3, repeatDependencyBatch: true });
    const paged = await gatherFacts(await adminClient(t.org), m);
    assert.deepEqual(paged.dependencies, whole.dependencies);
    assert.deepEqual(paged.objectDependencies, whole.objectDependencies);
    assert.equal(paged.failed.deps, undefined);
  });

  it("a page of that query refused: the dependencies are unknown, with the page's code; the batch's facts are read", async () => {
    t.org.reset('done', { dependencyPageSize: 3 });
    // Answered 503 however often it is asked for again.
    t.org.addQueryFault({ soql: 'FROM PermissionDependency', page: 2, error: 503, times: 20 });
    const f = await gatherFacts(await adminClient(t.org), m);
    assert.deepEqual(f.dependencies, []);
    assert.equal(f.failed.deps?.errorCode, 'SERVER_UNAVAILABLE');
    assert.equal(f.user?.Username, 'balkanid@example.test');
  });

  it('an org that never stops paging: 50 pages read, then TOO_MANY_PAGES, not taken for the whole list', async () => {
    t.org.reset('done');
    const more = {
      done: false,
      nextRecordsUrl: '/services/data/v64.0/tooling/query/0r8xx0000000001-2000',
      records: [],
    };
    t.org.addFault({ path: '/tooling/query', status: 200, body: more, contentType: 'application/json', times: 1000 });
    const spy = recorded(await adminClient(t.org));
    const f = await gatherFacts(spy.client, m);
    assert.equal(spy.sent.filter(s => s.includes('/tooling/query')).length, 50);
    assert.deepEqual(f.dependencies, []);
    assert.deepEqual(f.failed.deps, {
      errorCode: 'TOO_MANY_PAGES',
      message: 'More than 50 pages of results: not all were read.',
    });
  });

  it('the connection lost during the Tooling query: the read fails as a whole (nothing is taken as unknown)', async () => {
    t.org.reset('done');
    t.org.addFault({ path: '/tooling/query', reset: true, times: 10 });
    const err = await gatherFacts(await adminClient(t.org), m).catch((e: unknown) => e);
    assert.ok(isSetupError(err), String(err));
  });

  it("no OauthLink to name the consumer: the app's consumers by the Connect REST API, and the key of its one consumer", async () => {
    t.org.reset('done', HARDENED);
    t.org.addQueryFault({ soql: 'FROM ExtlClntAppOauthSettings', error: 500 });
    const spy = recorded(await adminClient(t.org));
    const f = await gatherFacts(spy.client, m);
    assert.equal(f.appOauth, undefined);
    const app = t.org.org.find('ExternalClientApplication', a => a.DeveloperName === 'BalkanID_Extractor')!;
    assert.deepEqual(
      spy.sent.filter(s => s.includes('/apps/oauth/credentials/')),
      [`GET /services/data/v64.0/apps/oauth/credentials/${app.Id}`],
    );
    assert.equal(f.consumerKey?.via, 'connect');
    assert.match(f.consumerKey!.key!, /^3MVG9\w+$/);
    assert.deepEqual(
      f.consumerKey!.refused.map(r => [r.route, r.code]),
      [['metadata', 'NO_KEY']],
    );
    assert.deepEqual(t.org.secretRequests(), [], 'the secret is never asked for');
  });

  for (const [what, body, message] of [
    [
      'two consumers',
      { consumers: [{ key: `3MVG9${'a'.repeat(80)}` }, { key: `3MVG9${'b'.repeat(80)}` }] },
      'the app has 2 OAuth consumers',
    ],
    ['no consumer', { consumers: [] }, 'the answer held no consumer key'],
    ['a consumer without a key', { consumers: [{ name: 'BalkanID Extractor' }] }, 'the answer held no consumer key'],
    ['a key too short to be one', { consumers: [{ key: '3MVG9short' }] }, 'the answer held no consumer key'],
    ['a key with a space', { consumers: [{ key: `3MVG9 ${'a'.repeat(40)}` }] }, 'the answer held no consumer key'],
    ['no body', '', 'the answer held no consumer key'],
  ] as const)
    it(`the app's consumers answer with ${what}: no key, and the answer is named`, async () => {
      t.org.reset('done', HARDENED);
      t.org.addQueryFault({ soql: 'FROM ExtlClntAppOauthSettings', error: 500 });
      t.org.addFault({ path: '/apps/oauth/credentials/', status: 200, body, contentType: 'application/json' });
      const f = await gatherFacts(await adminClient(t.org), m);
      assert.equal(f.consumerKey?.key, undefined);
      assert.deepEqual(f.consumerKey?.refused.at(-1), { route: 'connect', code: 'UNEXPECTED_RESPONSE', message });
    });

  it('with the consumer named, an answer whose key is not one: no key', async () => {
    t.org.reset('done', HARDENED);
    t.org.addFault({ path: '/apps/oauth/credentials/', status: 200, body: { key: 42 } });
    const f = await gatherFacts(await adminClient(t.org), m);
    assert.equal(f.consumerKey?.key, undefined);
    assert.equal(f.consumerKey?.refused.at(-1)?.code, 'UNEXPECTED_RESPONSE');
  });

  it("the Connect REST API refuses: Salesforce's code without its sf: prefix, its words without the code in front", async () => {
    t.org.reset('done', HARDENED);
    t.org.addFault({
      path: '/apps/oauth/credentials/',
      status: 403,
      body: [
        {
          errorCode: 'sf:INSUFFICIENT_ACCESS',
          message: "INSUFFICIENT_ACCESS: You don't have permission to view External Client App credentials.",
        },
      ],
    });
    const f = await gatherFacts(await adminClient(t.org), m);
    assert.deepEqual(f.consumerKey?.refused.at(-1), {
      route: 'connect',
      code: 'INSUFFICIENT_ACCESS',
      message: "You don't have permission to view External Client App credentials.",
    });
  });

  it('the connection lost at the Connect REST API: the read fails as a whole', async () => {
    t.org.reset('done', HARDENED);
    t.org.addFault({ path: '/apps/oauth/credentials/', reset: true, times: 10 });
    const err = await gatherFacts(await adminClient(t.org), m).catch((e: unknown) => e);
    assert.ok(isSetupError(err), String(err));
  });
});

describe("facts: the org's licences, standard profiles and Profile's describe, as the steps read them", function () {
  this.timeout(30000);
  const t = useOrg({ scenario: 'fresh' });

  it('other licences are those of another kind with a seat free (Total > Used): none of Salesforce Platform, none full', async () => {
    t.org.reset('fresh');
    const licences = [...t.org.org.table('UserLicense').values()];
    const integration = licences.find(l => l.LicenseDefinitionKey === 'SFDC_INTEGRATION')!;
    integration.TotalLicenses = 0;
    const f = await gatherFacts(await adminClient(t.org), m);
    assert.equal(f.license?.LicenseDefinitionKey, 'AUL');
    const other = f.otherLicenses!.map(l => l.LicenseDefinitionKey).sort();
    assert.ok(!other.includes('AUL') && !other.includes('SFDC_INTEGRATION'), other.join());
    assert.ok(other.includes('CSN_User'), other.join());
    // A licence with exactly as many seats as users has none free.
    integration.TotalLicenses = 1;
    const used = f.otherLicenses!.length;
    const g = await gatherFacts(await adminClient(t.org), m);
    assert.equal(g.otherLicenses!.length, used + 1, 'one seat, no user: free');
  });

  it('the source profile: the one standard internal profile on Salesforce Platform; two are candidates named, none chosen', async () => {
    t.org.reset('fresh');
    const aul = [...t.org.org.table('UserLicense').values()].find(l => l.LicenseDefinitionKey === 'AUL')!;
    // A profile of external users on the same licence is never a source.
    t.org.org.raw('Profile', { Name: 'Platform Partner', UserLicenseId: aul.Id, UserType: 'PowerPartner' });
    const one = await gatherFacts(await adminClient(t.org), m);
    assert.equal(one.sourceProfile?.Name, 'Standard Platform User');
    assert.equal(one.sourceCandidates, undefined);
    t.org.org.raw('Profile', { Name: 'Platform (Copy)', UserLicenseId: aul.Id, UserType: 'Standard' });
    const two = await gatherFacts(await adminClient(t.org), m);
    assert.equal(two.sourceProfile, undefined);
    assert.deepEqual([...two.sourceCandidates!].sort(), ['Platform (Copy)', 'Standard Platform User']);
  });

  it("Profile's describe: each Permissions field by its name and Setup's label; settable only where describe says createable", async () => {
    t.org.reset('fresh');
    const client = await adminClient(t.org);
    const batch = client.batch.bind(client);
    // A real org's describe also lists permission fields the API may not set, and fields that are not permissions.
    client.batch = async (reqs: Array<{ ref: string; url: string }>) => {
      const res = await batch(reqs);
      const describe = res.profileDescribe?.body as { fields: unknown[] } | undefined;
      describe?.fields.push(
        { name: 'PermissionsNotSettable', label: 'Not Settable', createable: false },
        { name: 'PermissionsNoLabel', createable: true },
        { name: 7, label: 'Seven', createable: true },
      );
      return res;
    };
    const f = await gatherFacts(client, m);
    const fields = f.profileFields!;
    assert.equal(fields.labels.get('ViewAllData'), 'View All Data');
    assert.equal(fields.byLabel.get('view all data'), 'ViewAllData');
    assert.equal(fields.labels.get('NotSettable'), 'Not Settable');
    assert.ok(fields.createable.has('ViewAllData'));
    assert.ok(!fields.createable.has('NotSettable'));
    assert.ok(!fields.labels.has('NoLabel') && !fields.createable.has('NoLabel'));
    assert.ok(![...fields.labels.values()].includes('Seven'));
    assert.ok(![...fields.labels.keys()].some(k => k === 'Name' || k === 'Id' || k.startsWith('Permissions')));
    assert.equal(fields.labels.size, fields.byLabel.size);
  });
});

describe("facts: another tool's global OAuth settings, found by their app", function () {
  this.timeout(30000);
  const t = useOrg({ scenario: 'adopted' });
  const TYPE = 'ExtlClntAppGlobalOauthSettings';

  /** The adopted app's settings under `own`, and other apps' settings under `others` (names that start with the app's). */
  function rename(own: string | undefined, others: string[]): Record<string, unknown> {
    t.org.reset('adopted');
    const store = t.org.meta.store(TYPE);
    const g = store.get('balkanid_extractor_globalsettings')!;
    store.delete('balkanid_extractor_globalsettings');
    for (const name of others)
      store.set(name.toLowerCase(), { ...g, fullName: name, label: name, externalClientApplication: 'Zeta_App' });
    if (own)
      store.set(own.toLowerCase(), {
        ...g,
        fullName: own,
        label: own,
        externalClientApplication: 'BALKANID_EXTRACTOR',
      });
    return g;
  }
  const reads = (soap: string[]) =>
    soap
      .filter(s => s.startsWith(`readMetadata ${TYPE} `))
      .map(s => s.slice(`readMetadata ${TYPE} `.length).split(','));

  it("names starting with the app's in any case, shortest first, ten per readMetadata, until the app's own (its app in any case)", async () => {
    const decoys = Array.from({ length: 11 }, (_, i) => `BalkanID_Extractor_${'x'.repeat(11 - i)}`);
    const own = `balkanid_extractor_${'y'.repeat(12)}`;
    const g = rename(own, decoys);
    const spy = recorded(await adminClient(t.org));
    const f = await gatherFacts(spy.client, m);
    const shortestFirst = [...decoys].reverse();
    assert.deepEqual(reads(spy.soap), [
      ['BalkanID_Extractor_glbloauth'],
      shortestFirst.slice(0, 10),
      [shortestFirst[10]!, own],
    ]);
    assert.equal(f.global?.fullName, own);
    assert.equal(f.failed.global, undefined);
    assert.equal(f.consumerKey?.key, g.consumerKey);
  });

  it("at most 100 names are read (ten calls of ten); none is the app's: NOT_IDENTIFIED, no settings taken", async () => {
    rename(
      undefined,
      Array.from({ length: 105 }, (_, i) => `BalkanID_Extractor_S${String(i).padStart(3, '0')}`),
    );
    const spy = recorded(await adminClient(t.org));
    const f = await gatherFacts(spy.client, m);
    const batches = reads(spy.soap).slice(1);
    assert.deepEqual(
      batches.map(b => b.length),
      Array(10).fill(10),
    );
    assert.equal(f.global, undefined);
    assert.equal(f.failed.global?.errorCode, 'NOT_IDENTIFIED');
  });
});

describe("facts: apply's reads — the lean first read and the check afterwards that reuses what the writes do not change", function () {
  this.timeout(30000);
  const t = useOrg({ scenario: 'fresh' });
  const GLOBAL = 'readMetadata ExtlClntAppGlobalOauthSettings BalkanID_Extractor_glbloauth';
  const PROFILE = 'readMetadata Profile BalkanID Integration';
  const tooling = (sent: string[]) => sent.filter(s => s.includes('/tooling/query')).length;

  it('lean, on a fresh org: the global OAuth settings with the batch, no profile to read, the dependencies read', async () => {
    t.org.reset('fresh');
    const spy = recorded(await adminClient(t.org));
    const f = await gatherFacts(spy.client, m, { lean: true });
    assert.deepEqual(spy.soap, [GLOBAL]);
    assert.equal(tooling(spy.sent), 1);
    assert.ok(f.dependencies.length > 0);
    assert.deepEqual(f.profileIpRanges, []);
  });

  it("lean, on a finished org: the profile's metadata read after the batch found the profile", async () => {
    t.org.reset('done');
    const spy = recorded(await adminClient(t.org));
    const f = await gatherFacts(spy.client, m, { lean: true });
    assert.deepEqual([...spy.soap].sort(), [PROFILE, GLOBAL].sort());
    const full = await gatherFacts(await adminClient(t.org), m);
    assert.deepEqual(f.profileIpRanges, full.profileIpRanges);
    assert.equal(f.global?.fullName, full.global?.fullName);
  });

  it('reusing a fresh read with no app deployed: no Tooling query, no metadata read; what was kept is what was known', async () => {
    t.org.reset('fresh');
    const known = await gatherFacts(await adminClient(t.org), m);
    known.failed.deps = { errorCode: 'KEPT_DEPS', message: 'kept' };
    known.failed.profileMeta = { errorCode: 'KEPT_PROFILE', message: 'kept' };
    known.failed.global = { errorCode: 'KEPT_GLOBAL', message: 'kept' };
    const spy = recorded(await adminClient(t.org));
    const f = await gatherFacts(spy.client, m, { reuse: { facts: known, appExists: false } });
    assert.deepEqual(spy.soap, []);
    assert.equal(tooling(spy.sent), 0);
    assert.equal(f.dependencies, known.dependencies);
    assert.equal(f.objectDependencies, known.objectDependencies);
    assert.equal(f.profileIpRanges, known.profileIpRanges);
    assert.deepEqual(
      [f.failed.deps?.errorCode, f.failed.profileMeta?.errorCode, f.failed.global?.errorCode],
      ['KEPT_DEPS', 'KEPT_PROFILE', 'KEPT_GLOBAL'],
    );
  });

  it('reusing, the app deployed by this run: its global OAuth settings read with the batch, a refusal known before not kept', async () => {
    t.org.reset('done');
    const known = await gatherFacts(await adminClient(t.org), m);
    known.failed.global = { errorCode: 'KEPT_GLOBAL', message: 'kept' };
    const spy = recorded(await adminClient(t.org));
    const f = await gatherFacts(spy.client, m, { reuse: { facts: { ...known, app: undefined }, appExists: true } });
    assert.deepEqual(spy.soap, [GLOBAL]);
    assert.equal(f.global?.fullName, 'BalkanID_Extractor_glbloauth');
    assert.equal(f.failed.global, undefined);
  });

  it('reusing a read that had the app (not deployed by this run): its settings read in the same round trip as the batch', async () => {
    t.org.reset('done');
    const known = await gatherFacts(await adminClient(t.org), m);
    const client = await adminClient(t.org);
    const events: string[] = [];
    const batch = client.batch.bind(client);
    const readMetadata = client.readMetadata.bind(client);
    client.batch = async (...a: Parameters<typeof batch>) => {
      events.push('batch sent');
      const r = await batch(...a);
      events.push('batch answered');
      return r;
    };
    client.readMetadata = (...a: Parameters<typeof readMetadata>) => {
      events.push(`readMetadata ${a[0]}`);
      return readMetadata(...a);
    };
    const f = await gatherFacts(client, m, { reuse: { facts: known, appExists: false } });
    assert.deepEqual(events, ['batch sent', 'readMetadata ExtlClntAppGlobalOauthSettings', 'batch answered']);
    assert.equal(f.global?.fullName, 'BalkanID_Extractor_glbloauth');
  });

  it('reusing a read without the app when the app is there now (another run deployed it): its settings read after the batch', async () => {
    t.org.reset('done');
    const known = await gatherFacts(await adminClient(t.org), m);
    const spy = recorded(await adminClient(t.org));
    const f = await gatherFacts(spy.client, m, { reuse: { facts: { ...known, app: undefined }, appExists: false } });
    assert.deepEqual(spy.soap, [GLOBAL]);
    assert.equal(f.global?.fullName, 'BalkanID_Extractor_glbloauth');
  });

  it('reusing the global OAuth settings too: not read again, the known ones (or their refusal) kept', async () => {
    t.org.reset('done');
    const known = await gatherFacts(await adminClient(t.org), m);
    const spy = recorded(await adminClient(t.org));
    const f = await gatherFacts(spy.client, m, { reuse: { facts: known, global: true } });
    assert.deepEqual(spy.soap, []);
    assert.equal(f.global, known.global);
    const refused = { ...known, global: undefined, failed: { global: { errorCode: 'KEPT_GLOBAL', message: 'kept' } } };
    const g = await gatherFacts(await adminClient(t.org), m, { reuse: { facts: refused, global: true } });
    assert.equal(g.global, undefined);
    assert.equal(g.failed.global?.errorCode, 'KEPT_GLOBAL');
  });
});
