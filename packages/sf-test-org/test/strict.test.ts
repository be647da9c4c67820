// The test org refuses what Salesforce documents it refuses (FIDELITY.md lists each rule with its source).
import assert from 'node:assert/strict';
import { raw, useOrg } from './helpers';

const v = '/services/data/v64.0';
const q = (soql: string) => `v64.0/query?q=${encodeURIComponent(soql)}`;

describe('test org: strict like Salesforce (REST API Developer Guide, Object Reference, Help)', () => {
  const t = useOrg({ scenario: 'done' });

  it('composite/batch runs only limits, sobjects, query, queryAll, search, connect, chatter and actions: a Tooling query fails', async () => {
    const r = await raw(t.org, 'POST', `${v}/composite/batch`, {
      batchRequests: [
        { method: 'GET', url: q('SELECT Id FROM User LIMIT 1') },
        { method: 'GET', url: 'v64.0/tooling/query?q=SELECT+Id+FROM+PermissionDependency' },
      ],
    });
    assert.equal(r.status, 200);
    assert.equal(r.body.results[0].statusCode, 200);
    assert.equal(r.body.results[1].statusCode, 400);
    assert.equal(r.body.results[1].result[0].errorCode, 'INVALID_BATCH_REQUEST');
  });

  it('a user permission the org does not have (absentUserPermissions): its field is in no query, FIELDS(ALL) or describe', async () => {
    t.org.reset('done', { absentUserPermissions: ['ModifyMetadata'] });
    try {
      const named = await raw(
        t.org,
        'GET',
        `${v}/query?q=${encodeURIComponent('SELECT PermissionsModifyMetadata FROM Profile')}`,
      );
      assert.equal(named.status, 400);
      assert.equal(named.body[0].errorCode, 'INVALID_FIELD');
      assert.match(named.body[0].message, /No such column 'PermissionsModifyMetadata' on entity 'Profile'/);
      const upa = await raw(
        t.org,
        'GET',
        `${v}/query?q=${encodeURIComponent('SELECT PermissionsModifyMetadata FROM UserPermissionAccess')}`,
      );
      assert.equal(upa.body[0].errorCode, 'INVALID_FIELD');
      const all = await raw(
        t.org,
        'GET',
        `${v}/query?q=${encodeURIComponent('SELECT FIELDS(ALL) FROM Profile LIMIT 1')}`,
      );
      assert.equal(all.status, 200);
      assert.equal('PermissionsModifyMetadata' in all.body.records[0], false);
      assert.equal(all.body.records[0].PermissionsApiEnabled !== undefined, true, 'the others are there');
      const describe = await raw(t.org, 'GET', `${v}/sobjects/PermissionSet/describe`);
      const names = describe.body.fields.map((f: { name: string }) => f.name);
      assert.ok(!names.includes('PermissionsModifyMetadata'));
      assert.ok(names.includes('PermissionsViewAllData'));
    } finally {
      t.org.reset('done');
    }
  });

  it('composite/batch with batchRefusal "request": the whole batch is refused', async () => {
    t.org.reset('done', { batchRefusal: 'request' });
    const r = await raw(t.org, 'POST', `${v}/composite/batch`, {
      batchRequests: [{ method: 'GET', url: 'v64.0/tooling/query?q=SELECT+Id+FROM+PermissionDependency' }],
    });
    assert.equal(r.status, 400);
    assert.equal(r.body[0].errorCode, 'INVALID_BATCH_REQUEST');
    t.org.reset('done');
  });

  it('composite: sObject, query, queryAll and collection resources only, under /services/data/vXX.X/, plain reference IDs, no higher version, at most 5 queries', async () => {
    const one = (sub: object) => raw(t.org, 'POST', `${v}/composite`, { allOrNone: false, compositeRequest: [sub] });
    const ok = await one({ method: 'GET', url: `${v}/query?q=SELECT+Id+FROM+User+LIMIT+1`, referenceId: 'users_1' });
    assert.equal(ok.status, 200);
    for (const [sub, text] of [
      [
        { method: 'GET', url: `${v}/tooling/query?q=SELECT+Id+FROM+PermissionDependency`, referenceId: 'deps' },
        /not an sObject, query, queryAll or sObject Collections resource/,
      ],
      [
        { method: 'GET', url: 'v64.0/query?q=SELECT+Id+FROM+User', referenceId: 'rel' },
        /under \/services\/data\/vXX\.X/,
      ],
      [
        { method: 'GET', url: `${v}/query?q=SELECT+Id+FROM+User`, referenceId: 'bad-ref' },
        /Invalid referenceId: bad-ref/,
      ],
      [
        { method: 'GET', url: '/services/data/v65.0/query?q=SELECT+Id+FROM+User', referenceId: 'later' },
        /higher than the request's v64\.0/,
      ],
    ] as const) {
      const r = await one(sub);
      assert.equal(r.status, 400, JSON.stringify(sub));
      assert.match(r.body[0].message, text);
    }
    const six = Array.from({ length: 6 }, (_, i) => ({
      method: 'GET',
      url: `${v}/query?q=SELECT+Id+FROM+User`,
      referenceId: `q${i}`,
    }));
    const r = await raw(t.org, 'POST', `${v}/composite`, { compositeRequest: six });
    assert.equal(r.status, 400);
    assert.equal(r.body[0].errorCode, 'LIMIT_EXCEEDED');
  });

  it('PermissionDependency (Tooling) ignores LIMIT and pages with a repeated row, as real orgs report', async () => {
    t.org.reset('done', { dependencyPageSize: 3 });
    const first = await raw(
      t.org,
      'GET',
      `${v}/tooling/query?q=${encodeURIComponent('SELECT Permission, RequiredPermission FROM PermissionDependency LIMIT 2')}`,
    );
    assert.equal(first.body.records.length, 3, 'LIMIT 2 ignored; a page of 3');
    assert.equal(first.body.done, false);
    const second = await raw(t.org, 'GET', first.body.nextRecordsUrl);
    assert.deepEqual(second.body.records[0], first.body.records[2], 'the next page repeats the last row');
    t.org.reset('done', { dependencyRowsForViewAllData: false });
    const noVad = await raw(
      t.org,
      'GET',
      `${v}/tooling/query?q=${encodeURIComponent("SELECT Permission FROM PermissionDependency WHERE Permission = 'ViewAllData'")}`,
    );
    assert.equal(noVad.body.totalSize, 0, 'no rows for View All Data when switched off');
    t.org.reset('done');
  });

  it('a Profile insert may set only the permissions describe marks createable', async () => {
    const d = await raw(t.org, 'GET', `${v}/sobjects/Profile/describe`);
    assert.equal(d.body.fields.find((f: any) => f.name === 'PermissionsChatterInternalUser').createable, false);
    assert.equal(d.body.fields.find((f: any) => f.name === 'PermissionsViewSetup').createable, true);
    const license = t.org.org.find('UserLicense', l => l.LicenseDefinitionKey === 'AUL')!;
    const r = await raw(t.org, 'POST', `${v}/sobjects/Profile`, {
      Name: 'Blind Copy',
      UserLicenseId: license.Id,
      PermissionsChatterInternalUser: true,
    });
    assert.equal(r.status, 400);
    assert.equal(r.body[0].errorCode, 'INVALID_FIELD_FOR_INSERT_UPDATE');
  });

  it('the policy deploy made the link; inserting it again is a duplicate', async () => {
    const app = t.org.org.find('ExternalClientApplication', a => a.DeveloperName === 'BalkanID_Extractor')!;
    const ps = t.org.org.find('PermissionSet', p => p.Name === 'BalkanID_Extractor')!;
    assert.ok(t.org.org.find('SetupEntityAccess', s => s.SetupEntityId === app.Id && s.ParentId === ps.Id));
    const r = await raw(t.org, 'POST', `${v}/sobjects/SetupEntityAccess`, { ParentId: ps.Id, SetupEntityId: app.Id });
    assert.equal(r.status, 400);
    assert.equal(r.body[0].errorCode, 'DUPLICATE_VALUE');
  });

  it('policy values read back in the case real orgs use, and certificates not shown when switched off', async () => {
    const policy = t.org.meta.all('ExtlClntAppOauthConfigurablePolicies')[0]!;
    t.org.meta.commit(
      {
        type: 'ExtlClntAppOauthConfigurablePolicies',
        fullName: policy.fullName,
        fileName: '',
        body: { ...policy, ipRelaxationPolicyType: 'Enforce_RelaxRefresh' },
      },
      t.org.org.find('User', u => u.Username === t.org.adminUsername)!.Id,
    );
    const row = await raw(
      t.org,
      'GET',
      `${v}/query?q=${encodeURIComponent('SELECT IpRelaxationPolicyType FROM ExtlClntAppOauthPlcyCnfg')}`,
    );
    assert.equal(row.body.records[0].IpRelaxationPolicyType, 'Enforce_relaxrefresh');
    t.org.reset('done', { readReturnsCertificate: false });
    const admin = t.org.org.find('User', u => u.Username === t.org.adminUsername)!;
    const [g] = t.org.meta.read('ExtlClntAppGlobalOauthSettings', ['BalkanID_Extractor_glbloauth'], 64, admin.Id);
    assert.ok(g && g.consumerKey && g.certificate === undefined);
    t.org.reset('done');
  });
});

describe('test org: creating an External Client App needs Customize Application (Salesforce Help)', () => {
  const t = useOrg({ scenario: 'fresh' });
  it('an admin with Create, edit, and delete External Client Apps but without Customize Application cannot deploy one', async () => {
    const admin = t.org.org.find('User', u => u.Username === t.org.adminUsername)!;
    const profile = t.org.org.get('Profile', admin.ProfileId)!;
    t.org.org.table('Profile').get(profile.Id.slice(0, 15))!.PermissionsCustomizeApplication = false;
    assert.throws(
      () =>
        t.org.meta.validate(
          {
            type: 'ExternalClientApplication',
            fullName: 'X_App',
            fileName: '',
            body: { label: 'X', distributionState: 'Local' },
          },
          [],
          admin.Id,
          64,
        ),
      (e: any) => e.errorCode === 'INSUFFICIENT_ACCESS',
    );
  });
});
