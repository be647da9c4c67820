// Query results page by page (REST API Developer Guide, "Query" and "Query More Results"): a query with more rows
// than a page opens a server-side cursor; `nextRecordsUrl` is /query/<locator>-<offset> and pages on from there.
// The cursor keeps the matching records as they were when the query ran and shapes only the page it returns.
//
// Limits (FIDELITY.md): up to API 56.0 Salesforce documented "A user can have up to 10 query cursors open at a
// time. If 10 QueryLocator cursors are open when a client application, logged in as the same user, attempts to open
// a new one, then the oldest of the 10 cursors is released" and "QueryLocator objects expire automatically after 15
// minutes of inactivity" (SOAP API Developer Guide, "QueryLocator"). Since then there is no limit on open cursors
// and a cursor lives 2 days (Salesforce App Limits Cheatsheet, "API Query Cursor Limits"; KB 000384958). The test
// org keeps the stricter rules by default (queryCursorLimit, queryCursorIdleMs) and always the 2-day lifetime.
import { SfError } from './errors';
import { sameId } from './ids';
import { QueryFaults, dropsCursor, faultError } from './queryFaults';
import type { Org, Rec } from './state';

const TWO_DAYS_MS = 2 * 24 * 3600 * 1000;
/** With no documented limit, still at most this many per user, so that the test org's memory stays bounded [I]. */
const UNLIMITED_CAP = 1000;

export interface Cursor {
  userId: string;
  /** The query (for faults at a chosen page of a chosen query). */
  soql: string;
  rows: Rec[];
  shape: (r: Rec) => any;
  totalSize: number;
  /** `v64.0` */
  version: string;
  tooling: boolean;
  size: number;
  /** Each page starts with the last row of the one before (PermissionDependency as real orgs answer it). */
  repeat: boolean;
  openedAt: number;
  usedAt: number;
  /** The page number of each offset handed out in a nextRecordsUrl (page 1 is the query's own answer). */
  pages?: Map<number, number>;
}

const invalid = () => new SfError('INVALID_QUERY_LOCATOR', 'invalid query locator');

export class Cursors {
  /** Open cursors by locator, oldest first. */
  private readonly open = new Map<string, Cursor>();

  constructor(
    private readonly org: Org,
    private readonly faults?: QueryFaults,
  ) {}

  /** The first page of a result; opens a cursor when more rows follow. */
  first(c: Omit<Cursor, 'openedAt' | 'usedAt'>): any {
    const now = this.org.now();
    return this.page(undefined, { ...c, openedAt: now, usedAt: now }, 0);
  }

  /** A page of an open cursor (`<locator>-<offset>`), for the user who opened it. */
  more(userId: string, locator: string): any {
    const m = /^(01g[A-Za-z0-9]{12})-(\d+)$/.exec(locator);
    const c = m ? this.open.get(m[1]) : undefined;
    if (!m || !c || !sameId(c.userId, userId)) throw invalid();
    if (this.expired(c)) {
      this.open.delete(m[1]);
      throw invalid();
    }
    c.usedAt = this.org.now();
    const offset = Number(m[2]);
    const pageNo = c.pages?.get(offset) ?? Math.floor(offset / c.size) + 1;
    const fault = this.faults?.take(c.soql, pageNo);
    if (fault) {
      if (dropsCursor(fault)) this.open.delete(m[1]);
      throw faultError(fault);
    }
    return this.page(m[1], c, offset, pageNo);
  }

  /** How many cursors a user has open (for tests). */
  count(userId: string): number {
    return [...this.open.values()].filter(c => sameId(c.userId, userId)).length;
  }

  private page(key: string | undefined, c: Cursor, offset: number, pageNo = 1): any {
    const records = c.rows.slice(offset, offset + c.size).map(c.shape);
    const done = offset + c.size >= c.rows.length;
    const body: any = { totalSize: c.totalSize, done, records };
    if (!done) {
      const locator = key ?? this.openCursor(c);
      const next = offset + c.size - (c.repeat && c.size > 1 ? 1 : 0);
      (c.pages ??= new Map()).set(next, pageNo + 1);
      body.nextRecordsUrl = `/services/data/${c.version}/${c.tooling ? 'tooling/' : ''}query/${locator}-${next}`;
    }
    return body;
  }

  private openCursor(c: Cursor): string {
    for (const [k, o] of this.open) if (this.expired(o)) this.open.delete(k);
    const limit = this.org.options.queryCursorLimit > 0 ? this.org.options.queryCursorLimit : UNLIMITED_CAP;
    const mine = [...this.open].filter(([, o]) => sameId(o.userId, c.userId));
    // The oldest of the user's cursors is released; its next page is INVALID_QUERY_LOCATOR.
    while (mine.length >= limit) this.open.delete(mine.shift()![0]);
    const key = this.org.ids.next('01g').slice(0, 15);
    this.open.set(key, c);
    return key;
  }

  private expired(c: Cursor): boolean {
    const now = this.org.now();
    return now - c.usedAt > this.org.options.queryCursorIdleMs || now - c.openedAt > TWO_DAYS_MS;
  }
}
