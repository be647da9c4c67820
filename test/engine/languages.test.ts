// The engine on an org in another language (issue 19 §2): the source profile found by what does not change with the
// language and shown by the name the org gives it; the permissions to clone decided before writing; refusals read by
// the org's own vocabulary (describe's labels in the admin's language, API names), never by English text; what the
// clone could not carry reported in Setup's labels. The full flow — check, apply, apply again with no writes, the
// self-test, BalkanID's login, teardown — in each language and under each way Salesforce may refuse.
import assert from 'node:assert/strict';
import { apply, check } from '../../src/core/engine';
import { OrgOptions } from '../../packages/sf-test-org/src/state';
import { DEFAULT_OPTIONS } from '../../packages/sf-test-org/src/options';
import { STANDARD_PROFILES, permissionLabel } from '../../packages/sf-test-org/src/i18n';
import { adminClient, engineInput, useOrg } from '../support/helpers';
import { fullFlow } from '../support/flow';

const LANGUAGES = ['de', 'ja', 'es'] as const;
const REFUSALS: Array<[string, OrgOptions]> = [
  ['the defaults (Access Activities needs an object permission: Read Quotes)', {}],
  ['no object-permission dependency', { objectPermissionDependency: false }],
  [
    'no PermissionDependency rows for View All Data (the refusal must be read)',
    { dependencyRowsForViewAllData: false },
  ],
  [
    '…and refusals naming API names with empty fields',
    { dependencyRowsForViewAllData: false, permissionErrorsByName: true },
  ],
];
/** The switch as the org has it (the test org's default when the case leaves it out). */
const objectDependency = (o: OrgOptions) => o.objectPermissionDependency ?? DEFAULT_OPTIONS.objectPermissionDependency;

/** Every finding and plan line of a report, as one text. */
const said = (r: {
  steps: Array<{ findings: Array<{ message: string; fix?: string }>; plan: Array<{ detail: string; target: string }> }>;
}) =>
  r.steps
    .flatMap(s => [...s.findings.flatMap(f => [f.message, f.fix ?? '']), ...s.plan.flatMap(w => [w.target, w.detail])])
    .join('\n');

describe('engine: the full flow in other languages', function () {
  this.timeout(120000);
  const t = useOrg({ scenario: 'fresh', deployMs: 20 });
  for (const lang of LANGUAGES)
    for (const [name, options] of REFUSALS)
      it(`${lang}, ${name}: the source profile by its name in ${lang}, never "Standard Platform User"; check, apply, apply again (no writes), self-test, BalkanID's login, teardown`, async () => {
        t.org.reset('fresh', { language: lang, ...options });
        const source = STANDARD_PROFILES.StandardAul![lang];
        const { report } = await check(engineInput(await adminClient(t.org)));
        const plan = report.steps.find(s => s.id === 'profile')!.plan[0]!;
        assert.equal(plan.detail.startsWith(`clone of "${source}" + `), true, plan.detail);
        assert.ok(plan.detail.includes(permissionLabel(lang, 'ViewSetup')), "the permissions in Setup's labels");
        assert.doesNotMatch(said(report), /Standard Platform User/);
        const flow = await fullFlow(t.org);
        assert.doesNotMatch(said(flow.applied.report), /Standard Platform User/);
        // The clone carries what the API may set; what it could not carry is reported in Setup's labels, with why.
        const notCopied = flow.applied.report.steps
          .find(s => s.id === 'profile')!
          .findings.find(f => f.code === 'profile-permissions-not-copied')!;
        assert.match(notCopied.message, new RegExp(`^Not copied from "${source}" to profile "BalkanID Integration": `));
        assert.ok(
          notCopied.message.includes(`"${permissionLabel(lang, 'ChatterInternalUser')}" (the API cannot set it`),
          notCopied.message,
        );
        if (objectDependency(options))
          assert.ok(
            notCopied.message.includes(
              `"${permissionLabel(lang, 'ActivitiesAccess')}" (it needs the object permission Quote<read>`,
            ),
            notCopied.message,
          );
        // Teardown keeps the profile (the deactivated user holds it): it names its source in the org's language.
        const profile = t.org.org.find('Profile', p => p.Name === 'BalkanID Integration')!;
        assert.match(profile.Description, new RegExp(`^BalkanID integration: ${source} \\+ `));
        assert.equal(profile.PermissionsRunReports, true, "the source profile's permissions were copied");
        assert.equal(!!profile.PermissionsActivitiesAccess, !objectDependency(options));
      });
});

describe('engine: refusals in English as real orgs write them', function () {
  this.timeout(120000);
  const t = useOrg({ scenario: 'fresh', deployMs: 20 });
  for (const [name, options] of [
    [
      'typographic apostrophes ("doesn’t", the default), no rows for View All Data',
      { dependencyRowsForViewAllData: false },
    ],
    [
      'straight apostrophes, no object-permission dependency, no rows for View All Data',
      { curlyApostrophes: false, objectPermissionDependency: false, dependencyRowsForViewAllData: false },
    ],
    [
      'the object-permission-label form without its PermissionDependency row (the refusal must be read)',
      { objectPermissionDependency: true },
    ],
  ] as Array<[string, OrgOptions]>)
    it(`${name}: the full flow passes and the permission that cannot be copied is reported`, async () => {
      t.org.reset('fresh', options);
      if (options.objectPermissionDependency) {
        // A real org may lack the row (as it reportedly lacks View All Data's): the refusal itself is then read.
        const row = t.org.org.find('PermissionDependency', d => d.RequiredPermissionType === 'Object Permission')!;
        t.org.org.table('PermissionDependency').delete(row.Id.slice(0, 15));
      }
      const flow = await fullFlow(t.org);
      if (options.objectPermissionDependency)
        assert.match(
          flow.applied.report.steps
            .find(s => s.id === 'profile')!
            .findings.map(f => f.message)
            .join(' '),
          /"Access Activities" \(Salesforce refused it/,
        );
    });

  it("a refusal no vocabulary explains (an unknown message, no permission named): the profile falls back to the guide's own permissions, and the report lists what was not copied", async () => {
    t.org.reset('fresh');
    // The records' composite answers once with a refusal of the profile in words nobody can read.
    t.org.addFault({
      method: 'POST',
      path: '/composite$',
      status: 200,
      body: {
        compositeResponse: ['profile', 'user', 'permset', 'assignment'].map((referenceId, i) => ({
          referenceId,
          httpStatusCode: 400,
          body: [
            i === 0
              ? { errorCode: 'FIELD_INTEGRITY_EXCEPTION', message: 'Berechtigungsfehler (Code 7)', fields: [] }
              : { errorCode: 'PROCESSING_HALTED', message: 'The transaction was rolled back' },
          ],
        })),
      },
    });
    const { report, writes } = await apply(engineInput(await adminClient(t.org)));
    assert.ok(writes.some(w => w.step === 'profile' && w.action === 'create'));
    const profile = t.org.org.find('Profile', p => p.Name === 'BalkanID Integration')!;
    assert.deepEqual(
      ['ApiEnabled', 'ViewSetup', 'ViewRoles', 'RunReports', 'ActivitiesAccess'].map(p => !!profile[`Permissions${p}`]),
      [true, true, true, false, false],
    );
    const notCopied = report.steps
      .find(s => s.id === 'profile')!
      .findings.find(f => f.code === 'profile-permissions-not-copied')!;
    assert.match(notCopied.message, /"Run Reports" \(Salesforce refused it/);
    assert.match(notCopied.message, /"Access Activities"/);
    assert.deepEqual(
      report.steps.filter(s => s.state !== 'done').map(s => s.id),
      ['verify'],
    );
  });
});
