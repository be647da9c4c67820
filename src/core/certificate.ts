// Certificates and keys: BalkanID's salesforce.crt (PEM or DER), the optional private key for the JWT
// self-test. Everything through node:crypto; specific errors for the mistakes admins make.
import { X509Certificate, createPrivateKey, KeyObject } from 'node:crypto';
import { finding, Finding } from './findings';
import { SetupError, SetupErrorCode } from './types';
import { registerSecret } from './redact';

export interface CertificateInfo {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  fingerprint256: string;
  keyType: string;
  keyBits?: number;
  daysLeft: number;
  /** The base64 body without BEGIN/END lines (the form the Metadata API documentation examples use). */
  body: string;
  pem: string;
}

const PRIVATE_KEY = /-----BEGIN (RSA |EC |ENCRYPTED |OPENSSH )?PRIVATE KEY-----/;

/** Certificates are 1–2 KB and keys 2–4 KB; anything far larger is not one, and is refused before parsing. */
export const MAX_CERTIFICATE_BYTES = 64 * 1024;
export const MAX_PRIVATE_KEY_BYTES = 64 * 1024;

const kb = (n: number) => `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KB`;

/** Refuses input over `max` bytes with its size in the message (`what` names it: "The certificate"). */
export function checkSize(size: number, max: number, what: string, code: SetupErrorCode): void {
  if (size > max)
    throw new SetupError(
      `${what} is ${kb(size)}; at most ${kb(max)} is accepted. Check that you picked the right file.`,
      code,
    );
}

/** Every PEM block of one label, found in one pass (indexOf, no backtracking). */
function pemBlocks(text: string, label: string): string[] {
  const begin = `-----BEGIN ${label}-----`,
    end = `-----END ${label}-----`;
  const out: string[] = [];
  let at = text.indexOf(begin);
  while (at !== -1) {
    const stop = text.indexOf(end, at + begin.length);
    if (stop === -1) break;
    // A BEGIN line inside the block means the first one was never closed: the block starts at the inner one.
    out.push(text.slice(text.lastIndexOf(begin, stop), stop + end.length));
    at = text.indexOf(begin, stop + end.length);
  }
  return out;
}

function describe(cert: X509Certificate): string {
  return `${cert.subject.replace(/\n/g, ', ')} (SHA-256 ${cert.fingerprint256.slice(0, 23)}…)`;
}

export function readCertificate(data: string | Uint8Array, now: number): CertificateInfo {
  checkSize(
    typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength,
    MAX_CERTIFICATE_BYTES,
    'The certificate',
    'cert-too-large',
  );
  const text = typeof data === 'string' ? data : Buffer.from(data).toString('latin1');
  if (PRIVATE_KEY.test(text))
    throw new SetupError(
      "This is a private key, not a certificate. Give the extension BalkanID's salesforce.crt (it starts with " +
        '-----BEGIN CERTIFICATE-----); the private key must stay with BalkanID.',
      'cert-is-private-key',
    );
  if (/-----BEGIN (CERTIFICATE REQUEST|NEW CERTIFICATE REQUEST)-----/.test(text))
    throw new SetupError(
      'This is a certificate signing request (CSR), not a certificate. Use the signed salesforce.crt BalkanID sent.',
      'cert-is-csr',
    );
  if (/-----BEGIN PUBLIC KEY-----/.test(text))
    throw new SetupError(
      'This is a bare public key. Salesforce needs an X.509 certificate (-----BEGIN CERTIFICATE-----).',
      'cert-is-public-key',
    );
  const unreadable = () =>
    new SetupError(
      'The certificate could not be read: it is neither a PEM (-----BEGIN CERTIFICATE-----) nor a DER X.509 ' +
        'certificate. Ask BalkanID for salesforce.crt again.',
      'cert-unreadable',
    );
  let cert: X509Certificate;
  if (text.includes('-----BEGIN CERTIFICATE-----')) {
    const certs: X509Certificate[] = [];
    for (const block of pemBlocks(text, 'CERTIFICATE')) {
      try {
        certs.push(new X509Certificate(block));
      } catch {
        throw unreadable();
      }
    }
    if (!certs.length) throw unreadable();
    if (certs.length > 1)
      throw new SetupError(
        `The file holds ${certs.length} certificates: ${certs.map((c, i) => `${i + 1}. ${describe(c)}`).join('; ')}. ` +
          "Salesforce takes exactly one. Keep only BalkanID's certificate in the file (or paste just that one).",
        'cert-several',
      );
    cert = certs[0]!;
  } else {
    try {
      if (typeof data !== 'string') cert = new X509Certificate(Buffer.from(data));
      else if (/^[A-Za-z0-9+/=\s]+$/.test(text) && text.trim().length > 100)
        cert = new X509Certificate(Buffer.from(text.replace(/\s+/g, ''), 'base64'));
      else throw new Error('not a certificate');
    } catch {
      throw unreadable();
    }
  }
  const details = cert.publicKey.asymmetricKeyDetails;
  const der = cert.raw.toString('base64');
  return {
    subject: cert.subject.replace(/\n/g, ', '),
    issuer: cert.issuer.replace(/\n/g, ', '),
    validFrom: new Date(cert.validFrom).toISOString(),
    validTo: new Date(cert.validTo).toISOString(),
    fingerprint256: cert.fingerprint256,
    keyType: cert.publicKey.asymmetricKeyType ?? 'unknown',
    keyBits: details?.modulusLength,
    daysLeft: Math.floor((Date.parse(cert.validTo) - now) / 86400000),
    body: der.replace(/(.{64})/g, '$1\n').trim(),
    pem: `-----BEGIN CERTIFICATE-----\n${der.replace(/(.{64})/g, '$1\n').trim()}\n-----END CERTIFICATE-----\n`,
  };
}

/** Problems with a certificate for JWT bearer use: not RSA, too short, expired, not yet valid, expiring soon. */
export function certificateProblems(c: CertificateInfo, now: number): Finding[] {
  const out: Finding[] = [];
  if (c.keyType !== 'rsa')
    out.push(
      finding('cert-not-rsa', {
        message:
          `The certificate has a ${c.keyType.toUpperCase()} key; Salesforce's JWT bearer flow signs with RS256 ` +
          `and needs RSA.`,
        fix: 'Ask BalkanID for an RSA certificate (2048 bits or more).',
      }),
    );
  else if ((c.keyBits ?? 0) < 2048)
    out.push(
      finding('cert-key-too-short', {
        message: `The certificate's RSA key has ${c.keyBits} bits; at least 2048 are needed.`,
        fix: 'Ask BalkanID for a certificate with a 2048-bit (or longer) key.',
      }),
    );
  if (Date.parse(c.validTo) <= now)
    out.push(
      finding('cert-expired', {
        message: `The certificate expired on ${c.validTo.slice(0, 10)}.`,
        fix: 'Ask BalkanID for a new salesforce.crt, then run the External Client App step again.',
      }),
    );
  else if (Date.parse(c.validFrom) > now)
    out.push(
      finding('cert-not-yet-valid', {
        message: `The certificate is not valid before ${c.validFrom.slice(0, 10)}.`,
        fix: 'Check the computer clock, or ask BalkanID for a certificate valid today.',
      }),
    );
  else if (c.daysLeft <= 30)
    out.push(
      finding('cert-expiring', {
        message: `The certificate expires in ${c.daysLeft} day(s), on ${c.validTo.slice(0, 10)}.`,
        fix: 'Ask BalkanID for a new certificate and redeploy the app before then.',
      }),
    );
  return out;
}

/** Reads the optional private key for the JWT self-test; rejects what cannot sign RS256. */
export function readPrivateKey(pem: string): KeyObject {
  checkSize(Buffer.byteLength(pem), MAX_PRIVATE_KEY_BYTES, 'The private key', 'key-too-large');
  if (/-----BEGIN CERTIFICATE-----/.test(pem) && !PRIVATE_KEY.test(pem))
    throw new SetupError(
      'This is a certificate, not a private key. The JWT self-test needs the private key that matches salesforce.crt.',
      'key-is-certificate',
    );
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(pem))
    throw new SetupError(
      'The private key is encrypted. Decrypt it first (openssl pkey -in key.pem -out plain.pem).',
      'key-encrypted',
    );
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new SetupError(
      'The private key could not be read. Give a PEM private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA ' +
        'PRIVATE KEY-----).',
      'key-unreadable',
    );
  }
  if (key.asymmetricKeyType !== 'rsa')
    throw new SetupError(
      `The private key is ${String(key.asymmetricKeyType).toUpperCase()}; JWT bearer (RS256) needs an RSA key.`,
      'key-not-rsa',
    );
  if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048)
    throw new SetupError(
      `The RSA key has ${key.asymmetricKeyDetails?.modulusLength} bits; at least 2048 are needed.`,
      'key-too-short',
    );
  registerSecret(pem);
  return key;
}

/** Whether two certificates (any accepted form) are the same certificate. */
export function sameCertificate(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  return norm(a) === norm(b);
}
