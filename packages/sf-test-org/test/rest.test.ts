// Contract tests of the test org's REST API, through jsforce and raw HTTP: shapes, rules, permissions.
import assert from 'node:assert/strict';
import { checksum, sameId, to18, IdFactory, isId } from '../src/ids';
import { jsforce, raw, useOrg } from './helpers';

describe('test org: IDs', () => {
  it('makes 18-character IDs with key prefixes and a checksum suffix; 15 and 18 forms compare equal', () => {
    const ids = new IdFactory();
    const id = ids.next('005');
    assert.equal(id.length, 18);
    assert.ok(id.startsWith('005'));
    assert.equal(id.slice(15), checksum(id.slice(0, 15)));
    assert.ok(sameId(id, id.slice(0, 15)));
    assert.ok(sameId(id.slice(0, 15) + id.slice(15).toLowerCase(), id), 'the suffix is case-insensitive');
    assert.ok(!isId(id.slice(0, 15) + 'ZZZ'), 'a wrong checksum is not an ID');
    assert.equal(to18('001000000000abc'), '001000000000abcAAA');
    assert.equal(checksum('001A0000006Vm9r'), 'IAC');
  });
});

describe('test org: REST', () => {
  const t = useOrg({ scenario: 'fresh', coverage: false });

  it('lists versions without a session and serves a version root with identity', async () => {
    const list: any = await fetch(`${t.org.url}/services/data`).then(r => r.json());
    assert.ok(list.some((v: any) => v.version === '64.0' && v.url === '/services/data/v64.0'));
    const root = await raw(t.org, 'GET', '/services/data/v64.0');
    assert.match(root.body.identity, new RegExp(`^${t.org.url}/id/00D\\w{15}/005\\w{15}$`));
    assert.equal((await raw(t.org, 'GET', '/services/data/v99.0')).status, 404);
    assert.equal((await raw(t.org, 'GET', '//services/data/v64.0/limits')).status, 200, '// paths are normalised');
    assert.match(root.headers.get('sforce-limit-info') ?? '', /^api-usage=\d+\/15000$/);
  });

  it('answers queries in canonical case with nested parents, null parents and COUNT()', async () => {
    const conn = jsforce(t.org);
    const r = await conn.query<any>(
      "select id, username, profile.name, profile.userlicense.licensedefinitionkey, userrole.name from user where username = 'ops@acme.example'",
    );
    assert.equal(r.totalSize, 1);
    const u = r.records[0];
    assert.ok(u.Id && u.Username === 'ops@acme.example');
    assert.equal(u.Profile.Name, 'Standard Platform User');
    assert.equal(u.Profile.UserLicense.LicenseDefinitionKey, 'AUL');
    assert.equal(u.Profile.attributes.type, 'Profile');
    assert.equal(u.UserRole, null, 'a null parent is null');
    const c = await conn.query('SELECT COUNT() FROM User');
    assert.deepEqual([c.totalSize, c.records.length, c.done], [3, 0, true]);
  });

  it('evaluates WHERE with precedence, LIKE, IN, NOT IN, semi- and anti-joins, ORDER BY, LIMIT and OFFSET', async () => {
    const conn = jsforce(t.org);
    const names = async (soql: string) => (await conn.query<any>(soql)).records.map(r => r.Username);
    assert.deepEqual(
      await names(
        "SELECT Username FROM User WHERE (Alias = 'jdoe' OR Alias = 'oops') AND IsActive = true ORDER BY Username DESC",
      ),
      ['ops@acme.example', 'jane@acme.example'],
    );
    assert.deepEqual(await names("SELECT Username FROM User WHERE Username LIKE 'JA%' "), ['jane@acme.example']);
    assert.deepEqual(
      await names("SELECT Username FROM User WHERE Alias IN ('aadmin','jdoe') ORDER BY Username LIMIT 1 OFFSET 1"),
      ['jane@acme.example'],
    );
    assert.deepEqual(await names("SELECT Username FROM User WHERE NOT Alias = 'jdoe' ORDER BY Username"), [
      'admin@acme.example',
      'ops@acme.example',
    ]);
    assert.deepEqual(
      await names(
        'SELECT Username FROM User WHERE Id IN (SELECT AssigneeId FROM PermissionSetAssignment WHERE PermissionSet.IsOwnedByProfile = false)',
      ),
      ['jane@acme.example'],
    );
    assert.deepEqual(
      await names(
        'SELECT Username FROM User WHERE Id NOT IN (SELECT AssigneeId FROM PermissionSetAssignment WHERE PermissionSet.IsOwnedByProfile = false) ORDER BY Username',
      ),
      ['admin@acme.example', 'ops@acme.example'],
    );
    const admin = t.org.org.find('User', u => u.Alias === 'aadmin')!;
    assert.deepEqual(
      await names(`SELECT Username FROM User WHERE Id = '${admin.Id.slice(0, 15)}'`),
      ['admin@acme.example'],
      '15-character IDs match',
    );
  });

  it('rejects an unparenthesised AND/OR mix and reports errors with the caret snippet', async () => {
    const conn = jsforce(t.org);
    await assert.rejects(
      async () => conn.query("SELECT Id FROM User WHERE Alias = 'a' AND Alias = 'b' OR Alias = 'c'"),
      (e: any) =>
        e.errorCode === 'MALFORMED_QUERY' && /ERROR at Row:1:Column:55\nunexpected token: 'OR'/.test(e.message),
    );
    await assert.rejects(
      async () => conn.query('select count() from XYZZY'),
      (e: any) =>
        e.errorCode === 'INVALID_TYPE' &&
        e.message ===
          "\nselect count() from XYZZY\n                    ^\nERROR at Row:1:Column:21\nsObject type 'XYZZY' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.",
    );
    await assert.rejects(
      async () => conn.query('SELECT adfId, Name FROM User'),
      (e: any) =>
        e.errorCode === 'INVALID_FIELD' &&
        e.message.startsWith(
          "\nSELECT adfId, Name FROM User\n       ^\nERROR at Row:1:Column:8\nNo such column 'adfId' on entity 'User'.",
        ),
    );
    await assert.rejects(
      async () => conn.query('SELECT Id FROM UserLicense WHERE UsedLicenses > 1'),
      (e: any) => e.errorCode === 'INVALID_FIELD' && /can not be filtered/.test(e.message),
    );
  });

  it('returns child subqueries (null when empty), pages with nextRecordsUrl, and serves columns=true', async () => {
    const conn = jsforce(t.org);
    const ps = await conn.query<any>(
      "SELECT Name, (SELECT Assignee.Username FROM Assignments) FROM PermissionSet WHERE IsOwnedByProfile = false AND Name = 'Report_Builder'",
    );
    assert.equal(ps.records[0].Assignments, null);
    t.org.queryBatchSize = 2;
    try {
      const first = await raw(
        t.org,
        'GET',
        `/services/data/v64.0/query?q=${encodeURIComponent('SELECT Id FROM Profile')}`,
      );
      assert.equal(first.body.done, false);
      assert.match(first.body.nextRecordsUrl, /^\/services\/data\/v64\.0\/query\/01g\w{12}-2$/);
      const all = await conn.query('SELECT Id FROM Profile', { autoFetch: true, maxFetch: 100 });
      assert.equal(all.records.length, first.body.totalSize);
    } finally {
      t.org.queryBatchSize = 2000;
    }
    const cols = await raw(
      t.org,
      'GET',
      `/services/data/v64.0/query?q=${encodeURIComponent('SELECT Id, Profile.Name FROM User')}&columns=true`,
    );
    assert.equal(cols.body.entityName, 'User');
    assert.deepEqual(
      cols.body.columnMetadata.map((c: any) => c.columnName),
      ['Id', 'Profile'],
    );
    assert.equal(cols.body.columnMetadata[1].foreignKeyName, 'ProfileId');
    assert.equal(cols.body.columnMetadata[1].joinColumns[0].columnName, 'Name');
  });

  it('serves Tooling queries (PermissionDependency) separately from data objects', async () => {
    const conn = jsforce(t.org);
    const deps = await conn.tooling.query<any>(
      "SELECT Permission, RequiredPermission FROM PermissionDependency WHERE Permission = 'ViewAllData'",
    );
    assert.deepEqual(
      deps.records.map(d => d.RequiredPermission),
      ['ViewSetup'],
    );
    await assert.rejects(
      async () => conn.query('SELECT Id FROM PermissionDependency'),
      (e: any) => e.errorCode === 'INVALID_TYPE',
    );
  });

  it("creates records with 201 + Location, and enforces the User rules with Salesforce's errors", async () => {
    const conn = jsforce(t.org);
    const platform = t.org.org.find('Profile', p => p.Name === 'Standard Platform User')!;
    const base = {
      LastName: 'Tester',
      Email: 'tester@example.com',
      Alias: 'tester',
      ProfileId: platform.Id,
      TimeZoneSidKey: 'GMT',
      LocaleSidKey: 'en_US',
      EmailEncodingKey: 'UTF-8',
      LanguageLocaleKey: 'en_US',
    };
    const res = await raw(t.org, 'POST', '/services/data/v64.0/sobjects/User', {
      ...base,
      Username: 'tester1@example.com',
    });
    assert.equal(res.status, 201);
    assert.deepEqual(Object.keys(res.body), ['id', 'success', 'errors']);
    assert.equal(res.headers.get('location'), `/services/data/v64.0/sobjects/User/${res.body.id}`);
    await assert.rejects(
      async () => conn.sobject('User').create({ ...base, Username: 'TESTER1@example.com' }),
      (e: any) =>
        e.errorCode === 'DUPLICATE_USERNAME' &&
        e.message ===
          "Duplicate Username.<br>The username already exists in this or another Salesforce organization. Usernames must be unique across all Salesforce organizations. To resolve, use a different username (it doesn't need to match the user's email address). " &&
        e.data.fields[0] === 'Username',
    );
    await assert.rejects(
      async () => conn.sobject('User').create({ ...base, Username: 'taken@acme.org' }),
      (e: any) => e.errorCode === 'DUPLICATE_USERNAME',
      'taken in another org',
    );
    await assert.rejects(
      async () => conn.sobject('User').create({ ...base, Username: 'x2@example.com', Alias: 'BalkanIDx' }),
      (e: any) => e.errorCode === 'STRING_TOO_LONG',
    );
    await assert.rejects(
      async () => conn.sobject('User').create({ Username: 'x3@example.com', LastName: 'x' }),
      (e: any) => e.errorCode === 'REQUIRED_FIELD_MISSING' && /Email/.test(e.message),
    );
    await assert.rejects(
      async () => conn.sobject('User').create({ ...base, Username: 'x4@example.com', TimeZoneSidKey: 'Mars/Olympus' }),
      (e: any) => e.errorCode === 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
    );
    // Salesforce Platform: 3 licences, ops + tester1 use 2; one more fits, the next fails.
    const lic = async () =>
      (await conn.query<any>("SELECT UsedLicenses, TotalLicenses FROM UserLicense WHERE LicenseDefinitionKey = 'AUL'"))
        .records[0];
    assert.deepEqual(await lic().then(l => [l.UsedLicenses, l.TotalLicenses]), [2, 3]);
    await conn.sobject('User').create({ ...base, Username: 'tester2@example.com' });
    assert.equal((await lic()).UsedLicenses, 3);
    await assert.rejects(
      async () => conn.sobject('User').create({ ...base, Username: 'tester3@example.com' }),
      (e: any) => e.errorCode === 'LICENSE_LIMIT_EXCEEDED',
    );
  });

  it('enforces permission dependencies, licence allowances and duplicate assignments', async () => {
    const conn = jsforce(t.org);
    await assert.rejects(
      async () =>
        conn.sobject('PermissionSet').create({ Name: 'Dep_Test', Label: 'Dep', PermissionsViewAllData: true }),
      (e: any) =>
        e.errorCode === 'FIELD_INTEGRITY_EXCEPTION' &&
        e.message === 'Permission View All Data depends on permission(s): View Setup and Configuration',
    );
    const ps = (await conn
      .sobject('PermissionSet')
      .create({ Name: 'Sandbox_Mgr', Label: 'Sandbox Mgr', PermissionsManageSandboxes: true })) as any;
    const ops = t.org.org.find('User', u => u.Alias === 'oops')!;
    await assert.rejects(
      async () => conn.sobject('PermissionSetAssignment').create({ AssigneeId: ops.Id, PermissionSetId: ps.id }),
      // Typographic apostrophes, as the test org answers in English by default (curlyApostrophes).
      (e: any) => /Can’t assign .*The user license doesn’t allow the permission: Manage Sandboxes/.test(e.message),
    );
    const rb = t.org.org.find('PermissionSet', p => p.Name === 'Report_Builder')!;
    await conn.sobject('PermissionSetAssignment').create({ AssigneeId: ops.Id, PermissionSetId: rb.Id });
    await assert.rejects(
      async () => conn.sobject('PermissionSetAssignment').create({ AssigneeId: ops.Id, PermissionSetId: rb.Id }),
      (e: any) => e.errorCode === 'DUPLICATE_VALUE' && /Duplicate PermissionSetAssignment/.test(e.message),
    );
    await assert.rejects(
      async () => conn.sobject('PermissionSet').create({ Name: 'Bad__Name', Label: 'x' }),
      (e: any) => e.errorCode === 'FIELD_INTEGRITY_EXCEPTION',
    );
  });

  it('runs composite requests with references, and rolls back allOrNone with PROCESSING_HALTED', async () => {
    const body = (name: string, second: any) => ({
      allOrNone: true,
      compositeRequest: [
        {
          method: 'POST',
          url: '/services/data/v64.0/sobjects/PermissionSet',
          referenceId: 'ps',
          body: { Name: name, Label: name },
        },
        second,
      ],
    });
    const ok = await raw(
      t.org,
      'POST',
      '/services/data/v64.0/composite',
      body('Comp_A', {
        method: 'GET',
        url: '/services/data/v64.0/sobjects/PermissionSet/@{ps.id}',
        referenceId: 'get',
      }),
    );
    assert.equal(ok.status, 200);
    assert.deepEqual(
      ok.body.compositeResponse.map((r: any) => r.httpStatusCode),
      [201, 200],
    );
    assert.equal(ok.body.compositeResponse[1].body.Name, 'Comp_A');
    const bad = await raw(
      t.org,
      'POST',
      '/services/data/v64.0/composite',
      body('Comp_B', {
        method: 'POST',
        url: '/services/data/v64.0/sobjects/PermissionSet',
        referenceId: 'dup',
        body: { Name: 'Comp_A', Label: 'x' },
      }),
    );
    assert.equal(bad.status, 200);
    assert.deepEqual(
      bad.body.compositeResponse.map((r: any) => r.httpStatusCode),
      [400, 400],
    );
    assert.equal(bad.body.compositeResponse[0].body[0].errorCode, 'PROCESSING_HALTED');
    assert.ok(!t.org.org.find('PermissionSet', p => p.Name === 'Comp_B'), 'rolled back');
    const coll = await raw(t.org, 'POST', '/services/data/v64.0/composite/sobjects', {
      allOrNone: false,
      records: [
        { attributes: { type: 'PermissionSet' }, Name: 'Coll_A', Label: 'a' },
        { attributes: { type: 'PermissionSet' }, Name: 'Coll_A', Label: 'b' },
      ],
    });
    assert.equal(coll.body[0].success, true);
    assert.equal(coll.body[1].errors[0].statusCode, 'DUPLICATE_DEVELOPER_NAME', 'collections key errors by statusCode');
  });
});

describe('test org: who may do what', () => {
  const t = useOrg({ scenario: 'limited-admin' });

  it('computes UserPermissionAccess for the caller and refuses writes the admin lacks permissions for', async () => {
    const conn = jsforce(t.org);
    const upa = (
      await conn.query<any>(
        'SELECT PermissionsManageUsers, PermissionsManageProfilesPermissionsets, PermissionsModifyMetadata FROM UserPermissionAccess',
      )
    ).records[0];
    assert.deepEqual(
      [upa.PermissionsManageUsers, upa.PermissionsManageProfilesPermissionsets, upa.PermissionsModifyMetadata],
      [true, false, false],
    );
    const lic = t.org.org.find('UserLicense', l => l.LicenseDefinitionKey === 'AUL')!;
    await assert.rejects(
      async () => conn.sobject('Profile').create({ Name: 'X', UserLicenseId: lic.Id }),
      (e: any) => e.errorCode === 'INSUFFICIENT_ACCESS_OR_READONLY',
    );
    await assert.rejects(
      async () => conn.metadata.read('ExternalClientApplication' as any, ['X']),
      (e: any) => e.errorCode === 'sf:INSUFFICIENT_ACCESS' && /ModifyAllData or ModifyMetadata/.test(e.message),
    );
  });

  it('hides setup objects from users without View Setup, and the API from users without API Enabled', async () => {
    const jane = t.org.tokenFor('jane@acme.example');
    await assert.rejects(
      async () => jsforce(t.org, '64.0', jane).query('SELECT Id FROM PermissionSet'),
      (e: any) => e.errorCode === 'INVALID_TYPE',
    );
    t.org.org.update(
      'Profile',
      t.org.org.find('Profile', p => p.Name === 'Standard User')!.Id,
      { PermissionsApiEnabled: false },
      t.org.org.find('User', u => u.Alias === 'root')!.Id,
    );
    const r = await raw(t.org, 'GET', '/services/data/v64.0/query?q=SELECT+Id+FROM+User', undefined, {
      Authorization: `Bearer ${jane}`,
    });
    assert.equal(r.status, 403);
    assert.equal(r.body[0].errorCode, 'API_DISABLED_FOR_ORG');
  });
});

describe('test org: switchable open questions', () => {
  const strict = useOrg({ scenario: 'fresh', autoEnableDependencies: true, policyPermissionSetsCreateLinks: true });
  it('autoEnableDependencies: a REST insert turns on what View All Data depends on, transitively', async () => {
    const res: any = await jsforce(strict.org)
      .sobject('PermissionSet')
      .create({ Name: 'Auto_Deps', Label: 'Auto', PermissionsViewAllData: true });
    const ps = strict.org.org.get('PermissionSet', res.id)!;
    assert.deepEqual([ps.PermissionsViewAllData, ps.PermissionsViewSetup, ps.PermissionsViewRoles], [true, true, true]);
  });
  it('policyPermissionSetsCreateLinks: commaSeparatedPermissionSet writes the SetupEntityAccess row, and the engine accepts either', async () => {
    const { apply } = await import('../../../src/core/engine');
    const { adminClient, engineInput, setUp } = await import('../../../test/support/helpers');
    const { report, writes } = await apply(engineInput(await adminClient(strict.org)));
    assert.ok(setUp(report), JSON.stringify(report.steps.map(s => [s.id, s.state])));
    // The deploy already linked them: the link is counted as the deploy's, not inserted again.
    assert.deepEqual(
      writes.filter(w => w.step === 'link').map(w => w.by),
      ['deploy'],
    );
    assert.equal(strict.org.org.all('SetupEntityAccess').length, 1);
  });
});
