// The link between the permission set and the app (SetupEntityAccess): JWT logins need it.
import { finding } from '../findings';
import { linkOf, soql } from '../facts';
import { Finding, Write } from '../types';
import { adminFindings, Step, StepContext } from './step';
import { STEP_NAMES } from './names';

export const link: Step = {
  id: 'link',
  ...STEP_NAMES.link,
  setupPage: '/lightning/setup/ManageExternalClientApplication/home',
  help: {
    guide: 'step-3-configure-oauth-policies',
    docs: 'https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.meta_configure_external_client_app_policies.htm',
  },
  adminPermissions: [['ManageProfilesPermissionsets']],
  dependsOn: ['app', 'permissionSet'],
  evaluate({ facts: f, manifest: m }) {
    const findings: Finding[] = adminFindings(this, f);
    const plan: Write[] = [];
    const linked = !!linkOf(f);
    if (!linked) {
      if (f.app && f.permissionSet)
        findings.push(
          finding('link-missing-drift', {
            subject: 'app',
            manifestPath: ['permissionSet', 'name'],
            message:
              `Permission set ${m.permissionSet.label} is not linked to the External Client App ` +
              `${m.app.label}; JWT logins fail with "user is not admin approved to access this app".`,
            fix: 'Run the link step.',
          }),
        );
      plan.push({
        step: 'link',
        action: 'create',
        target: `External Client App "${m.app.label}" policies`,
        detail: `Select Permission Sets: add "${m.permissionSet.label}"`,
      });
    }
    return { findings, plan, done: linked };
  },

  teardown(f, m) {
    const link = linkOf(f);
    if (!link) return [];
    return [
      {
        step: 'link',
        action: 'delete',
        target: `External Client App "${m.app.label}" policies`,
        detail: `Select Permission Sets: remove "${m.permissionSet.label}"`,
        removal: { request: { method: 'DELETE', path: `/sobjects/SetupEntityAccess/${link.Id}` } },
      },
    ];
  },
};

/** One composite: the app's Id, and the permission set's links to External Client Apps (matched in code). */
export function linkRequests(ctx: StepContext, api: string, permissionSetId: string) {
  const app = `SELECT Id FROM ExternalClientApplication WHERE DeveloperName = ${soql(ctx.manifest.app.name)}`;
  const links =
    `SELECT Id, SetupEntityId FROM SetupEntityAccess WHERE ParentId = ${soql(permissionSetId)} ` +
    "AND SetupEntityType = 'ExternalClientApplication'";
  return [
    { referenceId: 'app', method: 'GET', url: `${api}/query?q=${encodeURIComponent(app)}` },
    { referenceId: 'links', method: 'GET', url: `${api}/query?q=${encodeURIComponent(links)}` },
  ];
}
