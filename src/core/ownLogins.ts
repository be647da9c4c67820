// The logins this tool makes as the integration user — the JWT self-test (Verify) and reading as it (preview,
// export) — remembered so that they are never taken for BalkanID's. Salesforce records them in LoginHistory like any
// other login through the app (same user, same app, LoginType "Remote Access 2.0"); what tells them apart is the row
// itself (its Id, read right after the login) and the address it came from (SourceIp): docs/research/real-org-2026.md,
// (f). Where the memory lives is the front end's business (the CLI: beside the manifest; VS Code: its global state);
// it holds no secret.
import { sameId } from './facts';
import type { LoginRow } from './rows';

export interface OwnLogin {
  /** The LoginHistory row's Id. */
  id: string;
  /** Its LoginTime, as Salesforce wrote it. */
  at: string;
  ok: boolean;
  /** The address Salesforce saw the login come from. */
  sourceIp?: string;
  by: 'self-test' | 'reader';
}

/** The logins remembered per org and integration user (the newest first). */
export const OWN_LOGINS_KEPT = 50;

/**
 * The logins made between two reads of the integration user's latest logins: the rows `after` has that `before` had
 * not. At most `attempts` of them are this tool's; when more appeared (someone else logged in meanwhile), this
 * tool's are the newest of the address most of them came from.
 */
export function loginsMadeBetween(
  before: LoginRow[],
  after: LoginRow[],
  attempts: number,
  by: OwnLogin['by'],
): OwnLogin[] {
  let fresh = after.filter(r => r.Id && !before.some(b => sameId(b.Id, r.Id)));
  if (fresh.length > attempts) {
    const byIp = new Map<string, LoginRow[]>();
    for (const r of fresh) byIp.set(r.SourceIp ?? '', [...(byIp.get(r.SourceIp ?? '') ?? []), r]);
    fresh = [...byIp.values()].sort((a, b) => b.length - a.length)[0]!;
  }
  return [...fresh]
    .sort((a, b) => Date.parse(b.LoginTime) - Date.parse(a.LoginTime))
    .slice(0, attempts)
    .map(r => ({
      id: r.Id!,
      at: r.LoginTime,
      ok: r.Status === 'Success',
      ...(r.SourceIp ? { sourceIp: r.SourceIp } : {}),
      by,
    }));
}

/** A login this tool made: one of its rows, or one from an address its logins came from. */
export function isOwnLogin(row: LoginRow, own: readonly OwnLogin[]): boolean {
  return own.some(o => (row.Id && sameId(o.id, row.Id)) || (!!row.SourceIp && o.sourceIp === row.SourceIp));
}

/** The memory with `fresh` added: each row once, the newest first, at most OWN_LOGINS_KEPT. */
export function rememberLogins(known: readonly OwnLogin[], fresh: readonly OwnLogin[]): OwnLogin[] {
  const all = [...fresh, ...known.filter(k => !fresh.some(f => sameId(f.id, k.id)))];
  return all.sort((a, b) => Date.parse(b.at) - Date.parse(a.at)).slice(0, OWN_LOGINS_KEPT);
}

/** The memory of every org in one JSON document (the CLI's file; VS Code keeps each org's list on its own). */
export interface OwnLoginsDocument {
  version: 1;
  /** By ownLoginsKey. */
  orgs: Record<string, OwnLogin[]>;
}

/** One org's and integration user's logins: the org's 15-character Id and the username in lower case. */
export const ownLoginsKey = (orgId: string, username: string) => `${orgId.slice(0, 15)}:${username.toLowerCase()}`;

const ID = /^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$/;

/** What was stored, checked field by field: anything else (a hand edit, another version) is left out, never trusted. */
export function ownLoginsOf(value: unknown): OwnLogin[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter(
      (o): o is OwnLogin =>
        typeof o === 'object' &&
        o !== null &&
        typeof o.id === 'string' &&
        ID.test(o.id) &&
        typeof o.at === 'string' &&
        o.at.length <= 40 &&
        !Number.isNaN(Date.parse(o.at)) &&
        typeof o.ok === 'boolean' &&
        (o.sourceIp === undefined || (typeof o.sourceIp === 'string' && o.sourceIp.length <= 64)) &&
        (o.by === 'self-test' || o.by === 'reader'),
    )
    .map(o => ({ id: o.id, at: o.at, ok: o.ok, ...(o.sourceIp ? { sourceIp: o.sourceIp } : {}), by: o.by }))
    .slice(0, OWN_LOGINS_KEPT);
}

export function parseOwnLogins(text: string): OwnLoginsDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // Not JSON (a hand edit gone wrong): no org's logins.
  }
  const orgs = (raw as { orgs?: unknown } | null)?.orgs;
  const out: OwnLoginsDocument = { version: 1, orgs: {} };
  if (typeof orgs !== 'object' || orgs === null) return out;
  for (const [key, list] of Object.entries(orgs).slice(0, 100))
    if (/^[A-Za-z0-9]{15}:[^\s]{1,80}$/.test(key)) out.orgs[key] = ownLoginsOf(list);
  return out;
}

/**
 * Keeps reads of the login history apart from this tool's own logins as the integration user. An own login's row
 * can be in the history before it is remembered: a read that overlaps one (it began before the login ended, and
 * ended after the login began) is made again once no own login is under way, so that row is never taken for
 * BalkanID's login. (A read inside a login's own work would wait for itself: there is none.)
 */
export class OwnLoginFence {
  private underWay = 0;
  /** Counts the starts and ends of own logins: a read that saw it change overlapped one. */
  private changes = 0;
  private waiting: Array<() => void> = [];

  /** Runs one of this tool's own logins (the login and remembering it). */
  async login<T>(work: () => Promise<T>): Promise<T> {
    this.underWay++;
    this.changes++;
    try {
      return await work();
    } finally {
      this.underWay--;
      this.changes++;
      if (!this.underWay) for (const done of this.waiting.splice(0)) done();
    }
  }

  /** Runs a read of the login history; again, after the own logins end, if it overlapped one. */
  async read<T>(work: () => Promise<T>): Promise<T> {
    for (;;) {
      const changes = this.changes;
      const result = await work();
      if (!this.underWay && changes === this.changes) return result;
      if (this.underWay) await new Promise<void>(done => this.waiting.push(done));
    }
  }
}
