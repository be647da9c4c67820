// Preflight: the connection, the admin's permissions, the API version, the Salesforce Platform licence. Once every
// step is evaluated, it also gathers every permission the admin lacks for the work left (steps/index.ts).
import { finding } from '../findings';
import { Finding } from '../types';
import { adminFindings, otherLicences, Step } from './step';
import { STEP_NAMES } from './names';

export const MIN_API_VERSION = 62;

export const preflight: Step = {
  id: 'preflight',
  ...STEP_NAMES.preflight,
  setupPage: '/lightning/setup/CompanyProfileInfo/home',
  help: {
    guide: 'prerequisites',
    docs: 'https://help.salesforce.com/s/articleView?id=sf.users_license_types_available.htm&type=5',
  },
  adminPermissions: [['ApiEnabled'], ['ViewSetup']],
  dependsOn: [],
  evaluate({ facts: f }) {
    const findings: Finding[] = [...adminFindings(this, f)];
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
              `are used.${otherLicences(f)}`,
            fix:
              'Deactivate an unused Salesforce Platform user or buy another licence, then run the integration user ' +
              'step.',
          }),
        );
    } else if (!f.license && !f.failed.license) {
      findings.push(
        finding('license-missing', {
          subject: 'org',
          message: `This org has no Salesforce Platform licence (AUL).${otherLicences(f)}`,
          fix: 'Ask Salesforce (or your account executive) for Salesforce Platform licences, then run the setup.',
        }),
      );
    }
    // Every step needs the preflight, which writes nothing: every error here — its own admin permissions too, without
    // which the org cannot be read — is an error of the preflight, never a permission missing for a later change.
    return { findings, plan: [], done: true, state: findings.some(f => f.severity === 'error') ? 'error' : 'done' };
  },
};
