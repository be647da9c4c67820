// The typed message protocol between the credentials webview and the extension host. The host validates
// every incoming message with `parseWebviewMessage`; anything malformed is dropped.

export interface CertificateView {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  fingerprint256: string;
  keyType: string;
  keyBits?: number;
  daysLeft: number;
  problems: string[];
}

export interface CredentialsState {
  /** The org these values are for: its name and address. */
  org?: string;
  /** Why the values cannot work yet (no integration user, the setup unfinished): nothing is offered for copying. */
  notReady?: string;
  username?: string;
  loginUrl?: string;
  consumerKey?: string;
  consumerKeySource?: 'org' | 'manual';
  /** For a key typed by hand: whether it matches the org's app. */
  consumerKeyCheck?: 'match' | 'mismatch' | 'unverified';
  /** Salesforce gives the key to this tool by no route: why (the routes that failed), and that the app's page in
   *  Setup, where the key is shown, is one click away. */
  consumerKeyWhy?: string;
  consumerKeyPage?: boolean;
  certificate?: CertificateView;
  certificateError?: string;
  hasPrivateKey: boolean;
  privateKeyError?: string;
  message?: string;
  /** What the login history says: "BalkanID connected · first login 14:02", the error, or that it waits. */
  login?: string;
  loginTone?: 'ok' | 'error' | 'waiting';
  /** The self-test's own line ("self-test passed · 14:02"): this tool's login, never BalkanID's. */
  selfTest?: string;
  /** The last JWT self-test's outcome (Verify). */
  verify?: { ok: boolean; text: string };
  /** The SCIM way: the org's SCIM base URL and what the integration user needs for it. */
  scimUrl?: string;
  scimAccess?: string;
}

/** Which value a copy button copies: one of the three, all of them, or the SCIM base URL. */
export type CopyWhat = 'username' | 'consumerKey' | 'loginUrl' | 'all' | 'scimUrl';
const COPY: readonly CopyWhat[] = ['username', 'consumerKey', 'loginUrl', 'all', 'scimUrl'];
/** The other ways into BalkanID the view offers as buttons (commands of the same names). */
export type OtherWay = 'previewExtraction' | 'exportForBalkanId' | 'uploadToBalkanId';
const OTHER_WAYS: readonly OtherWay[] = ['previewExtraction', 'exportForBalkanId', 'uploadToBalkanId'];

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'pickCertificate' }
  | { type: 'pasteCertificate'; pem: string }
  | { type: 'setConsumerKey'; key: string }
  | { type: 'setPrivateKey'; pem: string }
  | { type: 'clearPrivateKey' }
  | { type: 'copy'; what: CopyWhat }
  | { type: 'verify' }
  | { type: 'openKeyPage' }
  | { type: 'run'; command: OtherWay };

export type HostMessage = { type: 'state'; state: CredentialsState };

/** Large enough that an oversized paste reaches the host, which refuses it with its size (not silently here). */
const MAX = 1024 * 1024;
const str = (v: unknown, max = MAX): v is string => typeof v === 'string' && v.length <= max;

export function parseWebviewMessage(raw: unknown): WebviewMessage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
    case 'pickCertificate':
    case 'clearPrivateKey':
    case 'verify':
    case 'openKeyPage':
      return { type: m.type };
    case 'pasteCertificate':
      return str(m.pem) && m.pem.trim() ? { type: 'pasteCertificate', pem: m.pem } : undefined;
    case 'setPrivateKey':
      return str(m.pem) && m.pem.trim() ? { type: 'setPrivateKey', pem: m.pem } : undefined;
    case 'copy':
      return COPY.includes(m.what as CopyWhat) ? { type: 'copy', what: m.what as CopyWhat } : undefined;
    case 'run':
      return OTHER_WAYS.includes(m.command as OtherWay) ? { type: 'run', command: m.command as OtherWay } : undefined;
    case 'setConsumerKey':
      return str(m.key, 256) ? { type: 'setConsumerKey', key: m.key.trim() } : undefined;
    default:
      return undefined;
  }
}
