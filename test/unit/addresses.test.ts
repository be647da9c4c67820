// Where a token may go, at the edges (src/core/url.ts): each private network range and the addresses just outside
// it, loopback, Salesforce's domains with a label boundary, and the My Domain address from what an admin copies out of
// the browser.
import assert from 'node:assert/strict';
import { hostConcern, isSalesforceHost, myDomainUrl, trustedOrgHost, typedOrgUrl } from '../../src/core/url';
import { isSetupError } from '../../src/core/types';

const privateNet = (host: string) => /is a private network address/.test(hostConcern(`https://${host}/`) ?? '');
const notSalesforce = (host: string) => /is not a Salesforce address/.test(hostConcern(`https://${host}/`) ?? '');

describe('addresses: private networks, loopback and Salesforce', () => {
  it('each private, shared or link-local IPv4 range is named as such, to its first and last address', () => {
    for (const host of [
      '10.0.0.1',
      '10.255.255.255',
      '0.0.0.0',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.1.1',
      '100.64.0.1',
      '100.127.255.255',
    ])
      assert.equal(privateNet(host), true, host);
  });
  it('the addresses just outside those ranges are no private network (but no Salesforce address either)', () => {
    for (const host of [
      '11.0.0.1',
      '1.0.0.1',
      '172.15.255.255',
      '172.32.0.1',
      '173.16.0.1',
      '192.169.1.1',
      '193.168.1.1',
      '169.253.1.1',
      '170.254.1.1',
      '100.63.255.255',
      '100.128.0.1',
      '101.64.0.1',
    ]) {
      assert.equal(privateNet(host), false, host);
      assert.equal(notSalesforce(host), true, host);
    }
  });
  it('IPv6 unique-local, link-local and IPv4-mapped addresses are private; loopback needs no yes', () => {
    for (const host of ['[fd00::1]', '[fc12::1]', '[fe80::1]', '[febf::1]', '[::ffff:10.0.0.1]'])
      assert.equal(privateNet(host), true, host);
    for (const url of ['http://127.0.0.1:4567', 'http://127.8.9.1', 'http://localhost:1', 'http://[::1]:80'])
      assert.equal(hostConcern(url), undefined, url);
    // Only at the start of the address: the same digits later in a public address are not a private range.
    for (const host of ['[2001:db8::ffff:1]', '[2001:db8::fc00:1]', '[2001:db8::fe80:1]'])
      assert.equal(privateNet(host), false, host);
    assert.equal(trustedOrgHost('http://127.8.9.1/x'), true);
    assert.equal(trustedOrgHost('not a url'), false);
    assert.equal(hostConcern('not a url'), undefined);
  });
  it("Salesforce's domains, each with a label boundary before it; a trailing dot and any case are the same host", () => {
    for (const host of [
      'acme.my.salesforce.com',
      'salesforce.com',
      'acme.lightning.force.com',
      'acme.my.salesforce-setup.com',
      'acme.my.site.com',
      'na1.cloudforce.com',
      'acme.my.salesforce.mil',
      'acme.sfcrmproducts.cn',
      'ACME.MY.SALESFORCE.COM.',
    ])
      assert.equal(isSalesforceHost(host), true, host);
    for (const host of ['evilsalesforce.com', 'salesforce.com.evil.com', 'myforce.com', 'site.com', 'cloudforce.co'])
      assert.equal(isSalesforceHost(host), false, host);
    assert.equal(hostConcern('https://acme.my.salesforce.com'), undefined);
    assert.equal(trustedOrgHost('https://evil.example'), false);
  });
});

describe('addresses: what typed into the org picker is an address', () => {
  it('a scheme, a host with a port, or a Salesforce host is an address (its My Domain form); other text filters', () => {
    assert.equal(typedOrgUrl('  acme.my.salesforce.com  '), 'https://acme.my.salesforce.com');
    assert.equal(typedOrgUrl('acme.lightning.force.com/lightning/page/home'), 'https://acme.my.salesforce.com');
    assert.equal(typedOrgUrl('acme.my.salesforce-setup.com'), 'https://acme.my.salesforce.com');
    assert.equal(typedOrgUrl('https://acme.example'), 'https://acme.example');
    assert.equal(typedOrgUrl('127.0.0.1:4567'), 'https://127.0.0.1:4567');
    assert.equal(typedOrgUrl('127.0.0.1:4567/login'), 'https://127.0.0.1:4567');
    for (const text of [
      'acme.example',
      'admin@acme.com',
      'acme',
      'https://acme example',
      'x https://acme.my.salesforce.com',
      'acme.my.salesforce.com.evil.example',
      'evil.example/acme.my.salesforce.com',
      'host:port',
      '127.0.0.1:4567 x',
      'https://acme.example/a b',
      'host:12/a b',
      'a/b:12',
      '/acme.my.salesforce.com',
    ])
      assert.equal(typedOrgUrl(text), undefined, text);
  });
});

describe('addresses: the My Domain address from a browser', () => {
  it('a Lightning or Setup page becomes the My Domain address; only at the end of the host, in any case', () => {
    assert.equal(myDomainUrl('https://acme.lightning.force.com/lightning/page/home'), 'https://acme.my.salesforce.com');
    assert.equal(myDomainUrl('ACME.LIGHTNING.FORCE.COM'), 'https://acme.my.salesforce.com');
    assert.equal(myDomainUrl('acme.my.salesforce-setup.com/lightning/setup'), 'https://acme.my.salesforce.com');
    assert.equal(myDomainUrl('https://acme.lightning.force.com.evil.com'), 'https://acme.lightning.force.com.evil.com');
    assert.equal(
      myDomainUrl('https://acme.my.salesforce-setup.com.evil.com'),
      'https://acme.my.salesforce-setup.com.evil.com',
    );
  });
  it('a scheme is kept only when it is one (letters, then digits, +, . or -, then "://"): a bare host gets https', () => {
    assert.equal(myDomainUrl('acme.my.salesforce.com'), 'https://acme.my.salesforce.com');
    assert.equal(myDomainUrl('http://localhost:4567/x'), 'http://localhost:4567');
    assert.equal(myDomainUrl('acme.my.salesforce.com/back?to=http://x'), 'https://acme.my.salesforce.com');
    assert.throws(
      () => myDomainUrl('https://admin@acme.my.salesforce.com'),
      (e: unknown) => isSetupError(e) && e.code === 'INSECURE_URL',
    );
  });
});
