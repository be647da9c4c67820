// A SOQL evaluator over the org's records. Parsing is @jetstreamapp/soql-parser-js; everything after the
// parse (name resolution, WHERE precedence, semi-joins, relationships, errors with Salesforce's caret
// snippet) is ours.
import { parseQuery } from '@jetstreamapp/soql-parser-js';
import { Org, Rec } from './state';
import { SfError } from './errors';
import { ObjectDef, FieldDef, PERMISSIONS, fieldOf } from './schema';
import { OBJECT_BY_LOWER } from './sobjects';
import { compareIds, idKey, isId } from './ids';
import { OrderKey, Path, compare, equalsTo, fieldValue, likeTo, literal, getter, pathOf, sortRows } from './soqlValues';

export interface QueryContext {
  org: Org;
  userId: string;
  api: 'data' | 'tooling';
  apiVersion: number;
}
export interface QueryResult {
  totalSize: number;
  /** The matching records as stored (or the aggregate row), in order, after OFFSET and LIMIT. */
  rows: Rec[];
  /** One row as the API returns it: attributes, the selected fields (computed ones too), parents, subqueries. */
  shape: (r: Rec) => any;
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

/** Stored rows of an object as the calling user may see them (UserPermissionAccess is computed for the caller). */
function rows(ctx: QueryContext, def: ObjectDef): Rec[] {
  if (def.name === 'UserPermissionAccess') {
    const perms = ctx.org.userPerms(ctx.userId);
    return [
      { Id: '0Up000000000000AAA', ...Object.fromEntries(PERMISSIONS.map(p => [`Permissions${p}`, perms.has(p)])) },
    ];
  }
  return [...ctx.org.table(def.name).values()];
}

/**
 * Whether a field exists for a request: not newer than its API version, and not the field of a user permission this
 * org does not have (options.absentUserPermissions). Queries, FIELDS(ALL) and describe all go by it.
 */
export const fieldExists = (org: Org, f: FieldDef, apiVersion: number) =>
  (!f.since || f.since <= apiVersion) &&
  !org.options.absentUserPermissions.some(p => `Permissions${p}`.toLowerCase() === f.name.toLowerCase());

export function resolvePath(
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
  const found = fieldOf(cur, parts[parts.length - 1]);
  const leaf = found && fieldExists(ctx.org, found, ctx.apiVersion) ? found : undefined;
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
  const org = ctx.org;
  const fromPos = findWord(query, 'FROM');
  const def = childDef ?? OBJECT_BY_LOWER.get(String(ast.sObject).toLowerCase());
  if (!def || (!childDef && ((def.api !== 'both' && def.api !== ctx.api) || !org.canSee(ctx.userId, def.name))))
    throw soqlError('INVALID_TYPE', query, findWord(query, ast.sObject, fromPos), unsupportedType(ast.sObject));

  let countOnly = false;
  const selects: Array<
    | { kind: 'field'; path: Path }
    | { kind: 'sub'; rel: string; child: ObjectDef; field: string; ast: any }
    | { kind: 'agg'; alias: string; fn: string }
  > = [];
  let exprN = 0;
  for (const f of ast.fields ?? []) {
    if (f.type === 'Field' || f.type === 'FieldRelationship') {
      const raw = f.type === 'Field' ? f.field : f.rawValue;
      const r = resolvePath(ctx, def, raw, query, 0);
      for (const d of r.defs.slice(1))
        if (!org.canSee(ctx.userId, d.name))
          throw soqlError('INVALID_FIELD', query, findWord(query, raw), noSuchColumn(raw, def.name));
      selects.push({ kind: 'field', path: pathOf(def, r.canonical) });
    } else if (f.type === 'FieldFunctionExpression' && f.functionName.toUpperCase() === 'COUNT') {
      if (!f.parameters?.length) countOnly = true;
      else selects.push({ kind: 'agg', alias: f.alias ?? `expr${exprN++}`, fn: 'COUNT' });
    } else if (f.type === 'FieldFunctionExpression' && f.functionName.toUpperCase() === 'FIELDS') {
      for (const fd of def.fields)
        if (fieldExists(org, fd, ctx.apiVersion)) selects.push({ kind: 'field', path: pathOf(def, [fd.name]) });
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
      if (!org.canSee(ctx.userId, child.name))
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

  let predicate: ((r: Rec) => boolean) | undefined;
  let candidates: Narrowed | undefined;
  if (ast.where) {
    const tree = buildTree(tokens(ast.where), query);
    if (!parent && def.name !== 'UserPermissionAccess') candidates = narrow(org, def, tree);
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
  const byIdOnly =
    !countOnly &&
    (!ast.orderBy?.length ||
      (ast.orderBy.length === 1 &&
        fieldOf(def, String(ast.orderBy[0].field))?.name === 'Id' &&
        String(ast.orderBy[0].order ?? 'ASC').toUpperCase() === 'ASC'));
  // Stored records, not copies: computed fields are read only where the query names them (soqlValues.ts). A query
  // ordered by Id (or not at all) reads the table in Id order; with a LIMIT it stops at the LIMIT-th match (a client
  // paging by "WHERE Id > :last ORDER BY Id LIMIT n" reads n rows, not the rest of the table).
  const source = parent
    ? org.table(def.name).refs(parent.field, parent.rec.Id)
    : (candidates?.rows ??
      (byIdOnly && def.name !== 'UserPermissionAccess' ? org.table(def.name).ordered() : rows(ctx, def)));
  const inIdOrder = !parent && byIdOnly && (!candidates || candidates.ordered);
  let matched: Rec[];
  if (inIdOrder && ast.limit !== undefined && !ast.offset && !selects.some(x => x.kind === 'agg')) {
    matched = [];
    for (let i = 0; i < source.length && matched.length < ast.limit; i++)
      if (!predicate || predicate(source[i])) matched.push(source[i]);
  } else matched = predicate ? source.filter(predicate) : source;

  if (!countOnly && !inIdOrder) {
    const orders: OrderKey[] = (ast.orderBy ?? []).map((o: any) => {
      const r = resolvePath(ctx, def, o.field, query, findWord(query, 'ORDER'));
      const get = getter(org, pathOf(def, r.canonical));
      const dir = (o.order ?? 'ASC').toUpperCase() === 'DESC' ? -1 : 1;
      return {
        get,
        field: r.leaf,
        dir,
        nullsFirst: o.nulls ? o.nulls.toUpperCase() === 'FIRST' : dir === 1,
      };
    });
    matched = sortRows(matched, orders);
  } else if (!countOnly) {
    for (const o of ast.orderBy ?? []) resolvePath(ctx, def, o.field, query, findWord(query, 'ORDER'));
  }
  const totalMatched = matched.length;
  if (ast.offset) matched = matched.slice(ast.offset);
  if (ast.limit !== undefined) matched = matched.slice(0, ast.limit);
  const base = { countOnly: false, entity: def.name, ast, def, shape: (r: any) => r };

  const aggs = selects.filter(s => s.kind === 'agg');
  if (aggs.length) {
    const rec: any = { attributes: { type: 'AggregateResult' } };
    for (const a of aggs) rec[(a as any).alias] = matched.length;
    return { ...base, totalSize: 1, rows: [rec] };
  }
  if (countOnly)
    return {
      ...base,
      totalSize: ast.limit !== undefined || ast.offset ? matched.length : totalMatched,
      rows: [],
      countOnly: true,
    };

  const prefix =
    ctx.api === 'tooling'
      ? `/services/data/v${ctx.apiVersion.toFixed(1)}/tooling/sobjects`
      : `/services/data/v${ctx.apiVersion.toFixed(1)}/sobjects`;
  const attrs = (d: ObjectDef, r: Rec) => ({ type: d.name, url: `${prefix}/${d.name}/${r.Id}` });
  const shape = (r: Rec): any => {
    const out: any = { attributes: attrs(def, r) };
    for (const s of selects) {
      if (s.kind === 'field') {
        let target = out,
          curRec: Rec = r,
          curDef = def;
        for (const rel of s.path.rels) {
          const relName = rel.relationshipName!;
          const hit = org.stored(fieldValue(org, curDef, curRec, rel.name));
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
        if (target) target[s.path.leaf] = fieldValue(org, curDef, curRec, s.path.leaf) ?? null;
      } else if (s.kind === 'sub') {
        const sub = evaluate(ctx, query, s.ast, { def, rec: r, field: s.field }, s.child);
        out[s.rel] = sub.rows.length
          ? { totalSize: sub.totalSize, done: true, records: sub.rows.map(sub.shape) }
          : null;
      }
    }
    return out;
  };
  return { ...base, totalSize: matched.length, rows: matched, shape };
}

/** Records a WHERE may match, found without a scan; `ordered` when they come in Id order. */
interface Narrowed {
  rows: Rec[];
  ordered: boolean;
}

/**
 * The only records a WHERE can match when it requires `Id = '<id>'`, `<indexed reference> = '<id>'` or a range of
 * Ids (`Id > '<id>'`, `>=`, `<`, `<=`), alone or ANDed with more: a lookup or a binary search instead of a scan. The
 * whole WHERE is still applied to them.
 */
function narrow(org: Org, def: ObjectDef, tree: any): Narrowed | undefined {
  const table = org.table(def.name);
  let range: { from: number; to: number } | undefined;
  for (const node of tree.op === 'AND' ? tree.items : [tree]) {
    const c = node.cond;
    if (!c || c.literalType !== 'STRING' || String(c.field).includes('.')) continue;
    if (Array.isArray(c.value)) {
      // `Id IN (…)` or `<indexed reference> IN (…)` (baton-salesforce reads UserLogin 250 users at a time).
      const inField = fieldOf(def, c.field);
      const values = (c.value as string[]).map(x => literal(c, x));
      if (String(c.operator).toUpperCase() !== 'IN' || !inField || !values.every(isId)) continue;
      if (inField.name === 'Id')
        return { rows: [...new Set(values.map(x => table.get(x)).filter((r): r is Rec => !!r))], ordered: false };
      if (inField.type === 'reference' && table.hasIndex(inField.name))
        return { rows: [...new Set(values.flatMap(x => table.refs(inField.name, x)))], ordered: false };
      continue;
    }
    const value = literal(c, c.value);
    const field = fieldOf(def, c.field);
    if (!field || !isId(value)) continue;
    if (c.operator === '=' && field.name === 'Id') {
      const rec = table.get(value);
      return { rows: rec ? [rec] : [], ordered: true };
    }
    if (c.operator === '=' && field.type === 'reference' && table.hasIndex(field.name))
      return { rows: table.refs(field.name, value), ordered: false };
    if (field.name === 'Id' && ['>', '>=', '<', '<='].includes(c.operator)) {
      const rows = table.ordered();
      // The first row whose Id is above the literal (or at or above it, for `>=` and `<`).
      const strict = c.operator === '>' || c.operator === '<=';
      let lo = 0,
        hi = rows.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const d = compareIds(rows[mid].Id, value);
        if (d < 0 || (strict && d === 0)) lo = mid + 1;
        else hi = mid;
      }
      range ??= { from: 0, to: rows.length };
      if (c.operator === '>' || c.operator === '>=') range.from = Math.max(range.from, lo);
      else range.to = Math.min(range.to, lo);
    }
  }
  if (!range) return undefined;
  return { rows: table.ordered().slice(range.from, Math.max(range.from, range.to)), ordered: true };
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
  const get = getter(ctx.org, pathOf(def, r.canonical));
  const op = String(cond.operator).toUpperCase();
  if (cond.literalType === 'SUBQUERY') {
    const sub = evaluate(ctx, query, cond.valueQuery);
    const field = cond.valueQuery.fields[0];
    const subDef = OBJECT_BY_LOWER.get(String(cond.valueQuery.sObject).toLowerCase())!;
    const sr = resolvePath(ctx, subDef, field.type === 'Field' ? field.field : field.rawValue, query, 0);
    const subGet = getter(ctx.org, pathOf(subDef, sr.canonical));
    const key = (v: any) => (typeof v === 'string' && isId(v) ? idKey(v) : v);
    const values = new Set(sub.rows.map(rec => key(subGet(rec))));
    const has = (rec: Rec) => values.has(key(get(rec)));
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
  const leaf = r.leaf;
  const ordered = (test: (c: number) => boolean) => (rec: Rec) => {
    const v = get(rec);
    return v !== null && test(compare(v, values, leaf));
  };
  switch (op) {
    case '=': {
      const eq = equalsTo(values, leaf);
      return rec => eq(get(rec));
    }
    case '!=':
    case '<>': {
      const eq = equalsTo(values, leaf);
      return rec => !eq(get(rec));
    }
    case '<':
      return ordered(c => c < 0);
    case '<=':
      return ordered(c => c <= 0);
    case '>':
      return ordered(c => c > 0);
    case '>=':
      return ordered(c => c >= 0);
    case 'LIKE': {
      const like = likeTo(String(values));
      return rec => like(get(rec));
    }
    case 'IN':
    case 'NOT IN': {
      const tests = (values as any[]).map(v => equalsTo(v, leaf));
      const some = (rec: Rec) => {
        const v = get(rec);
        return tests.some(t => t(v));
      };
      return op === 'IN' ? some : rec => !some(rec);
    }
    default:
      throw soqlError('MALFORMED_QUERY', query, findWord(query, cond.operator), `unexpected token: '${cond.operator}'`);
  }
}
