// Profile: a clone of the standard profile of the Salesforce Platform licence (Standard Platform User in an English
// org) with View Setup and Configuration and View Roles and Role Hierarchy. The source profile is found by what does
// not change with the language (facts.ts), and shown by the name the org gives it.
import { finding } from '../findings';
import { Facts, sameId } from '../facts';
import { INTEGRATION_PROFILE_PERMISSIONS, withDependencies } from '../permissions';
import { Finding, Write } from '../types';
import {
  adjusted,
  adminFindings,
  missingPermissions,
  permissionFields,
  permissionLabel,
  Step,
  StepContext,
} from './step';
import { STEP_NAMES } from './names';

/** What the guide itself asks of the profile, and what the profile keeps when nothing else can be copied. */
export const GUIDE_PROFILE_PERMISSIONS = ['ApiEnabled', ...INTEGRATION_PROFILE_PERMISSIONS];

const wanted = (ctx: StepContext) => adjusted(ctx, 'profile', INTEGRATION_PROFILE_PERMISSIONS);
/** The source profile as the org names it (translated), or how the guide describes it when there is none. */
const sourceName = (f: Facts) =>
  f.sourceProfile ? `"${f.sourceProfile.Name}"` : 'the standard profile of the Salesforce Platform licence';

/** The permissions a user permission needs transitively that are object permissions: none of them can be inserted. */
function needsObjectPermission(f: Pick<Facts, 'dependencies' | 'objectDependencies'>): Map<string, string> {
  const out = new Map(f.objectDependencies.map(d => [d.Permission, d.RequiredPermission]));
  for (let grew = true; grew;) {
    grew = false;
    for (const d of f.dependencies)
      if (out.has(d.RequiredPermission) && !out.has(d.Permission)) {
        out.set(d.Permission, out.get(d.RequiredPermission)!);
        grew = true;
      }
  }
  return out;
}

/**
 * The permissions a new profile is inserted with, decided before writing: the source profile's that are on and that
 * describe says the API may set, with what they need (PermissionDependency) and the guide's own; without those that
 * need an object permission (an insert cannot grant one). When Salesforce refused an answer this run could not
 * understand (`fallback`), only the guide's own and what they need.
 */
export function clonePermissions(ctx: StepContext): string[] {
  const f = ctx.facts;
  if (ctx.permissions?.fallback) return adjusted(ctx, 'profile', GUIDE_PROFILE_PERMISSIONS);
  const settable = f.profileFields?.createable;
  const source = Object.entries(f.sourceProfile ?? {})
    .filter(([k, v]) => k.startsWith('Permissions') && v === true)
    .map(([k]) => k.slice('Permissions'.length))
    .filter(p => !settable || settable.has(p));
  const blocked = needsObjectPermission(f);
  const all = adjusted(ctx, 'profile', [...source, ...INTEGRATION_PROFILE_PERMISSIONS]);
  return all.filter(p => !blocked.has(p) || withDependencies(GUIDE_PROFILE_PERMISSIONS, f.dependencies).includes(p));
}

/** The source profile's permissions the integration profile does not have, each with why (in Setup's labels). */
function notCopied(f: Facts, wantedNow: string[]): string[] {
  if (!f.profile || !f.sourceProfile) return [];
  const blocked = needsObjectPermission(f);
  const settable = f.profileFields?.createable;
  return Object.entries(f.sourceProfile)
    .filter(([k, v]) => k.startsWith('Permissions') && v === true && !f.profile![k as `Permissions${string}`])
    .map(([k]) => k.slice('Permissions'.length))
    .filter(p => !wantedNow.includes(p))
    .map(p => {
      const why = blocked.has(p)
        ? `it needs the object permission ${blocked.get(p)}, which a profile insert cannot grant`
        : settable && !settable.has(p)
          ? 'the API cannot set it (its licence manages it)'
          : 'Salesforce refused it, or it was switched off since';
      return `"${permissionLabel(f, p)}" (${why})`;
    });
}

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
    const labels = (names: string[]) => names.map(p => permissionLabel(f, p));
    if (!f.profile) {
      if (f.sourceCandidates)
        findings.push(
          finding('source-profile-ambiguous', {
            subject: 'org',
            message:
              `More than one standard profile of the Salesforce Platform licence was found ` +
              `(${f.sourceCandidates.map(n => `"${n}"`).join(', ')}); the setup does not guess which one to clone.`,
            fix:
              'Create the integration profile in Setup by cloning the right one, and name it as "profile.name" in ' +
              'the manifest says; the setup then uses it.',
          }),
        );
      else if (!f.sourceProfile)
        findings.push(
          finding('source-profile-missing', {
            subject: 'org',
            message:
              'No standard profile of the Salesforce Platform licence was found (the profile English orgs call ' +
              'Standard Platform User).',
            fix: 'Check the org has Salesforce Platform licences and the standard profile.',
          }),
        );
      plan.push({
        step: 'profile',
        action: 'create',
        target: `Profile "${m.profile.name}"`,
        detail: `clone of ${sourceName(f)} + ${labels(perms).join(', ')}`,
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
          message: `Profile "${f.profile.Name}" lacks ${labels(missing)
            .map(l => `"${l}"`)
            .join(', ')}.`,
          fix: 'Run the profile step to turn them back on.',
        }),
      );
      plan.push({
        step: 'profile',
        action: 'update',
        target: `Profile "${f.profile.Name}"`,
        detail: `enable ${labels(missing).join(', ')}`,
      });
    }
    const left = notCopied(f, perms);
    if (left.length)
      findings.push(
        finding('profile-permissions-not-copied', {
          subject: 'integration-user',
          manifestPath: ['profile', 'name'],
          message: `Not copied from ${sourceName(f)} to profile "${f.profile.Name}": ${left.join('; ')}.`,
          fix:
            'BalkanID needs none of them (only View Setup and Configuration, View Roles and Role Hierarchy, API ' +
            'Enabled and View All Data); grant one in Setup if your integration user needs it for something else.',
        }),
      );
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
    } else if (f.failed.profileMeta)
      findings.push(
        finding('profile-ip-ranges-unchecked', {
          subject: 'integration-user',
          manifestPath: ['profile', 'name'],
          message:
            `The Login IP Ranges of profile "${f.profile.Name}" could not be read (${f.failed.profileMeta.message}), ` +
            'so they were not checked.',
          fix:
            'Check Setup → Profiles → the profile → Login IP Ranges: ' +
            'JWT logins from outside them fail with "ip restricted".',
        }),
      );
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

  /** A clone of the source profile's permissions (decided before writing), or the missing ones switched on. */
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
    const body = {
      Name: m.profile.name,
      Description: `BalkanID integration: ${src.Name} + View Setup and Configuration + View Roles and Role Hierarchy`,
      UserLicenseId: src.UserLicenseId,
      ...permissionFields(clonePermissions(ctx)),
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
