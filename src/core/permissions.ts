// Salesforce user permissions the setup touches, with their Setup labels (each step lists what the admin needs).

export const PERMISSION_LABELS: Record<string, string> = {
  ApiEnabled: 'API Enabled',
  ViewSetup: 'View Setup and Configuration',
  ViewRoles: 'View Roles and Role Hierarchy',
  ViewAllData: 'View All Data',
  ModifyAllData: 'Modify All Data',
  CustomizeApplication: 'Customize Application',
  ModifyMetadata: 'Modify Metadata Through Metadata API Functions',
  ManageUsers: 'Manage Users',
  ManageProfilesPermissionsets: 'Manage Profiles and Permission Sets',
  AssignPermissionSets: 'Assign Permission Sets',
  ExternalClientAppDeveloper: 'Create, edit, and delete External Client Apps',
  ExternalClientAppAdmin: 'View all External Client Apps, view their settings, and edit their policies',
  ViewClientSecret: 'View External Client App Consumer Secrets in Metadata',
  MonitorLoginHistory: 'Monitor Login History',
};

export const label = (p: string) => PERMISSION_LABELS[p] ?? p;

export const ADMIN_PERMISSIONS = Object.keys(PERMISSION_LABELS).filter(p => p !== 'ViewRoles' && p !== 'ViewAllData');

/** What the integration user needs (profile + permission set), per the guide. */
export const INTEGRATION_PROFILE_PERMISSIONS = ['ViewSetup', 'ViewRoles'];
export const INTEGRATION_PERMSET_PERMISSIONS = ['ApiEnabled', 'ViewAllData'];

/** Adds the permissions each one depends on (Tooling PermissionDependency), transitively. */
export function withDependencies(
  perms: string[],
  deps: Array<{ Permission: string; RequiredPermission: string }>,
): string[] {
  const out = new Set(perms);
  let grew = true;
  while (grew) {
    grew = false;
    for (const d of deps)
      if (out.has(d.Permission) && !out.has(d.RequiredPermission)) {
        out.add(d.RequiredPermission);
        grew = true;
      }
  }
  return [...out];
}
