// Helpers for the test org's contract tests: an org per suite, jsforce connections, raw HTTP.
import { Connection } from 'jsforce';
import { startTestOrg, TestOrg, TestOrgOptions } from '../src/server';
import { KeyPairCert, selfSignedCert } from '../src/x509';

/** Starts a test org for a mocha suite (port 0) and stops it afterwards. */
export function useOrg(options: TestOrgOptions = {}): { readonly org: TestOrg } {
  const box = {} as { org: TestOrg };
  before(async () => {
    box.org = await startTestOrg(options);
  });
  after(async () => {
    await box.org?.stop();
  });
  return box;
}

export function jsforce(org: TestOrg, version = '64.0', token = org.adminToken): Connection {
  return new Connection({ instanceUrl: org.url, accessToken: token, version });
}

let shared: KeyPairCert | undefined;
/** One RSA key pair + certificate per test process (key generation is the slow part). */
export function testCert(): KeyPairCert {
  return (shared ??= selfSignedCert());
}

export async function raw(
  org: TestOrg,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers; text: string }> {
  const res = await fetch(org.url + path, {
    method,
    headers: {
      Authorization: `Bearer ${org.adminToken}`,
      ...(body !== undefined && typeof body !== 'string' ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed, headers: res.headers, text };
}
