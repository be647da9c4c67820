// The link between the permission set and the app (SetupEntityAccess): JWT logins need it.
import { linkOf, soql } from '../facts';
import { Finding, Write } from '../types';
import { adminFindings, Step, StepContext } from './step';

export const link: Step = {
  id: 'link',
  title: 'Permission set linked to the app',
  label: 'App ↔ permission set link',
  setupPage: '/lightning/setup/ManageExternalClientApplication/home',
  adminPermissions: [['ManageProfilesPermissionsets']],
  dependsOn: ['app', 'permissionSet'],
  reads: ['app', 'permissionSet'],
  evaluate({ facts: f, manifest: m }) {
    const findings: Finding[] = adminFindings(this, f);
    const plan: Write[] = [];
    const linked = !!linkOf(f);
    if (!linked) {
      if (f.app && f.permissionSet)
        findings.push({
          code: 'link-missing-drift',
          severity: 'warning',
          subject: 'app',
          manifestPath: ['permissionSet', 'name'],
          message:
            `Permission set ${m.permissionSet.label} is not linked to the External Client App ` +
            `${m.app.label}; JWT logins fail with "user is not admin approved to access this app".`,
          fix: 'Run the link step.',
        });
      plan.push({
        step: 'link',
        action: 'create',
        target: 'Link',
        detail: `permission set ${m.permissionSet.label} → External Client App ${m.app.label}`,
      });
    }
    return { findings, plan, done: linked };
  },
};

/** One composite: read the app's Id, insert the SetupEntityAccess row referring to it. */
export function linkRequests(ctx: StepContext, api: string, permissionSetId: string) {
  const appQuery = `${api}/query?q=${encodeURIComponent(`SELECT Id FROM ExternalClientApplication WHERE DeveloperName = ${soql(ctx.manifest.app.name)}`)}`;
  return [
    { referenceId: 'app', method: 'GET', url: appQuery },
    {
      referenceId: 'link',
      method: 'POST',
      url: `${api}/sobjects/SetupEntityAccess`,
      body: { ParentId: permissionSetId, SetupEntityId: '@{app.records[0].Id}' },
    },
  ];
}
