// Where the product may send credentials: https anywhere, plain http only to loopback (the bundled test org).
import { SetupError } from './types';

export const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/** Where a token, key or file may go: https anywhere, plain http only to loopback. */
export const secureTransport = (u: URL) =>
  u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK_HOSTS.includes(u.hostname));

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
