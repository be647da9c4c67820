// A table of records with a Map's interface (get, set, has, delete, keys, values, entries, size), keyed by the
// canonical 18-character Id (a 15-character key, or an 18-character one in any case, finds the same record), with
// indexes on reference fields kept in step with every insert, replace and delete (so that "a user's assignments"
// never scans every assignment in a large org), and the records in Id order for range conditions (WHERE Id > '…',
// the way a client resumes a list).
// Records live in an array in insertion order. The Ids the org issues carry a counter (ids.ts), so an Id finds its
// record through one slot per counter shared by the org's tables, without hashing: a million users seed several
// times faster than with a Map of millions of string keys. Ids from elsewhere go to a Map.
// Records are replaced, never changed in place, by the Org's writes; code that edits a stored record in place
// must not change an indexed field.
import type { Rec } from './state';
import { canon, compareIds, counterOf } from './ids';

/** Record positions by Id counter, one per org (each counter is one record of one table). */
export class Slots {
  private slots = new Int32Array(1024).fill(-1);
  get(counter: number): number {
    return counter < this.slots.length ? this.slots[counter] : -1;
  }
  set(counter: number, at: number): void {
    if (counter >= this.slots.length) {
      let n = this.slots.length;
      while (n <= counter) n *= 2;
      const grown = new Int32Array(n).fill(-1);
      grown.set(this.slots);
      this.slots = grown;
    }
    this.slots[counter] = at;
  }
}

/** Record keys (canonical Ids) by the canonical value of one reference field. */
export class RefIndex {
  private readonly byValue = new Map<string, string[]>();
  constructor(readonly field: string) {}

  keys(value: unknown): readonly string[] | undefined {
    return typeof value === 'string' && value.length >= 15 ? this.byValue.get(canon(value)) : undefined;
  }
  change(key: string, prev: Rec | undefined, next: Rec | undefined): void {
    const before = prev?.[this.field];
    const after = next?.[this.field];
    if (before === after) return;
    if (typeof before === 'string' && before.length >= 15) {
      const k = canon(before);
      const list = this.byValue.get(k);
      const i = list ? list.lastIndexOf(key) : -1;
      if (i >= 0) {
        list!.splice(i, 1);
        if (!list!.length) this.byValue.delete(k);
      }
    }
    if (typeof after === 'string' && after.length >= 15) {
      const k = canon(after);
      const list = this.byValue.get(k);
      if (list) list.push(key);
      else this.byValue.set(k, [key]);
    }
  }
  clear(): void {
    this.byValue.clear();
  }
}

export class Table implements Iterable<[string, Rec]> {
  private readonly indexes = new Map<string, RefIndex>();
  /** The same indexes as a list (iterated on every write). */
  private readonly indexList: RefIndex[] = [];
  /** Records in insertion order; a deleted one leaves a hole until the next compaction. */
  private rows: Array<Rec | undefined> = [];
  private holes = 0;
  /** Whether `rows` is in Id order (each insert had a higher Id than the one before). */
  private inIdOrder = true;
  /** Records whose Id the org did not issue (no counter): by canonical Id. */
  private readonly foreign = new Map<string, Rec>();
  /** Bumped on every insert, replace and delete (for values computed from the whole table). */
  version = 0;
  private sorted?: { version: number; rows: Rec[] };
  /** The record stored last (seeding reads the UserLogin a user insert made). */
  last?: Rec;

  constructor(private readonly slots = new Slots()) {}

  get size(): number {
    return this.rows.length - this.holes + this.foreign.size;
  }

  /** The position of the record with this Id in `rows`, or -1. */
  private at(id: string): number {
    const c = counterOf(id);
    if (c < 0) return -1;
    const i = this.slots.get(c);
    const r = i >= 0 ? this.rows[i] : undefined;
    return r && compareIds(r.Id, id) === 0 ? i : -1;
  }

  /** The record a reference points at (15 or 18 characters). */
  lookup(id: string): Rec | undefined {
    if (typeof id !== 'string' || (id.length !== 15 && id.length !== 18)) return undefined;
    const i = this.at(id);
    return i >= 0 ? this.rows[i] : this.foreign.size ? this.foreign.get(canon(id)) : undefined;
  }
  get(key: string): Rec | undefined {
    return this.lookup(key);
  }
  has(key: string): boolean {
    return this.lookup(key) !== undefined;
  }

  set(key: string, rec: Rec): this {
    const k = canon(typeof rec?.Id === 'string' ? rec.Id : key);
    const c = counterOf(k);
    const slot = c >= 0 ? this.slots.get(c) : -1;
    const there = slot >= 0 && slot < this.rows.length ? this.rows[slot] : undefined;
    let prev: Rec | undefined;
    if (c >= 0 && slot === -1) {
      // A new record: at the end (still in Id order when its Id is the highest).
      const last = this.lastRow();
      if (last && compareIds(last.Id, k) > 0) this.inIdOrder = false;
      this.slots.set(c, this.rows.length);
      this.rows.push(rec);
    } else if (there && compareIds(there.Id, k) === 0) {
      prev = there;
      this.rows[slot] = rec;
    } else if (!there && slot < this.rows.length && this.deleted.get(c) === slot) {
      // A record deleted and put back (a rollback) returns to its place.
      this.rows[slot] = rec;
      this.holes--;
      this.deleted.delete(c);
    } else {
      // An Id the org did not issue, or one whose counter another table's record holds.
      prev = this.foreign.get(k);
      this.foreign.set(k, rec);
      this.inIdOrder = false;
    }
    this.version++;
    this.last = rec;
    const list = this.indexList;
    for (let i = 0; i < list.length; i++) list[i].change(k, prev, rec);
    return this;
  }

  /** Holes this table left by counter (a record put back returns to its place). */
  private readonly deleted = new Map<number, number>();
  private lastRow(): Rec | undefined {
    for (let i = this.rows.length - 1; i >= 0; i--) if (this.rows[i]) return this.rows[i];
    return undefined;
  }

  delete(key: string): boolean {
    if (typeof key !== 'string') return false;
    const i = key.length === 15 || key.length === 18 ? this.at(key) : -1;
    let prev: Rec | undefined;
    let k: string;
    if (i >= 0) {
      prev = this.rows[i]!;
      k = canon(prev.Id);
      this.rows[i] = undefined;
      this.holes++;
      this.deleted.set(counterOf(k), i);
    } else {
      k = key.length === 15 || key.length === 18 ? canon(key) : key;
      prev = this.foreign.get(k);
      if (!prev) return false;
      this.foreign.delete(k);
    }
    this.version++;
    for (const ix of this.indexList) ix.change(k, prev, undefined);
    if (this.holes > 1024 && this.holes > this.rows.length / 2) this.compact();
    return true;
  }

  /** Drops the holes (and renumbers the slots of the records that moved). */
  private compact(): void {
    const kept: Rec[] = [];
    for (const r of this.rows)
      if (r) {
        this.slots.set(counterOf(r.Id), kept.length);
        kept.push(r);
      }
    this.rows = kept;
    this.holes = 0;
    this.deleted.clear();
  }

  clear(): void {
    for (const r of this.rows) if (r) this.slots.set(counterOf(r.Id), -1);
    this.rows = [];
    this.holes = 0;
    this.deleted.clear();
    this.foreign.clear();
    this.inIdOrder = true;
    this.version++;
    for (const ix of this.indexList) ix.clear();
  }

  *values(): IterableIterator<Rec> {
    const rows = this.rows;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (r) yield r;
    }
    yield* this.foreign.values();
  }
  *keys(): IterableIterator<string> {
    for (const r of this.values()) yield canon(r.Id);
  }
  *entries(): IterableIterator<[string, Rec]> {
    for (const r of this.values()) yield [canon(r.Id), r];
  }
  [Symbol.iterator](): IterableIterator<[string, Rec]> {
    return this.entries();
  }
  forEach(fn: (rec: Rec, key: string, table: Table) => void): void {
    for (const [k, r] of this.entries()) fn(r, k, this);
  }

  /** Indexes a reference field (existing records included). */
  index(field: string): RefIndex {
    let ix = this.indexes.get(field);
    if (!ix) {
      ix = new RefIndex(field);
      for (const [k, r] of this.entries()) ix.change(k, undefined, r);
      this.indexes.set(field, ix);
      this.indexList.push(ix);
    }
    return ix;
  }
  hasIndex(field: string): boolean {
    return this.indexes.has(field);
  }
  /** The records whose `field` points at `id`, through the index when there is one. */
  refs(field: string, id: unknown): Rec[] {
    if (typeof id !== 'string' || id.length < 15) return [];
    const ix = this.indexes.get(field);
    if (ix) return (ix.keys(id) ?? []).map(k => this.lookup(k)!);
    const out: Rec[] = [];
    for (const r of this.values()) {
      const v = r[field];
      if (typeof v === 'string' && v.length >= 15 && compareIds(v, id) === 0) out.push(r);
    }
    return out;
  }

  /** Every record in the order of its Id (sorted when one came in out of order), kept until the table changes. */
  ordered(): Rec[] {
    if (this.sorted?.version === this.version) return this.sorted.rows;
    const rows = this.holes || this.foreign.size ? [...this.values()] : (this.rows.slice() as Rec[]);
    if (!this.inIdOrder) rows.sort((a, b) => compareIds(a.Id, b.Id));
    this.sorted = { version: this.version, rows };
    return rows;
  }
}
