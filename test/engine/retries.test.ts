// The permission retry's cap, against the test org: when Salesforce refuses the profile six times in a row, each
// time naming a permission it depends on that the run did not know yet, apply learns from five refusals, sends the
// records six times in all, then stops with the sixth refusal — it never loops on an org that keeps asking.
import assert from 'node:assert/strict';
import { apply } from '../../src/core/engine';
import { isSetupError } from '../../src/core/types';
import { adminClient, engineInput, useOrg } from '../support/helpers';

/** Permissions the test org's Profile describe knows (so the run accepts them as API names). */
const ASKED = [
  'ManageUsers',
  'CustomizeApplication',
  'ModifyAllData',
  'AssignPermissionSets',
  'ManageProfilesPermissionsets',
  'ViewAllData',
  'ModifyMetadata',
];

describe('engine: the permission retry is capped', () => {
  const t = useOrg({ scenario: 'fresh' });

  it('six refusals each naming a new dependency: six composites are sent, the sixth refusal stands, nothing is written', async () => {
    for (const perm of ASKED)
      t.org.addFault({
        method: 'POST',
        path: '/composite$',
        status: 200,
        body: {
          compositeResponse: [
            {
              referenceId: 'profile',
              httpStatusCode: 400,
              body: [
                {
                  errorCode: 'FIELD_INTEGRITY_EXCEPTION',
                  message: `Permission View Setup and Configuration depends on permission(s): ${perm}`,
                  fields: [],
                },
              ],
            },
          ],
        },
      });
    const composites = () => t.org.stats().byRoute['POST /services/data/v64.0/composite'] ?? 0;
    const before = composites();
    const said: string[] = [];
    const err = await apply(engineInput(await adminClient(t.org)), {
      steps: ['profile'],
      onProgress: m => said.push(m),
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(isSetupError(err), String(err));
    assert.equal(err.code, 'FIELD_INTEGRITY_EXCEPTION');
    assert.equal(err.step, 'profile');
    assert.match(err.message, /depends on permission\(s\): ViewAllData/);
    assert.equal(composites() - before, 6);
    assert.deepEqual(
      said.filter(m => m.startsWith('Salesforce asked for a change of permissions')),
      ASKED.slice(0, 5).map(p => `Salesforce asked for a change of permissions (add ${p}); writing again…`),
    );
    assert.equal(t.org.org.writes, 0);
  });
});
