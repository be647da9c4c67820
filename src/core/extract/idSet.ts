// A set of Salesforce record IDs that stays small at a million users: each ID kept as its 15 case-sensitive
// characters in one byte array, found through an open-addressing table of positions (about 23 bytes per ID, where a
// Set of strings takes 70 or more). The export keeps the users it wrote in one, so that every relation refers to an
// entity in the file.

const KEY = 15;

/** FNV-1a over the 15 characters of an ID. */
function hash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < KEY; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class IdSet {
  private keys = new Uint8Array(KEY * 1024);
  /** Slot → 1 + the ID's index in `keys`, 0 when free. Its length is a power of two, at most half full. */
  private slots = new Int32Array(2048);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Whether an ID (15 or 18 characters) is in the set. */
  has(id: string): boolean {
    if (id.length < KEY) return false;
    return this.slots[this.find(id)]! !== 0;
  }

  /** Adds an ID (15 or 18 characters); false when it was there already. */
  add(id: string): boolean {
    if (id.length < KEY) throw new Error(`not a record ID: ${id}`);
    const slot = this.find(id);
    if (this.slots[slot] !== 0) return false;
    if ((this.count + 1) * KEY > this.keys.length) {
      const grown = new Uint8Array(this.keys.length * 2);
      grown.set(this.keys);
      this.keys = grown;
    }
    const at = this.count * KEY;
    for (let i = 0; i < KEY; i++) this.keys[at + i] = id.charCodeAt(i);
    this.slots[slot] = ++this.count;
    if (this.count * 2 > this.slots.length) this.rehash();
    return true;
  }

  private equals(index: number, id: string): boolean {
    const at = index * KEY;
    for (let i = 0; i < KEY; i++) if (this.keys[at + i] !== id.charCodeAt(i)) return false;
    return true;
  }

  /** The slot holding the ID, or the free slot where it would go. */
  private find(id: string): number {
    const mask = this.slots.length - 1;
    for (let s = hash(id) & mask; ; s = (s + 1) & mask) {
      const v = this.slots[s]!;
      if (v === 0 || this.equals(v - 1, id)) return s;
    }
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let index = 0; index < this.count; index++) {
      let h = 0x811c9dc5;
      const at = index * KEY;
      for (let i = 0; i < KEY; i++) {
        h ^= this.keys[at + i]!;
        h = Math.imul(h, 0x01000193);
      }
      let s = (h >>> 0) & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = index + 1;
    }
    this.slots = slots;
  }
}
