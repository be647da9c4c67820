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
  request(method: string, url: string, body?: unknown): Promise<unknown>;
}

export interface Progress {
  report(message: string): void;
}
