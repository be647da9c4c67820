// Profile: a clone of Standard Platform User with View Setup and Configuration and View Roles and Role Hierarchy.
import { finding } from '../findings';
import { sameId } from '../facts';
import { INTEGRATION_PROFILE_PERMISSIONS, label } from '../permissions';
import { Finding, Write } from '../types';
import { adjusted, adminFindings, missingPermissions, permissionFields, Step, StepContext } from './step';
import { STEP_NAMES } from './names';

const wanted = (ctx: StepContext) => adjusted(ctx, 'profile', INTEGRATION_PROFILE_PERMISSIONS);

export const profile: Step = {
  id: 'profile',
  ...STEP_NAMES.profile,
  setupPage: '/lightning/setup/EnhancedProfiles/home',
  help: {
    guide: 'create-a-new-user-profile',
    docs: 'https://help.salesforce.com/s/articleView?id=platform.users_profiles_cloning.htm&type=5',
  },
  adminPermissions: [['ManageProfilesPermissionsets']],
  dependsOn: [],
  evaluate(ctx) {
    const { facts: f, manifest: m } = ctx;
    const findings: Finding[] = adminFindings(this, f);
    const plan: Write[] = [];
    const perms = wanted(ctx);
    if (!f.profile) {
      if (!f.sourceProfile)
        findings.push(
          finding('source-profile-missing', {
            subject: 'org',
            message: 'The Standard Platform User profile (licence Salesforce Platform) was not found.',
            fix: 'Check the org has Salesforce Platform licences and the standard profile.',
          }),
        );
      plan.push({
        step: 'profile',
        action: 'create',
        target: `Profile "${m.profile.name}"`,
        detail: `clone of Standard Platform User + ${perms.map(label).join(', ')}`,
      });
      return { findings, plan, done: false };
    }
    const missing = missingPermissions(f.profile, perms);
    if (missing.length) {
      findings.push(
        finding('profile-permission-drift', {
          subject: 'integration-user',
          permission: missing[0],
          manifestPath: ['profile', 'name'],
          message: `Profile "${f.profile.Name}" lacks ${missing.map(p => `"${label(p)}"`).join(', ')}.`,
          fix: 'Run the profile step to turn them back on.',
        }),
      );
      plan.push({
        step: 'profile',
        action: 'update',
        target: `Profile "${f.profile.Name}"`,
        detail: `enable ${missing.map(label).join(', ')}`,
      });
    }
    if (f.profileIpRanges?.length) {
      const ranges = f.profileIpRanges.map(r => `${r.startAddress}–${r.endAddress}`).join(', ');
      findings.push(
        finding('profile-ip-ranges', {
          subject: 'integration-user',
          manifestPath: ['profile', 'name'],
          message:
            `Profile "${f.profile.Name}" has Login IP Ranges (${ranges}); JWT logins from elsewhere fail with ` +
            `"ip restricted", whatever the app's IP relaxation.`,
          fix: "Remove the ranges from the profile in Setup, or add BalkanID's egress IP addresses to them.",
        }),
      );
    }
    if (f.sourceProfile && !sameId(f.profile.UserLicenseId, f.sourceProfile.UserLicenseId))
      findings.push(
        finding('profile-wrong-license', {
          subject: 'org',
          manifestPath: ['profile', 'name'],
          message: `Profile "${f.profile.Name}" exists on another licence than Salesforce Platform.`,
          fix: 'Choose another profile name in the manifest ("profile.name").',
        }),
      );
    return { findings, plan, done: true };
  },

  /** A clone of the standard profile's permissions, or the missing ones switched on. */
  records(ctx) {
    const { facts: f, manifest: m } = ctx;
    const report = {
      step: 'profile' as const,
      target: 'profile',
      detail: `"${m.profile.name}"`,
      permissions: 'profile' as const,
    };
    if (f.profile)
      return [
        {
          ...report,
          referenceId: 'profile',
          method: 'PATCH',
          path: `/sobjects/Profile/${f.profile.Id}`,
          body: permissionFields(wanted(ctx)),
        },
      ];
    const src = f.sourceProfile!;
    // Only what the API may set (describe's createable), as Salesforce documents; the licence manages the rest.
    const settable = ctx.permissions?.createableOnProfile;
    const copied = Object.entries(src)
      .filter(([k, v]) => k.startsWith('Permissions') && v === true && (!settable || settable.has(k)))
      .map(([k]) => k.slice('Permissions'.length));
    const body = {
      Name: m.profile.name,
      Description: 'BalkanID integration: Standard Platform User + View Setup + View Roles',
      UserLicenseId: src.UserLicenseId,
      ...permissionFields(adjusted(ctx, 'profile', [...copied, ...INTEGRATION_PROFILE_PERMISSIONS])),
    };
    return [{ ...report, referenceId: 'profile', method: 'POST', path: '/sobjects/Profile', body }];
  },

  // Never removed: an (inactive) integration user holds it, and Salesforce never deletes users.
  kept(f, m) {
    if (!f.profile) return [];
    const why = f.user
      ? 'the deactivated user still holds it'
      : 'delete it in Setup → Profiles if you no longer need it';
    return [`Profile "${m.profile.name}": ${why}; the next setup reuses it.`];
  },
};
