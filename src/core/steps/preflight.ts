// Preflight: the connection, the admin's permissions, the API version, the Salesforce Platform licence.
import { finding } from '../findings';
import { Manifest } from '../manifest';
import { Finding } from '../types';
import { adminFindings, Step } from './step';

// The template's placeholders and RFC 2606's example domains: a user made with them cannot receive mail, and
// Salesforce usernames are unique across all orgs, so "balkanid@example.com" is most likely taken already.
// A sandbox's suffix (".uat") and subdomains ("mail.example.com") are looked through.
const PLACEHOLDER_DOMAIN = /(^|\.)(your-?company|your-?domain|your-?org|example)\.(com|org|net)(\.[a-z0-9-]+)?$/i;
// Reserved top-level domains (RFC 2606, RFC 6761): no mail is ever delivered there.
const RESERVED_TLD = /\.(test|example|invalid|localhost)$/i;

/** The manifest's username and email when they still hold a placeholder (error) or a reserved domain (warning). */
export function placeholderFindings(m: Manifest): Finding[] {
  const out: Finding[] = [];
  const values: Array<[string[], string, string]> = [
    [['user', 'username'], 'username', m.user.username],
    [['user', 'email'], 'email', m.user.email],
  ];
  for (const [path, what, value] of values) {
    const domain = value.slice(value.lastIndexOf('@') + 1);
    if (PLACEHOLDER_DOMAIN.test(domain))
      out.push(
        finding('placeholder-value', {
          subject: 'manifest',
          manifestPath: path,
          message: `The integration user's ${what} "${value}" uses the placeholder domain ${domain}.`,
          fix: `Use your company's domain, for example "${value.replace(/@.*/, '')}@<your domain>".`,
        }),
      );
    else if (RESERVED_TLD.test(domain))
      out.push(
        finding('reserved-domain', {
          subject: 'manifest',
          manifestPath: path,
          message: `The integration user's ${what} "${value}" is in the reserved domain ${domain}: no mail reaches it.`,
          fix: 'Use an address your team reads (Salesforce sends the new user a verification email).',
        }),
      );
  }
  return out;
}

export const MIN_API_VERSION = 62;

export const preflight: Step = {
  id: 'preflight',
  title: 'Preflight: connection, permissions, licences',
  label: 'Preflight',
  setupPage: '/lightning/setup/CompanyProfileInfo/home',
  help: {
    guide: 'prerequisites',
    docs: 'https://help.salesforce.com/s/articleView?id=sf.users_license_types_available.htm&type=5',
  },
  adminPermissions: [['ApiEnabled'], ['ViewSetup']],
  dependsOn: [],
  evaluate({ facts: f, manifest: m }) {
    const findings: Finding[] = [...adminFindings(this, f), ...placeholderFindings(m)];
    if (Number(f.apiVersion) < MIN_API_VERSION)
      findings.push(
        finding('api-version-too-old', {
          subject: 'org',
          message: `The org offers API ${f.apiVersion}; External Client App setup needs ${MIN_API_VERSION}.0 or later.`,
          fix: 'Use an org on a current Salesforce release.',
        }),
      );
    if (!f.adminPerms)
      findings.push(
        finding('admin-permissions-unreadable', {
          subject: 'admin',
          message: `Your permissions could not be read (${f.failed.upa?.message ?? 'unknown error'}).`,
          fix: 'Steps will report missing permissions as they run.',
        }),
      );
    if (f.failed.app?.errorCode === 'INVALID_TYPE')
      findings.push(
        finding('eca-unavailable', {
          subject: 'org',
          message: 'External Client Apps are not visible to you in this org.',
          fix: 'Check that your user has "View Setup and Configuration" and that the org has External Client Apps.',
        }),
      );
    const restOnly = Object.values(f.failed).some(e => e?.errorCode === 'SOAP_REFUSES_JWT_TOKEN');
    if (restOnly)
      findings.push(
        finding('jwt-session-rest-only', {
          subject: 'admin',
          message:
            'Your session\'s access token is JWT-based: Salesforce accepts those for REST APIs only ("JWT-Based ' +
            "Access Tokens\"), so the Metadata API's SOAP reads were not made. The app's certificate and PKCE " +
            "setting and the profile's Login IP Ranges are unchecked; everything else is read and written through " +
            'REST.',
          fix:
            'To check them too, connect through an app without "Issue JSON Web Token (JWT)-based access tokens for ' +
            'named users" (the Salesforce CLI\'s own login, for example).',
        }),
      );
    if (f.license && !f.user) {
      // The integration user step carries the blocking error; preflight only notes it.
      if (f.license.TotalLicenses - f.license.UsedLicenses <= 0)
        findings.push(
          finding('license-headroom', {
            subject: 'org',
            message:
              `No Salesforce Platform licence is free: ${f.license.UsedLicenses} of ${f.license.TotalLicenses} ` +
              `are used.`,
            fix:
              'Deactivate an unused Salesforce Platform user or buy another licence, then run the integration user ' +
              'step.',
          }),
        );
    } else if (!f.license && !f.failed.license) {
      findings.push(
        finding('license-missing', {
          subject: 'org',
          message: 'This org has no Salesforce Platform licence (AUL).',
          fix: 'Ask Salesforce for Salesforce Platform licences, or adapt the manifest to another licence.',
        }),
      );
    }
    // Every step needs the preflight, which writes nothing: every error here — its own admin permissions too, without
    // which the org cannot be read — is an error of the preflight, never a permission missing for a later change.
    return { findings, plan: [], done: true, state: findings.some(f => f.severity === 'error') ? 'error' : 'done' };
  },
};
