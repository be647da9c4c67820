// Permission set BalkanID Extractor (License: None; API Enabled + View All Data), assigned to the integration user.
import { finding } from '../findings';
import { INTEGRATION_PERMSET_PERMISSIONS, label } from '../permissions';
import { Finding, SetupError, Write } from '../types';
import { adjusted, adminFindings, missingPermissions, permissionFields, RecordWrite, Step, StepContext } from './step';
import { STEP_NAMES } from './names';

const wanted = (ctx: StepContext) => adjusted(ctx, 'permissionSet', INTEGRATION_PERMSET_PERMISSIONS);
const assigned = (ctx: StepContext) => !!ctx.facts.permissionSet?.Assignments?.records?.length;

export const permissionSet: Step = {
  id: 'permissionSet',
  ...STEP_NAMES.permissionSet,
  setupPage: '/lightning/setup/PermSets/home',
  help: {
    guide: 'step-5-create-permission-set-and-assign-to-integration-user',
    docs: 'https://help.salesforce.com/s/articleView?id=sf.perm_sets_create.htm&type=5',
  },
  adminPermissions: [['ManageProfilesPermissionsets'], ['AssignPermissionSets', 'ManageUsers']],
  dependsOn: ['user'],
  evaluate(ctx) {
    const { facts: f, manifest: m } = ctx;
    const findings: Finding[] = adminFindings(this, f);
    const plan: Write[] = [];
    const ps = f.permissionSet;
    const perms = wanted(ctx);
    if (!ps) {
      plan.push({
        step: 'permissionSet',
        action: 'create',
        target: `Permission set "${m.permissionSet.label}"`,
        detail: `License: None; ${perms.map(label).join(', ')}`,
      });
    } else {
      const missing = missingPermissions(ps, perms);
      if (missing.length) {
        findings.push(
          finding('permset-permission-drift', {
            subject: 'integration-user',
            permission: missing[0],
            manifestPath: ['permissionSet', 'name'],
            message: `Permission set "${ps.Label}" lacks ${missing.map(p => `"${label(p)}"`).join(', ')}.`,
            fix: 'Run the permission set step to turn them back on.',
          }),
        );
        plan.push({
          step: 'permissionSet',
          action: 'update',
          target: `Permission set "${ps.Label ?? m.permissionSet.label}"`,
          detail: `enable ${missing.map(label).join(', ')}`,
        });
      }
      if (ps.LicenseId)
        findings.push(
          finding('permset-has-license', {
            subject: 'org',
            manifestPath: ['permissionSet', 'name'],
            message: `Permission set "${ps.Label}" is tied to a licence; the guide says License: None.`,
            fix: 'Create it again with License None (a licence cannot be removed from a permission set).',
          }),
        );
    }
    if (!assigned(ctx)) {
      if (ps && f.user)
        findings.push(
          finding('permset-unassigned-drift', {
            subject: 'integration-user',
            manifestPath: ['user', 'username'],
            message: `Permission set "${ps.Label}" is not assigned to ${m.user.username}.`,
            fix: 'Run the permission set step to assign it.',
          }),
        );
      plan.push({
        step: 'permissionSet',
        action: 'create',
        target: 'Permission set assignment',
        detail: `"${m.permissionSet.label}" → ${m.user.username}`,
      });
    }
    return { findings, plan, done: !!ps && assigned(ctx) };
  },

  /** The permission set created or its permissions switched back on, and its assignment to the integration user. */
  records(ctx) {
    const { facts: f, manifest: m } = ctx;
    const out: RecordWrite[] = [];
    const body = permissionFields(wanted(ctx));
    const report = { step: 'permissionSet' as const, target: 'permission set', detail: m.permissionSet.label };
    const permissions = 'permissionSet' as const;
    if (!f.permissionSet)
      out.push({
        ...report,
        permissions,
        referenceId: 'permset',
        method: 'POST',
        path: '/sobjects/PermissionSet',
        body: {
          Name: m.permissionSet.name,
          Label: m.permissionSet.label,
          Description: 'BalkanID extractor: API access + read all data',
          ...body,
        },
      });
    else if (missingPermissions(f.permissionSet, wanted(ctx)).length)
      out.push({
        ...report,
        permissions,
        referenceId: 'permset',
        method: 'PATCH',
        path: `/sobjects/PermissionSet/${f.permissionSet.Id}`,
        body,
      });
    if (assigned(ctx)) return out;
    const userId = ctx.ref('user', f.user?.Id);
    if (!userId)
      throw new SetupError(
        `Step "${this.title}" needs the integration user first: run the user step.`,
        'NEEDS_USER',
        'permissionSet',
      );
    out.push({
      step: 'permissionSet',
      target: 'permission set assignment',
      detail: `${m.permissionSet.label} → ${m.user.username}`,
      referenceId: 'assignment',
      method: 'POST',
      path: '/sobjects/PermissionSetAssignment',
      // The permission set's Id, or (created just above, in the same composite) a reference to it.
      body: { AssigneeId: userId, PermissionSetId: f.permissionSet?.Id ?? '@{permset.id}' },
    });
    return out;
  },

  /** Its assignments, then the permission set itself (with its settings). */
  teardown(f, m) {
    const ps = f.permissionSet;
    if (!ps) return [];
    return [
      ...(ps.Assignments?.records ?? []).map(a => ({
        step: 'permissionSet' as const,
        action: 'delete' as const,
        target: 'Permission set assignment',
        detail: `"${m.permissionSet.label}" → ${m.user.username} (${a.Id})`,
        id: a.Id,
        removal: { request: { method: 'DELETE' as const, path: `/sobjects/PermissionSetAssignment/${a.Id}` } },
      })),
      {
        step: 'permissionSet',
        action: 'delete',
        target: `Permission set "${m.permissionSet.label}"`,
        detail: 'with its settings',
        removal: { request: { method: 'DELETE', path: `/sobjects/PermissionSet/${ps.Id}` } },
      },
    ];
  },
};
