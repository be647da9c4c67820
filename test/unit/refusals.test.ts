// Reading a refusal of a permission (records.ts permissionsNamed and permissionFix), at its edges: which `fields`
// name a permission, the English labels when describe gave none, blank labels, the longest label first and each
// place in the message read once, apostrophes of either kind, another error code, and a fix that needs a
// permission the API cannot set.
import assert from 'node:assert/strict';
import { permissionFix, permissionsNamed } from '../../src/core/records';
import { ProfileFields } from '../../src/core/facts';

const fields = (labels: Record<string, string>, notCreateable: string[] = []): ProfileFields => ({
  createable: new Set(Object.keys(labels).filter(p => !notCreateable.includes(p))),
  byLabel: new Map(Object.entries(labels).map(([p, l]) => [l.toLowerCase(), p])),
  labels: new Map(Object.entries(labels)),
});
const refusal = (message: string, errorCode = 'FIELD_INTEGRITY_EXCEPTION', fieldList: string[] = []) => ({
  status: 400,
  body: [{ errorCode, message, fields: fieldList }],
});

describe('refusals: which permissions a refusal names', () => {
  it('a field names a permission only as "Permissions" and a name of letters, digits or "_", whole', () => {
    const e = {
      message: 'no names here',
      fields: ['PermissionsRunReports', 'Name', 'UserPermissionsMarketingUser', 'PermissionsA-b', 'Permissions'],
    };
    assert.deepEqual(permissionsNamed(e, new Map([['RunReports', 'Run Reports']])), ['RunReports']);
  });
  it("without describe's labels (none, or an empty list) the English labels are the vocabulary", () => {
    const e = { message: 'Permission View All Data depends on permission(s): View Setup and Configuration' };
    assert.deepEqual(permissionsNamed(e, undefined), ['ViewSetup', 'ViewAllData']);
    assert.deepEqual(permissionsNamed(e, new Map()), ['ViewSetup', 'ViewAllData']);
  });
  it('a blank label names nothing, even in a message full of spaces', () => {
    const labels = new Map([
      ['Blank', '  '],
      ['Empty', ''],
      ['RunReports', 'Run Reports'],
    ]);
    assert.deepEqual(permissionsNamed({ message: 'a b c' }, labels), []);
  });
  it('the longest label is read first, and a place in the message read by one label is not read again by another', () => {
    const labels = new Map([
      ['Short', 'View Setup'],
      ['Other', 'Setup and'],
      ['Long', 'View Setup and Configuration'],
    ]);
    assert.deepEqual(permissionsNamed({ message: 'needs View Setup and Configuration' }, labels), ['Long']);
    // What is left on both sides of a label read does not join into another label.
    const joined = new Map([
      ['First', 'abc def'],
      ['Second', 'xy'],
    ]);
    assert.deepEqual(permissionsNamed({ message: 'xabc defy' }, joined), ['First']);
  });
  it('a label with a straight apostrophe is found behind a typographic one, in any case', () => {
    const labels = new Map([['ViewOwn', "View Owner's Records"]]);
    assert.deepEqual(permissionsNamed({ message: 'needs VIEW OWNER\u2019S RECORDS' }, labels), ['ViewOwn']);
    assert.deepEqual(permissionsNamed({ message: 'needs view owner\u02bcs records' }, labels), ['ViewOwn']);
  });
});

describe('refusals: what to change after one', () => {
  const en = fields(
    {
      CustomizeApplication: 'Customize Application',
      ManageTranslation: 'Manage Translation',
      ChatterInternalUser: 'Chatter Internal User',
    },
    ['ChatterInternalUser'],
  );
  it('only FIELD_INTEGRITY_EXCEPTION is read: another code naming a permission changes nothing', () => {
    const r = refusal('Permission Customize Application depends on: Manage Translation', 'INVALID_FIELD');
    assert.equal(permissionFix(r, en, ['CustomizeApplication'], []), undefined);
  });
  it('without describe, a needed permission named by its English label is added (any permission may be set)', () => {
    const r = refusal('Permission View All Data depends on permission(s): View Setup and Configuration');
    assert.deepEqual(permissionFix(r, undefined, ['ViewAllData'], []), { add: ['ViewSetup'], drop: [] });
  });
  it('when one needed permission cannot be set by the API, none is added: the sent one that needs them is left out', () => {
    const r = refusal(
      'Permission Customize Application depends on permission(s): Manage Translation, Chatter Internal User',
    );
    assert.deepEqual(permissionFix(r, en, ['CustomizeApplication'], []), { add: [], drop: ['CustomizeApplication'] });
  });
});
