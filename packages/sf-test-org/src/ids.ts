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
  constructor(private readonly pod = '5g0') {}
  next(prefix: string): string {
    let n = ++this.counter;
    let body = '';
    for (let i = 0; i < 9; i++) {
      body = BASE62[n % 62] + body;
      n = Math.floor(n / 62);
    }
    // Mix in uppercase letters so the checksum suffix is not always AAA.
    const id15 = prefix + this.pod + body.replace(/^0{3}/, 'Q0x');
    return id15 + checksum(id15);
  }
}
