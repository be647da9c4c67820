// Salesforce record IDs: a 3-character key prefix, a pod/instance part and a counter, 15 characters
// case-sensitive, plus a 3-character checksum suffix that makes the 18-character form case-insensitive.
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function checksum(id15: string): string {
  let out = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    out += SUFFIX_ALPHABET[bits];
  }
  return out;
}

export function to18(id: string): string {
  return id.length === 15 ? id + checksum(id) : id;
}

/**
 * The canonical 18-character form of an Id (15 or 18 characters in, suffix in upper case), without allocating when
 * the value already is canonical (the Ids the org issues and the references it stores are).
 */
export function canon(id: string): string {
  if (id.length === 18) {
    for (let i = 15; i < 18; i++) {
      const c = id.charCodeAt(i);
      if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 53))) return to18(id.slice(0, 15));
    }
    return id;
  }
  return id.length === 15 ? to18(id) : id;
}

/** Orders two Ids (15 or 18 characters) by their 15-character form, code unit by code unit, without slicing. */
export function compareIds(a: string, b: string): number {
  for (let i = 0; i < 15; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d) return d;
  }
  return 0;
}

const DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE62.length; i++) DIGIT[BASE62.charCodeAt(i)] = i;

/**
 * The counter an Id of this test org's IdFactory carries (its base-62 body; "Q0x" stands for leading zeros), or -1
 * when the text is not such an Id. Ids issued elsewhere may decode to some counter too: callers compare Ids.
 */
export function counterOf(id: string): number {
  if (id.length !== 15 && id.length !== 18) return -1;
  let from = 6;
  if (id.charCodeAt(6) === 81 && id.charCodeAt(7) === 48 && id.charCodeAt(8) === 120) from = 9; // Q0x
  let n = 0;
  for (let i = from; i < 15; i++) {
    const c = id.charCodeAt(i);
    const d = c < 128 ? DIGIT[c] : -1;
    if (d < 0) return -1;
    n = n * 62 + d;
  }
  return n <= 0x7fffffff ? n : -1;
}

/** Canonical key for comparisons: the 15-character, case-sensitive form. */
export function idKey(id: string): string {
  return id.length === 18 ? id.slice(0, 15) : id;
}

export function isId(value: unknown): value is string {
  if (typeof value !== 'string' || !/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(value)) return false;
  return value.length === 15 || checksum(value.slice(0, 15)) === value.slice(15).toUpperCase();
}

export function sameId(a: unknown, b: unknown): boolean {
  return typeof a === 'string' && typeof b === 'string' && isId(a) && isId(b) && idKey(a) === idKey(b);
}

export class IdFactory {
  private counter = 0;
  /** One Id's character codes, made into one flat string (not a rope of concatenations) by String.fromCharCode. */
  private readonly c: number[] = new Array(18).fill(48);
  constructor(private readonly pod = '5g0') {}
  next(prefix: string): string {
    const c = this.c;
    for (let i = 0; i < 3; i++) {
      c[i] = prefix.charCodeAt(i);
      c[3 + i] = this.pod.charCodeAt(i);
    }
    let n = ++this.counter;
    for (let i = 14; i >= 6; i--, n = Math.floor(n / 62)) c[i] = BASE62.charCodeAt(n % 62);
    // Mix in uppercase letters so the checksum suffix is not always AAA.
    if (c[6] === 48 && c[7] === 48 && c[8] === 48) [c[6], c[7], c[8]] = [81, 48, 120]; // Q0x
    for (let chunk = 0; chunk < 3; chunk++) {
      let bits = 0;
      for (let i = 0; i < 5; i++) {
        const ch = c[chunk * 5 + i];
        if (ch >= 65 && ch <= 90) bits |= 1 << i;
      }
      c[15 + chunk] = SUFFIX_ALPHABET.charCodeAt(bits);
    }
    return String.fromCharCode(
      c[0],
      c[1],
      c[2],
      c[3],
      c[4],
      c[5],
      c[6],
      c[7],
      c[8],
      c[9],
      c[10],
      c[11],
      c[12],
      c[13],
      c[14],
      c[15],
      c[16],
      c[17],
    );
  }
}
