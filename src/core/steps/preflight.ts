// Preflight: the connection, the admin's permissions, the API version, the Salesforce Platform licence.
import { Finding } from '../types';
import { adminFindings, Step } from './step';

export const MIN_API_VERSION = 62;

export const preflight: Step = {
  id: 'preflight',
  title: 'Preflight: connection, permissions, licences',
  label: 'Preflight',
  setupPage: '/lightning/setup/CompanyProfileInfo/home',
  adminPermissions: [['ApiEnabled'], ['ViewSetup']],
  dependsOn: [],
  reads: ['apiVersion', 'adminPerms', 'license', 'user', 'failed'],
  evaluate({ facts: f }) {
    const findings: Finding[] = adminFindings(this, f);
    if (Number(f.apiVersion) < MIN_API_VERSION)
      findings.push({
        code: 'api-version-too-old',
        severity: 'error',
        subject: 'org',
        message: `The org offers API ${f.apiVersion}; External Client App setup needs ${MIN_API_VERSION}.0 or later.`,
        fix: 'Use an org on a current Salesforce release.',
      });
    if (!f.adminPerms)
      findings.push({
        code: 'admin-permissions-unreadable',
        severity: 'warning',
        subject: 'admin',
        message: `Your permissions could not be read (${f.failed.upa?.message ?? 'unknown error'}).`,
        fix: 'Steps will report missing permissions as they run.',
      });
    if (f.failed.app?.errorCode === 'INVALID_TYPE')
      findings.push({
        code: 'eca-unavailable',
        severity: 'warning',
        subject: 'org',
        message: 'External Client Apps are not visible to you in this org.',
        fix: 'Check that your user has "View Setup and Configuration" and that the org has External Client Apps.',
      });
    if (f.license && !f.user) {
      // The integration user step carries the blocking error; preflight only notes it.
      if (f.license.TotalLicenses - f.license.UsedLicenses <= 0)
        findings.push({
          code: 'license-headroom',
          severity: 'warning',
          subject: 'org',
          message:
            `No Salesforce Platform licence is free: ${f.license.UsedLicenses} of ${f.license.TotalLicenses} ` +
            `are used.`,
          fix:
            'Deactivate an unused Salesforce Platform user or buy another licence, then run the integration user ' +
            'step.',
        });
    } else if (!f.license && !f.failed.license) {
      findings.push({
        code: 'license-missing',
        severity: 'error',
        subject: 'org',
        message: 'This org has no Salesforce Platform licence (AUL).',
        fix: 'Ask Salesforce for Salesforce Platform licences, or adapt the manifest to another licence.',
      });
    }
    return { findings, plan: [], done: true };
  },
};
