// Every row of a list, checked before it becomes a line of a file: what Salesforce answered (a REST query record in
// JSON, or a Bulk API 2.0 CSV row) becomes one flat record of the source's fields, each of its kind — IDs of the
// expected object with the case-safe suffix Salesforce computes, required fields present, text no longer than a
// Salesforce text field holds and without NUL, booleans, dates. A row that is not such a record is an error
// (MalformedRow): the export stops and writes nothing, because a file with an empty Source ID or a 400 MB name would
// replace the org's data in BalkanID.
import type { Field, Source } from './sources';

export type Value = string | boolean | number | null;
/** A row: each of the source's fields by its SOQL name (`Related.Name`), IDs in their 18-character form. */
export type Flat = Record<string, Value>;

/** Salesforce's text fields hold at most 255 characters (Long Text Area aside, which these lists do not read). */
export const MAX_TEXT = 255;

export class MalformedRow extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedRow';
  }
}

/** The 18-character form of a Salesforce ID: its 15 characters and the case-safe suffix (3 letters or digits). */
const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
/** The case-safe suffix's character of one block of 5 characters: a bit for each upper-case letter. */
function block(id: string, at: number): string {
  let bits = 0;
  for (let i = 0; i < 5; i++) {
    const c = id.charCodeAt(at + i);
    if (c >= 65 && c <= 90) bits |= 1 << i;
  }
  return SUFFIX[bits]!;
}
export function id18(id: string): string {
  if (id.length !== 15) return id;
  return id + block(id, 0) + block(id, 5) + block(id, 10);
}

const ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
/** A value as a message may show it: quoted, escaped, at most 40 characters. */
export const shown = (v: unknown) => {
  const t = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  return JSON.stringify(t.length > 40 ? `${t.slice(0, 40)}…` : t);
};

/** A record ID of the expected kind, in its 18-character form; undefined when it is not one. */
export function recordId(v: unknown, prefix?: readonly string[]): string | undefined {
  if (typeof v !== 'string' || !ID.test(v)) return undefined;
  if (prefix && !prefix.includes(v.slice(0, 3))) return undefined;
  if (v.length === 15) return id18(v);
  return v.charCodeAt(15) === block(v, 0).charCodeAt(0) &&
    v.charCodeAt(16) === block(v, 5).charCodeAt(0) &&
    v.charCodeAt(17) === block(v, 10).charCodeAt(0)
    ? v
    : undefined;
}

/** ISO 8601 in UTC as Bulk API 2.0 writes it (Z), and as the REST API does (+0000). */
const SALESFORCE_TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})(?:Z|\+0000)$/;

function check(f: Field, raw: unknown, fromCsv: boolean): Value {
  const empty = raw === null || raw === undefined || (fromCsv && raw === '');
  if (empty) {
    if (f.required) throw new MalformedRow(`${f.name} is missing`);
    return null;
  }
  switch (f.kind) {
    case 'id':
    case 'ref': {
      const v = recordId(raw, f.prefix);
      if (!v)
        throw new MalformedRow(
          `${f.name} ${shown(raw)} is not the ID of ` +
            (f.prefix ? `a record whose ID starts ${f.prefix.join(' or ')}` : 'a record'),
        );
      return v;
    }
    case 'text': {
      if (typeof raw !== 'string') throw new MalformedRow(`${f.name} is ${shown(raw)}, not text`);
      if (raw.length > (f.max ?? MAX_TEXT))
        throw new MalformedRow(`${f.name} has ${raw.length} characters, more than a Salesforce field holds`);
      if (raw.includes('\u0000')) throw new MalformedRow(`${f.name} holds a NUL character`);
      if (f.required && !raw.trim()) throw new MalformedRow(`${f.name} is empty`);
      return raw;
    }
    case 'bool':
      if (raw === true || raw === 'true') return true;
      if (raw === false || raw === 'false') return false;
      throw new MalformedRow(`${f.name} is ${shown(raw)}, not true or false`);
    case 'int': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d{1,15}$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(n)) throw new MalformedRow(`${f.name} is ${shown(raw)}, not a whole number`);
      return n;
    }
    case 'datetime': {
      const m = typeof raw === 'string' ? SALESFORCE_TIME.exec(raw) : null;
      const t = typeof raw === 'string' && raw.length <= 40 ? Date.parse(m ? `${m[1]}Z` : raw) : NaN;
      const iso = Number.isNaN(t) ? undefined : new Date(t).toISOString();
      // Date.parse turns 30 February into 2 March: in Salesforce's own form, a time that reads back otherwise is
      // not one.
      if (!iso || (m && iso !== `${m[1]}Z`)) throw new MalformedRow(`${f.name} is ${shown(raw)}, not a date and time`);
      return iso;
    }
  }
}

/** A field's value in a REST record: relationship paths (`Profile.UserLicense.Name`) through the nested objects. */
function pathValue(rec: Record<string, unknown>, name: string): unknown {
  let v: unknown = rec;
  for (const part of name.split('.')) {
    if (v === null || v === undefined) return null;
    if (typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** Names the row in a message: its Id when it has a readable one, else its position. */
const which = (rec: unknown, n: number) => {
  const idValue = rec && typeof rec === 'object' ? (rec as Record<string, unknown>).Id : undefined;
  return typeof idValue === 'string' && ID.test(idValue) ? `the row with Id ${idValue}` : `row ${n}`;
};

/** A REST query record as a checked row; `n`: its position in the list (1-based), for the message. */
export function fromJson(s: Source, rec: unknown, n: number): Flat {
  if (!rec || typeof rec !== 'object' || Array.isArray(rec)) throw new MalformedRow(`row ${n} is not a record`);
  const out: Flat = {};
  try {
    for (const f of s.fields) out[f.name] = check(f, pathValue(rec as Record<string, unknown>, f.name), false);
  } catch (e) {
    throw new MalformedRow(`${which(rec, n)}: ${(e as Error).message}`);
  }
  return out;
}

/** A Bulk API 2.0 CSV row (its columns in the order of the source's fields) as a checked row. */
export function fromCsv(s: Source, cells: readonly string[], n: number): Flat {
  if (cells.length !== s.fields.length)
    throw new MalformedRow(`row ${n} has ${cells.length} columns where ${s.fields.length} were asked for`);
  const out: Flat = {};
  const fields = s.fields;
  let i = 0;
  try {
    for (; i < fields.length; i++) out[fields[i]!.name] = check(fields[i]!, cells[i], true);
  } catch (e) {
    throw new MalformedRow(`${which({ Id: cells[0] }, n)}: ${(e as Error).message}`);
  }
  return out;
}
