// PermissionSet and Profile as metadata: views of their sObject records, committed through the sObject rules.
import { SfError } from '../errors';
import { sameId } from '../ids';
import type { Component, MetadataApi } from '../metadata';
import { profileApiName } from '../metadata';
import { PERMISSIONS } from '../schema';
import type { Rec } from '../state';
import { asArray, text } from '../xml';
import { Body, MetadataType } from './types';

const manager = (api: MetadataApi, userId: string) => {
  if (!api.org.can(userId, 'ManageProfilesPermissionsets'))
    throw new SfError('INSUFFICIENT_ACCESS', 'insufficient access rights on object id');
};

/** `userPermissions` as record fields; an unknown permission name is INVALID_FIELD. */
export function permissionsOf(c: Component): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const up of asArray<any>(c.body.userPermissions)) {
    const name = text(up.name)!;
    if (!PERMISSIONS.includes(name)) throw new SfError('INVALID_FIELD', `Unknown user permission: ${name}`);
    out[`Permissions${name}`] = text(up.enabled) === 'true';
  }
  return out;
}
const enabled = (r: Rec) => PERMISSIONS.filter(k => r[`Permissions${k}`]).map(k => ({ enabled: 'true', name: k }));

export const PermissionSet: MetadataType = {
  name: 'PermissionSet',
  dir: 'permissionsets',
  suffix: 'permissionset',
  minVersion: 1,
  checkAccess: manager,
  validate: (_api, c) => {
    permissionsOf(c);
  },
  list: api =>
    api.org
      .all('PermissionSet')
      .filter(p => !p.IsOwnedByProfile)
      .map((p): Body => {
        const license = p.LicenseId ? api.org.get('UserLicense', p.LicenseId) : undefined;
        return {
          fullName: p.Name,
          description: p.Description ?? undefined,
          hasActivationRequired: 'false',
          label: p.Label,
          license: license?.Name,
          userPermissions: enabled(p),
        };
      }),
  commit(api, c, userId) {
    const org = api.org;
    const perms = Object.fromEntries(PERMISSIONS.map(k => [`Permissions${k}`, false]));
    Object.assign(perms, permissionsOf(c)); // v40+: a permission left out is disabled
    const license = text(c.body.license) ? org.find('UserLicense', l => l.Name === text(c.body.license)) : undefined;
    const values = {
      Label: text(c.body.label) ?? c.fullName,
      Description: text(c.body.description) ?? null,
      LicenseId: license?.Id ?? null,
      ...perms,
    };
    const existing = org.find(
      'PermissionSet',
      p => !p.IsOwnedByProfile && String(p.Name).toLowerCase() === c.fullName.toLowerCase(),
    );
    if (existing) {
      org.update('PermissionSet', existing.Id, values, userId);
      return org.get('PermissionSet', existing.Id);
    }
    return org.create('PermissionSet', { Name: c.fullName, ...values }, userId, 64);
  },
  /** Deleting a permission set removes its assignments and links. */
  remove(api, fullName) {
    const org = api.org;
    const ps = org.find(
      'PermissionSet',
      p => !p.IsOwnedByProfile && String(p.Name).toLowerCase() === fullName.toLowerCase(),
    );
    if (!ps) return;
    for (const a of org.refs('PermissionSetAssignment', 'PermissionSetId', ps.Id))
      org.table('PermissionSetAssignment').delete(a.Id.slice(0, 15));
    for (const s of org.all('SetupEntityAccess'))
      if (sameId(s.ParentId, ps.Id)) org.table('SetupEntityAccess').delete(s.Id.slice(0, 15));
    org.table('PermissionSet').delete(ps.Id.slice(0, 15));
  },
};

export const Profile: MetadataType = {
  name: 'Profile',
  dir: 'profiles',
  suffix: 'profile',
  minVersion: 1,
  checkAccess: manager,
  validate(api, c) {
    permissionsOf(c);
    if (
      !api.org.find('Profile', p => profileApiName(api.org, p) === c.fullName.toLowerCase()) &&
      !text(c.body.userLicense)
    )
      throw new SfError('FIELD_INTEGRITY_EXCEPTION', 'A new profile needs a userLicense.');
  },
  list: api =>
    api.org.all('Profile').map((p): Body => {
      const org = api.org;
      const ranges = org.ipRestrictedProfiles.has(p.Id.slice(0, 15))
        ? [{ startAddress: '10.0.0.1', endAddress: '10.0.0.1' }]
        : undefined;
      return {
        fullName: profileApiName(api.org, p, true),
        custom: String(!!org.find('PermissionSet', s => sameId(s.ProfileId, p.Id))?.IsCustom),
        loginIpRanges: ranges,
        userLicense: org.get('UserLicense', p.UserLicenseId)?.Name,
        userPermissions: enabled(p),
      };
    }),
  commit(api, c, userId) {
    const org = api.org;
    const existing = org.find('Profile', p => profileApiName(api.org, p) === c.fullName.toLowerCase());
    if (existing) {
      org.update('Profile', existing.Id, permissionsOf(c), userId);
      return existing;
    }
    const license = org.find('UserLicense', l => l.Name === text(c.body.userLicense));
    return org.create('Profile', { Name: c.fullName, UserLicenseId: license?.Id, ...permissionsOf(c) }, userId, 64);
  },
};
