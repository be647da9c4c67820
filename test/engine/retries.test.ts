// The permission retry's cap, against the test org: when Salesforce refuses the profile again and again, each time
// naming a permission it depends on that the run did not know yet, apply learns from five refusals, then writes the
// profile once with the guide's own permissions only, and stops with the refusal of that — seven composites in all;
// it never loops on an org that keeps asking.
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

/** Setup's labels of the first five, as the run names what it adds. */
const LABELS = [
  'Manage Users',
  'Customize Application',
  'Modify All Data',
  'Assign Permission Sets',
  'Manage Profiles and Permission Sets',
];

describe('engine: the permission retry is capped', () => {
  const t = useOrg({ scenario: 'fresh' });

  it("refusals each naming a new dependency: five are learned from, the sixth makes the profile fall back to the guide's own permissions, the seventh stands; seven composites, nothing is written", async () => {
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
    assert.match(err.message, /depends on permission\(s\): ModifyMetadata\. Nothing was written\.$/);
    assert.equal(composites() - before, 7);
    assert.deepEqual(
      said.filter(m => m.startsWith('Salesforce refused')),
      [
        ...LABELS.map(l => `Salesforce refused a permission (add "${l}"); writing again…`),
        'Salesforce refused the profile ("Permission View Setup and Configuration depends on permission(s): ' +
          'ViewAllData"); writing it with the guide\'s own permissions only…',
      ],
    );
    assert.equal(t.org.org.writes, 0);
  });
});
