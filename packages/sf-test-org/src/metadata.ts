// Metadata API semantics shared by the SOAP endpoint (/services/Soap/m/NN.0) and the REST deployRequest:
// component types and their minimum API versions, validation, declarative defaults, the async deploy
// and retrieve jobs, and keeping the ExternalClientApplication sObjects in step with what was deployed.
import { X509Certificate } from 'node:crypto';
import JSZip from 'jszip';
import { Org, Rec } from './state';
import { SfError } from './errors';
import { METADATA_TYPES, MetadataType } from './mdtypes';
import { asArray, parseXml, text, toXml } from './xml';

export const MD_NS = 'http://soap.sforce.com/2006/04/metadata';

/** The OAuth plugin types of the "Special Access Rules" (Metadata API Developer Guide, v59.0–v66.0). */
export const OAUTH_PLUGIN_TYPES = ['ExtlClntAppGlobalOauthSettings', 'ExtlClntAppOauthSettings'];
const sameIdKey = (a: unknown, b: unknown) =>
  typeof a === 'string' && typeof b === 'string' && a.slice(0, 15) === b.slice(0, 15);

/** The registry entries by type name (folder, suffix, minimum version, ...). */
export const TYPES: Record<string, MetadataType> = Object.fromEntries(METADATA_TYPES);
export { SCOPE_TOKENS } from './mdtypes/eca';
const BOOLEAN = /^(is|should|enable)[A-Z]/;

export interface Component {
  type: string;
  fullName: string;
  fileName: string;
  body: Record<string, any>;
}
export interface ComponentMessage {
  changed: boolean;
  componentType: string;
  created: boolean;
  createdDate: string;
  deleted: boolean;
  fileName: string;
  fullName: string;
  id?: string;
  success: boolean;
  problem?: string;
  problemType?: string;
}

export interface DeployOptions {
  checkOnly: boolean;
  rollbackOnError: boolean;
  singlePackage: boolean;
  ignoreWarnings: boolean;
  purgeOnDelete?: boolean;
  apiVersion: number;
}

export interface DeployJob {
  id: string;
  createdBy: string;
  createdByName: string;
  createdDate: string;
  startDate?: string;
  completedDate?: string;
  options: DeployOptions;
  status: 'Pending' | 'InProgress' | 'Succeeded' | 'SucceededPartial' | 'Failed' | 'Canceled';
  done: boolean;
  successes: ComponentMessage[];
  failures: ComponentMessage[];
  total: number;
  errorMessage?: string;
  errorStatusCode?: string;
}

export interface RetrieveJob {
  id: string;
  done: boolean;
  status: 'Pending' | 'InProgress' | 'Succeeded' | 'Failed';
  zipFile?: string;
  fileProperties: Record<string, any>[];
  messages: { fileName: string; problem: string }[];
}

export class MetadataApi {
  readonly deploys = new Map<string, DeployJob>();
  readonly retrieves = new Map<string, RetrieveJob>();
  /**
   * Open question: must the ExternalClientApplication exist before its satellites are deployed (sfdx-hardis
   * deploys in two phases on restore)? Default: no, one package works (live evidence); true models the strict case.
   */
  requireParentBeforeSatellites = false;
  /** Open question 2: do global OAuth settings need "View External Client App Consumer Secrets in Metadata"? Default: no. */
  requireViewClientSecret = false;
  /** Test control: the next deploy fails on its first component with this problem. */
  failNextDeploy?: string;

  constructor(readonly org: Org) {}

  requireMetadataAccess(userId: string): void {
    if (!this.org.can(userId, 'ModifyMetadata', 'ModifyAllData'))
      throw new SfError(
        'INSUFFICIENT_ACCESS',
        'use of the Metadata API requires a user with the ModifyAllData or ModifyMetadata permissions',
        500,
      );
  }

  /** Checks a type is known at the request's API version (jsforce's default 50.0 is too old for ECAs). */
  typeAt(type: string, apiVersion: number): MetadataType {
    const info = METADATA_TYPES.get(type);
    if (!info || apiVersion < info.minVersion)
      throw new SfError('INVALID_TYPE', `This type of metadata is not available for this organization`, 500); // text for old versions [I]
    return info;
  }

  // ---- deploy ----------------------------------------------------------------------------------

  async startDeploy(zipBase64: string | Buffer, options: DeployOptions, userId: string): Promise<DeployJob> {
    this.requireMetadataAccess(userId);
    const user = this.org.get('User', userId)!;
    const job: DeployJob = {
      id: this.org.ids.next('0Af'),
      createdBy: userId.slice(0, 15),
      createdByName: user.Name,
      createdDate: this.org.iso(),
      options,
      status: 'Pending',
      done: false,
      successes: [],
      failures: [],
      total: 0,
    };
    this.deploys.set(job.id, job);
    const zip = await JSZip.loadAsync(zipBase64, { base64: typeof zipBase64 === 'string' }).catch(() => undefined);
    const startAt = this.org.options.deployMs;
    setTimeout(
      () => {
        job.status = 'InProgress';
        job.startDate = this.org.iso();
      },
      Math.min(20, startAt / 3),
    ).unref();
    setTimeout(() => {
      this.runDeploy(job, zip, userId).catch(e => {
        job.failures.push(this.message('', 'package.xml', 'package.xml', false, String(e?.message ?? e)));
        this.finish(job);
      });
    }, startAt).unref();
    return job;
  }

  private message(
    componentType: string,
    fileName: string,
    fullName: string,
    success: boolean,
    problem?: string,
    extra: Partial<ComponentMessage> = {},
  ): ComponentMessage {
    const m: ComponentMessage = {
      changed: success && !!extra.changed,
      componentType,
      created: false,
      createdDate: this.org.iso(),
      deleted: false,
      fileName,
      fullName,
      success,
      ...extra,
    };
    if (problem) {
      m.problem = problem;
      m.problemType = 'Error';
    }
    return m;
  }

  /** Resolves once no deploy or retrieve is running (a condition tests wait on, never a sleep). */
  async settled(): Promise<void> {
    while ([...this.deploys.values()].some(j => !j.done)) await new Promise(r => setTimeout(r, 10));
  }

  private finish(job: DeployJob): void {
    job.done = true;
    job.completedDate = this.org.iso();
    job.status =
      job.failures.length === 0
        ? 'Succeeded'
        : job.successes.some(s => s.fullName !== 'package.xml') && !job.options.rollbackOnError
          ? 'SucceededPartial'
          : 'Failed';
    if (job.status === 'Failed' && job.options.rollbackOnError) {
      // Nothing is committed: report what would have succeeded as not deployed.
      job.successes = job.successes.map(s => ({ ...s, changed: false, created: false, deleted: false }));
    }
  }

  private async runDeploy(job: DeployJob, zip: JSZip | undefined, userId: string): Promise<void> {
    const files = new Map<string, JSZip.JSZipObject>();
    if (zip) {
      zip.forEach((path, f) => {
        if (!f.dir) files.set(path, f);
      });
    }
    let root = '';
    if (!job.options.singlePackage) {
      const pkg = [...files.keys()].find(p => /^[^/]+\/package\.xml$/.test(p));
      root = pkg ? pkg.slice(0, pkg.indexOf('/') + 1) : '';
    }
    const pkgFile = files.get(root + 'package.xml');
    if (!pkgFile) {
      job.failures.push(this.message('', 'package.xml', 'package.xml', false, 'No package.xml found'));
      return this.finish(job);
    }
    const pkg = parseXml(await pkgFile.async('string')).Package ?? {};
    const version = Number(text(pkg.version) ?? job.options.apiVersion);
    const components: Component[] = [];
    const packageProblems: string[] = [];
    for (const t of asArray<any>(pkg.types)) {
      const type = text(t.name)!;
      const info = TYPES[type];
      if (!info || version < info.minVersion || job.options.apiVersion < info.minVersion) {
        packageProblems.push(`Unknown type name '${type}' specified in package.xml`);
        continue;
      } // text [I]
      for (const m of asArray<any>(t.members)) {
        const fullName = text(m)!;
        const members =
          fullName === '*'
            ? [...files.keys()]
                .filter(p => p.startsWith(`${root}${info.dir}/`) && p.endsWith(`.${info.suffix}`))
                .map(p => p.slice(root.length + info.dir.length + 1, -info.suffix.length - 1))
            : [fullName];
        for (const name of members) {
          const path = `${info.dir}/${name}.${info.suffix}`;
          const file = files.get(root + path) ?? files.get(root + path + '-meta.xml');
          if (!file) {
            job.failures.push(
              this.message(
                type,
                path,
                name,
                false,
                `An object '${name}' of type ${type} was named in package.xml, but was not found in zipped directory`,
              ),
            );
            continue;
          }
          const parsed = parseXml(await file.async('string'));
          const body = parsed[type] ?? {};
          components.push({ type, fullName: name, fileName: path, body });
        }
      }
    }
    const destructive = files.get(root + 'destructiveChanges.xml') ?? files.get(root + 'destructiveChangesPost.xml');
    const deletions: Array<{ type: string; fullName: string }> = [];
    if (destructive) {
      for (const t of asArray<any>(parseXml(await destructive.async('string')).Package?.types))
        for (const m of asArray<any>(t.members)) deletions.push({ type: text(t.name)!, fullName: text(m)! });
    }
    for (const p of packageProblems) job.failures.push(this.message('', 'package.xml', 'package.xml', false, p));
    job.total = components.length + deletions.length;

    // Validate against a scratch copy of the metadata, then commit if allowed.
    const staged = new Map<string, Component>();
    const injected = this.failNextDeploy;
    this.failNextDeploy = undefined;
    for (const c of components) {
      try {
        if (injected && c === components[0]) throw new SfError('UNKNOWN_EXCEPTION', injected);
        this.validate(c, components, userId, version);
        staged.set(`${c.type}:${c.fullName.toLowerCase()}`, c);
        const exists = this.exists(c.type, c.fullName);
        job.successes.push(
          this.message(c.type, c.fileName, c.fullName, true, undefined, { changed: true, created: !exists }),
        );
      } catch (e: any) {
        job.failures.push(
          this.message(
            c.type,
            c.fileName,
            c.fullName,
            false,
            e instanceof SfError ? e.message : String(e?.message ?? e),
          ),
        );
      }
    }
    for (const d of deletions) {
      if (!this.exists(d.type, d.fullName)) {
        job.failures.push(
          this.message(d.type, 'destructiveChanges.xml', d.fullName, false, `No ${d.type} named: ${d.fullName} found`),
        );
        continue;
      }
      try {
        this.checkTypeAccess(d.type, userId);
        job.successes.push(
          this.message(
            d.type,
            `${TYPES[d.type]?.dir}/${d.fullName}.${TYPES[d.type]?.suffix}`,
            d.fullName,
            true,
            undefined,
            { changed: true, deleted: true },
          ),
        );
      } catch (e: any) {
        job.failures.push(this.message(d.type, 'destructiveChanges.xml', d.fullName, false, e.message));
      }
    }
    job.successes.unshift(this.message('', 'package.xml', 'package.xml', true, undefined, { changed: true }));
    const commit = !job.options.checkOnly && (job.failures.length === 0 || !job.options.rollbackOnError);
    if (commit) {
      // Parents before satellites, so the satellites can point at the app's Id.
      const order = (c: Component) => (c.type === 'ExternalClientApplication' ? 0 : c.type === 'PermissionSet' ? 1 : 2);
      for (const c of [...staged.values()].sort((a, b) => order(a) - order(b))) {
        const msg = job.successes.find(s => s.componentType === c.type && s.fullName === c.fullName);
        const rec = this.commit(c, userId);
        if (msg && rec) msg.id = rec.Id;
      }
      for (const d of deletions)
        if (job.successes.some(s => s.deleted && s.fullName === d.fullName)) this.remove(d.type, d.fullName);
      this.afterCommit();
    }
    this.finish(job);
  }

  // ---- the org's External Client App settings ----------------------------------------------------

  /** "Allow access to External Client App consumer secrets via Metadata API" (ExternalClientAppSettings), now. */
  secretsViaMetadata(): boolean {
    return (
      this.getComponent('ExternalClientAppSettings', 'ExternalClientApp')?.enableConsumerSecretApiAccess !== 'false'
    );
  }
  /** "Allow access to External Client App consumer secrets via REST API" (API 62.0+), now. */
  secretsViaRest(): boolean {
    return (
      this.getComponent('ExternalClientAppSettings', 'ExternalClientApp')?.enableClientSecretInRestApiAccess === 'true'
    );
  }
  /**
   * On a hardened org read as the literal "Special Access Rules" (switch `hardenedMetadataWithholds: 'plugin'`), the
   * OAuth plugin types cannot be read, retrieved or deployed: this error, else undefined. Code and text [I].
   */
  pluginClosed(type: string): SfError | undefined {
    if (!OAUTH_PLUGIN_TYPES.includes(type) || this.secretsViaMetadata()) return undefined;
    if (this.org.options.hardenedMetadataWithholds !== 'plugin') return undefined;
    return new SfError(
      'INSUFFICIENT_ACCESS',
      `Access to ${type} requires the org setting Allow access to External Client App consumer secrets via Metadata API.`,
      500,
    );
  }

  // ---- validation --------------------------------------------------------------------------------

  private checkTypeAccess(type: string, userId: string): void {
    METADATA_TYPES.get(type)?.checkAccess(this, userId);
  }

  validate(c: Component, batch: Component[], userId: string, version: number): void {
    this.checkTypeAccess(c.type, userId);
    const closed = this.pluginClosed(c.type);
    if (closed) throw closed;
    const info = METADATA_TYPES.get(c.type)!;
    if (info.elements) {
      for (const [k, v] of Object.entries(c.body)) {
        if (k.startsWith('@_') || k === 'fullName') continue;
        const since = info.elements[k];
        if (since === undefined || version < since)
          throw new SfError('INVALID_FIELD', `Element {${MD_NS}}${k} invalid at this location in type ${c.type}`);
        const value = text(v);
        if (BOOLEAN.test(k) && value !== 'true' && value !== 'false')
          throw new SfError('INVALID_FIELD', `'${value}' is not a valid value for the type boolean`);
        const e = info.enums?.[k];
        if (e && !e[1].includes(value!))
          throw new SfError('INVALID_FIELD', `'${value}' is not a valid value for the enum '${e[0]}'`);
      }
      for (const r of info.required ?? [])
        if (!text(c.body[r])) throw new SfError('REQUIRED_FIELD_MISSING', `Required field is missing: ${r}`);
    }
    info.validate?.(this, c, batch);
  }

  // ---- store -------------------------------------------------------------------------------------

  store(type: string): Map<string, Record<string, any>> {
    if (!this.org.meta.has(type)) this.org.meta.set(type, new Map());
    return this.org.meta.get(type)!;
  }
  all(type: string): Record<string, any>[] {
    return METADATA_TYPES.get(type)?.list?.(this) ?? [...this.store(type).values()];
  }
  getComponent(type: string, fullName: string): Record<string, any> | undefined {
    return this.all(type).find(c => String(c.fullName).toLowerCase() === fullName.toLowerCase());
  }
  exists(type: string, fullName: string): boolean {
    return !!this.getComponent(type, fullName);
  }

  /** Applies a validated component; returns the sObject record it maps to, if any. */
  commit(c: Component, userId: string): Rec | undefined {
    const type = METADATA_TYPES.get(c.type)!;
    if (type.commit) return type.commit(this, c, userId);
    const existing = this.getComponent(c.type, c.fullName);
    const next: Record<string, any> = { ...(type.defaults ?? {}) };
    for (const [k, v] of Object.entries(c.body)) if (!k.startsWith('@_')) next[k] = typeof v === 'object' ? v : text(v);
    next.fullName = c.fullName;
    type.prepare?.(this, next, existing);
    this.store(c.type).set(c.fullName.toLowerCase(), next);
    this.org.writes++;
    return type.sync?.(this, next);
  }

  /** What Salesforce completes after components are committed: OAuth policies and OAuth links. */
  afterCommit(): void {
    this.generateMissingPolicies();
    this.linkOauthConsumers();
  }

  /**
   * ExtlClntAppOauthSettings.oauthLink: "An auto-generated value that combines the org ID and OAuth consumer ID"
   * (Metadata API Developer Guide); a live retrieve shows `00Dbm000004ELiD:888bm000002gH3J` (15-character org Id,
   * colon, 15-character consumer Id with prefix 888; onyx-dot-app/onyx#14953). The sObject's OauthLink carries the
   * same value [I]. The consumer is the app's global OAuth settings (its key and secret).
   */
  private linkOauthConsumers(): void {
    for (const s of this.store('ExtlClntAppOauthSettings').values()) {
      const app = String(s.externalClientApplication).toLowerCase();
      const global = this.all('ExtlClntAppGlobalOauthSettings').find(
        g => String(g.externalClientApplication).toLowerCase() === app,
      );
      const link = global?.__consumerId
        ? `${this.org.orgId.slice(0, 15)}:${String(global.__consumerId).slice(0, 15)}`
        : undefined;
      if (link) s.oauthLink = link;
      else delete s.oauthLink;
      const a = this.org.find('ExternalClientApplication', r => String(r.DeveloperName).toLowerCase() === app);
      const rec = a && this.org.find('ExtlClntAppOauthSettings', r => sameIdKey(r.ExternalClientApplicationId, a.Id));
      if (rec) this.org.table('ExtlClntAppOauthSettings').get(rec.Id.slice(0, 15))!.OauthLink = link ?? null;
    }
  }

  /** The OAuth consumer of an app (its global OAuth settings): consumer Id and key, for the Connect REST routes. */
  consumerOf(appName: string): { id: string; key: string; secret: string } | undefined {
    const g = this.all('ExtlClntAppGlobalOauthSettings').find(
      x => String(x.externalClientApplication).toLowerCase() === appName.toLowerCase(),
    );
    return g?.__consumerId ? { id: g.__consumerId, key: g.consumerKey, secret: g.__consumerSecret } : undefined;
  }

  /** "The OAuth policies file is generated when the external client app is deployed" (Help, S8). */
  private generateMissingPolicies(): void {
    for (const s of this.all('ExtlClntAppOauthSettings')) {
      if (
        this.all('ExtlClntAppOauthConfigurablePolicies').some(
          p => p.externalClientApplication.toLowerCase() === s.externalClientApplication.toLowerCase(),
        )
      )
        continue;
      const name = `${s.externalClientApplication}_oauthPlcy`;
      const body = {
        externalClientApplication: s.externalClientApplication,
        label: name,
        permittedUsersPolicyType: 'AllSelfAuthorized',
        ipRelaxationPolicyType: 'Enforce',
        refreshTokenPolicyType: 'Infinite',
      };
      this.store('ExtlClntAppOauthConfigurablePolicies').set(name.toLowerCase(), { fullName: name, ...body });
      METADATA_TYPES.get('ExtlClntAppOauthConfigurablePolicies')!.sync!(this, { fullName: name, ...body });
    }
  }

  remove(type: string, fullName: string): void {
    const module = METADATA_TYPES.get(type);
    module?.remove?.(this, fullName);
    if (module?.list && module.remove) return; // a record-backed type whose remove took the record away
    this.store(type).delete(fullName.toLowerCase());
    this.org.writes++;
  }

  // ---- read / list / retrieve / describe ---------------------------------------------------------

  /**
   * What readMetadata and retrieve return: never the consumer secret (live: "ECA generated consumerSecret is NOT
   * returned by Metadata API readMetadata", fromsteinsfdc/PromptToFlow DESIGN_NOTES); on a hardened org (switch
   * `consumerSecretsViaMetadata` off, `hardenedMetadataWithholds: 'key'`) not the consumer key either.
   */
  publicView(type: string, c: Record<string, any>): Record<string, any> {
    const out: Record<string, any> = {};
    for (const [k, v] of Object.entries(c)) if (!k.startsWith('__') && k !== 'consumerSecret') out[k] = v;
    // Whether a read returns the certificate is unconfirmed (audit row 22): switchable.
    if (type === 'ExtlClntAppGlobalOauthSettings' && !this.org.options.readReturnsCertificate) delete out.certificate;
    if (
      type === 'ExtlClntAppGlobalOauthSettings' &&
      !this.secretsViaMetadata() &&
      this.org.options.hardenedMetadataWithholds !== 'secret'
    )
      delete out.consumerKey;
    return out;
  }

  read(type: string, fullNames: string[], apiVersion: number, userId: string): Array<Record<string, any> | null> {
    this.requireMetadataAccess(userId);
    this.typeAt(type, apiVersion);
    // readMetadata(): "fullNames … Limit: 10" (Metadata API Developer Guide; 200 for CustomMetadata and
    // CustomApplication, not modelled); the fault as reported live (certinia/apex-mdapi#105).
    if (fullNames.length > 10)
      throw new SfError(
        'EXCEEDED_ID_LIMIT',
        'record limit reached. cannot submit more than 10 records in this operation',
        500,
      );
    const closed = this.pluginClosed(type);
    if (closed) throw closed;
    return fullNames.map(n => {
      const c = this.getComponent(type, n);
      return c ? this.publicView(type, c) : null;
    });
  }

  fileProperties(type: string, c: Record<string, any>, userId: string): Record<string, any> {
    const info = TYPES[type];
    const user = this.org.get('User', userId)!;
    const rec =
      type === 'ExternalClientApplication' ? this.org.find(type, r => r.DeveloperName === c.fullName) : undefined;
    return {
      createdById: userId,
      createdByName: user.Name,
      createdDate: this.org.iso(),
      fileName: `${info.dir}/${c.fullName}.${info.suffix}`,
      fullName: c.fullName,
      id: rec?.Id ?? '000000000000000AAA',
      lastModifiedById: userId,
      lastModifiedByName: user.Name,
      lastModifiedDate: this.org.iso(),
      manageableState: 'unmanaged',
      type,
    };
  }

  list(types: string[], userId: string, apiVersion: number): Record<string, any>[] {
    this.requireMetadataAccess(userId);
    const out: Record<string, any>[] = [];
    for (const t of types) {
      this.typeAt(t, apiVersion);
      for (const c of this.all(t)) out.push(this.fileProperties(t, c, userId));
    }
    return out;
  }

  startRetrieve(request: any, userId: string, apiVersion: number): RetrieveJob {
    this.requireMetadataAccess(userId);
    const job: RetrieveJob = {
      id: this.org.ids.next('09S'),
      done: false,
      status: 'Pending',
      fileProperties: [],
      messages: [],
    };
    this.retrieves.set(job.id, job);
    const singlePackage = text(request.singlePackage) === 'true';
    const version = text(request.apiVersion) ?? text(request.unpackaged?.version) ?? String(apiVersion);
    const zip = new JSZip();
    const root = singlePackage ? '' : 'unpackaged/'; // whether real orgs prefix is open ([I]); the CLI copes with both
    const types: Array<{ name: string; members: string[] }> = [];
    for (const t of asArray<any>(request.unpackaged?.types)) {
      const type = text(t.name)!;
      const info = TYPES[type];
      if (!info || Number(version) < info.minVersion) {
        job.messages.push({ fileName: 'package.xml', problem: `Unknown type name '${type}' specified in package.xml` });
        continue;
      }
      const members: string[] = [];
      const closed = this.pluginClosed(type);
      if (closed) {
        job.messages.push({ fileName: `${info.dir}`, problem: closed.message });
        continue;
      }
      for (const m of asArray<any>(t.members)) {
        const name = text(m)!;
        const found =
          name === '*' ? this.all(type) : ([this.getComponent(type, name)].filter(Boolean) as Record<string, any>[]);
        if (!found.length && name !== '*')
          job.messages.push({
            fileName: `${info.dir}/${name}.${info.suffix}`,
            problem: `Entity of type '${type}' named '${name}' cannot be found`,
          });
        for (const c of found) {
          const fp = this.fileProperties(type, c, userId);
          job.fileProperties.push(fp);
          members.push(c.fullName);
          const { fullName: _omit, ...body } = this.publicView(type, c);
          zip.file(
            root + fp.fileName,
            `<?xml version="1.0" encoding="UTF-8"?>\n${toXml(type, body, ` xmlns="${MD_NS}"`)}\n`,
          );
        }
      }
      if (members.length) types.push({ name: type, members });
    }
    zip.file(
      root + 'package.xml',
      `<?xml version="1.0" encoding="UTF-8"?>\n${toXml('Package', { types: types.map(t => ({ members: t.members, name: t.name })), version }, ` xmlns="${MD_NS}"`)}\n`,
    );
    job.fileProperties.push({
      createdById: userId,
      createdByName: '',
      createdDate: this.org.iso(),
      fileName: `${root}package.xml`,
      fullName: `${root}package.xml`,
      id: '',
      lastModifiedById: userId,
      lastModifiedByName: '',
      lastModifiedDate: this.org.iso(),
      manageableState: 'unmanaged',
      type: 'Package',
    });
    setTimeout(
      async () => {
        job.zipFile = (await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' })).toString('base64');
        job.status = 'Succeeded';
        job.done = true;
      },
      Math.min(50, this.org.options.deployMs),
    ).unref();
    return job;
  }

  describe(): Record<string, any> {
    return {
      metadataObjects: Object.entries(TYPES).map(([xmlName, i]) => ({
        childXmlNames: [],
        directoryName: i.dir,
        inFolder: 'false',
        metaFile: 'false',
        suffix: i.suffix,
        xmlName,
      })),
      organizationNamespace: '',
      partialSaveAllowed: 'true',
      testRequired: 'false',
    };
  }

  /** upsertMetadata / createMetadata / updateMetadata: per-item SaveResults, never a fault for item errors. */
  save(
    mode: 'upsert' | 'create' | 'update',
    items: Array<{ type: string; fullName: string; body: Record<string, any> }>,
    userId: string,
    apiVersion: number,
  ): Record<string, any>[] {
    this.requireMetadataAccess(userId);
    return items.map(item => {
      const fullName = item.fullName;
      try {
        this.typeAt(item.type, apiVersion);
        const exists = this.exists(item.type, fullName);
        if (mode === 'create' && exists)
          throw new SfError('DUPLICATE_DEVELOPER_NAME', `There is already a ${item.type} named ${fullName}.`);
        if (mode === 'update' && !exists)
          throw new SfError(
            'INVALID_CROSS_REFERENCE_KEY',
            `In field: fullName - no ${item.type} named ${fullName} found`,
          );
        const c: Component = { type: item.type, fullName, fileName: '', body: item.body };
        if (item.type === 'ExternalClientAppSettings') {
          this.checkTypeAccess(item.type, userId);
          const merged = {
            ...(this.getComponent(item.type, fullName) ?? {}),
            ...Object.fromEntries(Object.entries(item.body).map(([k, v]) => [k, text(v)])),
            fullName,
          };
          this.store(item.type).set(fullName.toLowerCase(), merged);
          this.org.writes++;
        } else {
          this.validate(c, [c], userId, apiVersion);
          this.commit(c, userId);
          this.afterCommit();
        }
        return mode === 'upsert'
          ? { created: String(!exists), fullName, success: 'true' }
          : { fullName, success: 'true' };
      } catch (e: any) {
        const err = { message: e.message, statusCode: e instanceof SfError ? e.errorCode : 'UNKNOWN_EXCEPTION' };
        return mode === 'upsert'
          ? { created: 'false', errors: err, fullName, success: 'false' }
          : { errors: err, fullName, success: 'false' };
      }
    });
  }

  deleteComponents(type: string, fullNames: string[], userId: string, apiVersion: number): Record<string, any>[] {
    this.requireMetadataAccess(userId);
    this.typeAt(type, apiVersion);
    return fullNames.map(fullName => {
      if (!this.exists(type, fullName))
        return {
          errors: { message: `No ${type} named: ${fullName} found`, statusCode: 'INVALID_CROSS_REFERENCE_KEY' },
          fullName,
          success: 'false',
        };
      try {
        this.checkTypeAccess(type, userId);
      } catch (e: any) {
        return { errors: { message: e.message, statusCode: e.errorCode }, fullName, success: 'false' };
      }
      this.remove(type, fullName);
      return { fullName, success: 'true' };
    });
  }
}

export function splitList(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);
}

/** Accepts both live-verified certificate forms: a full PEM, or the base64 body without BEGIN/END lines. */
export function parseCertificate(value: string): X509Certificate | undefined {
  const body = value.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  try {
    return new X509Certificate(Buffer.from(body, 'base64'));
  } catch {
    return undefined;
  }
}

/**
 * Profile API names: standard profiles have fixed Metadata API names ("Admin", "StandardAul") whatever their name in
 * the org's language; custom ones their Name.
 */
export function profileApiName(org: Org, p: Rec, display = false): string {
  const name = org.standardProfiles.get(p.Id.slice(0, 15)) ?? p.Name;
  return display ? name : name.toLowerCase();
}
