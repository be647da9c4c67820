// The org's state: records of every sObject, the rules Salesforce applies on writes, who may see what,
// sessions and the metadata that deploys have stored. Pure in-memory; one instance per test org.
import { randomBytes } from 'node:crypto';
import { IdFactory, idKey, isId, sameId, to18 } from './ids';
import { SfError } from './errors';
import { OBJECTS, OBJECT_BY_LOWER, OBJECT_BY_PREFIX, ObjectDef, PERMISSIONS, PERMISSION_DEPENDENCIES, PERMISSION_LABELS, SETUP_OBJECTS, fieldOf } from './schema';

export type Rec = Record<string, any> & { Id: string };

export interface OrgOptions {
  /** Highest API version served by /services/data (default 64.0). */
  maxApiVersion?: number;
  /**
   * Open question 7 (salesforce-api.md): does a REST insert of a Profile/PermissionSet enable dependent
   * permissions itself, or fail with "depends on permission(s)"? Default: fail (the stricter behaviour).
   */
  autoEnableDependencies?: boolean;
  /**
   * Open question 3: does `commaSeparatedPermissionSet` on the OAuth policy write SetupEntityAccess rows?
   * Default: no, so the product must create and verify the link itself; true models the inferred sync.
   */
  policyPermissionSetsCreateLinks?: boolean;
  /** How long a metadata deploy stays InProgress (default 150 ms; raise it to test slow deploys). */
  deployMs?: number;
  /** Session lifetime in seconds (default 2 hours). */
  sessionSeconds?: number;
  isSandbox?: boolean;
}

export interface Session { userId: string; expiresAt: number; clientId?: string }

export const STANDARD_TIMEZONES = ['America/Los_Angeles', 'America/New_York', 'Europe/London', 'Europe/Berlin', 'Asia/Kolkata', 'Asia/Tokyo', 'GMT'];
export const STANDARD_LOCALES = ['en_US', 'en_GB', 'de_DE', 'fr_FR', 'ja_JP'];
export const STANDARD_LANGUAGES = ['en_US', 'de', 'fr', 'ja'];
export const STANDARD_ENCODINGS = ['UTF-8', 'ISO-8859-1'];

/** Permissions a user license does not allow (used for "The user license doesn't allow the permission"). [I] */
export const LICENSE_DISALLOWED: Record<string, string[]> = { AUL: ['ManageSandboxes', 'ModifyAllData'], SFDC_INTEGRATION: ['ManageSandboxes'] };

const DUPLICATE_USERNAME_MESSAGE = "Duplicate Username.<br>The username already exists in this or another Salesforce organization. Usernames must be unique across all Salesforce organizations. To resolve, use a different username (it doesn't need to match the user's email address). ";

export class Org {
  readonly ids = new IdFactory();
  readonly options: Required<OrgOptions>;
  readonly orgId: string;
  readonly tables = new Map<string, Map<string, Rec>>();
  /** Metadata components that have no record form of their own, keyed by type then lower-case fullName. */
  readonly meta = new Map<string, Map<string, Record<string, any>>>();
  readonly sessions = new Map<string, Session>();
  readonly refreshTokens = new Map<string, { userId: string; clientId: string }>();
  /** Usernames taken in "other orgs": creating them fails with DUPLICATE_USERNAME. */
  readonly foreignUsernames = new Set<string>(['taken@example.com', 'balkanid@example.test.taken']);
  /** Profiles with Login IP Ranges that exclude every client (JWT logins fail "ip restricted"). */
  readonly ipRestrictedProfiles = new Set<string>();
  apiUsage = 0;
  /** Writes made through the APIs (records and metadata), for "a re-run writes nothing" checks. */
  writes = 0;
  clockOffsetMs = 0;

  constructor(options: OrgOptions = {}) {
    this.options = { maxApiVersion: 64, autoEnableDependencies: false, policyPermissionSetsCreateLinks: false, deployMs: 150, sessionSeconds: 7200, isSandbox: false, ...options };
    for (const o of OBJECTS) this.tables.set(o.name, new Map());
    this.orgId = this.ids.next('00D');
  }

  now(): number { return Date.now() + this.clockOffsetMs; }
  iso(t = this.now()): string { return new Date(t).toISOString().replace('Z', '+0000'); }

  // ---- records ---------------------------------------------------------------------------------

  table(name: string): Map<string, Rec> {
    const t = this.tables.get(name);
    if (!t) throw new Error(`no table ${name}`);
    return t;
  }
  all(name: string): Rec[] { return [...this.table(name).values()].map(r => this.materialize(name, r)); }
  get(name: string, id: unknown): Rec | undefined {
    if (typeof id !== 'string' || !isId(id)) return undefined;
    const r = this.table(name).get(idKey(id));
    return r && this.materialize(name, r);
  }
  byId(id: unknown): { object: ObjectDef; rec: Rec } | undefined {
    if (typeof id !== 'string' || !isId(id)) return undefined;
    const object = OBJECT_BY_PREFIX.get(id.slice(0, 3));
    const rec = object && this.get(object.name, id);
    return object && rec ? { object, rec } : undefined;
  }
  find(name: string, pred: (r: Rec) => boolean): Rec | undefined { return this.all(name).find(pred); }

  /** Adds computed fields (UsedLicenses, profile-owned permission sets, Name, SetupEntityType, ...). */
  private materialize(name: string, r: Rec): Rec {
    switch (name) {
      case 'UserLicense':
        return { ...r, UsedLicenses: this.usedLicenses(r.Id) };
      case 'PermissionSet': {
        if (!r.IsOwnedByProfile) return r;
        const p = this.table('Profile').get(idKey(r.ProfileId));
        const perms = Object.fromEntries(PERMISSIONS.map(k => [`Permissions${k}`, !!p?.[`Permissions${k}`]]));
        return { ...r, ...perms, LicenseId: p?.UserLicenseId ?? null };
      }
      case 'User':
        return { ...r, Name: [r.FirstName, r.LastName].filter(Boolean).join(' ') };
      case 'SetupEntityAccess':
        return { ...r, SetupEntityType: OBJECT_BY_PREFIX.get(String(r.SetupEntityId).slice(0, 3))?.name ?? 'Unknown' };
      case 'PermissionSetAssignment':
        return { ...r, IsActive: !r.ExpirationDate || Date.parse(r.ExpirationDate) > this.now() };
      default:
        return r;
    }
  }

  /** Inserts without rules (seeding and metadata sync). */
  raw(name: string, fields: Record<string, any>): Rec {
    const def = OBJECT_BY_LOWER.get(name.toLowerCase())!;
    const rec: Rec = { Id: this.ids.next(def.prefix) };
    for (const f of def.fields) if (f.name !== 'Id') rec[f.name] = f.type === 'boolean' ? false : null;
    if (fieldOf(def, 'CreatedDate')) rec.CreatedDate = rec.LastModifiedDate = this.iso();
    Object.assign(rec, fields);
    this.table(def.name).set(idKey(rec.Id), rec);
    if (name === 'Profile') {
      this.raw('PermissionSet', { Name: `X00e${rec.Id.slice(3, 15)}`, Label: `00e${rec.Id.slice(3, 15)}`, IsOwnedByProfile: true,
        IsCustom: !!fields.__custom, ProfileId: rec.Id, Type: 'Profile' });
      delete rec.__custom;
    }
    if (name === 'User') this.raw('UserLogin', { UserId: rec.Id, IsFrozen: false, IsPasswordLocked: false });
    return rec;
  }

  // ---- permissions -----------------------------------------------------------------------------

  userPerms(userId: string): Set<string> {
    const user = this.get('User', userId);
    const perms = new Set<string>();
    if (!user) return perms;
    const sets = [this.find('PermissionSet', ps => ps.IsOwnedByProfile && sameId(ps.ProfileId, user.ProfileId))];
    for (const a of this.all('PermissionSetAssignment')) {
      if (!sameId(a.AssigneeId, userId) || !a.IsActive) continue;
      if (a.PermissionSetId) sets.push(this.get('PermissionSet', a.PermissionSetId));
      if (a.PermissionSetGroupId) for (const c of this.all('PermissionSetGroupComponent'))
        if (sameId(c.PermissionSetGroupId, a.PermissionSetGroupId)) sets.push(this.get('PermissionSet', c.PermissionSetId));
    }
    for (const ps of sets) if (ps) for (const p of PERMISSIONS) if (ps[`Permissions${p}`]) perms.add(p);
    return perms;
  }
  can(userId: string, ...anyOf: string[]): boolean {
    const perms = this.userPerms(userId);
    return anyOf.some(p => perms.has(p));
  }
  requirePerm(userId: string, anyOf: string[], message = 'insufficient access rights on object id'): void {
    if (!this.can(userId, ...anyOf)) throw new SfError('INSUFFICIENT_ACCESS_OR_READONLY', message);
  }

  /** Whether `userId` can see sObject `name` at all (describe, query). */
  canSee(userId: string, name: string): boolean {
    if (name === 'LoginHistory') return this.can(userId, 'ManageUsers', 'MonitorLoginHistory');
    if (name === 'UserRole') return this.can(userId, 'ViewRoles', 'ViewSetup');
    if (SETUP_OBJECTS.has(name)) return this.can(userId, 'ViewSetup');
    return true;
  }

  usedLicenses(licenseId: string): number {
    let n = 0;
    for (const u of this.table('User').values()) {
      const p = this.table('Profile').get(idKey(u.ProfileId));
      if (u.IsActive && p && sameId(p.UserLicenseId, licenseId)) n++;
    }
    return n;
  }
  licenseOfUser(userId: string): Rec | undefined {
    const u = this.get('User', userId);
    const p = u && this.get('Profile', u.ProfileId);
    return p ? this.get('UserLicense', p.UserLicenseId) : undefined;
  }

  // ---- writes with Salesforce's rules ------------------------------------------------------------

  create(objectName: string, body: Record<string, any>, asUser: string, apiVersion: number): Rec {
    const def = this.objectFor(objectName, asUser);
    if (!def.createable) throw new SfError('INVALID_TYPE_FOR_OPERATION', `entity type cannot be inserted: ${def.label}`);
    const values = this.canonicalValues(def, body, 'create');
    const missing = def.fields.filter(f => f.required && (values[f.name] === undefined || values[f.name] === null || values[f.name] === '')).map(f => f.name);
    if (missing.length) throw new SfError('REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, 400, missing);
    const rec = (() => {
      switch (def.name) {
        case 'Profile': return this.createProfile(values, asUser);
        case 'PermissionSet': return this.createPermissionSet(values, asUser);
        case 'PermissionSetAssignment': return this.createAssignment(values, asUser);
        case 'SetupEntityAccess': return this.createSetupEntityAccess(values, asUser, apiVersion);
        case 'User': return this.createUser(values, asUser);
        default: throw new SfError('INVALID_TYPE_FOR_OPERATION', `entity type cannot be inserted: ${def.label}`);
      }
    })();
    this.writes++;
    return rec;
  }

  update(objectName: string, id: string, body: Record<string, any>, asUser: string): void {
    const def = this.objectFor(objectName, asUser);
    const current = this.get(def.name, id);
    if (!current) throw new SfError('NOT_FOUND', 'Provided external ID field does not exist or is not accessible: ' + id, 404);
    if (!def.updateable) throw new SfError('INVALID_TYPE_FOR_OPERATION', `entity type cannot be updated: ${def.label}`);
    const values = this.canonicalValues(def, body, 'update');
    const next = { ...current, ...values };
    switch (def.name) {
      case 'Profile':
      case 'PermissionSet':
        this.requirePerm(asUser, ['ManageProfilesPermissionsets']);
        if (def.name === 'PermissionSet' && current.IsOwnedByProfile) throw new SfError('INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id');
        this.checkPermissionRules(next, def.name === 'Profile' ? next.UserLicenseId : next.LicenseId);
        if (def.name === 'PermissionSet') this.checkAssignedUsersAllow(next);
        break;
      case 'User':
        this.requirePerm(asUser, ['ManageUsers']);
        this.checkUser(next, current);
        break;
      case 'UserLogin':
        this.requirePerm(asUser, ['ManageUsers']);
        break;
    }
    const stored = this.table(def.name).get(idKey(id))!;
    Object.assign(stored, values, fieldOf(def, 'LastModifiedDate') ? { LastModifiedDate: this.iso() } : {});
    if (def.name === 'PermissionSet') this.syncPermissionSetMeta(stored);
    this.writes++;
  }

  delete(objectName: string, id: string, asUser: string): void {
    const def = this.objectFor(objectName, asUser);
    const rec = this.get(def.name, id);
    if (!rec) throw new SfError('ENTITY_IS_DELETED', 'entity is deleted', 404);
    if (!def.deletable) throw new SfError('INVALID_TYPE_FOR_OPERATION', `entity type cannot be deleted: ${def.label}`);
    switch (def.name) {
      case 'PermissionSetAssignment':
        this.requirePerm(asUser, ['AssignPermissionSets', 'ManageUsers']);
        break;
      case 'SetupEntityAccess':
        this.requirePerm(asUser, ['ManageProfilesPermissionsets']);
        break;
      case 'PermissionSet':
        this.requirePerm(asUser, ['ManageProfilesPermissionsets']);
        if (rec.IsOwnedByProfile) throw new SfError('INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id');
        if (this.all('PermissionSetAssignment').some(a => sameId(a.PermissionSetId, id)))
          throw new SfError('DELETE_FAILED', 'This permission set is assigned to one or more users. Remove the assignments before deleting it.');
        for (const sea of this.all('SetupEntityAccess')) if (sameId(sea.ParentId, id)) this.table('SetupEntityAccess').delete(idKey(sea.Id));
        this.meta.get('PermissionSet')?.delete(String(rec.Name).toLowerCase());
        break;
      case 'Profile':
        this.requirePerm(asUser, ['ManageProfilesPermissionsets']);
        if (this.all('User').some(u => sameId(u.ProfileId, id)))
          throw new SfError('DELETE_FAILED', 'Cannot delete a profile that is assigned to users. Reassign the users to another profile first.');
        for (const ps of this.all('PermissionSet')) if (ps.IsOwnedByProfile && sameId(ps.ProfileId, id)) this.table('PermissionSet').delete(idKey(ps.Id));
        break;
    }
    this.table(def.name).delete(idKey(id));
    this.writes++;
  }

  /** Resolves an sObject name for a user: unknown or invisible objects are INVALID_TYPE, as on a real org. */
  objectFor(name: string, asUser: string, api: 'data' | 'tooling' = 'data'): ObjectDef {
    const def = OBJECT_BY_LOWER.get(name.toLowerCase());
    if (!def || (def.api !== 'both' && def.api !== api) || !this.canSee(asUser, def.name))
      throw new SfError('NOT_FOUND', 'The requested resource does not exist', 404);
    return def;
  }

  private canonicalValues(def: ObjectDef, body: Record<string, any>, op: 'create' | 'update'): Record<string, any> {
    const out: Record<string, any> = {};
    for (const [k, v] of Object.entries(body ?? {})) {
      if (k === 'attributes') continue;
      const f = fieldOf(def, k);
      if (!f) throw new SfError('INVALID_FIELD', `No such column '${k}' on sobject of type ${def.name}`);
      if (op === 'create' ? !f.createable : !f.updateable)
        throw new SfError('INVALID_FIELD_FOR_INSERT_UPDATE', `Unable to create/update fields: ${f.name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`, 400, [f.name]);
      if (f.type === 'boolean' && typeof v !== 'boolean')
        throw new SfError('JSON_PARSER_ERROR', `Cannot deserialize instance of boolean from ${typeof v === 'string' ? 'VALUE_STRING' : 'value'} value ${JSON.stringify(v)} or request may be missing a required field`);
      if (f.type === 'reference' && v !== null && !isId(v))
        throw new SfError('MALFORMED_ID', `${def.label} ID: id value of incorrect type: ${v}`, 400, [f.name]);
      if (f.length && typeof v === 'string' && v.length > f.length)
        throw new SfError('STRING_TOO_LONG', `${f.name}: data value too large: ${v} (max length=${f.length})`, 400, [f.name]);
      out[f.name] = f.type === 'reference' && v ? to18(v) : v;
    }
    return out;
  }

  private checkPermissionRules(values: Record<string, any>, licenseId: string | null): void {
    for (let changed = true; changed;) {
      changed = false;
      for (const [perm, required] of PERMISSION_DEPENDENCIES) {
        if (!values[`Permissions${perm}`] || values[`Permissions${required}`]) continue;
        if (!this.options.autoEnableDependencies)
          throw new SfError('FIELD_INTEGRITY_EXCEPTION', `Permission ${PERMISSION_LABELS[perm]} depends on permission(s): ${PERMISSION_LABELS[required]}`, 400, [`Permissions${perm}`]);
        values[`Permissions${required}`] = changed = true;
      }
    }
    const license = licenseId ? this.get('UserLicense', licenseId) : undefined;
    for (const p of LICENSE_DISALLOWED[license?.LicenseDefinitionKey] ?? [])
      if (values[`Permissions${p}`]) throw new SfError('FIELD_INTEGRITY_EXCEPTION', `The user license doesn't allow the permission: ${PERMISSION_LABELS[p]}`, 400, [`Permissions${p}`]);
  }

  private checkAssignedUsersAllow(ps: Rec): void {
    for (const a of this.all('PermissionSetAssignment')) if (sameId(a.PermissionSetId, ps.Id)) this.checkLicenseAllows(ps, a.AssigneeId);
  }
  private checkLicenseAllows(ps: Rec, userId: string): void {
    const license = this.licenseOfUser(userId);
    const user = this.get('User', userId)!;
    if (ps.LicenseId && license && !sameId(ps.LicenseId, license.Id))
      throw new SfError('FIELD_INTEGRITY_EXCEPTION', `Can't assign permission set ${ps.Name} to user ${user.Username}. The user license doesn't match the permission set license.`);
    for (const p of LICENSE_DISALLOWED[license?.LicenseDefinitionKey] ?? [])
      if (ps[`Permissions${p}`]) throw new SfError('FIELD_INTEGRITY_EXCEPTION', `Can't assign permission set ${ps.Name} to user ${user.Username}. The user license doesn't allow the permission: ${PERMISSION_LABELS[p]}`);
  }

  private createProfile(v: Record<string, any>, asUser: string): Rec {
    this.requirePerm(asUser, ['ManageProfilesPermissionsets']);
    if (!this.get('UserLicense', v.UserLicenseId)) throw new SfError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', 400, ['UserLicenseId']);
    const dup = this.find('Profile', p => String(p.Name).toLowerCase() === String(v.Name).toLowerCase());
    if (dup) throw new SfError('DUPLICATE_VALUE', `duplicate value found: Name duplicates value on record with id: ${dup.Id}`, 400, ['Name']); // exact text [I]
    this.checkPermissionRules(v, v.UserLicenseId);
    return this.raw('Profile', { ...v, UserType: 'Standard', __custom: true });
  }

  private createPermissionSet(v: Record<string, any>, asUser: string): Rec {
    this.requirePerm(asUser, ['ManageProfilesPermissionsets']);
    if (!/^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*$/.test(v.Name) || v.Name.endsWith('_') || v.Name.length > 80)
      throw new SfError('FIELD_INTEGRITY_EXCEPTION', 'The API Name can only contain underscores and alphanumeric characters. It must be unique, begin with a letter, not include spaces, not end with an underscore, and not contain two consecutive underscores.', 400, ['Name']);
    const dup = this.find('PermissionSet', p => String(p.Name).toLowerCase() === String(v.Name).toLowerCase());
    if (dup) throw new SfError('DUPLICATE_DEVELOPER_NAME', `The API name you entered is already in use: ${v.Name}`, 400, ['Name']); // exact text [I]
    if (v.LicenseId && !this.get('UserLicense', v.LicenseId)) throw new SfError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', 400, ['LicenseId']);
    this.checkPermissionRules(v, v.LicenseId ?? null);
    const rec = this.raw('PermissionSet', { ...v, IsOwnedByProfile: false, IsCustom: true, Type: 'Regular' });
    this.syncPermissionSetMeta(rec);
    return rec;
  }

  /** Keeps the PermissionSet metadata view (read/retrieve) in step with the record. */
  syncPermissionSetMeta(rec: Rec): void {
    if (!this.meta.has('PermissionSet')) this.meta.set('PermissionSet', new Map());
    this.meta.get('PermissionSet')!.set(String(rec.Name).toLowerCase(), { fullName: rec.Name, label: rec.Label, description: rec.Description ?? undefined });
  }

  private createAssignment(v: Record<string, any>, asUser: string): Rec {
    this.requirePerm(asUser, ['AssignPermissionSets', 'ManageUsers']);
    const user = this.get('User', v.AssigneeId);
    if (!user) throw new SfError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', 400, ['AssigneeId']);
    if (!!v.PermissionSetId === !!v.PermissionSetGroupId)
      throw new SfError('FIELD_INTEGRITY_EXCEPTION', 'Specify either a permission set or a permission set group, not both.', 400, ['PermissionSetId']);
    const dupKey = v.PermissionSetId ? 'PermissionSetId' : 'PermissionSetGroupId';
    if (v.PermissionSetId) {
      const ps = this.get('PermissionSet', v.PermissionSetId);
      if (!ps) throw new SfError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', 400, ['PermissionSetId']);
      if (ps.IsOwnedByProfile) throw new SfError('FIELD_INTEGRITY_EXCEPTION', "You can't assign or unassign this permission set because it's associated with a profile.");
      this.checkLicenseAllows(ps, user.Id);
    } else if (!this.get('PermissionSetGroup', v.PermissionSetGroupId)) {
      throw new SfError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', 400, ['PermissionSetGroupId']);
    }
    if (this.all('PermissionSetAssignment').some(a => sameId(a.AssigneeId, v.AssigneeId) && sameId(a[dupKey], v[dupKey])))
      throw new SfError('DUPLICATE_VALUE', `Duplicate PermissionSetAssignment. Assignee: ${to18(v.AssigneeId)}; Permission Set: ${to18(v[dupKey])}`); // exact text [I]
    return this.raw('PermissionSetAssignment', v);
  }

  private createSetupEntityAccess(v: Record<string, any>, asUser: string, apiVersion: number): Rec {
    this.requirePerm(asUser, ['ManageProfilesPermissionsets']);
    if (!this.get('PermissionSet', v.ParentId)) throw new SfError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', 400, ['ParentId']);
    const target = this.byId(v.SetupEntityId);
    // SetupEntityType ExternalClientApplication exists from API 60.0 on.
    if (!target || (target.object.name === 'ExternalClientApplication' && apiVersion < 60))
      throw new SfError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', 400, ['SetupEntityId']);
    if (this.all('SetupEntityAccess').some(s => sameId(s.ParentId, v.ParentId) && sameId(s.SetupEntityId, v.SetupEntityId)))
      throw new SfError('DUPLICATE_VALUE', 'duplicate value found: <unknown> duplicates value on record with id: <unknown>');
    return this.raw('SetupEntityAccess', v);
  }

  private checkUser(v: Record<string, any>, current?: Rec): void {
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(String(v.Username)))
      throw new SfError('INVALID_NEW_VALUE', 'Username: The username must be in the form of an email address (for example, john@acme.com).', 400, ['Username']); // [I]
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(String(v.Email)))
      throw new SfError('INVALID_EMAIL_ADDRESS', `Email: invalid email address: ${v.Email}`, 400, ['Email']);
    const lower = String(v.Username).toLowerCase();
    if (this.foreignUsernames.has(lower) || this.all('User').some(u => u.Username.toLowerCase() === lower && !(current && sameId(u.Id, current.Id))))
      throw new SfError('DUPLICATE_USERNAME', DUPLICATE_USERNAME_MESSAGE, 400, ['Username']);
    if (v.CommunityNickname && this.all('User').some(u => String(u.CommunityNickname).toLowerCase() === String(v.CommunityNickname).toLowerCase() && !(current && sameId(u.Id, current.Id))))
      throw new SfError('DUPLICATE_COMM_NICKNAME', 'Nickname: This nickname already exists. Enter a unique nickname.', 400, ['CommunityNickname']);
    const picklists: Array<[string, string, string[]]> = [['TimeZoneSidKey', 'Time Zone', STANDARD_TIMEZONES], ['LocaleSidKey', 'Locale', STANDARD_LOCALES],
      ['LanguageLocaleKey', 'Language', STANDARD_LANGUAGES], ['EmailEncodingKey', 'Email Encoding', STANDARD_ENCODINGS]];
    for (const [f, label, allowed] of picklists)
      if (!allowed.includes(v[f])) throw new SfError('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `${label}: bad value for restricted picklist field: ${v[f]}`, 400, [f]);
    const profile = this.get('Profile', v.ProfileId);
    if (!profile) throw new SfError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', 400, ['ProfileId']);
    if (v.UserRoleId && !this.get('UserRole', v.UserRoleId)) throw new SfError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', 400, ['UserRoleId']);
    const license = this.get('UserLicense', profile.UserLicenseId)!;
    const counted = current && current.IsActive && (() => { const p = this.get('Profile', current.ProfileId); return p && sameId(p.UserLicenseId, license.Id); })();
    if (v.IsActive && !counted && license.UsedLicenses >= license.TotalLicenses)
      throw new SfError('LICENSE_LIMIT_EXCEEDED', 'License Limit Exceeded'); // [I] on exact wording
  }

  private createUser(v: Record<string, any>, asUser: string): Rec {
    this.requirePerm(asUser, ['ManageUsers']);
    const values: Record<string, any> = { IsActive: true, ...v };
    if (!values.CommunityNickname) {
      const base = String(values.Username).split('@')[0];
      let nick = base, n = 1;
      while (this.all('User').some(u => String(u.CommunityNickname).toLowerCase() === nick.toLowerCase())) nick = `${base}${n++}`;
      values.CommunityNickname = nick;
    }
    this.checkUser(values);
    return this.raw('User', { ...values, UserType: 'Standard' });
  }

  /** A copy of every record and metadata component, for all-or-none rollback. */
  snapshot(): { tables: Map<string, Map<string, Rec>>; meta: Map<string, Map<string, Record<string, any>>> } {
    return { tables: structuredClone(this.tables), meta: structuredClone(this.meta) };
  }
  restore(s: { tables: Map<string, Map<string, Rec>>; meta: Map<string, Map<string, Record<string, any>>> }): void {
    this.tables.clear();
    for (const [k, v] of s.tables) this.tables.set(k, v);
    this.meta.clear();
    for (const [k, v] of s.meta) this.meta.set(k, v);
  }

  // ---- sessions --------------------------------------------------------------------------------

  issueToken(userId: string, clientId?: string): string {
    const token = `${this.orgId.slice(0, 15)}!AQ${randomBytes(40).toString('base64url').replace(/[-_]/g, 'x')}`;
    this.sessions.set(token, { userId, clientId, expiresAt: this.now() + this.options.sessionSeconds * 1000 });
    return token;
  }
  session(token: string | undefined): Session | undefined {
    const s = token ? this.sessions.get(token) : undefined;
    if (!s || s.expiresAt <= this.now()) return undefined;
    const user = this.get('User', s.userId);
    return user?.IsActive ? s : undefined;
  }
  expireSessions(userId?: string): number {
    let n = 0;
    for (const [t, s] of this.sessions) if (!userId || sameId(s.userId, userId)) { this.sessions.delete(t); n++; }
    return n;
  }

  recordLogin(userId: string | undefined, status: string, app: string, loginUrl: string): void {
    if (!userId) return;
    this.raw('LoginHistory', { UserId: userId, LoginTime: this.iso(), Status: status, LoginType: 'Remote Access 2.0', Application: app, SourceIp: '127.0.0.1', LoginUrl: loginUrl });
    if (status === 'Success') this.table('User').get(idKey(userId))!.LastLoginDate = this.iso();
  }
}
