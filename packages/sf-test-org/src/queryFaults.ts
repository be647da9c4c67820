// Failures of long exports, each at a chosen page of a chosen query: QUERY_TIMEOUT, an expired cursor
// (INVALID_QUERY_LOCATOR) and 5xx answers from Salesforce or from a proxy in front of it. Page 1 is the query request
// itself, page 2 the first nextRecordsUrl, and so on. Answers and their sources (FIDELITY.md):
// - QUERY_TIMEOUT, 400: the query ran past Salesforce's query time (SOAP API Developer Guide, ExceptionCode
//   QUERY_TIMEOUT, "The query has timed out"); the message text here is the one clients report [I].
// - INVALID_QUERY_LOCATOR, 400, "invalid query locator" (cursors.ts; KB 000004410): the cursor is gone.
// - 500 UNKNOWN_EXCEPTION "An unexpected error occurred. Please include this ErrorId if you contact support: …"
//   (as real orgs answer it: restforce/restforce#821); 503 SERVER_UNAVAILABLE "Server too busy"
//   (restforce/restforce#156; REST API Developer Guide, Status Codes: 503 when the server is overloaded or down for
//   maintenance); a proxy's 502 "Bad Gateway" page, and a CDN's 503 page ("Service Not Available. This error
//   originated from Salesforce CDN partner", forcedotcom/SalesforceMobileSDK-CordovaPlugin#621), HTML not JSON.
// Whether the cursor survives a failed page is not documented: by default a 5xx leaves it (a retry of the same
// nextRecordsUrl works) and a QUERY_TIMEOUT ends it (`cursor` switches either way) [I].
import { RawHttpError, SfError } from './errors';

export type QueryFaultError = 'QUERY_TIMEOUT' | 'INVALID_QUERY_LOCATOR' | 500 | 502 | 503;

export interface QueryFault {
  /** A regular expression (case-insensitive) the SOQL must match, e.g. "FROM User\\b". */
  soql: string;
  /** The page that fails: 1 the query request, 2 its first next page, … (default 1). */
  page?: number;
  error: QueryFaultError;
  /** Whose answer a 5xx is: Salesforce's JSON (default) or a proxy's / CDN's HTML page. */
  from?: 'salesforce' | 'proxy';
  /** How many requests for that page fail before one succeeds (default 1; retries count). */
  times?: number;
  /** After the failure the cursor is kept (a retry of the same page works) or dropped (INVALID_QUERY_LOCATOR next). */
  cursor?: 'keep' | 'drop';
}

interface Armed extends QueryFault {
  re: RegExp;
  left: number;
}

export const QUERY_TIMEOUT_MESSAGE = 'Your query request was running for too long.';

let errorIds = 0;
/** The error a fault answers with. */
export function faultError(f: Pick<QueryFault, 'error' | 'from'>): Error {
  switch (f.error) {
    case 'QUERY_TIMEOUT':
      return new SfError('QUERY_TIMEOUT', QUERY_TIMEOUT_MESSAGE, 400);
    case 'INVALID_QUERY_LOCATOR':
      return new SfError('INVALID_QUERY_LOCATOR', 'invalid query locator', 400);
    case 500: {
      const n = ++errorIds;
      return new SfError(
        'UNKNOWN_EXCEPTION',
        `An unexpected error occurred. Please include this ErrorId if you contact support: ${1452464078 + n}-${314667 + n} (${-1173371248 - n})`,
        500,
      );
    }
    case 502:
      return new RawHttpError(
        502,
        '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>',
      );
    case 503:
      return f.from === 'proxy'
        ? new RawHttpError(
            503,
            '<html><head><title>Service Not Available</title></head><body><h1>Service Not Available</h1><p>This error originated from Salesforce CDN partner.</p></body></html>',
          )
        : new SfError('SERVER_UNAVAILABLE', 'Server too busy', 503);
  }
}

export class QueryFaults {
  private armed: Armed[] = [];

  add(f: QueryFault): void {
    if (!['QUERY_TIMEOUT', 'INVALID_QUERY_LOCATOR', 500, 502, 503].includes(f.error as never))
      throw new Error(`unknown query fault ${String(f.error)}`);
    this.armed.push({ ...f, re: new RegExp(f.soql, 'i'), left: f.times ?? 1 });
  }
  clear(): void {
    this.armed = [];
  }
  get pending(): number {
    return this.armed.filter(f => f.left > 0).length;
  }

  /** The fault for page `page` of `soql`, used up by one; undefined when the page should be answered. */
  take(soql: string, page: number): Armed | undefined {
    const f = this.armed.find(x => x.left > 0 && (x.page ?? 1) === page && x.re.test(soql));
    if (f) f.left--;
    return f;
  }
}

/** Whether a fault ends the cursor it hit. */
export const dropsCursor = (f: QueryFault): boolean =>
  f.error === 'INVALID_QUERY_LOCATOR' || (f.cursor ?? (f.error === 'QUERY_TIMEOUT' ? 'drop' : 'keep')) === 'drop';
