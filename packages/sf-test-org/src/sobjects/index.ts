// Every sObject the test org knows, registered once: adding one is a module here and a line below.
import { Group } from './group';
import { PermissionSet } from './permissionSet';
import { PermissionSetAssignment } from './permissionSetAssignment';
import { PermissionSetGroup } from './permissionSetGroup';
import { Profile } from './profile';
import { READ_ONLY } from './readOnly';
import { SetupEntityAccess } from './setupEntityAccess';
import { SObject } from './types';
import { User } from './user';
import { UserLicense } from './userLicense';
import { UserLogin } from './userLogin';
import { UserRole } from './userRole';

export type { SObject } from './types';

export const SOBJECTS = new Map<string, SObject>(
  [
    UserLicense,
    Profile,
    PermissionSet,
    PermissionSetGroup,
    PermissionSetAssignment,
    SetupEntityAccess,
    User,
    UserLogin,
    UserRole,
    Group,
    ...READ_ONLY,
  ].map(s => [s.def.name, s]),
);
export const OBJECTS = [...SOBJECTS.values()].map(s => s.def);
export const OBJECT_BY_LOWER = new Map(OBJECTS.map(o => [o.name.toLowerCase(), o]));
export const OBJECT_BY_PREFIX = new Map([...SOBJECTS.values()].map(s => [s.def.prefix, s]));
