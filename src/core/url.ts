// Where the product may send credentials: https anywhere, plain http only to loopback (the bundled test org).
import { SetupError } from './types';

export const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/** Where a token, key or file may go: https anywhere, plain http only to loopback. */
export const secureTransport = (u: URL) =>
  u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK_HOSTS.includes(u.hostname));

/**
 * A user name or password before "@" is never part of an org's address: `acme.my.salesforce.com@evil.com` is the host
 * evil.com, whatever it looks like. Refused, naming the host it would have been.
 */
function refuseUserInfo(u: URL): void {
  if (!u.username && !u.password) return;
  throw new SetupError(
    `This address has a user name before "@" (${decodeURIComponent(u.username)}@…), so it would connect to ` +
      `${u.hostname}. An org's address has none: type it as https://yourcompany.my.salesforce.com.`,
    'INSECURE_URL',
  );
}

/** Returns the URL's origin, or throws a SetupError (code INSECURE_URL) that says what to use instead. */
export function checkInstanceUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new SetupError(
      `"${raw}" is not a URL. Use the org's instance URL, e.g. https://yourcompany.my.salesforce.com.`,
      'INSECURE_URL',
    );
  }
  refuseUserInfo(u);
  if (!secureTransport(u))
    throw new SetupError(
      `Refusing ${u.protocol}// to ${u.hostname}: Salesforce orgs are reached over https only.`,
      'INSECURE_URL',
    );
  return `${u.protocol}//${u.host}`;
}

/**
 * The org's My Domain URL from what an admin copies out of the browser: a Lightning page
 * (acme.lightning.force.com, acme--uat.sandbox.lightning.force.com) or a Setup page (acme.my.salesforce-setup.com)
 * becomes https://acme.my.salesforce.com (…sandbox.my.salesforce.com); a path is dropped; a bare host gets https.
 */
export function myDomainUrl(raw: string): string {
  const text = raw.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    return checkInstanceUrl(text); // says what is wrong
  }
  refuseUserInfo(u);
  const host = u.hostname
    .replace(/\.lightning\.force\.com$/i, '.my.salesforce.com')
    .replace(/\.my\.salesforce-setup\.com$/i, '.my.salesforce.com');
  if (host !== u.hostname) return `https://${host}`;
  return checkInstanceUrl(withScheme);
}

/**
 * An org's address typed into the org picker (its My Domain form, for a browser login there), or undefined for text
 * that filters the list: an address has a scheme, a port, or a Salesforce host (acme.my.salesforce.com, a Lightning
 * or Setup page's host) — "acme.example", which may filter a username, is no address.
 */
export function typedOrgUrl(value: string): string | undefined {
  const v = value.trim();
  const host = /^[\w-]+(\.[\w-]+)+(?=$|[:/])/.exec(v)?.[0] ?? '';
  if (
    !/^https?:\/\/\S+$/i.test(v) &&
    !/^[\w.-]+:\d+(\/\S*)?$/.test(v) &&
    !/\.(salesforce|force|salesforce-setup)\.com$/i.test(host)
  )
    return undefined;
  try {
    return myDomainUrl(v);
  } catch {
    return undefined;
  }
}

/**
 * The domains Salesforce serves orgs from (Salesforce Help, "My Domain URL Formats" and "Allow the Required Domains"):
 * My Domain of every org type (*.my.salesforce.com: production, .sandbox, .develop, .scratch, .patch, .trailblaze,
 * .demo, .free), login.salesforce.com and test.salesforce.com, instance hosts (na139.salesforce.com), Lightning and
 * Visualforce (*.force.com), Setup (*.my.salesforce-setup.com), sites (*.my.site.com), and the separate clouds
 * (Government Cloud Plus – Defense *.salesforce.mil, Salesforce on Alibaba Cloud *.sfcrmproducts.cn).
 */
const SALESFORCE_DOMAINS = [
  'salesforce.com',
  'force.com',
  'salesforce-setup.com',
  'my.site.com',
  'cloudforce.com',
  'salesforce.mil',
  'sfcrmproducts.cn',
];

/** Whether a host name is one of Salesforce's (a label boundary before the domain: evilsalesforce.com is not). */
export const isSalesforceHost = (host: string) => {
  const h = host.toLowerCase().replace(/\.$/, '');
  return SALESFORCE_DOMAINS.some(d => h === d || h.endsWith(`.${d}`));
};

const isLoopback = (host: string) => LOOPBACK_HOSTS.includes(host) || /^127\./.test(host);

/** A literal address of a private, shared or link-local network (not loopback, which is the test org's). */
function isPrivateAddress(host: string): boolean {
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return (
      a === 10 ||
      a === 0 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  const v6 = host.replace(/^\[|\]$/g, '').toLowerCase();
  return /^f[cd][0-9a-f]{0,2}:/.test(v6) || /^fe[89ab][0-9a-f]?:/.test(v6) || /^::ffff:/.test(v6);
}

/**
 * Why an address needs the admin's explicit yes before a token goes there (undefined: none needed): a host outside
 * Salesforce's domains, or a private network address. Loopback (the bundled test org) needs none.
 */
export function hostConcern(url: string): string | undefined {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return undefined; // checkInstanceUrl says what is wrong
  }
  if (isLoopback(host)) return undefined;
  if (isPrivateAddress(host))
    return `${host} is a private network address, not Salesforce: the access token would be sent there.`;
  if (!isSalesforceHost(host))
    return (
      `${host} is not a Salesforce address (Salesforce orgs are at …my.salesforce.com, …force.com or ` +
      'login/test.salesforce.com): the access token would be sent there.'
    );
  return undefined;
}

/** Where a token may go without asking: Salesforce's own hosts, or loopback (the test org). */
export const trustedOrgHost = (url: string) => {
  try {
    const host = new URL(url).hostname;
    return isLoopback(host) || isSalesforceHost(host);
  } catch {
    return false;
  }
};
