// The small rules of the registries and formatters that the larger suites reach only in passing: which error codes
// mean the org is gone or a write may have been made, which values are finding codes, what an info or a certificate
// finding does to its step, and how counts are written.
import assert from 'node:assert/strict';
import { connectionLost, ERRORS, mayHaveWritten } from '../../src/core/errorCodes';
import { FINDINGS, findingSpec, isFindingCode } from '../../src/core/findings';
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

describe('registries: counts', () => {
  it('the CLI writes counts the same everywhere (en-US: 1,234,567); the extension in the locale of the machine', () => {
    assert.equal(formatCount(1234567), '1,234,567');
    assert.equal(formatCount(0), '0');
    assert.equal(formatLocalCount(1234567), (1234567).toLocaleString());
  });
});
