// Contract tests of the rules the second audit asks for (real-org-audit.md part 2; issue 19 §4): composite/batch
// serial and counted per subrequest, query pages of at most 2,000 rows, INVALID_FIELD "No such column",
// FIELD_INTEGRITY_EXCEPTION in its three forms, readMetadata of at most 10 names, and the LoginHistory fields that
// tell one client's logins from another's. Through jsforce and raw HTTP.
import assert from 'node:assert/strict';
import { jwtAssertion } from '../../../src/core/jwt';
import { jsforce, raw, useOrg } from './helpers';

const v = '/services/data/v64.0';
const q = (soql: string) => `v64.0/query?q=${encodeURIComponent(soql)}`;
const usage = (h: Headers) => Number(/api-usage=(\d+)\//.exec(h.get('sforce-limit-info') ?? '')?.[1]);

describe('test org: composite/batch (REST API Developer Guide, "Composite Batch")', () => {
  const t = useOrg({ scenario: 'fresh' });

  it('counts each subrequest against the API limit in Sforce-Limit-Info (a composite counts once)', async () => {
    const before = usage((await raw(t.org, 'GET', `${v}/limits`)).headers);
    const batch = await raw(t.org, 'POST', `${v}/composite/batch`, {
      batchRequests: [1, 2, 3].map(() => ({ method: 'GET', url: q('SELECT Id FROM User LIMIT 1') })),
    });
    assert.equal(batch.status, 200);
    assert.equal(usage(batch.headers), before + 3);
    const composite = await raw(t.org, 'POST', `${v}/composite`, {
      compositeRequest: [1, 2].map(i => ({
        method: 'GET',
        url: `${v}/query?q=SELECT+Id+FROM+User`,
        referenceId: `q${i}`,
      })),
    });
    assert.equal(usage(composite.headers), before + 4);
  });

  it('runs subrequests one after another in their order: a later one sees what an earlier one wrote', async () => {
    const ps: any = await jsforce(t.org).sobject('PermissionSet').create({ Name: 'Serial_Check', Label: 'Before' });
    const r = await raw(t.org, 'POST', `${v}/composite/batch`, {
      batchRequests: [
        { method: 'PATCH', url: `v64.0/sobjects/PermissionSet/${ps.id}`, richInput: { Label: 'After' } },
        { method: 'GET', url: q(`SELECT Label FROM PermissionSet WHERE Id = '${ps.id}'`) },
        { method: 'PATCH', url: `v64.0/sobjects/PermissionSet/${ps.id}`, richInput: { Label: 'Last' } },
      ],
    });
    assert.deepEqual(
      r.body.results.map((x: any) => x.statusCode),
      [204, 200, 204],
    );
    assert.equal(r.body.results[1].result.records[0].Label, 'After');
  });

  it('takes subrequest versions from 34.0 up to the batch’s own version only', async () => {
    const r = await raw(t.org, 'POST', `${v}/composite/batch`, {
      batchRequests: [
        { method: 'GET', url: 'v65.0/limits' },
        { method: 'GET', url: 'v33.0/limits' },
        { method: 'GET', url: 'v34.0/limits' },
      ],
    });
    assert.deepEqual(
      r.body.results.map((x: any) => x.statusCode),
      [400, 400, 200],
    );
    assert.equal(r.body.results[0].result[0].errorCode, 'INVALID_BATCH_REQUEST');
  });
});

describe('test org: query pages of 2,000 rows or fewer (REST API Developer Guide, "Query")', () => {
  const t = useOrg({ scenario: 'fresh' });
  before(() => {
    for (let i = 0; i < 2100; i++) t.org.org.raw('Group', { Name: `G${i}`, DeveloperName: `G${i}`, Type: 'Regular' });
  });

  it('answers at most 2,000 records a page with a nextRecordsUrl, however large a batchSize is asked for', async () => {
    const soql = "SELECT Id FROM Group WHERE Type = 'Regular'";
    const first = await raw(t.org, 'GET', `/services/data/${q(soql)}`);
    assert.equal(first.body.records.length, 2000);
    assert.equal(first.body.done, false);
    assert.equal(first.body.totalSize, 2101);
    const asked = await raw(t.org, 'GET', `/services/data/${q(soql)}`, undefined, {
      'Sforce-Query-Options': 'batchSize=5000',
    });
    assert.equal(asked.body.records.length, 2000);
    const small = await raw(t.org, 'GET', `/services/data/${q(soql)}`, undefined, {
      'Sforce-Query-Options': 'batchSize=300',
    });
    assert.equal(small.body.records.length, 300);
    const rest = await jsforce(t.org).queryMore(first.body.nextRecordsUrl);
    assert.equal(rest.records.length, 101);
    assert.equal(rest.done, true);
  });
});

describe('test org: INVALID_FIELD "No such column" for unknown fields', () => {
  const t = useOrg({ scenario: 'fresh' });

  it('a query names the column, the entity and the caret position; an insert names the column and the sObject type', async () => {
    const conn = jsforce(t.org);
    await assert.rejects(
      async () => {
        await conn.query('SELECT Id, PermissionsNoSuchThing FROM UserPermissionAccess');
      },
      (e: any) => {
        assert.equal(e.errorCode, 'INVALID_FIELD');
        assert.match(
          e.message,
          /\^\nERROR at Row:1:Column:12\nNo such column 'PermissionsNoSuchThing' on entity 'UserPermissionAccess'\. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name\./,
        );
        return true;
      },
    );
    const r = await raw(t.org, 'POST', `${v}/sobjects/PermissionSet`, { Name: 'X', Label: 'X', Colour: 'red' });
    assert.equal(r.status, 400);
    assert.deepEqual(r.body[0], {
      errorCode: 'INVALID_FIELD',
      message: "No such column 'Colour' on sobject of type PermissionSet",
    });
  });
});

describe('test org: FIELD_INTEGRITY_EXCEPTION in its API-name, label and object-permission-label forms', () => {
  const t = useOrg({ scenario: 'fresh' });
  const aul = () => t.org.org.find('UserLicense', l => l.LicenseDefinitionKey === 'AUL')!.Id;
  const insert = (fields: Record<string, unknown>) =>
    raw(t.org, 'POST', `${v}/sobjects/Profile`, {
      Name: `P ${Object.keys(fields).join(' ')}`,
      UserLicenseId: aul(),
      ...fields,
    });
  after(() => t.org.reset('fresh'));

  it('label form (default): Setup labels, fields naming the refused field', async () => {
    t.org.reset('fresh');
    const r = await insert({ PermissionsViewAllData: true });
    assert.deepEqual(r.body[0], {
      errorCode: 'FIELD_INTEGRITY_EXCEPTION',
      message: 'Permission View All Data depends on permission(s): View Setup and Configuration',
      fields: ['PermissionsViewAllData'],
    });
  });

  it('API-name form (permissionErrorsByName): "Permission ViewAllData depends on permission(s): ViewSetup" with an empty fields list', async () => {
    t.org.reset('fresh', { permissionErrorsByName: true, curlyApostrophes: false });
    const r = await insert({ PermissionsViewAllData: true });
    assert.deepEqual(r.body[0], {
      errorCode: 'FIELD_INTEGRITY_EXCEPTION',
      message: 'Permission ViewAllData depends on permission(s): ViewSetup',
      fields: [],
    });
    const lic = await insert({ PermissionsManageSandboxes: true });
    assert.equal(lic.body[0].message, "The user license doesn't allow the permission: ManageSandboxes");
  });

  it('object-permission-label form (objectPermissionDependency, on by default): a user permission needs "Read Quotes", which no Permissions field grants; the Tooling row says Object Permission', async () => {
    t.org.reset('fresh'); // the default: the stricter setting
    const r = await insert({ PermissionsActivitiesAccess: true, PermissionsApiEnabled: true });
    assert.deepEqual(r.body[0], {
      errorCode: 'FIELD_INTEGRITY_EXCEPTION',
      message: 'Permission Access Activities depends on permission(s): Read Quotes',
      fields: [],
    });
    assert.equal((await insert({ PermissionsApiEnabled: true })).status, 201, 'without it the insert works');
    const row = await raw(
      t.org,
      'GET',
      `${v}/tooling/query?q=${encodeURIComponent("SELECT Permission, RequiredPermission FROM PermissionDependency WHERE RequiredPermissionType = 'Object Permission'")}`,
    );
    assert.deepEqual(
      row.body.records.map((x: any) => [x.Permission, x.RequiredPermission]),
      [['ActivitiesAccess', 'Quote<read>']],
    );
    t.org.reset('fresh', { objectPermissionDependency: false });
    assert.equal((await insert({ PermissionsActivitiesAccess: true })).status, 201, 'switched off, no such dependency');
  });
});

describe('test org: readMetadata of at most 10 names (Metadata API Developer Guide, readMetadata: "Limit: 10")', () => {
  const t = useOrg({ scenario: 'done' });

  it('reads 10 names in one call and refuses 11 with the fault sf:EXCEEDED_ID_LIMIT', async () => {
    const conn = jsforce(t.org);
    const ten = Array.from({ length: 10 }, (_, i) => (i === 0 ? 'BalkanID_Extractor_glbloauth' : `Missing_${i}`));
    const got: any = await conn.metadata.read('ExtlClntAppGlobalOauthSettings' as any, ten);
    assert.equal(got.length, 10);
    assert.equal(got[0].fullName, 'BalkanID_Extractor_glbloauth');
    await assert.rejects(
      conn.metadata.read('ExtlClntAppGlobalOauthSettings' as any, [...ten, 'Eleventh']),
      (e: any) => {
        assert.equal(e.errorCode, 'sf:EXCEEDED_ID_LIMIT');
        assert.match(e.message, /record limit reached\. cannot submit more than 10 records in this operation/);
        return true;
      },
    );
  });
});

describe('test org: LoginHistory records who logged in (Object Reference, LoginHistory)', () => {
  const t = useOrg({ scenario: 'done' });
  const login = async (headers: Record<string, string>) => {
    const assertion = jwtAssertion(
      t.org.demo!.privateKey,
      {
        iss: t.org.meta.getComponent('ExtlClntAppGlobalOauthSettings', 'BalkanID_Extractor_glbloauth')!.consumerKey,
        sub: 'balkanid@example.test',
        aud: 'https://login.salesforce.com',
      },
      t.org.org.now(),
    );
    const r = await fetch(`${t.org.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
    });
    assert.equal(r.status, 200);
  };

  it('SourceIp, Browser, Platform, LoginUrl and the other documented fields, readable by SOQL, differ per client', async () => {
    await login({ 'User-Agent': 'node-fetch' });
    await login({
      'User-Agent': 'Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/126.0 Safari/537.36',
      'X-TestOrg-Client-Ip': '203.0.113.7',
      'X-Forwarded-For': '198.51.100.2',
    });
    const r = await jsforce(t.org).query<any>(
      'SELECT LoginTime, Status, Application, LoginType, SourceIp, ForwardedForIp, Browser, Platform, LoginUrl, ' +
        'ApiType, ApiVersion, AuthMethodReference, ClientVersion, TlsProtocol, CipherSuite FROM LoginHistory ' +
        "WHERE UserId IN (SELECT Id FROM User WHERE Username = 'balkanid@example.test') ORDER BY LoginTime DESC LIMIT 2",
    );
    assert.equal(r.records.length, 2);
    const other = r.records.find(x => x.SourceIp === '203.0.113.7')!;
    const ours = r.records.find(x => x !== other)!;
    assert.equal(ours.SourceIp, '127.0.0.1');
    assert.equal(ours.Browser, 'Unknown');
    assert.equal(ours.Platform, 'Unknown');
    assert.equal(other.SourceIp, '203.0.113.7');
    assert.equal(other.ForwardedForIp, '198.51.100.2');
    assert.equal(other.Browser, 'Chrome 126');
    assert.equal(other.Platform, 'Windows');
    for (const x of [ours, other]) {
      assert.equal(x.Status, 'Success');
      assert.equal(x.Application, 'BalkanID_Extractor');
      assert.equal(x.LoginType, 'Remote Access 2.0');
      assert.equal(x.LoginUrl, t.org.url.replace(/^http:\/\//, ''));
      assert.equal(x.ApiType, null);
    }
  });
});
