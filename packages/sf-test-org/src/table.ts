// A table of records keyed by the 15-character Id, with indexes on reference fields kept in step with every
// insert, replace and delete (so that "a user's assignments" never scans every assignment in a large org).
// Records are replaced, never changed in place, by the Org's writes; code that edits a stored record in place
// must not change an indexed field.
import type { Rec } from './state';

/** Record keys (15-character Ids) by the 15-character value of one reference field. */
export class RefIndex {
  private readonly byValue = new Map<string, string[]>();
  constructor(readonly field: string) {}

  keys(value: unknown): readonly string[] | undefined {
    return typeof value === 'string' && value.length >= 15 ? this.byValue.get(value.slice(0, 15)) : undefined;
  }
  change(key: string, prev: Rec | undefined, next: Rec | undefined): void {
    const before = prev?.[this.field];
    const after = next?.[this.field];
    if (before === after) return;
    if (typeof before === 'string' && before) {
      const list = this.byValue.get(before.slice(0, 15));
      const i = list ? list.indexOf(key) : -1;
      if (i >= 0) {
        list!.splice(i, 1);
        if (!list!.length) this.byValue.delete(before.slice(0, 15));
      }
    }
    if (typeof after === 'string' && after) {
      const k = after.slice(0, 15);
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
  /** Bumped on every insert, replace and delete (for values computed from the whole table). */
  version = 0;
  /** Records by their Id as stored (18 characters): references hold the same strings, whose hashes are cached. */
  private readonly byFullId = new Map<string, Rec>();

  /** The record a reference points at (15 or 18 characters). */
  lookup(id: string): Rec | undefined {
    return this.byFullId.get(id) ?? super.get(id.length === 18 ? id.slice(0, 15) : id);
  }

  /** Indexes a reference field (existing records included). */
  index(field: string): RefIndex {
    let ix = this.indexes.get(field);
    if (!ix) {
      ix = new RefIndex(field);
      for (const [k, r] of super.entries()) ix.change(k, undefined, r);
      this.indexes.set(field, ix);
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
    const key = id.slice(0, 15);
    const out: Rec[] = [];
    for (const r of super.values()) if (typeof r[field] === 'string' && r[field].slice(0, 15) === key) out.push(r);
    return out;
  }

  override set(key: string, rec: Rec): this {
    const prev = super.get(key);
    super.set(key, rec);
    this.version++;
    if (this.byFullId) {
      if (prev && prev.Id !== rec.Id) this.byFullId.delete(prev.Id);
      this.byFullId.set(rec.Id, rec);
    }
    if (this.indexes) for (const ix of this.indexes.values()) ix.change(key, prev, rec);
    return this;
  }
  override delete(key: string): boolean {
    const prev = super.get(key);
    if (!prev) return false;
    super.delete(key);
    this.version++;
    this.byFullId.delete(prev.Id);
    for (const ix of this.indexes.values()) ix.change(key, prev, undefined);
    return true;
  }
  override clear(): void {
    super.clear();
    this.version++;
    this.byFullId.clear();
    for (const ix of this.indexes.values()) ix.clear();
  }
}
