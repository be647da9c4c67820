// The setup manifest (`balkanid-setup.json`): the desired setup. Defaults follow the BalkanID guide, so
// a manifest with only the integration user's username and email is enough.
import { API_NAME, EMAIL, INVISIBLE, MAX_LENGTHS } from './limits';
import { LOOPBACK_HOSTS } from './url';

export { MAX_LENGTHS } from './limits';

export type IpRelaxation = 'Bypass' | 'Enforce' | 'Bypass_2factor' | 'Enforce_RelaxRefresh';
export const IP_RELAXATIONS: IpRelaxation[] = ['Bypass', 'Enforce', 'Bypass_2factor', 'Enforce_RelaxRefresh'];
export const SCOPES = ['Api', 'RefreshToken', 'OfflineAccess', 'Basic', 'Web', 'Full', 'OpenID'];

export interface Manifest {
  targetOrg?: string;
  loginUrl?: string;
  profile: { name: string };
  user: { username: string; email: string; firstName: string; lastName: string; alias: string };
  permissionSet: { name: string; label: string };
  app: {
    name: string;
    label: string;
    contactEmail: string;
    callbackUrl: string;
    scopes: string[];
    ipRelaxation: IpRelaxation;
  };
  /** Path of BalkanID's `salesforce.crt`, relative to the manifest. */
  certificate: string;
}

export interface ManifestProblem {
  path: Array<string | number>;
  message: string;
  fix: string;
}

export const MANIFEST_FILE = 'balkanid-setup.json';

export function defaultManifest(username: string, email: string): Manifest {
  return {
    profile: { name: 'BalkanID Integration' },
    user: { username, email, firstName: 'BalkanID', lastName: 'BalkanID', alias: 'BalkanID' },
    permissionSet: { name: 'BalkanID_Extractor', label: 'BalkanID Extractor' },
    app: {
      name: 'BalkanID_Extractor',
      label: 'BalkanID Extractor',
      contactEmail: email,
      callbackUrl: 'https://app.balkan.id',
      scopes: ['Api', 'RefreshToken'],
      ipRelaxation: 'Bypass',
    },
    certificate: 'salesforce.crt',
  };
}

/** A starter manifest ("Create Setup Manifest", Run All's questions, the CLI's --username/--email/--certificate). */
export function manifestTemplate(
  username = 'balkanid@yourcompany.com',
  email = 'it-ops@yourcompany.com',
  certificate = 'salesforce.crt',
): string {
  return JSON.stringify({ user: { username, email }, certificate }, null, 2) + '\n';
}

/** The integration username Run All proposes: "balkanid@" and the admin's username domain (a sandbox's suffix kept). */
export function proposedUsername(adminUsername: string | undefined): string | undefined {
  const domain = adminUsername?.slice(adminUsername.lastIndexOf('@') + 1);
  return domain && adminUsername!.includes('@') ? `balkanid@${domain}` : undefined;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function validateManifest(raw: unknown): { manifest?: Manifest; problems: ManifestProblem[] } {
  const problems: ManifestProblem[] = [];
  const p = (path: Array<string | number>, message: string, fix: string) => problems.push({ path, message, fix });
  if (!isObj(raw))
    return {
      problems: [
        {
          path: [],
          message: 'The manifest must be a JSON object.',
          fix: 'Start from { "user": { "username": "...", "email": "..." } }.',
        },
      ],
    };
  const known: Record<'' | 'profile' | 'user' | 'permissionSet' | 'app', string[]> = {
    '': ['$schema', 'targetOrg', 'loginUrl', 'profile', 'user', 'permissionSet', 'app', 'certificate'],
    profile: ['name'],
    user: ['username', 'email', 'firstName', 'lastName', 'alias'],
    permissionSet: ['name', 'label'],
    app: ['name', 'label', 'contactEmail', 'callbackUrl', 'scopes', 'ipRelaxation'],
  };
  for (const k of Object.keys(raw))
    if (!known[''].includes(k))
      p([k], `Unknown setting "${k}".`, `Remove it, or use one of: ${known[''].slice(1).join(', ')}.`);
  for (const section of ['profile', 'user', 'permissionSet', 'app'] as const) {
    const v = raw[section];
    if (v === undefined) continue;
    if (!isObj(v)) {
      p([section], `"${section}" must be an object.`, `Write "${section}": { ... }.`);
      continue;
    }
    for (const k of Object.keys(v))
      if (!known[section].includes(k))
        p([section, k], `Unknown setting "${section}.${k}".`, `Use one of: ${known[section].join(', ')}.`);
  }
  const str = (path: string[], required = false): string | undefined => {
    let v: unknown = raw;
    for (const k of path) v = isObj(v) ? v[k] : undefined;
    if (v === undefined || v === null) {
      if (required)
        p(
          path,
          `"${path.join('.')}" is required.`,
          path.join('.') === 'user.username'
            ? "Set the integration user's username: balkanid@ and your company's domain, for example."
            : "Set the integration user's email address.",
        );
      return undefined;
    }
    if (typeof v !== 'string') {
      p(
        path,
        `"${path.join('.')}" must be a string, not ${Array.isArray(v) ? 'an array' : typeof v}.`,
        'Put the value in double quotes.',
      );
      return undefined;
    }
    if (!v.trim()) {
      p(path, `"${path.join('.')}" is empty.`, 'Give it a value or remove the setting to use the default.');
      return undefined;
    }
    if (v !== v.trim()) {
      p(path, `"${path.join('.')}" has leading or trailing spaces.`, 'Remove the spaces.');
      return undefined;
    }
    const hidden = INVISIBLE.exec(v);
    if (hidden) {
      p(
        path,
        `"${path.join('.')}" contains an invisible character ` +
          `(U+${hidden[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}) at position ${hidden.index + 1}.`,
        'Retype the value: control, zero-width and right-to-left marks look like nothing but make a different name.',
      );
      return undefined;
    }
    return v;
  };
  const username = str(['user', 'username'], true);
  const email = str(['user', 'email'], true);
  if (username && username.length <= MAX_LENGTHS.username && !EMAIL.test(username))
    p(
      ['user', 'username'],
      `Username "${username}" is not in the form of an email address.`,
      "Salesforce usernames look like email addresses: balkanid@ and your company's domain (it need not be a real " +
        'mailbox).',
    );
  const tooLong = (path: string[], v: string | undefined, max: number, what: string) => {
    if (v !== undefined && v.length > max) {
      p(
        path,
        `${what} is ${v.length} characters long; Salesforce allows at most ${max}.`,
        `Shorten "${path.join('.')}".`,
      );
      return true;
    }
    return false;
  };
  tooLong(['user', 'username'], username, MAX_LENGTHS.username, 'The username');
  tooLong(['user', 'email'], email, MAX_LENGTHS.email, 'The email address');
  if (email && email.length <= MAX_LENGTHS.email && !EMAIL.test(email))
    p(
      ['user', 'email'],
      `Email "${email}" is not a valid email address.`,
      'Use a mailbox the admin team reads; Salesforce sends the welcome email there.',
    );
  const d = defaultManifest(username ?? '', email ?? '');
  const firstName = str(['user', 'firstName']) ?? d.user.firstName;
  const lastName = str(['user', 'lastName']) ?? d.user.lastName;
  const alias = str(['user', 'alias']) ?? d.user.alias;
  if (alias.length > MAX_LENGTHS.alias)
    p(
      ['user', 'alias'],
      `Alias "${alias}" is longer than 8 characters.`,
      'Salesforce allows at most 8 characters, for example "BalkanID".',
    );
  tooLong(['user', 'firstName'], firstName, MAX_LENGTHS.firstName, 'The first name');
  tooLong(['user', 'lastName'], lastName, MAX_LENGTHS.lastName, 'The last name');
  const profileName = str(['profile', 'name']) ?? d.profile.name;
  tooLong(['profile', 'name'], profileName, MAX_LENGTHS.profileName, 'The profile name');
  const apiName = (path: string[], def: string, max: number) => {
    const v = str(path) ?? def;
    if (v.length > max)
      p(path, `"${v}" is longer than ${max} characters.`, `Use an API name of at most ${max} characters.`);
    else if (!API_NAME.test(v) || v.endsWith('_'))
      p(
        path,
        `"${v}" is not a valid API name.`,
        `Use letters, digits and single underscores, start with a letter, not end with "_", at most ${max} ` +
          `characters (for example "BalkanID_Extractor").`,
      );
    return v;
  };
  const psName = apiName(['permissionSet', 'name'], d.permissionSet.name, 80);
  const psLabel = str(['permissionSet', 'label']) ?? d.permissionSet.label;
  tooLong(['permissionSet', 'label'], psLabel, MAX_LENGTHS.label, 'The permission set label');
  const appName = apiName(['app', 'name'], d.app.name, 40);
  const appLabel = str(['app', 'label']) ?? d.app.label;
  tooLong(['app', 'label'], appLabel, MAX_LENGTHS.label, 'The app label');
  const contactEmail = str(['app', 'contactEmail']) ?? email ?? '';
  tooLong(['app', 'contactEmail'], contactEmail, MAX_LENGTHS.email, 'The contact email');
  if (contactEmail && contactEmail.length <= MAX_LENGTHS.email && !EMAIL.test(contactEmail))
    p(
      ['app', 'contactEmail'],
      `Contact email "${contactEmail}" is not a valid email address.`,
      "Use the admin team's address.",
    );
  const callbackUrl = str(['app', 'callbackUrl']) ?? d.app.callbackUrl;
  checkUrl(callbackUrl, ['app', 'callbackUrl'], p, false);
  const loginUrl = str(['loginUrl']);
  if (loginUrl) checkUrl(loginUrl, ['loginUrl'], p, true);
  let scopes = d.app.scopes;
  const rawScopes = isObj(raw.app) ? raw.app.scopes : undefined;
  if (rawScopes !== undefined) {
    if (!Array.isArray(rawScopes) || rawScopes.some(s => typeof s !== 'string'))
      p(['app', 'scopes'], '"app.scopes" must be an array of strings.', 'For example ["Api", "RefreshToken"].');
    else {
      rawScopes.forEach((s, i) => {
        if (rawScopes.indexOf(s) !== i)
          p(['app', 'scopes', i], `The scope "${s}" is listed twice.`, 'Remove the repeat.');
        else if (!SCOPES.includes(s)) {
          const hint = (
            { api: 'Api', refresh_token: 'RefreshToken', offline_access: 'OfflineAccess', full: 'Full' } as Record<
              string,
              string
            >
          )[s];
          p(
            ['app', 'scopes', i],
            `Unknown scope "${s}".`,
            hint ? `Use the metadata name "${hint}".` : `Use metadata scope names: ${SCOPES.join(', ')}.`,
          );
        }
      });
      if (!rawScopes.includes('Api'))
        p(['app', 'scopes'], 'The scopes must include "Api".', 'BalkanID reads data through the API; add "Api".');
      scopes = rawScopes as string[];
    }
  }
  const ip = str(['app', 'ipRelaxation']) ?? d.app.ipRelaxation;
  if (!IP_RELAXATIONS.includes(ip as IpRelaxation))
    p(
      ['app', 'ipRelaxation'],
      `"${ip}" is not an IP relaxation policy.`,
      `Use one of: ${IP_RELAXATIONS.join(', ')} (the guide recommends "Bypass").`,
    );
  const certificate = str(['certificate']) ?? d.certificate;
  if (/\.(key|pem\.key)$/i.test(certificate))
    p(
      ['certificate'],
      `"${certificate}" looks like a private key file.`,
      'Point "certificate" at BalkanID\'s salesforce.crt; the private key stays with BalkanID.',
    );
  const targetOrg = str(['targetOrg']);
  if (problems.length) return { problems };
  return {
    problems,
    manifest: {
      targetOrg,
      loginUrl,
      profile: { name: profileName },
      user: { username: username!, email: email!, firstName, lastName, alias },
      permissionSet: { name: psName, label: psLabel },
      app: { name: appName, label: appLabel, contactEmail, callbackUrl, scopes, ipRelaxation: ip as IpRelaxation },
      certificate,
    },
  };
}

function checkUrl(
  value: string,
  path: string[],
  p: (path: string[], m: string, f: string) => void,
  loopbackHttp: boolean,
): void {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    p(path, `"${value}" is not a URL.`, 'Write a full URL such as https://login.salesforce.com.');
    return;
  }
  const loopback = LOOPBACK_HOSTS.includes(u.hostname);
  if (u.protocol !== 'https:' && !(loopbackHttp && loopback && u.protocol === 'http:'))
    p(
      path,
      `"${value}" must use https.`,
      loopbackHttp ? 'Use https (plain http is allowed only for a loopback test org).' : 'Use an https URL.',
    );
}
