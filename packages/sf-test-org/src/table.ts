// A table of records keyed by their canonical 18-character Id (a 15-character key, or an 18-character one in any
// case, finds the same record), with indexes on reference fields kept in step with every insert, replace and delete
// (so that "a user's assignments" never scans every assignment in a large org), and the records in Id order for
// range conditions (WHERE Id > '…', the way a client resumes a list).
// Records are replaced, never changed in place, by the Org's writes; code that edits a stored record in place
// must not change an indexed field.
import type { Rec } from './state';
import { canon, compareIds } from './ids';

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

export class Table extends Map<string, Rec> {
  private readonly indexes = new Map<string, RefIndex>();
  /** The same indexes as a list (iterated on every write). */
  private readonly indexList: RefIndex[] = [];
  /** Bumped on every insert, replace and delete (for values computed from the whole table). */
  version = 0;
  private sorted?: { version: number; rows: Rec[] };

  /** The record a reference points at (15 or 18 characters). */
  lookup(id: string): Rec | undefined {
    return super.get(id) ?? (id.length === 15 || id.length === 18 ? super.get(canon(id)) : undefined);
  }
  override get(key: string): Rec | undefined {
    return this.lookup(key);
  }
  override has(key: string): boolean {
    return this.lookup(key) !== undefined;
  }

  /** Indexes a reference field (existing records included). */
  index(field: string): RefIndex {
    let ix = this.indexes.get(field);
    if (!ix) {
      ix = new RefIndex(field);
      for (const [k, r] of super.entries()) ix.change(k, undefined, r);
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
    if (ix) return (ix.keys(id) ?? []).map(k => super.get(k)!);
    const out: Rec[] = [];
    for (const r of super.values()) {
      const v = r[field];
      if (typeof v === 'string' && v.length >= 15 && compareIds(v, id) === 0) out.push(r);
    }
    return out;
  }

  /**
   * Every record in the order of its Id (the order Ids are issued in, so usually the order of insertion; checked,
   * and sorted when a record came back out of order), kept until the table changes.
   */
  ordered(): Rec[] {
    if (this.sorted?.version === this.version) return this.sorted.rows;
    const rows = [...super.values()];
    let inOrder = true;
    for (let i = 1; i < rows.length && inOrder; i++) if (compareIds(rows[i - 1].Id, rows[i].Id) > 0) inOrder = false;
    if (!inOrder) rows.sort((a, b) => compareIds(a.Id, b.Id));
    this.sorted = { version: this.version, rows };
    return rows;
  }

  /** The record stored last (seeding reads the UserLogin a user insert made). */
  last?: Rec;

  override set(key: string, rec: Rec): this {
    const k = canon(typeof rec?.Id === 'string' ? rec.Id : key);
    const prev = super.get(k);
    super.set(k, rec);
    this.last = rec;
    this.version++;
    const list = this.indexList;
    if (list) for (let i = 0; i < list.length; i++) list[i].change(k, prev, rec);
    return this;
  }
  override delete(key: string): boolean {
    const k = key.length === 15 || key.length === 18 ? canon(key) : key;
    const prev = super.get(k);
    if (!prev) return false;
    super.delete(k);
    this.version++;
    for (const ix of this.indexList) ix.change(k, prev, undefined);
    return true;
  }
  override clear(): void {
    super.clear();
    this.version++;
    for (const ix of this.indexList) ix.clear();
  }
}
