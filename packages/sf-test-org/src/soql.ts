// A SOQL evaluator over the org's records. Parsing is @jetstreamapp/soql-parser-js; everything after the
// parse (name resolution, WHERE precedence, semi-joins, relationships, errors with Salesforce's caret
// snippet) is ours.
import { parseQuery } from '@jetstreamapp/soql-parser-js';
import { Org, Rec } from './state';
import { SfError } from './errors';
import { ObjectDef, FieldDef, PERMISSIONS, fieldOf } from './schema';
import { OBJECT_BY_LOWER } from './sobjects';
import { idKey, isId, sameId } from './ids';

export interface QueryContext {
  org: Org;
  userId: string;
  api: 'data' | 'tooling';
  apiVersion: number;
}
export interface QueryResult {
  totalSize: number;
  records: any[];
  countOnly: boolean;
  entity: string;
  ast: any;
  def: ObjectDef;
}

/** Salesforce's error text: the query line, a caret under the column, "ERROR at Row:r:Column:c", the message. */
export function soqlError(code: string, query: string, offset: number, message: string): SfError {
  const before = query.slice(0, Math.max(0, offset));
  const row = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const col = offset - lineStart + 1;
  const line = query.split('\n')[row - 1];
  return new SfError(code, `\n${line}\n${' '.repeat(col - 1)}^\nERROR at Row:${row}:Column:${col}\n${message}`);
}

function findWord(query: string, word: string, from = 0): number {
  const re = new RegExp(`(^|[^A-Za-z0-9_.])(${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})(?![A-Za-z0-9_])`, 'i');
  const m = re.exec(query.slice(from));
  return m ? from + m.index + m[1].length : 0;
}

const noSuchColumn = (field: string, entity: string) =>
  `No such column '${field}' on entity '${entity}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`;
const unsupportedType = (name: string) =>
  `sObject type '${name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`;

/** Rows of an object as the calling user may see them (UserPermissionAccess is computed for the caller). */
function rows(ctx: QueryContext, def: ObjectDef): Rec[] {
  if (def.name === 'UserPermissionAccess') {
    const perms = ctx.org.userPerms(ctx.userId);
    return [
      { Id: '0Up000000000000AAA', ...Object.fromEntries(PERMISSIONS.map(p => [`Permissions${p}`, perms.has(p)])) },
    ];
  }
  return ctx.org.all(def.name);
}

function resolvePath(
  ctx: QueryContext,
  def: ObjectDef,
  raw: string,
  query: string,
  from: number,
): { path: string[]; canonical: string[]; leaf: FieldDef; defs: ObjectDef[] } {
  const parts = raw.split('.');
  let cur = def;
  const canonical: string[] = [];
  const defs: ObjectDef[] = [def];
  for (let i = 0; i < parts.length - 1; i++) {
    const rel = cur.fields.find(f => f.relationshipName && f.relationshipName.toLowerCase() === parts[i].toLowerCase());
    if (!rel)
      throw soqlError(
        'INVALID_FIELD',
        query,
        findWord(query, raw, from),
        noSuchColumn(parts[i], cur.name)
          .replace('No such column', "Didn't understand relationship")
          .replace(
            / If you are attempting.*$/,
            ` in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
          ),
      );
    canonical.push(rel.relationshipName!);
    const target = rel.refTo![0];
    cur = OBJECT_BY_LOWER.get(target.toLowerCase())!;
    defs.push(cur);
  }
  const leaf = fieldOf(cur, parts[parts.length - 1]);
  if (!leaf)
    throw soqlError(
      'INVALID_FIELD',
      query,
      findWord(query, raw, from),
      noSuchColumn(parts[parts.length - 1], cur.name),
    );
  canonical.push(leaf.name);
  return { path: parts, canonical, leaf, defs };
}

function valueAt(ctx: QueryContext, rec: Rec | undefined, def: ObjectDef, canonical: string[]): any {
  let cur: Rec | undefined = rec;
  let curDef = def;
  for (let i = 0; i < canonical.length - 1; i++) {
    const rel = curDef.fields.find(f => f.relationshipName === canonical[i])!;
    const id = cur?.[rel.name];
    const hit = id ? ctx.org.byId(id) : undefined;
    cur = hit?.rec;
    curDef = hit?.object ?? OBJECT_BY_LOWER.get(rel.refTo![0].toLowerCase())!;
    if (!cur) return null;
  }
  return cur?.[canonical[canonical.length - 1]] ?? null;
}

function literal(cond: any, v: string): any {
  switch (cond.literalType) {
    case 'STRING':
      return v.replace(/^'|'$/g, '').replace(/\\(.)/g, (_, c) => (({ n: '\n', t: '\t', r: '\r' }) as any)[c] ?? c);
    case 'BOOLEAN':
      return v.toUpperCase() === 'TRUE';
    case 'NULL':
      return null;
    case 'INTEGER':
    case 'DECIMAL':
    case 'INTEGER_WITH_CURRENCY_PREFIX':
      return Number(v);
    case 'DATETIME':
    case 'DATE':
      return Date.parse(v);
    default:
      return v;
  }
}

function compare(a: any, b: any, field: FieldDef): number {
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : -1;
  if (b === null || b === undefined) return 1;
  if (field.type === 'datetime' || field.type === 'date')
    return (typeof a === 'number' ? a : Date.parse(a)) - (typeof b === 'number' ? b : Date.parse(b));
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean') return Number(a) - Number(b);
  return String(a).toLowerCase().localeCompare(String(b).toLowerCase());
}

function equals(a: any, b: any, field: FieldDef): boolean {
  if ((field.type === 'id' || field.type === 'reference') && isId(a) && isId(b)) return sameId(a, b);
  if (a === null || b === null || a === undefined) return (a ?? null) === (b ?? null);
  return compare(a, b, field) === 0;
}

function like(value: any, pattern: string): boolean {
  if (value === null || value === undefined) return false;
  const re = new RegExp(
    '^' +
      pattern
        .split('')
        .map(c => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('') +
      '$',
    'is',
  );
  return re.test(String(value));
}

type Token = '(' | ')' | 'AND' | 'OR' | 'NOT' | { cond: any };

function tokens(where: any, out: Token[] = []): Token[] {
  if (!where) return out;
  if (where.left) {
    for (let i = 0; i < (where.left.openParen ?? 0); i++) out.push('(');
    out.push({ cond: where.left });
    for (let i = 0; i < (where.left.closeParen ?? 0); i++) out.push(')');
  }
  if (where.operator) out.push(where.operator.toUpperCase());
  return tokens(where.right, out);
}

/** Rebuilds precedence from the flat token list; a mix of AND and OR at one level is MALFORMED_QUERY, as in SOQL. */
function buildTree(toks: Token[], query: string): any {
  let i = 0;
  const term = (): any => {
    const t = toks[i++];
    if (t === 'NOT') return { not: term() };
    if (t === '(') {
      const e = expr();
      if (toks[i++] !== ')') throw soqlError('MALFORMED_QUERY', query, query.length, "unexpected token: ')'");
      return e;
    }
    if (t && typeof t === 'object') return t;
    throw soqlError('MALFORMED_QUERY', query, query.length, `unexpected token: '${String(t)}'`);
  };
  const expr = (): any => {
    const items = [term()];
    let op: string | undefined;
    while (toks[i] === 'AND' || toks[i] === 'OR') {
      const next = toks[i++] as string;
      if (op && next !== op) {
        const pos = findWord(query, next, findWord(query, op) + 1);
        throw soqlError('MALFORMED_QUERY', query, pos, `unexpected token: '${query.slice(pos, pos + next.length)}'`);
      }
      op = next;
      items.push(term());
    }
    return items.length === 1 ? items[0] : { op, items };
  };
  const tree = expr();
  if (i < toks.length)
    throw soqlError('MALFORMED_QUERY', query, query.length, `unexpected token: '${String(toks[i])}'`);
  return tree;
}

export function runQuery(
  ctx: QueryContext,
  query: string,
  parent?: { def: ObjectDef; rec: Rec; field: string },
): QueryResult {
  let ast: any;
  try {
    ast = parseQuery(query);
  } catch (e: any) {
    const found = /found: (.+)$/.exec(e.message)?.[1];
    const pos = found ? query.lastIndexOf(found) : query.search(/\S+\s*$/);
    const word = found ?? query.slice(pos).trim().split(/\s+/)[0];
    throw soqlError('MALFORMED_QUERY', query, Math.max(0, pos), `unexpected token: '${word}'`);
  }
  return evaluate(ctx, query, ast, parent);
}

function evaluate(
  ctx: QueryContext,
  query: string,
  ast: any,
  parent?: { def: ObjectDef; rec: Rec; field: string },
  childDef?: ObjectDef,
): QueryResult {
  const fromPos = findWord(query, 'FROM');
  const def = childDef ?? OBJECT_BY_LOWER.get(String(ast.sObject).toLowerCase());
  if (!def || (!childDef && ((def.api !== 'both' && def.api !== ctx.api) || !ctx.org.canSee(ctx.userId, def.name))))
    throw soqlError('INVALID_TYPE', query, findWord(query, ast.sObject, fromPos), unsupportedType(ast.sObject));

  let countOnly = false;
  const selects: Array<
    | { kind: 'field'; canonical: string[]; leaf: FieldDef }
    | { kind: 'sub'; rel: string; child: ObjectDef; field: string; ast: any }
    | { kind: 'agg'; alias: string; fn: string }
  > = [];
  let exprN = 0;
  for (const f of ast.fields ?? []) {
    if (f.type === 'Field' || f.type === 'FieldRelationship') {
      const raw = f.type === 'Field' ? f.field : f.rawValue;
      const r = resolvePath(ctx, def, raw, query, 0);
      for (const d of r.defs.slice(1))
        if (!ctx.org.canSee(ctx.userId, d.name))
          throw soqlError('INVALID_FIELD', query, findWord(query, raw), noSuchColumn(raw, def.name));
      selects.push({ kind: 'field', canonical: r.canonical, leaf: r.leaf });
    } else if (f.type === 'FieldFunctionExpression' && f.functionName.toUpperCase() === 'COUNT') {
      if (!f.parameters?.length) countOnly = true;
      else selects.push({ kind: 'agg', alias: f.alias ?? `expr${exprN++}`, fn: 'COUNT' });
    } else if (f.type === 'FieldFunctionExpression' && f.functionName.toUpperCase() === 'FIELDS') {
      for (const fd of def.fields) selects.push({ kind: 'field', canonical: [fd.name], leaf: fd });
    } else if (f.type === 'FieldSubquery') {
      const relName = f.subquery.relationshipName;
      const rel = def.children.find(c => c.relationshipName.toLowerCase() === String(relName).toLowerCase());
      if (!rel)
        throw soqlError(
          'INVALID_TYPE',
          query,
          findWord(query, relName),
          `Didn't understand relationship '${relName}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
        );
      const child = OBJECT_BY_LOWER.get(rel.childObject.toLowerCase())!;
      if (!ctx.org.canSee(ctx.userId, child.name))
        throw soqlError('INVALID_TYPE', query, findWord(query, relName), unsupportedType(relName));
      selects.push({ kind: 'sub', rel: rel.relationshipName, child, field: rel.field, ast: f.subquery });
    } else {
      throw soqlError(
        'MALFORMED_QUERY',
        query,
        findWord(query, f.rawValue ?? 'SELECT'),
        `unexpected token: '${f.rawValue ?? f.functionName}'`,
      );
    }
  }
  if (ast.groupBy) throw soqlError('MALFORMED_QUERY', query, findWord(query, 'GROUP'), "unexpected token: 'GROUP'"); // not needed by the product

  let predicate: (r: Rec) => boolean = () => true;
  if (ast.where) {
    const tree = buildTree(tokens(ast.where), query);
    const compile = (node: any): ((r: Rec) => boolean) => {
      if (node.not) {
        const inner = compile(node.not);
        return r => !inner(r);
      }
      if (node.op) {
        const parts = node.items.map(compile);
        return node.op === 'AND' ? r => parts.every((p: any) => p(r)) : r => parts.some((p: any) => p(r));
      }
      return compileCondition(ctx, def, node.cond, query);
    };
    predicate = compile(tree);
  }
  let matched = rows(ctx, def).filter(r => (!parent || sameId(r[parent.field], parent.rec.Id)) && predicate(r));

  for (const o of [...(ast.orderBy ?? [])].reverse()) {
    const r = resolvePath(ctx, def, o.field, query, findWord(query, 'ORDER'));
    const dir = (o.order ?? 'ASC').toUpperCase() === 'DESC' ? -1 : 1;
    const nullsFirst = o.nulls ? o.nulls.toUpperCase() === 'FIRST' : dir === 1;
    matched = [...matched].sort((a, b) => {
      const va = valueAt(ctx, a, def, r.canonical),
        vb = valueAt(ctx, b, def, r.canonical);
      if (va === null || vb === null) return va === vb ? 0 : (va === null) === nullsFirst ? -1 : 1;
      return dir * compare(va, vb, r.leaf);
    });
  }
  const totalMatched = matched.length;
  if (ast.offset) matched = matched.slice(ast.offset);
  if (ast.limit !== undefined) matched = matched.slice(0, ast.limit);

  const aggs = selects.filter(s => s.kind === 'agg');
  if (aggs.length) {
    const rec: any = { attributes: { type: 'AggregateResult' } };
    for (const a of aggs) rec[(a as any).alias] = matched.length;
    return { totalSize: 1, records: [rec], countOnly: false, entity: def.name, ast, def };
  }
  if (countOnly)
    return {
      totalSize: ast.limit !== undefined || ast.offset ? matched.length : totalMatched,
      records: [],
      countOnly: true,
      entity: def.name,
      ast,
      def,
    };

  const base =
    ctx.api === 'tooling'
      ? `/services/data/v${ctx.apiVersion.toFixed(1)}/tooling/sobjects`
      : `/services/data/v${ctx.apiVersion.toFixed(1)}/sobjects`;
  const attrs = (d: ObjectDef, r: Rec) => ({ type: d.name, url: `${base}/${d.name}/${r.Id}` });
  const shape = (r: Rec): any => {
    const out: any = { attributes: attrs(def, r) };
    for (const s of selects) {
      if (s.kind === 'field') {
        let target = out,
          curRec: Rec | undefined = r,
          curDef = def;
        for (let i = 0; i < s.canonical.length - 1; i++) {
          const relName = s.canonical[i];
          const rel = curDef.fields.find(f => f.relationshipName === relName)!;
          const hit: { object: ObjectDef; rec: Rec } | undefined = curRec?.[rel.name]
            ? ctx.org.byId(curRec[rel.name])
            : undefined;
          if (!hit) {
            if (!(relName in target)) target[relName] = null;
            target = undefined;
            break;
          }
          if (!target[relName]) target[relName] = { attributes: attrs(hit.object, hit.rec) };
          target = target[relName];
          curRec = hit.rec;
          curDef = hit.object;
        }
        if (target) target[s.canonical[s.canonical.length - 1]] = curRec?.[s.canonical[s.canonical.length - 1]] ?? null;
      } else if (s.kind === 'sub') {
        const sub = evaluate(ctx, query, s.ast, { def, rec: r, field: s.field }, s.child);
        out[s.rel] = sub.records.length ? { totalSize: sub.totalSize, done: true, records: sub.records } : null;
      }
    }
    return out;
  };
  return { totalSize: matched.length, records: matched.map(shape), countOnly: false, entity: def.name, ast, def };
}

function compileCondition(ctx: QueryContext, def: ObjectDef, cond: any, query: string): (r: Rec) => boolean {
  const r = resolvePath(ctx, def, cond.field, query, findWord(query, 'WHERE'));
  if (r.leaf.name === 'UsedLicenses' && ctx.apiVersion >= 64)
    throw soqlError(
      'INVALID_FIELD',
      query,
      findWord(query, cond.field, findWord(query, 'WHERE')),
      `field 'UsedLicenses' can not be filtered in a query call`,
    );
  const get = (rec: Rec) => valueAt(ctx, rec, def, r.canonical);
  const op = String(cond.operator).toUpperCase();
  if (cond.literalType === 'SUBQUERY') {
    const sub = evaluate(ctx, query, cond.valueQuery);
    const field = cond.valueQuery.fields[0];
    const subDef = OBJECT_BY_LOWER.get(String(cond.valueQuery.sObject).toLowerCase())!;
    const sr = resolvePath(ctx, subDef, field.type === 'Field' ? field.field : field.rawValue, query, 0);
    const values = new Set(
      sub.records.map(rec => {
        let v: any = rec;
        for (const p of sr.canonical) v = v?.[p];
        return typeof v === 'string' && isId(v) ? idKey(v) : v;
      }),
    );
    const has = (rec: Rec) => {
      const v = get(rec);
      return values.has(typeof v === 'string' && isId(v) ? idKey(v) : v);
    };
    return op === 'NOT IN' ? rec => !has(rec) : has;
  }
  const values = Array.isArray(cond.value)
    ? cond.value.map((v: string) => literal(cond, v))
    : literal(cond, cond.value);
  if (cond.literalType === 'DATE_LITERAL' || cond.literalType === 'DATE_N_LITERAL') {
    const day = 86400000,
      now = ctx.org.now();
    const start = new Date(now);
    start.setUTCHours(0, 0, 0, 0);
    const n = cond.dateLiteralVariable ?? 1;
    const bound =
      ({ TODAY: start.getTime(), YESTERDAY: start.getTime() - day, LAST_N_DAYS: start.getTime() - n * day } as any)[
        String(cond.value).split(':')[0].toUpperCase()
      ] ?? start.getTime();
    return rec => {
      const v = get(rec);
      return v !== null && (op === '>' || op === '>=' || op === '=' ? Date.parse(v) >= bound : Date.parse(v) < bound);
    };
  }
  switch (op) {
    case '=':
      return rec => equals(get(rec), values, r.leaf);
    case '!=':
    case '<>':
      return rec => !equals(get(rec), values, r.leaf);
    case '<':
      return rec => get(rec) !== null && compare(get(rec), values, r.leaf) < 0;
    case '<=':
      return rec => get(rec) !== null && compare(get(rec), values, r.leaf) <= 0;
    case '>':
      return rec => get(rec) !== null && compare(get(rec), values, r.leaf) > 0;
    case '>=':
      return rec => get(rec) !== null && compare(get(rec), values, r.leaf) >= 0;
    case 'LIKE':
      return rec => like(get(rec), String(values));
    case 'IN':
      return rec => (values as any[]).some(v => equals(get(rec), v, r.leaf));
    case 'NOT IN':
      return rec => !(values as any[]).some(v => equals(get(rec), v, r.leaf));
    default:
      throw soqlError('MALFORMED_QUERY', query, findWord(query, cond.operator), `unexpected token: '${cond.operator}'`);
  }
}

/** `?columns=true`: the column metadata the sf CLI asks for after every query. */
export function columnMetadata(ctx: QueryContext, query: string): any {
  const res = runQuery(ctx, query);
  const def = res.def;
  const col = (name: string, f?: FieldDef, extra: any = {}) => ({
    aggregate: false,
    apexType: f ? apexType(f) : null,
    booleanType: f?.type === 'boolean',
    columnName: name,
    custom: false,
    displayName: name,
    foreignKeyName: null,
    insertable: !!f?.createable,
    joinColumns: [],
    numberType: f?.type === 'int',
    textType: f ? ['string', 'email', 'textarea', 'picklist'].includes(f.type) : false,
    updatable: !!f?.updateable,
    ...extra,
  });
  const columns: any[] = [];
  for (const f of res.ast.fields ?? []) {
    if (f.type === 'Field') {
      const fd = fieldOf(def, f.field)!;
      columns.push(col(fd.name, fd));
    } else if (f.type === 'FieldRelationship') {
      const r = resolvePath(ctx, def, f.rawValue, query, 0);
      const relField = def.fields.find(x => x.relationshipName === r.canonical[0])!;
      let existing = columns.find(c => c.columnName === r.canonical[0]);
      if (!existing) {
        existing = col(r.canonical[0], undefined, {
          foreignKeyName: relField.name,
          insertable: false,
          updatable: false,
        });
        columns.push(existing);
      }
      let node = existing;
      for (let i = 1; i < r.canonical.length - 1; i++) {
        let next = node.joinColumns.find((c: any) => c.columnName === r.canonical[i]);
        if (!next) {
          next = col(r.canonical[i]);
          node.joinColumns.push(next);
        }
        node = next;
      }
      node.joinColumns.push(col(r.canonical[r.canonical.length - 1], r.leaf));
    } else if (f.type === 'FieldSubquery') {
      columns.push(
        col(f.subquery.relationshipName, undefined, {
          aggregate: true,
          joinColumns: (f.subquery.fields ?? []).map((sf: any) => col(sf.field ?? sf.rawValue)),
        }),
      );
    } else if (f.type === 'FieldFunctionExpression' && f.parameters?.length) {
      columns.push(col(f.alias ?? 'expr0', undefined, { aggregate: true, apexType: 'Integer', numberType: true }));
    }
  }
  return {
    columnMetadata: columns,
    entityName: def.name,
    groupBy: false,
    idSelected: columns.some(c => c.columnName === 'Id'),
    keyPrefix: def.prefix,
  };
}

function apexType(f: FieldDef): string {
  return (
    ({ id: 'Id', reference: 'Id', boolean: 'Boolean', datetime: 'Datetime', date: 'Date', int: 'Integer' } as any)[
      f.type
    ] ?? 'String'
  );
}
