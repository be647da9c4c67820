// Two JWT rules at their edges (src/core/jwt.ts): which access tokens are JWT-based (Salesforce takes those for REST
// only), and where an assertion may be posted (never outside Salesforce).
import assert from 'node:assert/strict';
import { isJwtAccessToken, jwtTokenUrl } from '../../src/core/jwt';
import { isSetupError } from '../../src/core/types';

const b64 = (o: unknown) => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url');

describe('JWT: which access tokens are JWT-based', () => {
  it('three base64url parts whose first is a JSON header naming its algorithm', () => {
    assert.equal(isJwtAccessToken(`${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ sub: 'x' })}.c2ln`), true);
  });
  it('an opaque session Id, two or four parts, a part with other characters, a header without alg or not JSON: no', () => {
    const payload = b64({ sub: 'x' });
    for (const token of [
      '00D5g000004XyZa!AQ4AQFzTdP8hGq9xVvL2mN3bK7cR1sW0eY6uI',
      `${b64({ alg: 'RS256' })}.${payload}`,
      `${b64({ alg: 'RS256' })}.${payload}.c2ln.c2ln`,
      `${b64({ alg: 'RS256' })}.${payload}.c2l+`,
      `${b64({ alg: 'RS256' })}.${payload}.+c2l`,
      `${b64({ alg: 'RS256' })}.${payload}.c2ln=`,
      `${b64({ alg: 'RS256' })}..c2ln`,
      `${b64({ typ: 'JWT' })}.${payload}.c2ln`,
      `${b64({ alg: 256 })}.${payload}.c2ln`,
      `${b64('null')}.${payload}.c2ln`,
      `${b64('"RS256"')}.${payload}.c2ln`,
      `${b64('{not json')}.${payload}.c2ln`,
    ])
      assert.equal(isJwtAccessToken(token), false, token);
  });
});

describe('JWT: where an assertion may be posted', () => {
  it("an org outside Salesforce: the audience's own token endpoint when it is https at Salesforce, else not tried", () => {
    assert.equal(
      jwtTokenUrl('https://test.salesforce.com', 'https://acme.example.com'),
      'https://test.salesforce.com/services/oauth2/token',
    );
    for (const audience of ['http://login.salesforce.com', 'https://login.evil.com', 'not a url'])
      assert.throws(
        () => jwtTokenUrl(audience, 'https://acme.example.com'),
        (e: unknown) => isSetupError(e) && e.code === 'JWT_LOGIN_FAILED' && e.step === 'verify',
        audience,
      );
  });
});
