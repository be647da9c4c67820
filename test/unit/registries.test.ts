// The small rules of the registries and formatters that the larger suites reach only in passing: which error codes
// mean the org is gone or a write may have been made, which values are finding codes, what an info or a certificate
// finding does to its step, and how counts are written.
import assert from 'node:assert/strict';
import { connectionLost, ERRORS, mayHaveWritten } from '../../src/core/errorCodes';
import { finding, FINDINGS, findingSpec, findingTitle, isFindingCode } from '../../src/core/findings';
import { changesMade, codeOf, Finding, messageOf, SetupError, StepId, StepResult } from '../../src/core/types';
import { adminNeeds, adminRequestText } from '../../src/core/adminRequest';
import { formatCount, formatLocalCount } from '../../src/core/numbers';

describe('registries: error codes', () => {
  it('the connection is lost after an expired session, an unreachable org, a timeout or an interrupt, and after no other code', () => {
    const lost = Object.keys(ERRORS).filter(connectionLost);
    assert.deepEqual(lost.sort(), ['INTERRUPTED', 'SESSION_EXPIRED', 'TIMEOUT', 'UNREACHABLE']);
    assert.equal(connectionLost('INVALID_SESSION_ID'), false, "Salesforce's own code is not in the table");
    assert.equal(connectionLost('toString'), false, 'no inherited property counts');
  });
  it('a write may have been made after an unreachable org, a timeout, an interrupt, a server error, an answer too large or unexpected, only', () => {
    const uncertain = Object.keys(ERRORS).filter(mayHaveWritten);
    assert.deepEqual(uncertain.sort(), [
      'INTERRUPTED',
      'SERVER_ERROR',
      'TIMEOUT',
      'TOO_LARGE',
      'UNEXPECTED_RESPONSE',
      'UNREACHABLE',
    ]);
    assert.equal(mayHaveWritten('REQUEST_LIMIT_EXCEEDED'), false);
  });
});

describe('registries: findings', () => {
  it('a finding code is a string the table holds as its own key; nothing else is', () => {
    assert.equal(isFindingCode('user-frozen'), true);
    for (const x of ['nope', 'toString', '', 42, undefined, null, { code: 'user-frozen' }, ['user-frozen']])
      assert.equal(isFindingCode(x), false, String(x));
  });
  it('an info informs (no effect) unless it says otherwise; "waits-for" blocks', () => {
    assert.deepEqual(
      [findingSpec('license-headroom').effect, findingSpec('pending').effect, findingSpec('waits-for').effect],
      ['none', 'none', 'blocks'],
    );
    for (const [code, spec] of Object.entries(FINDINGS))
      if (spec.severity === 'info') assert.equal(spec.problem, false, code);
  });
  it('a certificate error blocks (or errs), a certificate warning does nothing to its step; both offer another certificate', () => {
    assert.deepEqual(
      [findingSpec('cert-expired').effect, findingSpec('cert-expired').quickFix],
      ['blocks-or-error', 'chooseCertificate'],
    );
    assert.deepEqual(
      [findingSpec('cert-expiring').effect, findingSpec('cert-expiring').quickFix],
      ['none', 'chooseCertificate'],
    );
  });
});

describe('registries: what a finding, a thrown value and a run are called', () => {
  it('a placeholder or reserved domain is titled by the manifest value it is in: Email for the email, else Username', () => {
    const at = (code: 'placeholder-value' | 'reserved-domain', key: string | undefined) =>
      findingTitle(finding(code, { message: 'm', ...(key ? { manifestPath: ['user', key] } : {}) }));
    assert.equal(at('placeholder-value', 'email'), 'Email: placeholder domain');
    assert.equal(at('placeholder-value', 'username'), 'Username: placeholder domain');
    assert.equal(at('reserved-domain', 'email'), 'Email: reserved domain');
    assert.equal(at('reserved-domain', undefined), 'Username: reserved domain');
  });
  it("a thrown value's code only when it is an object's string code; its message, else the value as text", () => {
    assert.equal(codeOf(new SetupError('x', 'TIMEOUT')), 'TIMEOUT');
    assert.equal(codeOf(Object.assign(new Error('no file'), { code: 'ENOENT' })), 'ENOENT');
    for (const x of [{ code: 42 }, 'TIMEOUT', null, undefined, 7, {}]) assert.equal(codeOf(x), undefined, String(x));
    assert.equal(messageOf(new Error('it broke')), 'it broke');
    assert.equal(messageOf({ message: 'plain object' }), 'plain object');
    assert.equal(messageOf({ message: 42 }), '[object Object]');
    assert.equal(messageOf('text thrown'), 'text thrown');
    assert.equal(messageOf(null), 'null');
    assert.equal(messageOf(undefined), 'undefined');
  });
  it("changes made, counted, and the link by the app's deploy said only when a write says so", () => {
    const w = { step: 'profile' as const, action: 'create' as const, target: 'profile', detail: 'd' };
    assert.equal(changesMade([]), '0 changes made.');
    assert.equal(changesMade([w]), '1 change made.');
    assert.equal(changesMade([w, w]), '2 changes made.');
    assert.equal(
      changesMade([w, { ...w, step: 'link', by: 'deploy' }]),
      "2 changes made (the link by the External Client App's deploy: its policy names the permission set).",
    );
  });
});

describe('registries: counts', () => {
  it('the CLI writes counts the same everywhere (en-US: 1,234,567); the extension in the locale of the machine', () => {
    assert.equal(formatCount(1234567), '1,234,567');
    assert.equal(formatCount(0), '0');
    assert.equal(formatLocalCount(1234567), (1234567).toLocaleString());
  });
});

describe('registries: the request for a System Administrator', () => {
  const missing = (permission: string | undefined, code = 'admin-permission-missing') =>
    ({ code, severity: 'error', message: 'm', ...(permission ? { permission } : {}) }) as Finding;
  const step = (id: StepId, findings: Finding[], work = true): StepResult => ({
    id,
    title: id,
    state: 'blocked',
    findings,
    plan: [],
    exists: !work,
  });
  it('each permission once, with every step that still has work and needs it, once each; nothing else counts', () => {
    const needs = adminNeeds([
      step('preflight', [missing('ViewSetup')], false),
      step('profile', [missing('ManageProfilesPermissionsets'), missing('ManageProfilesPermissionsets')]),
      step('user', [missing('ManageUsers'), missing(undefined), missing('ViewAllData', 'user-frozen')]),
      step('permissionSet', [missing('ManageProfilesPermissionsets')]),
      step('link', [missing('ModifyMetadata')], false),
    ]);
    assert.deepEqual(needs, [
      { permission: 'ViewSetup', alternatives: [], steps: ['preflight'] },
      { permission: 'ManageProfilesPermissionsets', alternatives: [], steps: ['profile', 'permissionSet'] },
      { permission: 'ManageUsers', alternatives: [], steps: ['user'] },
    ]);
  });
  it('the request for one permission: greeting, a blank line, the line, a blank line, and "It is … it"', () => {
    const text = adminRequestText({
      steps: [step('user', [missing('ManageUsers')])],
      org: {
        instanceUrl: 'https://acme.my.salesforce.com',
        username: 'a@acme.com',
        orgId: '00D1',
        isSandbox: false,
        apiVersion: '64.0',
      },
    });
    assert.equal(
      text,
      'Hello, I am connecting the Salesforce org https://acme.my.salesforce.com to BalkanID (org ID 00D1). Please ' +
        'grant my user a@acme.com these permissions — in Setup, in a permission set assigned to me or in my profile:\n' +
        '\n' +
        '• Manage Users — for: Integration user\n' +
        '\n' +
        '(It is listed with the setup steps that need it; a System Administrator has them all. I can also hand the ' +
        'setup to you.)',
    );
  });
});
