// Integration user: Salesforce Platform licence, the integration profile, no role; the manifest's username and email
// checked for placeholders.
import { finding } from '../findings';
import { sameId } from '../facts';
import { Manifest } from '../manifest';
import { Finding, SetupError, Write } from '../types';
import { adminFindings, otherLicences, Step } from './step';
import { STEP_NAMES } from './names';

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

export const user: Step = {
  id: 'user',
  ...STEP_NAMES.user,
  setupPage: '/lightning/setup/ManageUsers/home',
  help: {
    guide: 'creating-an-integration-user',
    docs: 'https://help.salesforce.com/s/articleView?id=sf.adding_new_users.htm&type=5',
  },
  adminPermissions: [['ManageUsers']],
  dependsOn: ['profile'],
  evaluate({ facts: f, manifest: m, reactivateUser }) {
    const findings: Finding[] = [...adminFindings(this, f), ...placeholderFindings(m)];
    const plan: Write[] = [];
    const u = f.user;
    // Creating the user and reactivating it both take a Salesforce Platform licence.
    const noLicence = (so: string) => {
      const lic = f.license;
      if (lic && lic.TotalLicenses - lic.UsedLicenses <= 0)
        findings.push(
          finding('license-exhausted', {
            subject: 'org',
            manifestPath: ['user', 'username'],
            message:
              `No Salesforce Platform licence is free (${lic.UsedLicenses} of ${lic.TotalLicenses} used), so ` +
              `${so}.${otherLicences(f)}`,
            fix: 'Free or buy a Salesforce Platform licence, then run this step.',
          }),
        );
    };
    if (!u) {
      noLicence('the integration user cannot be created');
      plan.push({
        step: 'user',
        action: 'create',
        target: `User ${m.user.username}`,
        detail:
          `Salesforce Platform licence, profile "${m.profile.name}", Role: none, First Name "${m.user.firstName}", ` +
          `Last Name "${m.user.lastName}", Alias "${m.user.alias}", Email ${m.user.email}`,
      });
      return { findings, plan, done: false };
    }
    const at = { subject: 'integration-user' as const, manifestPath: ['user', 'username'] };
    // The integration user is a user of its own: never the admin running the setup (moving it would lock them out).
    if (sameId(u.Id, f.admin?.Id))
      findings.push(
        finding('user-is-admin', {
          ...at,
          message: `${u.Username} is you, the connected admin: the integration user must be a separate user.`,
          fix:
            'Set "user.username" in the manifest to a new username: balkanid@ and your company\'s domain, for ' +
            'example.',
        }),
      );
    if (!u.IsActive && !reactivateUser)
      findings.push(
        finding('user-inactive', {
          ...at,
          message: `User ${u.Username} exists but is inactive (a teardown deactivates it); it is not reused silently.`,
          fix:
            'Run All asks to reactivate it (the CLI: apply --reactivate-user); it takes a Salesforce Platform ' +
            'licence. Or choose another username in the manifest.',
        }),
      );
    else if (!u.IsActive) {
      noLicence(`${u.Username} cannot be reactivated`);
      plan.push({ step: 'user', action: 'update', target: `User ${u.Username}`, detail: 'reactivate (Active: on)' });
    }
    if (f.userFrozen)
      findings.push(
        finding('user-frozen', {
          ...at,
          message: `User ${u.Username} is frozen; JWT logins will fail.`,
          fix: 'Unfreeze the user in Setup → Users.',
        }),
      );
    if (!sameId(u.ProfileId, f.profile?.Id)) {
      findings.push(
        finding('user-profile-drift', {
          ...at,
          manifestPath: ['profile', 'name'],
          message: `User ${u.Username} has the profile "${u.Profile?.Name}", not "${m.profile.name}".`,
          fix: 'Run the user step to move it to the integration profile.',
        }),
      );
      plan.push({
        step: 'user',
        action: 'update',
        target: `User ${u.Username}`,
        detail: `profile "${u.Profile?.Name ?? 'unknown'}" → "${m.profile.name}"`,
      });
    }
    if (u.UserRoleId) {
      findings.push(
        finding('user-role-drift', {
          ...at,
          message: `User ${u.Username} has a role; the guide says Role: None.`,
          fix: 'Run the user step to clear the role.',
        }),
      );
      plan.push({ step: 'user', action: 'update', target: `User ${u.Username}`, detail: 'role → none' });
    }
    return { findings, plan, done: true };
  },

  /** The user created on the integration profile, or moved to it, its role cleared (and reactivated, if agreed). */
  records(ctx) {
    const { facts: f, manifest: m } = ctx;
    // The profile's Id, or a reference to its creation in the same composite. An update without one clears the role.
    const profileId = ctx.ref('profile', f.profile?.Id);
    const report = { step: 'user' as const, target: 'integration user', detail: m.user.username };
    if (f.user)
      return [
        {
          ...report,
          referenceId: 'user',
          method: 'PATCH',
          path: `/sobjects/User/${f.user.Id}`,
          // Only what the plan says: the profile when the user is not on it, the role cleared.
          body: {
            ...(profileId && !sameId(f.user.ProfileId, f.profile?.Id) ? { ProfileId: profileId } : {}),
            UserRoleId: null,
            ...(!f.user.IsActive && ctx.reactivateUser ? { IsActive: true } : {}),
          },
        },
      ];
    if (!profileId)
      throw new SetupError(
        `Step "${this.title}" needs the profile "${m.profile.name}" first: run the profile step.`,
        'NEEDS_PROFILE',
        'user',
      );
    const a = f.admin;
    const body = {
      Username: m.user.username,
      Email: m.user.email,
      FirstName: m.user.firstName,
      LastName: m.user.lastName,
      Alias: m.user.alias,
      ProfileId: profileId,
      // The admin's locale settings, as Setup's New User page proposes them.
      TimeZoneSidKey: a?.TimeZoneSidKey ?? 'America/Los_Angeles',
      LocaleSidKey: a?.LocaleSidKey ?? 'en_US',
      LanguageLocaleKey: a?.LanguageLocaleKey ?? 'en_US',
      EmailEncodingKey: a?.EmailEncodingKey ?? 'UTF-8',
    };
    return [{ ...report, referenceId: 'user', method: 'POST', path: '/sobjects/User', body }];
  },

  // Salesforce never deletes users: teardown deactivates it.
  teardown(f, m) {
    if (!f.user?.IsActive) return [];
    const request = { method: 'PATCH' as const, path: `/sobjects/User/${f.user.Id}`, body: { IsActive: false } };
    const detail = 'deactivate (Salesforce users cannot be deleted)';
    return [{ step: 'user', action: 'update', target: `User ${m.user.username}`, detail, removal: { request } }];
  },

  kept(f, m) {
    if (!f.user) return [];
    return [
      `User ${m.user.username}: deactivated, not deleted (Salesforce never deletes users); Run All (or apply ` +
        '--reactivate-user) reactivates it.',
    ];
  },
};
