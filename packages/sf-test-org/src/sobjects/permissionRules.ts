// Permission rules shared by profiles and permission sets: dependencies and what a user licence allows.
import { SfError } from '../errors';
import { sameId } from '../ids';
import { OBJECT_PERMISSION_LABEL, permissionLabel } from '../i18n';
import { PERMISSION_DEPENDENCIES } from '../schema';
import type { Org, Rec } from '../state';

/** Permissions a user license does not allow (used for "The user license doesn't allow the permission"). [I] */
export const LICENSE_DISALLOWED: Record<string, string[]> = {
  AUL: ['ManageSandboxes', 'ModifyAllData'],
  SFDC_INTEGRATION: ['ManageSandboxes'],
};

/** The user permission the `objectPermissionDependency` switch makes depend on an object permission (Read Quotes). */
export const OBJECT_DEPENDENT_PERMISSION = 'ActivitiesAccess';

/**
 * "Permission X depends on permission(s): Y" (or, switched on, enables Y), then the licence's allowance — in the
 * writer's language, by Setup label with `fields` set, or by API name with `fields` empty (permissionErrorsByName).
 */
export function checkPermissionRules(
  org: Org,
  values: Record<string, any>,
  licenseId: string | null,
  asUser: string,
  before?: Record<string, any>,
): void {
  // Public real-org examples name permissions by API name with empty fields; the deploy wording uses labels.
  const byName = org.options.permissionErrorsByName;
  const lang = org.languageOf(asUser);
  const named = (p: string) => (byName ? p : permissionLabel(lang, p));
  for (let changed = true; changed;) {
    changed = false;
    for (const [perm, required] of PERMISSION_DEPENDENCIES) {
      if (!values[`Permissions${perm}`] || values[`Permissions${required}`]) continue;
      if (!org.options.autoEnableDependencies)
        throw new SfError(
          'FIELD_INTEGRITY_EXCEPTION',
          org.say(asUser, 'dependsOn', named(perm), named(required)),
          400,
          byName ? [] : [`Permissions${perm}`],
          true,
        );
      values[`Permissions${required}`] = changed = true;
    }
  }
  // The object-permission-label form: the required permission is an object permission, named by its label, which no
  // Permissions field can grant (an insert cannot carry object permissions) [I]. A record that already has the
  // permission has the object permission too (the standard profiles do): only turning it on is refused.
  const dependent = `Permissions${OBJECT_DEPENDENT_PERMISSION}`;
  if (org.options.objectPermissionDependency && values[dependent] && !before?.[dependent])
    throw new SfError(
      'FIELD_INTEGRITY_EXCEPTION',
      org.say(asUser, 'dependsOn', named(OBJECT_DEPENDENT_PERMISSION), OBJECT_PERMISSION_LABEL[lang]),
      400,
      [],
      true,
    );
  const license = licenseId ? org.get('UserLicense', licenseId) : undefined;
  for (const p of LICENSE_DISALLOWED[license?.LicenseDefinitionKey] ?? [])
    if (values[`Permissions${p}`])
      throw new SfError(
        'FIELD_INTEGRITY_EXCEPTION',
        org.say(asUser, 'licenseDisallows', named(p)),
        400,
        byName ? [] : [`Permissions${p}`],
        true,
      );
}

/** Whether the user's licence allows the permission set (its licence and its permissions); `asUser` writes. */
export function checkLicenseAllows(org: Org, ps: Rec, userId: string, asUser: string): void {
  const license = org.licenseOfUser(userId);
  const user = org.get('User', userId)!;
  const lang = org.languageOf(asUser);
  if (ps.LicenseId && license && !sameId(ps.LicenseId, license.Id))
    throw new SfError(
      'FIELD_INTEGRITY_EXCEPTION',
      org.say(asUser, 'cantAssign', ps.Name, user.Username, org.say(asUser, 'licenseMismatch')),
    );
  for (const p of LICENSE_DISALLOWED[license?.LicenseDefinitionKey] ?? [])
    if (ps[`Permissions${p}`])
      throw new SfError(
        'FIELD_INTEGRITY_EXCEPTION',
        org.say(
          asUser,
          'cantAssign',
          ps.Name,
          user.Username,
          org.say(asUser, 'licenseDisallows', permissionLabel(lang, p)),
        ),
      );
}
