// The org's state: records of every sObject, the rules Salesforce applies on writes, who may see what,
// sessions and the metadata that deploys have stored. Pure in-memory; one instance per test org.
import { generateKeyPairSync, KeyObject, randomBytes, sign } from 'node:crypto';
import { IdFactory, idKey, isId, sameId, to18 } from './ids';
import { SfError } from './errors';
import { ObjectDef, PERMISSIONS, SETUP_OBJECTS, fieldOf } from './schema';
import { OBJECTS, OBJECT_BY_LOWER, OBJECT_BY_PREFIX, SOBJECTS } from './sobjects';
import { syncPermissionSetMeta } from './sobjects/permissionSet';
import { Slots, Table } from './table';
import { DEFAULT_OPTIONS, INDEXES, OrgOptions } from './options';
import { canonicalValues } from './fields';
import { Lang, langOfKey, MESSAGES, typographic } from './i18n';
import { isoOf } from './dates';

export type { OrgOptions } from './options';
export type Rec = Record<string, any> & { Id: string };

const blanks = new WeakMap<ObjectDef, Rec>();
/**
 * Every field of an object, false or null: the copy source of new records. Built once, through JSON.parse so that
 * it has V8's fast properties, which copies keep; a record built field by field (22 of them for User) would be a
 * slow dictionary that takes microseconds to copy.
 */
function blank(def: ObjectDef): Rec {
  let b = blanks.get(def);
  if (!b) {
    b = JSON.parse(
      JSON.stringify(Object.fromEntries(def.fields.map(f => [f.name, f.type === 'boolean' ? false : null]))),
    );
    blanks.set(def, b!);
  }
  return b!;
}

export interface Snapshot {
  tables: Map<string, Map<string, Rec>>;
  meta: Map<string, Map<string, Record<string, any>>>;
}

export interface Session {
  userId: string;
  expiresAt: number;
  clientId?: string;
  /** A JWT-based access token (Salesforce Help, "JWT-Based Access Tokens": REST APIs only). */
  jwt?: boolean;
}

/** A request for an OAuth consumer secret, whatever the answer (the product must never make one). */
export interface SecretRequest {
  at: string;
  userId: string;
  /** The route and what it asked for, e.g. `GET /apps/oauth/credentials/0xI…/888…?part=secret`. */
  request: string;
}

/** Who made a login, as LoginHistory records it (SourceIp, Browser, Platform, LoginUrl…). */
export interface LoginClient {
  ip?: string;
  userAgent?: string;
  forwardedFor?: string;
}

let signingKey: KeyObject | undefined;
/** The key JWT-based access tokens are signed with (one per process; nobody verifies it here). */
function tokenKey(): KeyObject {
  return (signingKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
}
const b64json = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

export class Org {
  readonly ids = new IdFactory();
  readonly options: Required<OrgOptions>;
  readonly orgId: string;
  readonly tables = new Map<string, Table>();
  /** Metadata components that have no record form of their own, keyed by type then lower-case fullName. */
  readonly meta = new Map<string, Map<string, Record<string, any>>>();
  readonly sessions = new Map<string, Session>();
  readonly refreshTokens = new Map<string, { userId: string; clientId: string }>();
  /** Usernames taken in "other orgs": creating them fails with DUPLICATE_USERNAME. */
  readonly foreignUsernames = new Set<string>(['taken@acme.org', 'balkanid@example.test.taken']);
  /** Profiles with Login IP Ranges that exclude every client (JWT logins fail "ip restricted"). */
  readonly ipRestrictedProfiles = new Set<string>();
  apiUsage = 0;
  /** Every request for an OAuth consumer secret (Connect REST part=secret/keyandsecret, staged credentials). */
  readonly secretRequests: SecretRequest[] = [];
  /** Standard profiles by their 15-character Id: their Metadata API name (Admin, StandardAul, …), whatever the language. */
  readonly standardProfiles = new Map<string, string>();
  /** Writes made through the APIs (records and metadata), for "a re-run writes nothing" checks. */
  writes = 0;
  clockOffsetMs = 0;
  /** While set, the org's clock stands still at this time (deterministic seeding). */
  frozenAt?: number;

  constructor(options: OrgOptions = {}) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    const slots = new Slots();
    for (const o of OBJECTS) this.tables.set(o.name, new Table(slots));
    for (const [object, field] of INDEXES) this.table(object).index(field);
    this.orgId = this.ids.next('00D');
  }

  now(): number {
    return this.frozenAt ?? this.options.clock.now() + this.clockOffsetMs;
  }
  iso(t = this.now()): string {
    if (this.lastIso?.[0] !== t) this.lastIso = [t, isoOf(t)];
    return this.lastIso[1];
  }
  private lastIso?: [number, string];

  // ---- records ---------------------------------------------------------------------------------

  table(name: string): Table {
    const t = this.tables.get(name);
    if (!t) throw new Error(`no table ${name}`);
    return t;
  }
  all(name: string): Rec[] {
    return [...this.table(name).values()].map(r => this.view(name, r));
  }
  get(name: string, id: unknown): Rec | undefined {
    if (typeof id !== 'string' || !isId(id)) return undefined;
    const r = this.table(name).get(id);
    return r && this.view(name, r);
  }
  byId(id: unknown): { object: ObjectDef; rec: Rec } | undefined {
    if (typeof id !== 'string' || !isId(id)) return undefined;
    const object = OBJECT_BY_PREFIX.get(id.slice(0, 3))?.def;
    const rec = object && this.get(object.name, id);
    return object && rec ? { object, rec } : undefined;
  }
  /** The stored record an Id (as stored in a reference field) points at, without computed fields. */
  stored(id: unknown): { object: ObjectDef; rec: Rec } | undefined {
    if (typeof id !== 'string' || id.length < 15) return undefined;
    const object = OBJECT_BY_PREFIX.get(id.slice(0, 3))?.def;
    const rec = object && this.tables.get(object.name)?.lookup(id);
    return object && rec ? { object, rec } : undefined;
  }
  find(name: string, pred: (r: Rec) => boolean): Rec | undefined {
    for (const r of this.table(name).values()) {
      const v = this.view(name, r);
      if (pred(v)) return v;
    }
    return undefined;
  }
  /** Records of `name` whose reference `field` points at `id` (indexed where INDEXES says), with computed fields. */
  refs(name: string, field: string, id: unknown): Rec[] {
    return this.table(name)
      .refs(field, id)
      .map(r => this.view(name, r));
  }

  /** A record with its computed fields (UsedLicenses, profile-owned permission sets, Name, SetupEntityType, ...). */
  view(name: string, r: Rec): Rec {
    return SOBJECTS.get(name)?.materialize?.(this, r) ?? r;
  }

  /** Inserts without rules (seeding and metadata sync). */
  raw(name: string, fields: Record<string, any>): Rec {
    const def = OBJECT_BY_LOWER.get(name.toLowerCase())!;
    const rec: Rec = { ...blank(def) };
    rec.Id = this.ids.next(def.prefix);
    if (fieldOf(def, 'CreatedDate')) rec.CreatedDate = rec.LastModifiedDate = this.iso();
    Object.assign(rec, fields);
    const rules = SOBJECTS.get(def.name);
    rules?.beforeInsert?.(this, rec);
    this.table(def.name).set(rec.Id, rec);
    rules?.afterInsert?.(this, rec, fields);
    return rec;
  }

  // ---- language ---------------------------------------------------------------------------------

  /** The language Salesforce answers a user in: their LanguageLocaleKey (the org's language if unknown). */
  languageOf(userId: string | undefined): Lang {
    const user = userId ? this.table('User').get(idKey(userId)) : undefined;
    return langOfKey(user?.LanguageLocaleKey ?? this.options.language);
  }
  /** A message of i18n.ts in the user's language (English ones typographic when the switch says so). */
  say<K extends keyof typeof MESSAGES>(
    userId: string | undefined,
    key: K,
    ...args: Parameters<(typeof MESSAGES)[K]['en']>
  ): string {
    const lang = this.languageOf(userId);
    const text = (MESSAGES[key][lang] as (...a: unknown[]) => string)(...args);
    return lang === 'en' && this.options.curlyApostrophes ? typographic(text) : text;
  }
  recordSecretRequest(userId: string, request: string): void {
    this.secretRequests.push({ at: this.iso(), userId, request });
  }

  // ---- permissions -----------------------------------------------------------------------------

  userPerms(userId: string): Set<string> {
    const user = this.table('User').get(userId);
    const perms = new Set<string>();
    if (!user) return perms;
    const sets = this.refs('PermissionSet', 'ProfileId', user.ProfileId).filter(ps => ps.IsOwnedByProfile);
    for (const a of this.refs('PermissionSetAssignment', 'AssigneeId', userId)) {
      if (!a.IsActive) continue;
      const ps = a.PermissionSetId ? this.get('PermissionSet', a.PermissionSetId) : undefined;
      if (ps) sets.push(ps);
      // A group's aggregate set carries the union of its components (permissionSet.ts); without one, the components.
      else if (a.PermissionSetGroupId)
        for (const c of this.refs('PermissionSetGroupComponent', 'PermissionSetGroupId', a.PermissionSetGroupId)) {
          const component = this.get('PermissionSet', c.PermissionSetId);
          if (component) sets.push(component);
        }
    }
    for (const ps of sets) for (const p of PERMISSIONS) if (ps[`Permissions${p}`]) perms.add(p);
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

  /**
   * Active users on profiles of the licence. One pass over the users serves every licence row of a query (and is
   * redone when the User or Profile table changed, or after the current turn of the event loop).
   */
  usedLicenses(licenseId: string): number {
    const versions = `${this.table('User').version}/${this.table('Profile').version}`;
    if (!this.licenseCounts || this.licenseCounts.versions !== versions) {
      const licenseOf = new Map<string, string>();
      for (const p of this.table('Profile').values())
        if (p.UserLicenseId) licenseOf.set(p.Id.slice(0, 15), idKey(p.UserLicenseId));
      const counts = new Map<string, number>();
      for (const u of this.table('User').values()) {
        const l = u.IsActive && u.ProfileId ? licenseOf.get(idKey(u.ProfileId)) : undefined;
        if (l) counts.set(l, (counts.get(l) ?? 0) + 1);
      }
      const memo = (this.licenseCounts = { versions, counts });
      queueMicrotask(() => {
        if (this.licenseCounts === memo) this.licenseCounts = undefined;
      });
    }
    return this.licenseCounts.counts.get(idKey(licenseId)) ?? 0;
  }
  private licenseCounts?: { versions: string; counts: Map<string, number> };
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
    const values = canonicalValues(def, body, 'create');
    const missing = def.fields
      .filter(f => f.required && (values[f.name] === undefined || values[f.name] === null || values[f.name] === ''))
      .map(f => f.name);
    if (missing.length)
      throw new SfError('REQUIRED_FIELD_MISSING', this.say(asUser, 'requiredFields', missing.join(', ')), 400, missing);
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
    const values = canonicalValues(def, body, 'update');
    const rules = SOBJECTS.get(def.name);
    rules?.update?.(this, { ...current, ...values }, current, asUser);
    // A new record replaces the stored one (indexes follow; a query cursor keeps the rows it was opened with).
    const table = this.table(def.name);
    const stored = {
      ...table.get(idKey(id))!,
      ...values,
      ...(fieldOf(def, 'LastModifiedDate') ? { LastModifiedDate: this.iso() } : {}),
    };
    table.set(idKey(id), stored);
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

  /** Keeps the PermissionSet metadata view in step with the record (seeding). */
  syncPermissionSetMeta(rec: Rec): void {
    syncPermissionSetMeta(this, rec);
  }

  /**
   * Every table and metadata component as they are, for all-or-none rollback. Tables are copied shallowly: the
   * Org's writes replace records rather than change them (update), so the copies keep the old records.
   */
  snapshot(): Snapshot {
    return {
      tables: new Map([...this.tables].map(([k, t]) => [k, new Map(t)])),
      meta: structuredClone(this.meta),
    };
  }
  restore(s: Snapshot): void {
    for (const [name, table] of this.tables) {
      const before = s.tables.get(name) ?? new Map<string, Rec>();
      for (const k of [...table.keys()]) if (!before.has(k)) table.delete(k);
      for (const [k, r] of before) if (table.get(k) !== r) table.set(k, r);
    }
    this.meta.clear();
    for (const [k, v] of s.meta) this.meta.set(k, v);
  }

  // ---- sessions --------------------------------------------------------------------------------

  /**
   * A session: an opaque `00D…!AQ…` token, or a JWT-based one (RS256, header `tty: sfdc-core-token`; Salesforce Help,
   * "JWT-Based Access Tokens") when asked or when the org issues only those (`jwtAccessTokens`).
   */
  issueToken(
    userId: string,
    clientId?: string,
    opts: { jwt?: boolean; issuer?: string; scopes?: string[] } = {},
  ): string {
    const jwt = opts.jwt ?? this.options.jwtAccessTokens;
    const expiresAt = this.now() + this.options.sessionSeconds * 1000;
    let token: string;
    if (jwt) {
      const iat = Math.floor(this.now() / 1000);
      const issuer = opts.issuer ?? 'https://login.salesforce.com';
      const head = b64json({
        alg: 'RS256',
        typ: 'JWT',
        kid: 'CORE_ATJWT.00D.1',
        tty: 'sfdc-core-token',
        tnk: `core/prod/${to18(this.orgId)}`,
        ver: '1.0',
      });
      const body = b64json({
        scp: opts.scopes ?? ['api'],
        aud: [issuer],
        sub: `uid:${to18(userId)}`,
        nbf: iat,
        mty: 'oauth',
        sfi: randomBytes(16).toString('hex'),
        roles: [],
        iss: issuer,
        hsc: false,
        exp: Math.floor(expiresAt / 1000),
        iat,
        client_id: clientId ?? 'PlatformCLI',
      });
      token = `${head}.${body}.${sign('sha256', Buffer.from(`${head}.${body}`), tokenKey()).toString('base64url')}`;
    } else token = `${this.orgId.slice(0, 15)}!AQ${randomBytes(40).toString('base64url').replace(/[-_]/g, 'x')}`;
    this.sessions.set(token, { userId, clientId, expiresAt, ...(jwt ? { jwt: true } : {}) });
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

  recordLogin(
    userId: string | undefined,
    status: string,
    app: string,
    loginUrl: string,
    client: LoginClient = {},
  ): void {
    if (!userId) return;
    const ua = client.userAgent ?? '';
    // Browser and Platform come from the User-Agent; a non-browser client is "Unknown" [I].
    const browser =
      /Chrome\/(\d+)/.exec(ua)?.[0].replace('/', ' ') ?? /Firefox\/(\d+)/.exec(ua)?.[0].replace('/', ' ') ?? 'Unknown';
    const platform = /Windows/.test(ua)
      ? 'Windows'
      : /Mac OS X/.test(ua)
        ? 'Mac OSX'
        : /Linux/.test(ua)
          ? 'Linux'
          : 'Unknown';
    this.raw('LoginHistory', {
      UserId: userId,
      LoginTime: this.iso(),
      Status: status,
      LoginType: 'Remote Access 2.0',
      Application: app,
      SourceIp: (client.ip ?? '127.0.0.1').replace(/^::ffff:/, ''),
      ForwardedForIp: client.forwardedFor ?? null,
      LoginUrl: loginUrl.replace(/^https?:\/\//, ''),
      Browser: browser,
      Platform: platform,
      ApiType: null,
      ApiVersion: null,
      AuthMethodReference: null,
      ClientVersion: 'N/A',
      // The test org speaks plain HTTP on loopback; a real login records the client's TLS [I].
      TlsProtocol: 'Unknown',
      CipherSuite: null,
    });
    const users = this.table('User');
    const user = users.get(idKey(userId));
    if (status === 'Success' && user) users.set(idKey(userId), { ...user, LastLoginDate: this.iso() });
  }
}
