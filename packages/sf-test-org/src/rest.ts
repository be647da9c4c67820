// REST API routes: versions, resources, sObjects CRUD and describe, query with locators and columns,
// Tooling query, composite, collections, limits, and the Metadata REST deployRequest.
import { Org, Snapshot } from './state';
import { RawHttpError, SfError } from './errors';
import { ObjectDef } from './schema';
import { OBJECTS } from './sobjects';
import { fieldExists, runQuery } from './soql';
import { columnMetadata } from './soqlColumns';
import { Cursors } from './cursors';
import { Bulk2, DAILY_QUERY_JOBS } from './bulk2';
import { QueryFaults, faultError } from './queryFaults';
import { removeExpiredAssignments } from './sobjects/permissionSetAssignment';
import { MetadataApi, DeployJob } from './metadata';
import { isId, sameId, to18 } from './ids';
import { fieldLabel, objectLabel } from './i18n';

export interface RestRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  userId: string;
  baseUrl: string;
}
export interface RestResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A body that is not JSON (Bulk API 2.0 results: CSV), sent as is with its content type. */
  text?: string;
  contentType?: string;
}

const MIN_VERSION = 20;

const BATCH_RESOURCES = ['limits', 'sobjects', 'query', 'queryAll', 'search', 'connect', 'chatter', 'actions'];

export class Rest {
  /** Open query cursors (cursors.ts). */
  readonly cursors: Cursors;
  /** Failures armed at a chosen page of a chosen query (queryFaults.ts). */
  readonly queryFaults = new QueryFaults();
  /** Bulk API 2.0 query jobs (bulk2.ts). */
  readonly bulk: Bulk2;
  /** Test control: page size for query results (Salesforce: 2000 unless Sforce-Query-Options asks for less). */
  batchSize = 2000;

  constructor(
    private readonly org: Org,
    private readonly meta: MetadataApi,
  ) {
    this.cursors = new Cursors(org, this.queryFaults);
    this.bulk = new Bulk2(org);
  }

  versions(): any[] {
    const out = [];
    for (let v = 31; v <= this.org.options.maxApiVersion; v++)
      out.push({ label: `Release ${v}`, url: `/services/data/v${v}.0`, version: `${v}.0` });
    return out;
  }

  async handle(req: RestRequest): Promise<RestResponse> {
    const m = /^\/services\/data\/v(\d+\.\d)(\/.*)?$/.exec(req.path);
    if (!m) throw new SfError('NOT_FOUND', 'The requested resource does not exist', 404);
    const version = Number(m[1]);
    if (version < MIN_VERSION || version > this.org.options.maxApiVersion)
      throw new SfError('NOT_FOUND', 'The requested resource does not exist', 404);
    const rest = (m[2] ?? '/').replace(/\/$/, '') || '/';
    const v = `v${m[1]}`;
    const seg = rest.split('/').filter(Boolean).map(decodeURIComponent);
    const json = () => {
      try {
        return req.body.length ? JSON.parse(req.body.toString('utf8')) : {};
      } catch {
        throw new SfError('JSON_PARSER_ERROR', 'Unexpected character in request body');
      }
    };

    if (rest === '/') {
      const r = [
        'sobjects',
        'query',
        'queryAll',
        'tooling',
        'composite',
        'limits',
        'metadata',
        'search',
        'recent',
        'connect',
        'chatter',
        'analytics',
        'process',
        'quickActions',
        'ui-api',
      ];
      return {
        status: 200,
        body: {
          ...Object.fromEntries(r.map(k => [k, `/services/data/${v}/${k}`])),
          identity: `${req.baseUrl}/id/${this.org.orgId}/${req.userId}`,
        },
      };
    }
    if (seg[0] === 'limits') {
      return {
        status: 200,
        body: {
          DailyApiRequests: { Max: 15000, Remaining: 15000 - this.org.apiUsage },
          DataStorageMB: { Max: 1024, Remaining: 1020 },
          DailyBulkApiBatches: { Max: 15000, Remaining: 15000 },
          DailyBulkV2QueryJobs: { Max: DAILY_QUERY_JOBS, Remaining: DAILY_QUERY_JOBS - this.bulk.jobsToday() },
          DailyBulkV2QueryFileStorageMB: { Max: 976562, Remaining: 976562 },
        },
      };
    }
    if (seg[0] === 'sobjects') return this.sobjects(req, seg.slice(1), version, 'data', json);
    if (seg[0] === 'tooling' && seg[1] === 'sobjects')
      return this.sobjects(req, seg.slice(2), version, 'tooling', json);
    if ((seg[0] === 'query' || seg[0] === 'queryAll') && seg.length === 1) return this.query(req, version, 'data');
    if (seg[0] === 'tooling' && seg[1] === 'query' && seg.length === 2) return this.query(req, version, 'tooling');
    if (seg[0] === 'query' && seg.length === 2) return { status: 200, body: this.cursors.more(req.userId, seg[1]) };
    if (seg[0] === 'tooling' && seg[1] === 'query' && seg.length === 3)
      return { status: 200, body: this.cursors.more(req.userId, seg[2]) };
    if (seg[0] === 'jobs' && seg[1] === 'query') return this.bulk.handle(req, seg.slice(2), version);
    if (seg[0] === 'composite' && seg.length === 1 && req.method === 'POST') return this.composite(req, json());
    if (seg[0] === 'composite' && seg[1] === 'sobjects') return this.collections(req, version);
    if (seg[0] === 'composite' && seg[1] === 'batch' && req.method === 'POST') return this.batch(req, json());
    if (seg[0] === 'metadata' && seg[1] === 'deployRequest') return this.deployRequest(req, seg[2], version);
    if (seg[0] === 'apps' && seg[1] === 'oauth' && seg[2] === 'credentials' && version >= 60)
      return this.credentials(req, seg.slice(3), version);
    throw new SfError('NOT_FOUND', 'The requested resource does not exist', 404);
  }

  // ---- Connect REST: OAuth credentials --------------------------------------------------------------

  /**
   * `GET apps/oauth/credentials/{appId}` and `…/{appId}/{consumerId}[?part=key|secret|keyandsecret]` (Connect REST
   * API, "OAuth Credentials by App ID" / "by Consumer ID", API 60.0+): the key by default, the secret only when
   * `part` asks. Every request for the secret is recorded first, whatever the answer. The secret needs the org
   * setting "Allow access to External Client App consumer secrets via REST API" (ExternalClientAppSettings
   * .enableClientSecretInRestApiAccess); whether a key-only read needs it too is the switch
   * `credentialsKeyNeedsRestSetting`. Permissions (View all External Client Apps or the developer permission; View
   * External Client App Consumer Secrets for the secret, as sfdx-hardis documents), codes and texts are [I].
   */
  private credentials(req: RestRequest, seg: string[], version: number): RestResponse {
    const part = (req.query.get('part') ?? 'key').toLowerCase();
    const wantsSecret = seg.length >= 2 && (part === 'secret' || part === 'keyandsecret' || seg[2] === 'staged');
    if (wantsSecret) {
      const search = req.query.toString();
      this.org.recordSecretRequest(
        req.userId,
        `${req.method} /apps/oauth/credentials/${seg.join('/')}${search ? `?${search}` : ''}`,
      );
    }
    if (req.method !== 'GET')
      throw new SfError('METHOD_NOT_ALLOWED', `HTTP Method '${req.method}' not allowed. Allowed are GET`, 405);
    if (seg.length === 0 || seg.length > 2)
      throw new SfError('NOT_FOUND', 'The requested resource does not exist', 404); // staged credentials: not modelled
    const notEnabled = () =>
      new SfError('FUNCTIONALITY_NOT_ENABLED', 'This feature is not currently enabled for this user.', 403);
    if (!this.meta.secretsViaRest() && (this.org.options.credentialsKeyNeedsRestSetting || wantsSecret))
      throw notEnabled();
    if (!this.org.can(req.userId, 'ExternalClientAppViewer', 'ExternalClientAppAdmin', 'ExternalClientAppDeveloper'))
      throw new SfError(
        'INSUFFICIENT_ACCESS',
        "You don't have permission to view External Client App credentials.",
        403,
      );
    if (wantsSecret && !this.org.can(req.userId, 'ViewClientSecret'))
      throw new SfError('INSUFFICIENT_ACCESS', "You don't have permission to view OAuth consumer secrets.", 403);
    if (seg.length === 2 && !['key', 'secret', 'keyandsecret'].includes(part))
      throw new SfError(
        'ILLEGAL_QUERY_PARAMETER_VALUE',
        `Invalid value for parameter part: ${req.query.get('part')}. Valid values are key, secret, keyandsecret.`,
      );
    const app = isId(seg[0]) ? this.org.get('ExternalClientApplication', seg[0]) : undefined;
    const consumer = app && this.meta.consumerOf(app.DeveloperName);
    if (!app || !consumer) throw new SfError('NOT_FOUND', 'The requested resource does not exist', 404);
    const v = `v${version.toFixed(1)}`;
    const url = `/services/data/${v}/apps/oauth/credentials/${to18(app.Id)}/${to18(consumer.id)}`;
    const view = (withKey: boolean, withSecret: boolean) => ({
      id: to18(consumer.id),
      ...(withKey ? { key: consumer.key } : {}),
      name: app.MasterLabel,
      ...(withSecret ? { secret: consumer.secret } : {}),
      ...(version >= 65 ? { stagedCredentialsUrl: `${url}/staged` } : {}),
      url,
    });
    if (seg.length === 1) return { status: 200, body: { consumers: [view(true, false)] } };
    if (!isId(seg[1]) || !sameId(seg[1], consumer.id))
      throw new SfError('NOT_FOUND', 'The requested resource does not exist', 404);
    return { status: 200, body: view(part !== 'secret', part !== 'key') };
  }

  // ---- sObjects ------------------------------------------------------------------------------------

  /** Describe in the user's language: object label, and Setup's labels for permission fields (i18n.ts). */
  describe(def: ObjectDef, version: number, api: 'data' | 'tooling', userId?: string): any {
    const base = `/services/data/v${version.toFixed(1)}/${api === 'tooling' ? 'tooling/' : ''}sobjects/${def.name}`;
    const lang = this.org.languageOf(userId);
    const label = objectLabel(lang, def.name, def.label);
    return {
      name: def.name,
      label,
      labelPlural: `${label}s`,
      keyPrefix: def.prefix,
      custom: false,
      createable: def.createable,
      updateable: def.updateable,
      deletable: def.deletable,
      queryable: true,
      retrieveable: true,
      searchable: false,
      urls: { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` },
      childRelationships: def.children.map(c => ({
        childSObject: c.childObject,
        field: c.field,
        relationshipName: c.relationshipName,
        cascadeDelete: false,
      })),
      fields: def.fields
        .filter(f => fieldExists(this.org, f, version))
        .map(f => ({
          name: f.name,
          label: fieldLabel(lang, f.name),
          type: f.type,
          length: f.length ?? (f.type === 'string' ? 255 : 0),
          createable: !!f.createable,
          updateable: !!f.updateable,
          nillable: f.nillable ?? !f.required,
          filterable: f.filterable ?? !(f.name === 'UsedLicenses' && version >= 64),
          referenceTo: f.refTo ?? [],
          relationshipName: f.relationshipName ?? null,
          custom: false,
          defaultedOnCreate: f.type === 'boolean',
          unique: f.name === 'Username',
          idLookup: f.name === 'Id' || f.name === 'Username',
          picklistValues: [],
          soapType:
            f.type === 'boolean'
              ? 'xsd:boolean'
              : f.type === 'int'
                ? 'xsd:int'
                : f.type === 'id' || f.type === 'reference'
                  ? 'tns:ID'
                  : 'xsd:string',
        })),
    };
  }

  private sobjects(
    req: RestRequest,
    seg: string[],
    version: number,
    api: 'data' | 'tooling',
    json: () => any,
  ): RestResponse {
    if (seg.length === 0) {
      const sobjects = OBJECTS.filter(
        o => (o.api === 'both' || o.api === api) && this.org.canSee(req.userId, o.name),
      ).map(o => ({
        name: o.name,
        label: o.label,
        keyPrefix: o.prefix,
        createable: o.createable,
        updateable: o.updateable,
        deletable: o.deletable,
        queryable: true,
        custom: false,
        urls: { sobject: `/services/data/v${version.toFixed(1)}/sobjects/${o.name}` },
      }));
      return { status: 200, body: { encoding: 'UTF-8', maxBatchSize: 200, sobjects } };
    }
    const def = this.org.objectFor(seg[0], req.userId, api);
    if (seg[1] === 'describe' && seg.length === 2)
      return { status: 200, body: this.describe(def, version, api, req.userId) };
    if (seg.length === 1) {
      if (req.method === 'POST') {
        const rec = this.org.create(def.name, json(), req.userId, version);
        return {
          status: 201,
          body: { id: rec.Id, success: true, errors: [] },
          headers: { Location: `/services/data/v${version.toFixed(1)}/sobjects/${def.name}/${rec.Id}` },
        };
      }
      return {
        status: 200,
        body: { objectDescribe: { name: def.name, label: def.label, keyPrefix: def.prefix }, recentItems: [] },
      };
    }
    const id = seg[1];
    if (!isId(id)) throw new SfError('MALFORMED_ID', `${def.label} ID: id value of incorrect type: ${id}`, 400, ['Id']);
    if (req.method === 'PATCH') {
      this.org.update(def.name, id, json(), req.userId);
      return { status: 204 };
    }
    if (req.method === 'DELETE') {
      this.org.delete(def.name, id, req.userId);
      return { status: 204 };
    }
    const rec = this.org.get(def.name, id);
    if (!rec) throw new SfError('NOT_FOUND', 'The requested resource does not exist', 404);
    const wanted = req.query
      .get('fields')
      ?.split(',')
      .map(s => s.trim().toLowerCase());
    const out: any = {
      attributes: { type: def.name, url: `/services/data/v${version.toFixed(1)}/sobjects/${def.name}/${rec.Id}` },
    };
    for (const f of def.fields) if (!wanted || wanted.includes(f.name.toLowerCase())) out[f.name] = rec[f.name] ?? null;
    return { status: 200, body: out };
  }

  // ---- query ----------------------------------------------------------------------------------------

  private query(req: RestRequest, version: number, api: 'data' | 'tooling'): RestResponse {
    let q = req.query.get('q');
    if (!q) throw new SfError('MALFORMED_QUERY', 'A query string has to be specified');
    // PermissionDependency as real orgs answer it: LIMIT ignored, small pages that may repeat a row (audit row 8).
    const dependencies = api === 'tooling' && /\bFROM\s+PermissionDependency\b/i.test(q);
    if (dependencies) q = q.replace(/\s+LIMIT\s+\d+\s*$/i, '');
    const ctx = { org: this.org, userId: req.userId, api, apiVersion: version };
    if (req.query.get('columns') === 'true') return { status: 200, body: columnMetadata(ctx, q) };
    removeExpiredAssignments(this.org);
    const res = runQuery(ctx, q);
    const fault = this.queryFaults.take(q, 1);
    if (fault) throw faultError(fault);
    // A COUNT() over a table larger than countTimeoutRows does not finish in Salesforce's query time (options.ts).
    const limit = this.org.options.countTimeoutRows;
    if (res.countOnly && limit > 0 && this.org.table(res.entity).size > limit)
      throw faultError({ error: 'QUERY_TIMEOUT' });
    const opt = /batchSize=(\d+)/i.exec(String(req.headers['sforce-query-options'] ?? ''));
    let size = opt ? Math.max(200, Math.min(2000, Number(opt[1]))) : this.batchSize;
    if (dependencies) size = Math.min(size, this.org.options.dependencyPageSize);
    const repeat = dependencies && this.org.options.repeatDependencyBatch;
    const { rows, shape, totalSize } = res;
    const v = `v${version.toFixed(1)}`;
    return {
      status: 200,
      body: this.cursors.first({
        userId: req.userId,
        soql: q,
        rows,
        shape,
        totalSize,
        version: v,
        tooling: api === 'tooling',
        size,
        repeat,
      }),
    };
  }

  // ---- composite ------------------------------------------------------------------------------------

  private async composite(req: RestRequest, body: any): Promise<RestResponse> {
    const subs: any[] = body.compositeRequest ?? [];
    if (!Array.isArray(subs) || subs.length === 0)
      throw new SfError('INVALID_INPUT', 'compositeRequest: must not be empty');
    // REST API Developer Guide, "Composite": sObject resources, query, queryAll and sObject Collections only; at
    // most 25 subrequests, of which at most 5 query or collection ones; urls start /services/data/vXX.X/; reference
    // IDs are letters, digits and underscores; no subrequest at a higher version than the request.
    if (subs.length > 25) throw new SfError('LIMIT_EXCEEDED', 'Cannot have more than 25 subrequests');
    const top = Number(/\/v(\d+\.\d)\//.exec(req.path)?.[1] ?? 0);
    for (const s of subs) {
      const m = /^\/services\/data\/v(\d+\.\d)\/(sobjects|query|queryAll|composite\/sobjects)(?=[/?]|$)/.exec(
        String(s.url ?? ''),
      );
      if (!m)
        throw new SfError(
          'INVALID_INPUT',
          `The composite subrequest url ${s.url} is not an sObject, query, queryAll or sObject Collections resource under /services/data/vXX.X/.`,
        ); // [I] text
      if (Number(m[1]) > top)
        throw new SfError(
          'INVALID_INPUT',
          `The subrequest version v${m[1]} is higher than the request's v${top.toFixed(1)}.`,
        ); // [I] text
      if (!/^[A-Za-z0-9_]+$/.test(String(s.referenceId ?? '')))
        throw new SfError(
          'INVALID_INPUT',
          `Invalid referenceId: ${s.referenceId}. Use letters, digits and underscores.`,
        ); // [I] text
    }
    if (subs.filter(s => /^\/services\/data\/v\d+\.\d\/(query|queryAll|composite\/sobjects)/.test(s.url)).length > 5)
      throw new SfError('LIMIT_EXCEEDED', 'Cannot have more than 5 query or collection subrequests');
    const refs = new Map<string, any>();
    const snapshot = body.allOrNone ? this.org.snapshot() : undefined;
    const out: any[] = [];
    let failedAt = -1;
    for (let i = 0; i < subs.length; i++) {
      const s = subs[i];
      if (failedAt >= 0 && body.allOrNone) {
        out.push(null);
        continue;
      }
      const resolve = (x: any): any => {
        if (typeof x === 'string')
          return x.replace(/@\{([^}]+)\}/g, (_, expr: string) => {
            const [ref, ...path] = expr.split('.');
            let cur = refs.get(ref);
            for (const p of path
              .join('.')
              .split(/\.|\[(\d+)\]/)
              .filter(Boolean))
              cur = cur?.[p];
            if (cur === undefined)
              throw new SfError(
                'INVALID_REFERENCE',
                `Invalid reference specified. No value for ${expr} found in ${ref}.`,
              );
            return String(cur);
          });
        if (Array.isArray(x)) return x.map(resolve);
        if (x && typeof x === 'object')
          return Object.fromEntries(Object.entries(x).map(([k, val]) => [k, resolve(val)]));
        return x;
      };
      let res: RestResponse;
      try {
        const url = new URL(resolve(s.url), 'http://x');
        const inner = await this.handle({
          ...req,
          method: String(s.method).toUpperCase(),
          path: url.pathname,
          query: url.searchParams,
          body: Buffer.from(s.body === undefined ? '' : JSON.stringify(resolve(s.body))),
        });
        res = inner;
      } catch (e: any) {
        if (e instanceof RawHttpError) throw e; // a proxy's answer fails the whole request
        const err = e instanceof SfError ? e : new SfError('UNKNOWN_EXCEPTION', String(e?.message ?? e), 500);
        res = { status: err.status, body: [err.toJSON()] };
      }
      if (res.status < 300) refs.set(s.referenceId, res.body);
      else if (failedAt < 0) failedAt = i;
      out.push({
        body: res.body ?? null,
        httpHeaders: res.headers ?? {},
        httpStatusCode: res.status,
        referenceId: s.referenceId,
      });
    }
    if (body.allOrNone && failedAt >= 0) {
      this.org.restore(snapshot!);
      const halted = {
        body: [
          {
            errorCode: 'PROCESSING_HALTED',
            message: 'The transaction was rolled back since another operation in the same transaction failed.',
          },
        ],
        httpHeaders: {},
        httpStatusCode: 400,
      };
      for (let i = 0; i < subs.length; i++)
        if (i !== failedAt) out[i] = { ...halted, referenceId: subs[i].referenceId };
    } else if (failedAt >= 0) {
      // Without allOrNone, requests that depend on a failed reference are not processed.
      for (let i = 0; i < out.length; i++)
        if (out[i] === null)
          out[i] = {
            body: [{ errorCode: 'PROCESSING_HALTED', message: 'Invalid reference specified.' }],
            httpHeaders: {},
            httpStatusCode: 400,
            referenceId: subs[i].referenceId,
          };
    }
    return { status: 200, body: { compositeResponse: out } };
  }

  /** composite/batch: up to 25 independent subrequests, URLs relative to /services/data/. */
  private async batch(req: RestRequest, body: any): Promise<RestResponse> {
    const subs: any[] = body.batchRequests ?? [];
    if (!Array.isArray(subs) || !subs.length) throw new SfError('INVALID_INPUT', 'batchRequests: must not be empty');
    if (subs.length > 25) throw new SfError('LIMIT_EXCEEDED', 'Cannot have more than 25 batchRequests');
    // REST API Developer Guide, "Composite Batch": a batch may call limits, sobjects, query, queryAll, search,
    // connect, chatter and actions, and nothing else (Tooling has its own resources).
    const refused = (s: any) => {
      const resource = /^\/?(?:services\/data\/)?v\d+\.\d\/([A-Za-z]+)/.exec(String(s.url))?.[1];
      return resource && BATCH_RESOURCES.includes(resource) ? undefined : (resource ?? String(s.url));
    };
    const bad = subs.map(refused).find(Boolean);
    if (bad && this.org.options.batchRefusal === 'request')
      throw new SfError('INVALID_BATCH_REQUEST', `The resource ${bad} is not supported in a batch request.`); // [I] code and text
    // "Each subrequest counts against rate limits": the batch counts as many API calls as it has subrequests (the
    // server counted one already; whether the batch itself counts one more is [I]: here it does not).
    this.org.apiUsage += subs.length - 1;
    // "The API version of the resource accessed in each subrequest must be no earlier than 34.0 and no later than the
    // Batch version specified in the top-level request." Subrequests "execute serially in their order".
    const top = Number(/\/v(\d+\.\d)\//.exec(req.path)?.[1] ?? 0);
    const tooNew = (s: any) => {
      const v = Number(/^\/?(?:services\/data\/)?v(\d+\.\d)\//.exec(String(s.url))?.[1] ?? top);
      return v < 34 || v > top ? v : undefined;
    };
    const results: any[] = [];
    let halted = false;
    for (const s of subs) {
      const v = tooNew(s);
      if (v !== undefined) {
        results.push({
          statusCode: 400,
          result: [
            {
              errorCode: 'INVALID_BATCH_REQUEST',
              message: `The subrequest version v${v.toFixed(1)} must be between v34.0 and the batch version v${top.toFixed(1)}.`,
            },
          ],
        }); // [I] code and text
        if (body.haltOnError) halted = true;
        continue;
      }
      if (refused(s)) {
        results.push({
          statusCode: 400,
          result: [
            {
              errorCode: 'INVALID_BATCH_REQUEST',
              message: `The resource ${refused(s)} is not supported in a batch request.`,
            },
          ],
        });
        if (body.haltOnError) halted = true;
        continue;
      }
      if (halted) {
        results.push({
          statusCode: 412,
          result: [{ errorCode: 'BATCH_PROCESSING_HALTED', message: 'Batch processing halted per request' }],
        });
        continue;
      }
      const url = new URL(`/services/data/${String(s.url).replace(/^\/?(services\/data\/)?/, '')}`, 'http://x');
      try {
        const r = await this.handle({
          ...req,
          method: String(s.method ?? 'GET').toUpperCase(),
          path: url.pathname,
          query: url.searchParams,
          body: Buffer.from(s.richInput === undefined ? '' : JSON.stringify(s.richInput)),
        });
        results.push({ statusCode: r.status, result: r.body ?? null });
      } catch (e: any) {
        if (e instanceof RawHttpError) throw e; // a proxy's answer fails the whole request
        const err = e instanceof SfError ? e : new SfError('UNKNOWN_EXCEPTION', String(e?.message ?? e), 500);
        results.push({ statusCode: err.status, result: [err.toJSON()] });
        if (body.haltOnError) halted = true;
      }
    }
    return { status: 200, body: { hasErrors: results.some(r => r.statusCode >= 400), results } };
  }

  private async collections(req: RestRequest, version: number): Promise<RestResponse> {
    const results: any[] = [];
    const asError = (e: any) => ({
      statusCode: e instanceof SfError ? e.errorCode : 'UNKNOWN_EXCEPTION',
      message: e.message,
      fields: e instanceof SfError ? e.fields : [],
    });
    let allOrNone = false;
    let snapshot: Snapshot | undefined;
    if (req.method === 'DELETE') {
      allOrNone = req.query.get('allOrNone') === 'true';
      if (allOrNone) snapshot = this.org.snapshot();
      for (const id of (req.query.get('ids') ?? '').split(',').filter(Boolean)) {
        try {
          const hit = this.org.byId(id);
          if (!hit) throw new SfError('ENTITY_IS_DELETED', 'entity is deleted');
          this.org.delete(hit.object.name, id, req.userId);
          results.push({ id, success: true, errors: [] });
        } catch (e) {
          results.push({ id, success: false, errors: [asError(e)] });
        }
      }
    } else {
      const body = JSON.parse(req.body.toString('utf8') || '{}');
      allOrNone = !!body.allOrNone;
      if ((body.records ?? []).length > 200)
        throw new SfError(
          'EXCEEDED_ID_LIMIT',
          'record limit reached. cannot submit more than 200 records into this call',
        );
      if (allOrNone) snapshot = this.org.snapshot();
      for (const r of body.records ?? []) {
        try {
          const type = r.attributes?.type;
          if (!type) throw new SfError('INVALID_FIELD', 'No type was specified in attributes');
          const { attributes: _a, Id, ...fields } = r;
          if (req.method === 'PATCH') {
            this.org.update(type, Id, fields, req.userId);
            results.push({ id: Id, success: true, errors: [] });
          } else {
            const rec = this.org.create(type, fields, req.userId, version);
            results.push({ id: rec.Id, success: true, errors: [] });
          }
        } catch (e) {
          results.push({ success: false, errors: [asError(e)] });
        }
      }
    }
    if (allOrNone && results.some(r => !r.success)) {
      this.org.restore(snapshot!);
      return {
        status: 200,
        body: results.map(r =>
          r.success
            ? {
                id: r.id,
                success: false,
                errors: [
                  {
                    statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
                    message:
                      'Record rolled back because not all records were valid and the request was using AllOrNone header',
                    fields: [],
                  },
                ],
              }
            : r,
        ),
      };
    }
    return { status: 200, body: results };
  }

  // ---- Metadata REST --------------------------------------------------------------------------------

  private async deployRequest(req: RestRequest, id: string | undefined, version: number): Promise<RestResponse> {
    if (req.method === 'GET' && id) {
      const job = this.meta.deploys.get(id);
      if (!job) throw new SfError('NOT_FOUND', 'The requested resource does not exist', 404);
      return {
        status: 200,
        body: {
          id: job.id,
          url: `/services/data/v${version.toFixed(1)}/metadata/deployRequest/${job.id}`,
          deployResult: deployResultJson(job, req.query.get('includeDetails') === 'true'),
        },
      };
    }
    if (req.method !== 'POST' || id) throw new SfError('NOT_FOUND', 'The requested resource does not exist', 404);
    const parts = parseMultipart(req.body, String(req.headers['content-type'] ?? ''));
    const jsonPart = parts.find(p => p.name === 'json');
    const filePart = parts.find(p => p.name === 'file');
    if (!jsonPart || !filePart)
      throw new SfError(
        'INVALID_MULTIPART_REQUEST',
        'A deployRequest needs a json part (deployOptions) and a file part (the zip).',
      );
    const opts = JSON.parse(jsonPart.data.toString('utf8')).deployOptions ?? {};
    const job = await this.meta.startDeploy(
      filePart.data,
      {
        checkOnly: !!opts.checkOnly,
        rollbackOnError: opts.rollbackOnError !== false,
        singlePackage: !!opts.singlePackage,
        ignoreWarnings: !!opts.ignoreWarnings,
        apiVersion: version,
      },
      req.userId,
    );
    return {
      status: 201,
      body: {
        id: job.id,
        validatedDeployRequestId: null,
        deployOptions: opts,
        deployResult: deployResultJson(job, false),
        url: `/services/data/v${version.toFixed(1)}/metadata/deployRequest/${job.id}`,
      },
    };
  }
}

export function deployResultJson(job: DeployJob, details: boolean): any {
  const r: any = {
    checkOnly: job.options.checkOnly,
    completedDate: job.completedDate ?? null,
    createdBy: job.createdBy,
    createdByName: job.createdByName,
    createdDate: job.createdDate,
    done: job.done,
    id: job.id,
    ignoreWarnings: job.options.ignoreWarnings,
    lastModifiedDate: job.completedDate ?? job.createdDate,
    numberComponentErrors: job.failures.length,
    numberComponentsDeployed: job.done ? job.successes.filter(s => s.fullName !== 'package.xml').length : 0,
    numberComponentsTotal: job.total,
    numberTestErrors: 0,
    numberTestsCompleted: 0,
    numberTestsTotal: 0,
    rollbackOnError: job.options.rollbackOnError,
    runTestsEnabled: false,
    startDate: job.startDate ?? null,
    status: job.status,
    success: job.status === 'Succeeded' || job.status === 'SucceededPartial',
    errorMessage: job.errorMessage ?? null,
    errorStatusCode: job.errorStatusCode ?? null,
  };
  if (details)
    r.details = {
      componentSuccesses: job.done ? job.successes : [],
      componentFailures: job.done ? job.failures : [],
      runTestResult: { numFailures: 0, numTestsRun: 0, totalTime: 0 },
    };
  return r;
}

export function parseMultipart(body: Buffer, contentType: string): Array<{ name: string; data: Buffer }> {
  const m = /boundary="?([^";]+)"?/i.exec(contentType);
  if (!m) return [];
  const boundary = Buffer.from(`--${m[1]}`);
  const parts: Array<{ name: string; data: Buffer }> = [];
  let pos = body.indexOf(boundary);
  while (pos >= 0) {
    const next = body.indexOf(boundary, pos + boundary.length);
    if (next < 0) break;
    const chunk = body.subarray(pos + boundary.length + 2, next - 2);
    const headerEnd = chunk.indexOf('\r\n\r\n');
    const headers = chunk.subarray(0, headerEnd).toString('utf8');
    const name = /name="([^"]+)"/i.exec(headers)?.[1] ?? '';
    parts.push({ name, data: chunk.subarray(headerEnd + 4) });
    pos = next;
  }
  return parts;
}
