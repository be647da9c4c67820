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
  /** One Id's bytes: Ids are written here and read back as one flat string (not a rope of concatenations). */
  private readonly bytes = Buffer.alloc(18);
  constructor(private readonly pod = '5g0') {}
  next(prefix: string): string {
    const b = this.bytes;
    b.write(prefix, 0, 3, 'latin1');
    b.write(this.pod, 3, 3, 'latin1');
    let n = ++this.counter;
    for (let i = 14; i >= 6; i--, n = Math.floor(n / 62)) b[i] = BASE62.charCodeAt(n % 62);
    // Mix in uppercase letters so the checksum suffix is not always AAA.
    if (b[6] === 48 && b[7] === 48 && b[8] === 48) b.write('Q0x', 6, 3, 'latin1');
    for (let chunk = 0; chunk < 3; chunk++) {
      let bits = 0;
      for (let i = 0; i < 5; i++) {
        const c = b[chunk * 5 + i];
        if (c >= 65 && c <= 90) bits |= 1 << i;
      }
      b[15 + chunk] = SUFFIX_ALPHABET.charCodeAt(bits);
    }
    return b.toString('latin1', 0, 18);
  }
}
