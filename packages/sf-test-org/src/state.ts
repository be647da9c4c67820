// The org's state: records of every sObject, the rules Salesforce applies on writes, who may see what,
// sessions and the metadata that deploys have stored. Pure in-memory; one instance per test org.
import { randomBytes } from 'node:crypto';
import { IdFactory, idKey, isId, sameId, to18 } from './ids';
import { SfError } from './errors';
import { ObjectDef, PERMISSIONS, SETUP_OBJECTS, fieldOf } from './schema';
import { OBJECTS, OBJECT_BY_LOWER, OBJECT_BY_PREFIX, SOBJECTS } from './sobjects';
import { syncPermissionSetMeta } from './sobjects/permissionSet';

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
   * Default: yes, as it most likely does (real-org audit, rows 13 and 18): a later insert of the same link is then
   * a duplicate. false models the other reading (the product must create the link itself).
   */
  policyPermissionSetsCreateLinks?: boolean;
  /**
   * How composite/batch refuses a subrequest to a resource it does not document (a Tooling URL): 'subrequest' (that
   * result fails, the others run) or 'request' (the whole batch is refused). Salesforce documents only which
   * resources are allowed (REST API Developer Guide, "Composite Batch") [I].
   */
  batchRefusal?: 'subrequest' | 'request';
  /** PermissionDependency pages: batch size, and whether a page repeats the last row of the one before (reported live). */
  dependencyPageSize?: number;
  repeatDependencyBatch?: boolean;
  /** Real orgs reportedly have no PermissionDependency rows for View All Data (audit row 8) — yet enforce them. */
  dependencyRowsForViewAllData?: boolean;
  /** Whether readMetadata/retrieve of global OAuth settings return the certificate (unconfirmed; audit row 22). */
  readReturnsCertificate?: boolean;
  /** Policy values read back in the case real orgs use ("Enforce_relaxrefresh"; audit row 5). */
  policyValuesInOrgCase?: boolean;
  /** Permission refusals naming API names with empty `fields` (public real-org examples) instead of labels. */
  permissionErrorsByName?: boolean;
  /** How long a metadata deploy stays InProgress (default 150 ms; raise it to test slow deploys). */
  deployMs?: number;
  /** Session lifetime in seconds (default 2 hours). */
  sessionSeconds?: number;
  isSandbox?: boolean;
}

export interface Session {
  userId: string;
  expiresAt: number;
  clientId?: string;
}

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
  readonly foreignUsernames = new Set<string>(['taken@acme.org', 'balkanid@example.test.taken']);
  /** Profiles with Login IP Ranges that exclude every client (JWT logins fail "ip restricted"). */
  readonly ipRestrictedProfiles = new Set<string>();
  apiUsage = 0;
  /** Writes made through the APIs (records and metadata), for "a re-run writes nothing" checks. */
  writes = 0;
  clockOffsetMs = 0;

  constructor(options: OrgOptions = {}) {
    this.options = {
      maxApiVersion: 64,
      autoEnableDependencies: false,
      policyPermissionSetsCreateLinks: true,
      batchRefusal: 'subrequest',
      dependencyPageSize: 2000,
      repeatDependencyBatch: true,
      dependencyRowsForViewAllData: true,
      readReturnsCertificate: true,
      policyValuesInOrgCase: true,
      permissionErrorsByName: false,
      deployMs: 150,
      sessionSeconds: 7200,
      isSandbox: false,
      ...options,
    };
    for (const o of OBJECTS) this.tables.set(o.name, new Map());
    this.orgId = this.ids.next('00D');
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }
  iso(t = this.now()): string {
    return new Date(t).toISOString().replace('Z', '+0000');
  }

  // ---- records ---------------------------------------------------------------------------------

  table(name: string): Map<string, Rec> {
    const t = this.tables.get(name);
    if (!t) throw new Error(`no table ${name}`);
    return t;
  }
  all(name: string): Rec[] {
    return [...this.table(name).values()].map(r => this.materialize(name, r));
  }
  get(name: string, id: unknown): Rec | undefined {
    if (typeof id !== 'string' || !isId(id)) return undefined;
    const r = this.table(name).get(idKey(id));
    return r && this.materialize(name, r);
  }
  byId(id: unknown): { object: ObjectDef; rec: Rec } | undefined {
    if (typeof id !== 'string' || !isId(id)) return undefined;
    const object = OBJECT_BY_PREFIX.get(id.slice(0, 3))?.def;
    const rec = object && this.get(object.name, id);
    return object && rec ? { object, rec } : undefined;
  }
  find(name: string, pred: (r: Rec) => boolean): Rec | undefined {
    return this.all(name).find(pred);
  }

  /** Adds computed fields (UsedLicenses, profile-owned permission sets, Name, SetupEntityType, ...). */
  private materialize(name: string, r: Rec): Rec {
    return SOBJECTS.get(name)?.materialize?.(this, r) ?? r;
  }

  /** Inserts without rules (seeding and metadata sync). */
  raw(name: string, fields: Record<string, any>): Rec {
    const def = OBJECT_BY_LOWER.get(name.toLowerCase())!;
    const rec: Rec = { Id: this.ids.next(def.prefix) };
    for (const f of def.fields) if (f.name !== 'Id') rec[f.name] = f.type === 'boolean' ? false : null;
    if (fieldOf(def, 'CreatedDate')) rec.CreatedDate = rec.LastModifiedDate = this.iso();
    Object.assign(rec, fields);
    this.table(def.name).set(idKey(rec.Id), rec);
    SOBJECTS.get(def.name)?.afterInsert?.(this, rec, fields);
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
      if (a.PermissionSetGroupId)
        for (const c of this.all('PermissionSetGroupComponent'))
          if (sameId(c.PermissionSetGroupId, a.PermissionSetGroupId))
            sets.push(this.get('PermissionSet', c.PermissionSetId));
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
    const rules = SOBJECTS.get(def.name);
    if (!def.createable || !rules?.create)
      throw new SfError('INVALID_TYPE_FOR_OPERATION', `entity type cannot be inserted: ${def.label}`);
    const values = this.canonicalValues(def, body, 'create');
    const missing = def.fields
      .filter(f => f.required && (values[f.name] === undefined || values[f.name] === null || values[f.name] === ''))
      .map(f => f.name);
    if (missing.length)
      throw new SfError('REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, 400, missing);
    const rec = rules.create(this, values, asUser, apiVersion);
    this.writes++;
    return rec;
  }

  update(objectName: string, id: string, body: Record<string, any>, asUser: string): void {
    const def = this.objectFor(objectName, asUser);
    const current = this.get(def.name, id);
    if (!current)
      throw new SfError('NOT_FOUND', 'Provided external ID field does not exist or is not accessible: ' + id, 404);
    if (!def.updateable) throw new SfError('INVALID_TYPE_FOR_OPERATION', `entity type cannot be updated: ${def.label}`);
    const values = this.canonicalValues(def, body, 'update');
    const rules = SOBJECTS.get(def.name);
    rules?.update?.(this, { ...current, ...values }, current, asUser);
    const stored = this.table(def.name).get(idKey(id))!;
    Object.assign(stored, values, fieldOf(def, 'LastModifiedDate') ? { LastModifiedDate: this.iso() } : {});
    rules?.afterUpdate?.(this, stored);
    this.writes++;
  }

  delete(objectName: string, id: string, asUser: string): void {
    const def = this.objectFor(objectName, asUser);
    const rec = this.get(def.name, id);
    if (!rec) throw new SfError('ENTITY_IS_DELETED', 'entity is deleted', 404);
    if (!def.deletable) throw new SfError('INVALID_TYPE_FOR_OPERATION', `entity type cannot be deleted: ${def.label}`);
    SOBJECTS.get(def.name)?.delete?.(this, rec, asUser);
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
        throw new SfError(
          'INVALID_FIELD_FOR_INSERT_UPDATE',
          `Unable to create/update fields: ${f.name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
          400,
          [f.name],
        );
      if (f.type === 'boolean' && typeof v !== 'boolean')
        throw new SfError(
          'JSON_PARSER_ERROR',
          `Cannot deserialize instance of boolean from ${typeof v === 'string' ? 'VALUE_STRING' : 'value'} value ${JSON.stringify(v)} or request may be missing a required field`,
        );
      if (f.type === 'reference' && v !== null && !isId(v))
        throw new SfError('MALFORMED_ID', `${def.label} ID: id value of incorrect type: ${v}`, 400, [f.name]);
      if (f.length && typeof v === 'string' && v.length > f.length)
        throw new SfError('STRING_TOO_LONG', `${f.name}: data value too large: ${v} (max length=${f.length})`, 400, [
          f.name,
        ]);
      out[f.name] = f.type === 'reference' && v ? to18(v) : v;
    }
    return out;
  }

  /** Keeps the PermissionSet metadata view in step with the record (seeding). */
  syncPermissionSetMeta(rec: Rec): void {
    syncPermissionSetMeta(this, rec);
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
    for (const [t, s] of this.sessions)
      if (!userId || sameId(s.userId, userId)) {
        this.sessions.delete(t);
        n++;
      }
    return n;
  }

  recordLogin(userId: string | undefined, status: string, app: string, loginUrl: string): void {
    if (!userId) return;
    this.raw('LoginHistory', {
      UserId: userId,
      LoginTime: this.iso(),
      Status: status,
      LoginType: 'Remote Access 2.0',
      Application: app,
      SourceIp: '127.0.0.1',
      LoginUrl: loginUrl,
    });
    if (status === 'Success') this.table('User').get(idKey(userId))!.LastLoginDate = this.iso();
  }
}
