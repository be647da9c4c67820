// Values in SOQL evaluation: reading a field of a stored record (computed fields only when asked for), following
// relationship paths, literals, comparisons and ORDER BY. Written to scan a few hundred thousand records quickly:
// no record copies unless a computed field is read, comparison keys computed once per row, Ids compared by key.
import type { Org, Rec } from './state';
import { FieldDef, ObjectDef } from './schema';
import { OBJECT_BY_LOWER, SOBJECTS } from './sobjects';
import { canon, compareIds, idKey, isId } from './ids';

/** Text order: case-insensitive, locale-aware (the same as String#localeCompare on lower-cased values). */
const collator = new Intl.Collator();
const ASCII = /^[\x00-\x7f]*$/;

/** A field of a stored record: the stored value, or the computed one when the sObject computes that field. */
export function fieldValue(org: Org, def: ObjectDef, rec: Rec, name: string): any {
  const rules = SOBJECTS.get(def.name);
  if (rules?.materialize && (!rules.computed || rules.computed.has(name))) return org.view(def.name, rec)[name];
  return rec[name];
}

/** The reference fields along a canonical path (`['Profile', 'UserLicense', 'Name']`) and its last field name. */
export interface Path {
  rels: FieldDef[];
  leaf: string;
  /** The object the path starts at. */
  def: ObjectDef;
}
export function pathOf(def: ObjectDef, canonical: string[]): Path {
  const rels: FieldDef[] = [];
  let cur = def;
  for (const name of canonical.slice(0, -1)) {
    const rel = cur.fields.find(f => f.relationshipName === name)!;
    rels.push(rel);
    cur = OBJECT_BY_LOWER.get(rel.refTo![0].toLowerCase())!;
  }
  return { rels, leaf: canonical[canonical.length - 1], def };
}

/** The value at the end of a path from a stored record (null when a parent on the way is missing). */
export function valueAt(org: Org, rec: Rec, path: Path): any {
  let cur: Rec | undefined = rec;
  let curDef = path.def;
  for (const rel of path.rels) {
    const hit = org.stored(fieldValue(org, curDef, cur, rel.name));
    if (!hit) return null;
    cur = hit.rec;
    curDef = hit.object;
  }
  return fieldValue(org, curDef, cur, path.leaf) ?? null;
}

/** Reads one field of records of one object: the stored value, or the computed one (decided once, not per row). */
function reader(org: Org, def: ObjectDef, name: string): (r: Rec) => any {
  const rules = SOBJECTS.get(def.name);
  if (rules?.materialize && (!rules.computed || rules.computed.has(name))) return r => org.view(def.name, r)[name];
  return r => r[name];
}

/**
 * `valueAt` for one path, compiled once per query: each step reads the reference and looks the parent up in its
 * table (a polymorphic reference, such as GroupMember.UserOrGroupId, goes by the Id's key prefix).
 */
export function getter(org: Org, path: Path): (r: Rec) => any {
  let cur = path.def;
  const steps: Array<(r: Rec) => Rec | undefined> = [];
  for (const rel of path.rels) {
    if (rel.refTo!.length !== 1) return r => valueAt(org, r, path);
    const read = reader(org, cur, rel.name);
    cur = OBJECT_BY_LOWER.get(rel.refTo![0].toLowerCase())!;
    const table = org.table(cur.name);
    steps.push(r => {
      const id = read(r);
      return typeof id === 'string' && id.length >= 15 ? table.lookup(id) : undefined;
    });
  }
  const leaf = reader(org, cur, path.leaf);
  if (!steps.length) return r => leaf(r) ?? null;
  return r => {
    let rec: Rec | undefined = r;
    for (const step of steps) if (!(rec = step(rec))) return null;
    return leaf(rec) ?? null;
  };
}

export function literal(cond: any, v: string): any {
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

const isIdField = (f: FieldDef) => f.type === 'id' || f.type === 'reference';

export function compare(a: any, b: any, field: FieldDef): number {
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : -1;
  if (b === null || b === undefined) return 1;
  // Ids compare by their 15-character form, code unit by code unit: the order of ORDER BY Id (sortRows) [I].
  if (isIdField(field) && typeof a === 'string' && typeof b === 'string' && isId(a) && isId(b)) return compareIds(a, b);
  if (field.type === 'datetime' || field.type === 'date')
    return (typeof a === 'number' ? a : Date.parse(a)) - (typeof b === 'number' ? b : Date.parse(b));
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean') return Number(a) - Number(b);
  return collator.compare(String(a).toLowerCase(), String(b).toLowerCase());
}

/** `field = literal` as a test of a value: Ids by their 15-character key, text case-insensitively. */
export function equalsTo(lit: any, field: FieldDef): (v: any) => boolean {
  if (lit === null || lit === undefined) return v => v === null || v === undefined;
  if (isIdField(field) && isId(lit)) {
    const key = idKey(lit);
    return v => typeof v === 'string' && (v.length === 18 ? v.startsWith(key) : v.length === 15 && v === key);
  }
  if (typeof lit === 'string' && field.type !== 'datetime' && field.type !== 'date') {
    const lower = lit.toLowerCase();
    const asciiLiteral = ASCII.test(lit);
    return v => {
      if (v === null || v === undefined) return false;
      const text = String(v);
      // Two ASCII texts of different lengths are never equal: no need to fold case or collate.
      if (asciiLiteral && text.length !== lit.length && ASCII.test(text)) return false;
      const s = text.toLowerCase();
      return s === lower || collator.compare(s, lower) === 0;
    };
  }
  return v => v !== null && v !== undefined && compare(v, lit, field) === 0;
}

export function likeTo(pattern: string): (v: any) => boolean {
  const re = new RegExp(
    '^' +
      pattern
        .split('')
        .map(c => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('') +
      '$',
    'is',
  );
  return v => v !== null && v !== undefined && re.test(String(v));
}

export interface OrderKey {
  get: (r: Rec) => any;
  field: FieldDef;
  dir: 1 | -1;
  nullsFirst: boolean;
}

/**
 * ORDER BY: keys computed once per row; Ids in the order of their key (Salesforce Ids are base-62 numbers written
 * 0-9A-Za-z, so code-unit order is numeric order) [I]; text case-insensitively; rows already in order stay as they
 * are. Stable, like the one-key-at-a-time sort it replaces.
 */
export function sortRows(rows: Rec[], orders: OrderKey[]): Rec[] {
  if (!orders.length || rows.length < 2) return rows;
  const keys = orders.map(o =>
    rows.map(r => {
      const v = o.get(r);
      if (v === null || v === undefined) return null;
      if (isIdField(o.field) && typeof v === 'string') return v.length === 15 ? canon(v) : v;
      if (o.field.type === 'datetime' || o.field.type === 'date') return typeof v === 'number' ? v : Date.parse(v);
      if (typeof v === 'number') return v;
      if (typeof v === 'boolean') return Number(v);
      return String(v).toLowerCase();
    }),
  );
  const cmp = (i: number, j: number): number => {
    for (let k = 0; k < orders.length; k++) {
      const a = keys[k][i],
        b = keys[k][j];
      if (a === null || b === null) {
        if (a === b) continue;
        return (a === null) === orders[k].nullsFirst ? -1 : 1;
      }
      let c: number;
      if (typeof a === 'number' && typeof b === 'number') c = a - b;
      else if (isIdField(orders[k].field)) c = a < b ? -1 : a > b ? 1 : 0;
      else c = collator.compare(String(a), String(b));
      if (c) return orders[k].dir * c;
    }
    return 0;
  };
  let ordered = true;
  for (let i = 1; i < rows.length && ordered; i++) if (cmp(i - 1, i) > 0) ordered = false;
  if (ordered) return rows;
  const idx = rows.map((_, i) => i).sort(cmp);
  return idx.map(i => rows[i]);
}
