// Group: public groups (Type 'Regular'), queues ('Queue'), the groups Salesforce keeps for roles (userRole.ts) and
// for the whole org ('Organization'). GroupMember rows make users and groups members of public groups and queues;
// a role group's users are not GroupMember rows, they follow from User.UserRoleId and the role hierarchy (groups.ts).
// Object Reference, Group and GroupMember: "Groups can contain individual users, other groups, the users in a
// particular role or territory, or the users in a particular role or territory plus all the users below that role";
// QueueSobject: "A queue is a Group whose Type is Queue".
import { bool, obj, ref, str } from '../schema';
import { SObject } from './types';

export const Group: SObject = {
  def: obj(
    'Group',
    '00G',
    [
      str('Name'),
      str('DeveloperName'),
      str('Type', { type: 'picklist' }),
      // Polymorphic (a role for role groups, a user for a user's personal groups): Related.Name reads its name.
      ref('RelatedId', ['UserRole', 'User'], 'Related', { createable: false, updateable: false }),
      bool('DoesIncludeBosses'),
      str('Email', { type: 'email' }),
    ],
    {
      children: [
        { relationshipName: 'GroupMembers', childObject: 'GroupMember', field: 'GroupId' },
        { relationshipName: 'QueueSobjects', childObject: 'QueueSobject', field: 'QueueId' },
      ],
    },
  ),
};
