// The record writes against the test org (src/core/records.ts), on the paths the full flows do not take: a record
// that needs one this run neither has nor creates, a composite that leaves parts unanswered, a permission the licence
// forbids left out and the profile written again, a permission set refused a dependency (added) or an essential
// permission (the refusal stands).
import assert from 'node:assert/strict';
import { apply } from '../../src/core/engine';
import { isSetupError } from '../../src/core/types';
import { adminClient, engineInput, setUp, useOrg } from '../support/helpers';
import { TestOrg } from '../../packages/sf-test-org/src/server';

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => {
      assert.ok(isSetupError(e), String(e));
      return e;
    },
  );
const refused = (referenceId: string, message: string, fields: string[] = []) => ({
  referenceId,
  httpStatusCode: 400,
  body: [{ errorCode: 'FIELD_INTEGRITY_EXCEPTION', message, fields }],
});
/** The finished org with View All Data switched off on the permission set: its step patches it. */
function permissionSetDrifted(org: TestOrg): void {
  const ps = org.org.find('PermissionSet', p => p.Name === 'BalkanID_Extractor')!;
  org.org.table('PermissionSet').set(ps.Id, { ...ps, PermissionsViewAllData: false });
}

describe('records: references, unanswered parts and permission refusals', function () {
  this.timeout(30000);
  const t = useOrg({ scenario: 'fresh', deployMs: 20 });
  afterEach(() => t.org.clearFaults());

  it('the permission set without the user step on a fresh org: NEEDS_USER before anything is sent', async () => {
    t.org.reset('fresh', { deployMs: 20 });
    const before = t.org.org.writes;
    const e = await failure(apply(engineInput(await adminClient(t.org)), { steps: ['profile', 'permissionSet'] }));
    assert.deepEqual([e.code, e.step, e.writes], ['NEEDS_USER', 'permissionSet', []]);
    assert.equal(
      e.message,
      'Step "Permission set BalkanID Extractor, assigned" needs the integration user first: run the user step. ' +
        'Nothing was written.',
    );
    assert.equal(t.org.org.writes, before);
  });

  it('a composite that answers none of its parts: UNEXPECTED_RESPONSE, each write named as possibly made', async () => {
    t.org.reset('fresh', { deployMs: 20 });
    t.org.addFault({ method: 'POST', path: '/composite$', status: 200, body: { compositeResponse: [] } });
    const e = await failure(apply(engineInput(await adminClient(t.org))));
    assert.deepEqual([e.code, e.step], ['UNEXPECTED_RESPONSE', 'profile']);
    assert.equal(
      e.uncertain,
      'create profile, create integration user, create permission set, create permission set assignment',
    );
  });

  it('a permission the licence forbids on the new profile is left out, and the profile is written again without it', async () => {
    t.org.reset('fresh', { deployMs: 20 });
    t.org.addFault({
      method: 'POST',
      path: '/composite$',
      status: 200,
      body: {
        compositeResponse: [
          refused('profile', "The user license doesn't allow the permission: Run Reports", ['PermissionsRunReports']),
          ...['user', 'permset', 'assignment'].map(referenceId => ({
            referenceId,
            httpStatusCode: 400,
            body: [{ errorCode: 'PROCESSING_HALTED', message: 'Invalid reference specified.' }],
          })),
        ],
      },
    });
    const said: string[] = [];
    const { report } = await apply(engineInput(await adminClient(t.org)), { onProgress: s => said.push(s) });
    assert.deepEqual(
      said.filter(s => s.startsWith('Salesforce refused')),
      ['Salesforce refused a permission (leave out "Run Reports"); writing again…'],
    );
    const profile = t.org.org.find('Profile', p => p.Name === 'BalkanID Integration')!;
    assert.notEqual(profile.PermissionsRunReports, true);
    assert.equal(profile.PermissionsApiEnabled, true);
    assert.ok(setUp(report), JSON.stringify(report.steps.map(s => [s.id, s.state])));
  });

  it('the permission set refused for a dependency it lacks: the dependency is added and the set written again', async () => {
    t.org.reset('done', { deployMs: 20 });
    permissionSetDrifted(t.org);
    t.org.addFault({
      method: 'POST',
      path: '/composite$',
      status: 200,
      body: {
        compositeResponse: [
          refused('permset', 'Permission View All Data depends on permission(s): Manage Users', [
            'PermissionsViewAllData',
          ]),
        ],
      },
    });
    const said: string[] = [];
    const { writes } = await apply(engineInput(await adminClient(t.org)), {
      steps: ['permissionSet'],
      onProgress: s => said.push(s),
    });
    assert.deepEqual(
      said.filter(s => s.startsWith('Salesforce refused')),
      ['Salesforce refused a permission (add "Manage Users"); writing again…'],
    );
    assert.deepEqual(
      writes.map(w => [w.step, w.action]),
      [['permissionSet', 'update']],
    );
    const ps = t.org.org.find('PermissionSet', p => p.Name === 'BalkanID_Extractor')!;
    assert.deepEqual([ps.PermissionsViewAllData, ps.PermissionsManageUsers], [true, true]);
  });

  it('the permission set refused a permission the guide needs (View All Data): not left out, the refusal stands', async () => {
    t.org.reset('done', { deployMs: 20 });
    permissionSetDrifted(t.org);
    t.org.addFault({
      method: 'POST',
      path: '/composite$',
      status: 200,
      body: {
        compositeResponse: [
          refused('permset', "The user license doesn't allow the permission: View All Data", [
            'PermissionsViewAllData',
          ]),
        ],
      },
    });
    const e = await failure(apply(engineInput(await adminClient(t.org)), { steps: ['permissionSet'] }));
    assert.deepEqual([e.code, e.step, e.writes], ['FIELD_INTEGRITY_EXCEPTION', 'permissionSet', []]);
    assert.match(e.message, /FIELD_INTEGRITY_EXCEPTION: The user license doesn't allow the permission: View All Data/);
    const ps = t.org.org.find('PermissionSet', p => p.Name === 'BalkanID_Extractor')!;
    assert.equal(ps.PermissionsViewAllData, false);
  });
});
