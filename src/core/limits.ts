// Salesforce's limits on the values the manifest sets, checked before anything is written.

export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
/** API names: a letter first, letters, digits and single underscores (Setup's rule for permission sets and apps). */
export const API_NAME = /^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*$/;
/** Control characters, zero-width and bidirectional marks: invisible in an editor, different to Salesforce. */
export const INVISIBLE =
  /[\u0000-\u001F\u007F-\u009F\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF]/;

/** Field lengths from Salesforce's Field Reference (User, PermissionSet, Profile, ExternalClientApplication). */
export const MAX_LENGTHS = {
  username: 80,
  email: 128,
  firstName: 40,
  lastName: 80,
  alias: 8,
  profileName: 255,
  label: 80,
} as const;
