// Shared test helpers: a test org per suite, jsforce connections as the admin, temp workspaces.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { Connection } from 'jsforce';
import { startTestOrg, TestOrg, TestOrgOptions } from '../org/server';
import { connect, JsforceClient } from '../../src/node/salesforce';
import { defaultManifest, Manifest } from '../../src/core/manifest';
import { readCertificate } from '../../src/core/certificate';
import { selfSignedCert, KeyPairCert } from '../org/x509';

/** Starts a test org for a mocha suite (port 0) and stops it afterwards. */
export function useOrg(options: TestOrgOptions = {}): { readonly org: TestOrg } {
  const box = {} as { org: TestOrg };
  before(async () => { box.org = await startTestOrg(options); });
  after(async () => { await box.org?.stop(); });
  return box;
}

export function jsforce(org: TestOrg, version = '64.0', token = org.adminToken): Connection {
  return new Connection({ instanceUrl: org.url, accessToken: token, version });
}

export function adminClient(org: TestOrg, timeoutMs?: number): Promise<JsforceClient> {
  return connect({ instanceUrl: org.url, accessToken: org.adminToken, timeoutMs });
}

let shared: KeyPairCert | undefined;
/** One RSA key pair + certificate per test process (key generation is the slow part). */
export function testCert(): KeyPairCert { return (shared ??= selfSignedCert()); }

export function guideManifest(overrides: Partial<Manifest> = {}): Manifest {
  return { ...defaultManifest('balkanid@example.test', 'balkanid@example.test'), ...overrides };
}

export function engineInput(client: JsforceClient, cert = testCert(), manifest = guideManifest()) {
  return { client, manifest, certificate: readCertificate(cert.certPem) };
}

/** A temp folder with a manifest and certificate, for CLI tests. */
export function workspace(manifest: object = { user: { username: 'balkanid@example.test', email: 'balkanid@example.test' } }, cert = testCert()): string {
  const dir = mkdtempSync(join(tmpdir(), 'balkanid-ws-'));
  writeFileSync(join(dir, 'balkanid-setup.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(dir, 'salesforce.crt'), cert.certPem);
  writeFileSync(join(dir, 'key.pem'), cert.keyPem);
  return dir;
}

export async function raw(org: TestOrg, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers; text: string }> {
  const res = await fetch(org.url + path, { method, headers: { Authorization: `Bearer ${org.adminToken}`, ...(body !== undefined && typeof body !== 'string' ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let parsed: any = text;
  try { parsed = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, body: parsed, headers: res.headers, text };
}

/** Exactly one of each thing the setup creates: re-runs and failures must never duplicate. */
export function assertNoDuplicates(org: TestOrg): void {
  const o = org.org;
  const count = (obj: string, pred: (r: any) => boolean) => o.all(obj).filter(pred).length;
  const user = o.find('User', u => u.Username === 'balkanid@example.test');
  assert.ok(count('Profile', p => p.Name === 'BalkanID Integration') <= 1, 'profiles');
  assert.ok(count('User', u => u.Username === 'balkanid@example.test') <= 1, 'users');
  assert.ok(count('PermissionSet', p => p.Name === 'BalkanID_Extractor') <= 1, 'permission sets');
  assert.ok(!user || count('PermissionSetAssignment', a => a.AssigneeId === user.Id) <= 1, 'assignments');
  assert.ok(count('ExternalClientApplication', a => a.DeveloperName === 'BalkanID_Extractor') <= 1, 'apps');
  assert.ok(count('SetupEntityAccess', () => true) <= 1, 'links');
  assert.ok(org.meta.all('ExtlClntAppOauthConfigurablePolicies').length <= 1, 'policies');
}

