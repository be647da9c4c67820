// Issue 18, point 8 — the extension's surface, the pure parts: where an address may send the token, where a JWT
// assertion may be posted, which arguments another extension's call may carry, and how org text reads in a
// notification (never as a link). The VS Code wiring is in test/vscode/extension.test.ts.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { decode } from 'jsonwebtoken';
import { jwtAssertion, jwtTokenUrl } from '../../src/core/jwt';
import { checkInstanceUrl, hostConcern, isSalesforceHost, myDomainUrl } from '../../src/core/url';
import { automationAllowed, callerArg } from '../../src/vscode/automation';
import { notificationText } from '../../src/vscode/plainText';
import { NOW } from '../support/clock';

describe('typed addresses: user-info refused, hosts outside Salesforce named', () => {
  it('an address with a user name or password before "@" is refused, whichever way it is typed', () => {
    for (const typed of [
      'acme.my.salesforce.com@evil.com',
      'https://acme.my.salesforce.com@evil.com',
      'https://user:pw@acme.my.salesforce.com',
      'acme.lightning.force.com@evil.com/lightning/page/home',
    ]) {
      assert.throws(() => myDomainUrl(typed), /user name before "@"/, typed);
      assert.throws(
        () => checkInstanceUrl(typed.startsWith('https') ? typed : `https://${typed}`),
        /user name before "@"/,
      );
    }
  });

  it("Salesforce's documented domains are recognised: My Domain of every org type, login and test, instances, Lightning, Setup", () => {
    for (const host of [
      'acme.my.salesforce.com',
      'acme--uat.sandbox.my.salesforce.com',
      'acme-dev-ed.develop.my.salesforce.com',
      'power-fun-1234.scratch.my.salesforce.com',
      'acme.trailblaze.my.salesforce.com',
      'login.salesforce.com',
      'test.salesforce.com',
      'na139.salesforce.com',
      'acme.lightning.force.com',
      'acme.my.salesforce-setup.com',
      'acme.my.site.com',
      'acme.my.salesforce.mil',
      'acme.my.sfcrmproducts.cn',
    ])
      assert.equal(isSalesforceHost(host), true, host);
    for (const host of [
      'acme.my.salesforce.com.evil.com',
      'evilsalesforce.com',
      'salesforce.com.evil.com',
      'evil.com',
      'force.com.attacker.net',
    ])
      assert.equal(isSalesforceHost(host), false, host);
  });

  it('hostConcern: none for Salesforce and loopback (the test org); a host outside Salesforce or a private address is named', () => {
    assert.equal(hostConcern('https://acme.my.salesforce.com'), undefined);
    assert.equal(hostConcern('http://127.0.0.1:4567'), undefined);
    assert.equal(hostConcern('http://localhost:4567'), undefined);
    assert.match(
      hostConcern('https://acme.my.salesforce.com.evil.com')!,
      /acme\.my\.salesforce\.com\.evil\.com is not a Salesforce address/,
    );
    for (const ip of [
      'https://10.0.0.5',
      'https://192.168.1.20',
      'https://172.20.0.1',
      'https://169.254.169.254',
      'https://[fd00::1]',
      'https://100.64.0.1',
    ])
      assert.match(hostConcern(ip)!, /is a private network address/, ip);
  });
});

describe('JWT assertions: short-lived, unique, and posted only where their audience is served', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const claims = { iss: '3MVG9abc', sub: 'balkanid@example.test', aud: 'https://login.salesforce.com' };

  it('expires 60 s after it is made and carries a jti of its own', () => {
    const a = decode(jwtAssertion(privateKey, claims, NOW)) as Record<string, unknown>;
    const b = decode(jwtAssertion(privateKey, claims, NOW)) as Record<string, unknown>;
    assert.equal(a.exp, Math.floor(NOW / 1000) + 60);
    assert.match(String(a.jti), /^[0-9a-f-]{36}$/);
    assert.notEqual(a.jti, b.jti);
  });

  it("the token endpoint: the org's own when it is a Salesforce host or the loopback test org; else the audience's; never an unknown host", () => {
    assert.equal(
      jwtTokenUrl(claims.aud, 'https://acme.my.salesforce.com'),
      'https://acme.my.salesforce.com/services/oauth2/token',
    );
    assert.equal(jwtTokenUrl(claims.aud, 'http://127.0.0.1:4567'), 'http://127.0.0.1:4567/services/oauth2/token');
    assert.equal(
      jwtTokenUrl(claims.aud, 'https://acme.my.salesforce.com.evil.com'),
      'https://login.salesforce.com/services/oauth2/token',
    );
    assert.equal(
      jwtTokenUrl('https://test.salesforce.com', 'https://evil.example'),
      'https://test.salesforce.com/services/oauth2/token',
    );
    assert.throws(
      () => jwtTokenUrl('https://evil.example', 'https://evil.example'),
      /assertion is posted only to Salesforce/,
    );
  });
});

describe("another extension's call: automation arguments only in the extension's test mode", () => {
  it('outside test mode only a step survives (tree items, quick fixes): no token, no certificate, no folder, no assumeYes', () => {
    assert.equal(callerArg({ instanceUrl: 'https://evil.example', accessToken: 'x' }, false), undefined);
    assert.equal(callerArg({ assumeYes: true, certificate: '-----BEGIN CERTIFICATE-----' }, false), undefined);
    assert.equal(callerArg({ folder: '/etc' }, false), undefined);
    assert.equal(callerArg('/etc', false), undefined);
    assert.equal(callerArg('app', false), 'app');
    assert.deepEqual(callerArg({ kind: 'step', id: 'user', assumeYes: true }, false), { kind: 'step', id: 'user' });
  });

  it("outside test mode a checklist value row's Copy keeps which value it copies, and nothing else (not its text)", () => {
    const row = { kind: 'value', name: 'consumerKey', label: 'Consumer Key', value: 'typed-by-a-caller' };
    assert.deepEqual(callerArg(row, false), { kind: 'value', name: 'consumerKey' });
    assert.equal(callerArg({ kind: 'value', name: 'accessToken', value: 'x' }, false), undefined);
  });

  it("test mode is VS Code's ExtensionMode.Test and BALKANID_TEST_AUTOMATION=1 together, never one alone", () => {
    assert.equal(automationAllowed(true, { BALKANID_TEST_AUTOMATION: '1' }), true);
    assert.equal(automationAllowed(false, { BALKANID_TEST_AUTOMATION: '1' }), false, 'a user who sets the variable');
    assert.equal(automationAllowed(true, {}), false, 'another extension under test');
    assert.equal(automationAllowed(true, { BALKANID_TEST_AUTOMATION: 'true' }), false);
  });

  it('in test mode the arguments pass as given', () => {
    const arg = { assumeYes: true, folder: '/tmp/x' };
    assert.equal(callerArg(arg, true), arg);
  });
});

describe('org text in a notification: plain, never a link', () => {
  it('[label](command:…) is shown but no longer parses as a link; control characters are shown visibly', () => {
    const text = notificationText(
      'FIELD_CUSTOM_VALIDATION_EXCEPTION: [Show details](command:balkanid.teardown?%7B%22assumeYes%22%3Atrue%7D) \x1b[2J',
    );
    assert.ok(!/\]\((command|https?|file):/i.test(text), text);
    assert.match(text, /\[Show details\] \(command:balkanid\.teardown/);
    assert.match(text, /\\x1b\[2J/);
  });

  it('a long text is cut, saying the rest is in the log', () => {
    const text = notificationText(`x${'y'.repeat(2000)}`);
    assert.ok(text.length < 700);
    assert.match(text, /… \(the rest is in the log\)$/);
  });
});
