// What the integration profile is cloned with, at its edges (src/core/steps/profile.ts clonePermissions), and the
// consumer key step's address and words (src/core/steps/consumerKey.ts): the source profile's permissions that are
// on, none that need an object permission (directly or through another), the guide's own whatever they need, only
// the guide's after a refusal nobody could read; the app's page only for a well-formed Id.
import assert from 'node:assert/strict';
import { clonePermissions } from '../../src/core/steps/profile';
import { consumerKey, consumerKeyPage } from '../../src/core/steps/consumerKey';
import { StepContext } from '../../src/core/steps/step';
import { Facts } from '../../src/core/facts';
import { certificate, freshFacts, doneFacts, MANIFEST } from '../support/facts';
import { NOW } from '../support/clock';

const ctx = (f: Facts, more: Partial<StepContext> = {}): StepContext => ({
  facts: f,
  manifest: MANIFEST,
  certificate: certificate(),
  now: NOW,
  ...more,
});
const source = (perms: Record<string, unknown>): Facts => {
  const f = freshFacts();
  f.sourceProfile = { Id: '00e000000000001AAA', Name: 'Standard Platform User', UserLicenseId: '100', ...perms };
  f.dependencies = [];
  return f;
};

describe('the profile clone: which permissions it carries', () => {
  it("the source profile's permissions that are on (true, not truthy), then the guide's own; no other field", () => {
    const f = source({
      PermissionsRunReports: true,
      PermissionsOff: false,
      PermissionsText: 'true',
      IsSsoEnabled: true,
    });
    assert.deepEqual(clonePermissions(ctx(f)), ['RunReports', 'ViewSetup', 'ViewRoles']);
  });
  it('a permission that needs an object permission is left out, and so is one that needs it, transitively', () => {
    const f = source({ PermissionsA: true, PermissionsB: true, PermissionsC: true, PermissionsD: true });
    f.objectDependencies = [{ Permission: 'A', RequiredPermission: 'Quote<read>' }];
    f.dependencies = [
      { Permission: 'B', RequiredPermission: 'A' },
      { Permission: 'C', RequiredPermission: 'B' },
    ];
    assert.deepEqual(clonePermissions(ctx(f)), ['D', 'ViewSetup', 'ViewRoles']);
  });
  it("the guide's own permissions stay even when one of them needs an object permission", () => {
    const f = source({ PermissionsApiEnabled: true });
    f.objectDependencies = [{ Permission: 'ViewSetup', RequiredPermission: 'Quote<read>' }];
    assert.deepEqual(clonePermissions(ctx(f)), ['ApiEnabled', 'ViewSetup', 'ViewRoles']);
  });
  it("after a refusal nobody could read: only the guide's own, with what they need, whatever the source has", () => {
    const f = source({ PermissionsRunReports: true });
    f.dependencies = [{ Permission: 'ViewRoles', RequiredPermission: 'ViewPlatformData' }];
    assert.deepEqual(clonePermissions(ctx(f, { permissions: { adjust: {}, fallback: true } })), [
      'ApiEnabled',
      'ViewSetup',
      'ViewRoles',
      'ViewPlatformData',
    ]);
    assert.deepEqual(clonePermissions(ctx(f, { permissions: { adjust: {} } })), [
      'RunReports',
      'ViewSetup',
      'ViewRoles',
      'ViewPlatformData',
    ]);
  });
});

describe("the consumer key: the app's page and the routes' words", () => {
  it("the app's page in Setup only for an Id of 15 or 18 letters and digits, whole", () => {
    const page = (Id: string) => consumerKeyPage({ app: { ...doneFacts().app!, Id } });
    assert.equal(page('0xI000000000001'), '/lightning/setup/ManageExternalClientApplication/0xI000000000001/detail');
    assert.equal(
      page('0xI000000000001AAA'),
      '/lightning/setup/ManageExternalClientApplication/0xI000000000001AAA/detail',
    );
    for (const Id of [
      '0xI00000000001',
      '0xI000000000001A',
      '0xI000000000001AAAA',
      'x/0xI000000000001',
      '0xI000000000001/x',
    ])
      assert.equal(page(Id), undefined, Id);
    assert.equal(consumerKeyPage({ app: undefined }), undefined);
  });
  it("unreadable by both routes: each route named with Salesforce's code and words (the code alone without words)", () => {
    const f = doneFacts();
    f.consumerKey = {
      refused: [
        { route: 'metadata', code: 'NO_KEY', message: '' },
        { route: 'connect', code: 'FORBIDDEN', message: 'Not allowed.' },
      ],
    };
    const r = consumerKey.evaluate(ctx(f), []);
    assert.deepEqual(
      [r.done, r.plan, r.findings.map(x => [x.code, x.subject])],
      [false, [], [['consumer-key-unreadable', 'app']]],
    );
    assert.match(
      r.findings[0]!.message,
      /: the Metadata API did not give it \(NO_KEY\); .*; and the Connect REST API refused it \(FORBIDDEN: Not allowed\.\);/,
    );
    f.consumerKey = undefined;
    assert.match(consumerKey.evaluate(ctx(f), []).findings[0]!.message, /could not be read: no route answered\.$/);
  });
});
