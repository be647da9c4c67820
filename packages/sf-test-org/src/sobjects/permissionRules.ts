// Permission rules shared by profiles and permission sets: dependencies and what a user licence allows.
import { SfError } from '../errors';
import { sameId } from '../ids';
import { PERMISSION_DEPENDENCIES, PERMISSION_LABELS } from '../schema';
import type { Org, Rec } from '../state';

/** Permissions a user license does not allow (used for "The user license doesn't allow the permission"). [I] */
export const LICENSE_DISALLOWED: Record<string, string[]> = {
  AUL: ['ManageSandboxes', 'ModifyAllData'],
  SFDC_INTEGRATION: ['ManageSandboxes'],
};

/** "Permission X depends on permission(s): Y" (or, switched on, enables Y), then the licence's allowance. */
export function checkPermissionRules(org: Org, values: Record<string, any>, licenseId: string | null): void {
  // Public real-org examples name permissions by API name with empty fields; the deploy wording uses labels.
  const byName = org.options.permissionErrorsByName;
  for (let changed = true; changed;) {
    changed = false;
    for (const [perm, required] of PERMISSION_DEPENDENCIES) {
      if (!values[`Permissions${perm}`] || values[`Permissions${required}`]) continue;
      if (!org.options.autoEnableDependencies)
        throw new SfError(
          'FIELD_INTEGRITY_EXCEPTION',
          byName
            ? `Permission ${perm} depends on permission(s): ${required}`
            : `Permission ${PERMISSION_LABELS[perm]} depends on permission(s): ${PERMISSION_LABELS[required]}`,
          400,
          byName ? [] : [`Permissions${perm}`],
        );
      values[`Permissions${required}`] = changed = true;
    }
  }
  const license = licenseId ? org.get('UserLicense', licenseId) : undefined;
  for (const p of LICENSE_DISALLOWED[license?.LicenseDefinitionKey] ?? [])
    if (values[`Permissions${p}`])
      throw new SfError(
        'FIELD_INTEGRITY_EXCEPTION',
        `The user license doesn't allow the permission: ${byName ? p : PERMISSION_LABELS[p]}`,
        400,
        byName ? [] : [`Permissions${p}`],
      );
}

/** Whether the user's licence allows the permission set (its licence and its permissions). */
export function checkLicenseAllows(org: Org, ps: Rec, userId: string): void {
  const license = org.licenseOfUser(userId);
  const user = org.get('User', userId)!;
  if (ps.LicenseId && license && !sameId(ps.LicenseId, license.Id))
    throw new SfError(
      'FIELD_INTEGRITY_EXCEPTION',
      `Can't assign permission set ${ps.Name} to user ${user.Username}. The user license doesn't match the permission set license.`,
    );
  for (const p of LICENSE_DISALLOWED[license?.LicenseDefinitionKey] ?? [])
    if (ps[`Permissions${p}`])
      throw new SfError(
        'FIELD_INTEGRITY_EXCEPTION',
        `Can't assign permission set ${ps.Name} to user ${user.Username}. The user license doesn't allow the permission: ${PERMISSION_LABELS[p]}`,
      );
}
