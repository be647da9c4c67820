// Self-signed X.509 certificates built with node:crypto alone (DER by hand), so tests and the demo can
// make a key pair and a `salesforce.crt` without openssl: RSA or EC keys, any validity window.
import { KeyObject, generateKeyPairSync, sign } from 'node:crypto';

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n >>= 8;
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, content: Buffer) => Buffer.concat([Buffer.from([tag]), len(content.length), content]);
const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
function oid(s: string): Buffer {
  const p = s.split('.').map(Number);
  const out = [40 * p[0] + p[1]];
  for (const n of p.slice(2)) {
    const b: number[] = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) b.unshift(0x80 | (v & 0x7f));
    out.push(...b);
  }
  return tlv(0x06, Buffer.from(out));
}
/** A DER INTEGER: minimal (no leading zero bytes, which DER forbids), with a 0 byte only to keep it positive. */
function integer(raw: Buffer): Buffer {
  let b = raw;
  while (b.length > 1 && b[0] === 0) b = b.subarray(1);
  return tlv(0x02, b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
}
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2))) : tlv(0x18, Buffer.from(iso));
}
const name = (cn: string, o: string) =>
  seq(set(seq(oid('2.5.4.10'), tlv(0x0c, Buffer.from(o)))), set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(cn)))));

export interface CertOptions {
  cn?: string;
  org?: string;
  notBefore?: Date;
  notAfter?: Date;
  keyType?: 'rsa' | 'ec';
  bits?: number;
  /** The instant the default validity is built around (an hour before it to a year after): the caller's clock. */
  now?: number;
}
export interface KeyPairCert {
  certPem: string;
  keyPem: string;
  privateKey: KeyObject;
}

export function selfSignedCert(opts: CertOptions = {}): KeyPairCert {
  const keyType = opts.keyType ?? 'rsa';
  const { publicKey, privateKey } =
    keyType === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: opts.bits ?? 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const sigAlg =
    keyType === 'rsa' ? seq(oid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00])) : seq(oid('1.2.840.10045.4.3.2'));
  const now = opts.now ?? Date.now();
  const notBefore = opts.notBefore ?? new Date(now - 3600_000);
  const notAfter = opts.notAfter ?? new Date(now + 365 * 86400_000);
  const subject = name(opts.cn ?? 'BalkanID Extractor', opts.org ?? 'BalkanID Test');
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(Buffer.from(String(now).slice(-8), 'hex')),
    sigAlg,
    subject,
    seq(time(notBefore), time(notAfter)),
    subject,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const cert = seq(tbs, sigAlg, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const b64 = cert
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trim();
  return {
    certPem: `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`,
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    privateKey,
  };
}
