// Teardown against the test org (src/core/teardown.ts): the record removals in one composite, then the External
// Client App's deletion by a destructive deploy; it returns exactly what was removed, says what it is doing, and on
// a refusal names the step, Salesforce's code and what was already removed — nothing after it is attempted.
import assert from 'node:assert/strict';
import { teardown, teardownPlan } from '../../src/core/engine';
import { gatherFacts } from '../../src/core/facts';
import { OrgClient } from '../../src/core/client';
import { isSetupError, Write } from '../../src/core/types';
import { adminClient, engineInput, guideManifest, useOrg } from '../support/helpers';

const m = guideManifest();
const APP = 'BalkanID_Extractor';

/** The composite's referenceIds, as teardown names its subrequests: step and place in the plan. */
const refsOf = (plan: Write[]) => plan.filter(w => w.step !== 'app').map((w, i) => `${w.step}${i}`);

describe('teardown: what it removes, says and reports', function () {
  this.timeout(30000);
  const t = useOrg({ scenario: 'done', deployMs: 20 });
  afterEach(() => t.org.clearFaults());

  it('a finished org, no options: exactly the plan is removed, in its order; the user stays, deactivated', async () => {
    t.org.reset('done', { deployMs: 20 });
    const client = await adminClient(t.org);
    const plan = teardownPlan(await gatherFacts(client, m), m);
    assert.deepEqual(
      plan.map(w => w.step),
      ['link', 'permissionSet', 'permissionSet', 'user', 'app'],
    );
    const removed = await teardown(engineInput(client));
    assert.deepEqual(removed, plan);
    const o = t.org.org;
    assert.equal(
      o.find('PermissionSet', p => p.Name === 'BalkanID_Extractor'),
      undefined,
    );
    assert.equal(o.all('SetupEntityAccess').length, 0);
    assert.equal(t.org.meta.exists('ExternalClientApplication', APP), false);
    assert.equal(o.find('User', u => u.Username === 'balkanid@example.test')!.IsActive, false);
    assert.deepEqual(await teardown(engineInput(client)), [], 'a second teardown has nothing left to remove');
  });

  it('progress: one line naming each record removal, then the deletion of the app and its deploy states', async () => {
    t.org.reset('done', { deployMs: 20 });
    const said: string[] = [];
    await teardown(engineInput(await adminClient(t.org)), { onProgress: s => said.push(s) });
    assert.equal(
      said[0],
      'Removing: delete External Client App "BalkanID Extractor" policies, delete Permission set assignment, ' +
        'delete Permission set "BalkanID Extractor", update User balkanid@example.test…',
    );
    assert.equal(said[1], 'Deleting External Client App "BalkanID Extractor"…');
    assert.ok(said.length > 2, said.join('\n'));
    for (const s of said.slice(2))
      assert.match(s, /^Deleting External Client App "BalkanID Extractor": [A-Za-z]+( \(\d+\/\d+\))?…$/);
  });

  it('a refused record removal: its step and code, everything the composite removed reported, the app left alone', async () => {
    t.org.reset('done', { deployMs: 20 });
    const client = await adminClient(t.org);
    const plan = teardownPlan(await gatherFacts(client, m), m);
    const refs = refsOf(plan);
    t.org.addFault({
      method: 'POST',
      path: '/composite$',
      status: 200,
      body: {
        compositeResponse: refs.map(referenceId =>
          referenceId === 'permissionSet2'
            ? {
                referenceId,
                httpStatusCode: 400,
                body: [{ errorCode: 'DELETE_FAILED', message: 'The permission set is in use.' }],
              }
            : { referenceId, httpStatusCode: 204, body: null },
        ),
      },
    });
    const err = await teardown(engineInput(client)).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(isSetupError(err), String(err));
    assert.deepEqual([err.code, err.step], ['DELETE_FAILED', 'permissionSet']);
    assert.deepEqual(
      err.writes,
      [plan[0], plan[1], plan[3]],
      'the link, the assignment and the user: each answered with success',
    );
    assert.match(
      err.message,
      /^Step "Permission set BalkanID Extractor, assigned" failed: Teardown of "Permission set BalkanID Extractor, assigned" failed: DELETE_FAILED: The permission set is in use\. Written before the failure: Delete External Client App /,
    );
    assert.equal(t.org.meta.exists('ExternalClientApplication', APP), true, 'no deletion after a refusal');
  });

  it('a subrequest the composite does not answer counts as not removed, and stops the teardown', async () => {
    t.org.reset('done', { deployMs: 20 });
    const client = await adminClient(t.org);
    const plan = teardownPlan(await gatherFacts(client, m), m);
    const refs = refsOf(plan);
    t.org.addFault({
      method: 'POST',
      path: '/composite$',
      status: 200,
      body: {
        compositeResponse: refs
          .filter(r => r !== 'user3')
          .map(referenceId => ({ referenceId, httpStatusCode: 204, body: null })),
      },
    });
    const err = await teardown(engineInput(client)).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(isSetupError(err), String(err));
    assert.equal(err.step, 'user');
    assert.deepEqual(err.writes, plan.slice(0, 3));
    assert.equal(t.org.meta.exists('ExternalClientApplication', APP), true);
  });

  it("the app's deletion refused (deleted meanwhile in Setup): DEPLOY_FAILED with Salesforce's problem, the record removals reported", async () => {
    t.org.reset('done', { deployMs: 20 });
    const real = await adminClient(t.org);
    const plan = teardownPlan(await gatherFacts(real, m), m);
    // Someone deletes the app in Setup between teardown's read and its deploy.
    const client: OrgClient = Object.assign(Object.create(real) as OrgClient, {
      deploy: (...args: Parameters<OrgClient['deploy']>) => {
        t.org.meta.remove('ExternalClientApplication', APP);
        return real.deploy(...args);
      },
    });
    const err = await teardown({ ...engineInput(real), client }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(isSetupError(err), String(err));
    assert.deepEqual([err.code, err.step], ['DEPLOY_FAILED', 'app']);
    assert.match(
      err.message,
      /Teardown could not delete External Client App "BalkanID Extractor": No ExternalClientApplication named: BalkanID_Extractor found/,
    );
    assert.deepEqual(err.writes, plan.slice(0, 4));
  });
});
