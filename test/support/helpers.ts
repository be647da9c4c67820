// Shared test helpers: a test org per suite, jsforce connections as the admin, temp workspaces.
import { tempDir } from './temp';
import { OrgClient } from '../../src/core/client';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { TestOrg } from '../../packages/sf-test-org/src/server';
import { testCert } from '../../packages/sf-test-org/test/helpers';
import { connect, JsforceClient } from '../../src/node/salesforce';
import { defaultManifest, Manifest } from '../../src/core/manifest';
import { readCertificate } from '../../src/core/certificate';
import { Clock, systemClock } from '../../src/core/clock';
import { main } from '../../src/cli';

export { useOrg, jsforce, raw, testCert } from '../../packages/sf-test-org/test/helpers';

/** The CLI in this process (`main`), its stdout and stderr collected; `deps` stands in for the Salesforce CLI. */
export async function runCli(argv: string[], deps: Parameters<typeof main>[3] = {}) {
  const out: string[] = [],
    err: string[] = [];
  const code = await main(
    argv,
    s => out.push(s),
    s => err.push(s),
    deps,
  );
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

export function adminClient(org: TestOrg, options: { timeoutMs?: number; clock?: Clock } = {}): Promise<JsforceClient> {
  return connect({ instanceUrl: org.url, accessToken: org.adminToken, ...options });
}

export function guideManifest(overrides: Partial<Manifest> = {}): Manifest {
  return { ...defaultManifest('balkanid@example.test', 'balkanid@example.test'), ...overrides };
}

export function engineInput(client: JsforceClient, cert = testCert(), manifest = guideManifest(), clock = systemClock) {
  return { client, manifest, certificate: readCertificate(cert.certPem, clock.now()), clock };
}

/** A temp folder with a manifest and certificate, for CLI tests. */
export function workspace(
  manifest: object = { user: { username: 'balkanid@example.test', email: 'balkanid@example.test' } },
  cert = testCert(),
): string {
  const dir = tempDir('balkanid-ws-');
  writeFileSync(join(dir, 'balkanid-setup.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(dir, 'salesforce.crt'), cert.certPem);
  writeFileSync(join(dir, 'key.pem'), cert.keyPem);
  return dir;
}

/** Exactly one of each thing the setup creates: re-runs and failures must never duplicate. */
export function assertNoDuplicates(org: TestOrg): void {
  const o = org.org;
  const count = (obj: string, pred: (r: any) => boolean) => o.all(obj).filter(pred).length;
  const user = o.find('User', u => u.Username === 'balkanid@example.test');
  assert.ok(count('Profile', p => p.Name === 'BalkanID Integration') <= 1, 'profiles');
  assert.ok(count('User', u => u.Username === 'balkanid@example.test') <= 1, 'users');
  assert.ok(count('PermissionSet', p => p.Name === 'BalkanID_Extractor') <= 1, 'permission sets');
  // (Salesforce also gives every user an assignment of its profile's own permission set: not ours to count.)
  const ownedByProfile = (psId: string) => !!o.get('PermissionSet', psId)?.IsOwnedByProfile;
  assert.ok(
    !user || count('PermissionSetAssignment', a => a.AssigneeId === user.Id && !ownedByProfile(a.PermissionSetId)) <= 1,
    'assignments',
  );
  assert.ok(count('ExternalClientApplication', a => a.DeveloperName === 'BalkanID_Extractor') <= 1, 'apps');
  assert.ok(count('SetupEntityAccess', () => true) <= 1, 'links');
  assert.ok(org.meta.all('ExtlClntAppOauthConfigurablePolicies').length <= 1, 'policies');
}

/** Setup finished: every step done, Verify done or waiting for the first login through the app. */
export const setUp = (r: { steps: Array<{ id: string; state: string }> }) =>
  r.steps.every(s => s.state === 'done' || (s.id === 'verify' && s.state === 'waiting'));

/**
 * A JWT login as the integration user from another client — BalkanID's servers, as the test org records them: its
 * LoginHistory row carries the address given (X-TestOrg-Client-Ip), not this machine's. Returns the HTTP status.
 */
export async function loginFromElsewhere(
  org: TestOrg,
  consumerKey: string,
  keyPem = testCert().keyPem,
  ip = '203.0.113.7',
  username = 'balkanid@example.test',
): Promise<number> {
  const { createPrivateKey } = await import('node:crypto');
  const { jwtAssertion } = await import('../../src/core/jwt');
  const assertion = jwtAssertion(
    createPrivateKey(keyPem),
    { iss: consumerKey, sub: username, aud: 'https://login.salesforce.com' },
    org.org.now(),
  );
  const r = await fetch(`${org.url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-TestOrg-Client-Ip': ip },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
  });
  return r.status;
}

/** The client, with every request it sends recorded (method and URL, query string included). */
export function recorded(client: OrgClient): { client: OrgClient; sent: string[]; soap: string[] } {
  const sent: string[] = [];
  const soap: string[] = [];
  const spy = new Proxy(client, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (prop === 'request')
        return (method: string, url: string, body?: unknown) => {
          sent.push(`${method} ${url}`);
          return target.request(method, url, body);
        };
      if (prop === 'readMetadata' || prop === 'listMetadata')
        return (type: string, names?: string[]) => {
          soap.push(`${String(prop)} ${type}${names ? ` ${names.join(',')}` : ''}`);
          return (v as (...a: unknown[]) => unknown).call(target, type, names);
        };
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { client: spy, sent, soap };
}
