// Where the product may send credentials: https anywhere, plain http only to loopback (the bundled test org).
import { SetupError } from './types';

export const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

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
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && LOOPBACK_HOSTS.includes(u.hostname)))
    throw new SetupError(
      `Refusing ${u.protocol}// to ${u.hostname}: Salesforce orgs are reached over https only.`,
      'INSECURE_URL',
    );
  return `${u.protocol}//${u.host}`;
}
