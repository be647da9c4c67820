// What the engine needs from a Salesforce connection. The Node adapter (src/node/salesforce.ts) implements
// it over jsforce; keeping it an interface keeps the engine free of transport details.

/** One subrequest's answer: its HTTP status and its body as sent (narrowed by whoever reads it). */
export interface SubResult {
  status: number;
  body: unknown;
}

export interface DeployOutcome {
  id: string;
  status: string;
  success: boolean;
  failures: Array<{ componentType: string; fullName: string; problem: string }>;
}

export interface DeployOptions {
  checkOnly?: boolean;
  /** The API version of the deployRequest (the files' package.xml names the same); default the connection's. */
  apiVersion?: string;
  /** Stop waiting after this long (the deploy goes on in Salesforce): a DEPLOY_STILL_RUNNING error. */
  timeoutMs?: number;
}

export interface OrgClient {
  readonly instanceUrl: string;
  readonly apiVersion: string;
  readonly userId: string;
  readonly orgId: string;
  /** Many GET subrequests in one round trip (composite/batch); each result carries its own status. */
  batch(requests: Array<{ ref: string; url: string }>): Promise<Record<string, SubResult>>;
  /** composite with references (`@{ref.id}`); one round trip. */
  composite(
    requests: Array<{ referenceId: string; method: string; url: string; body?: unknown }>,
    allOrNone: boolean,
  ): Promise<Record<string, SubResult>>;
  readMetadata(type: string, fullNames: string[]): Promise<Array<Record<string, unknown> | undefined>>;
  /** The full names of a metadata type's components. */
  listMetadata(type: string): Promise<string[]>;
  deploy(
    files: Record<string, string>,
    options: DeployOptions,
    onProgress?: (status: string) => void,
    signal?: AbortSignal,
  ): Promise<DeployOutcome>;
  /**
   * One REST request. `once`: no retry inside the transport (jsforce retries GETs on 5xx five times, silently, on
   * the system clock): for callers that retry themselves — the export's reader, which resumes a list from the last
   * Id, says so and waits on the injectable clock.
   */
  request(method: string, url: string, body?: unknown, options?: { once?: boolean }): Promise<unknown>;
  /**
   * A GET whose answer is text (Bulk API 2.0 query results: CSV), with the response's headers (lower-case names).
   * How large an answer may be is the transport's to bound (issue 18: a size cap per kind of answer); the caller
   * asks for sets small enough to hold (maxRecords).
   */
  requestText(url: string): Promise<{ text: string; headers: Record<string, string> }>; // (once, as above)
}

export interface Progress {
  report(message: string): void;
}
