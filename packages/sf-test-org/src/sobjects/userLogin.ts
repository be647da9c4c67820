// UserLogin: one per user; freezing a user is an update that needs Manage Users.
import { bool, obj, ref, ro } from '../schema';
import { SObject } from './types';

export const UserLogin: SObject = {
  def: obj('UserLogin', '060', [ro(ref('UserId', ['User'], 'User')), bool('IsFrozen'), ro(bool('IsPasswordLocked'))], {
    label: 'User Login',
    updateable: true,
  }),
  update(org, _next, _current, asUser) {
    org.requirePerm(asUser, ['ManageUsers']);
  },
};
