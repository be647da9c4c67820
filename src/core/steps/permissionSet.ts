// Permission set BalkanID Extractor (License: None; API Enabled + View All Data), assigned to the integration user.
import { finding } from '../findings';
import { INTEGRATION_PERMSET_PERMISSIONS, label } from '../permissions';
import { Finding, Write } from '../types';
import { adjusted, adminFindings, missingPermissions, permissionFields, RecordWrite, Step, StepContext } from './step';

const wanted = (ctx: StepContext) => adjusted(ctx, 'permissionSet', INTEGRATION_PERMSET_PERMISSIONS);
const assigned = (ctx: StepContext) => !!ctx.facts.permissionSet?.Assignments?.records?.length;

export const permissionSet: Step = {
  id: 'permissionSet',
  title: 'Permission set BalkanID Extractor, assigned',
  label: 'Permission set',
  setupPage: '/lightning/setup/PermSets/home',
  help: {
    guide: 'step-5-create-permission-set-and-assign-to-integration-user',
    docs: 'https://help.salesforce.com/s/articleView?id=sf.perm_sets_create.htm&type=5',
  },
  adminPermissions: [['ManageProfilesPermissionsets'], ['AssignPermissionSets', 'ManageUsers']],
  dependsOn: ['user'],
  reads: ['permissionSet', 'user', 'dependencies'],
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
};

/** The permission set and assignment writes; `userRef` is the user's Id or a reference to its creation. */
export function permissionSetRecords(ctx: StepContext, api: string, userRef: string | undefined): RecordWrite[] {
  const { facts: f, manifest: m } = ctx;
  const out: RecordWrite[] = [];
  const body = permissionFields(wanted(ctx));
  const report = { step: 'permissionSet' as const, target: 'permission set', detail: m.permissionSet.label };
  let psRef = f.permissionSet?.Id;
  if (!f.permissionSet) {
    out.push({
      ...report,
      referenceId: 'permset',
      method: 'POST',
      url: `${api}/sobjects/PermissionSet`,
      body: {
        Name: m.permissionSet.name,
        Label: m.permissionSet.label,
        Description: 'BalkanID extractor: API access + read all data',
        ...body,
      },
    });
    psRef = '@{permset.id}';
  } else if (missingPermissions(f.permissionSet, wanted(ctx)).length) {
    out.push({
      ...report,
      referenceId: 'permset',
      method: 'PATCH',
      url: `${api}/sobjects/PermissionSet/${f.permissionSet.Id}`,
      body,
    });
  }
  if (!assigned(ctx) && userRef)
    out.push({
      step: 'permissionSet',
      target: 'permission set assignment',
      detail: `${m.permissionSet.label} → ${m.user.username}`,
      referenceId: 'assignment',
      method: 'POST',
      url: `${api}/sobjects/PermissionSetAssignment`,
      body: { AssigneeId: userRef, PermissionSetId: psRef },
    });
  return out;
}

export const isAssigned = assigned;
