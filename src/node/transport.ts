// jsforce's request defaults, which are per process: a timeout instead of its 30 minutes, and redirects refused
// (jsforce would copy the Authorization header to any Location).
import { RedirectRefused } from './httpErrors';

/** jsforce waits 30 minutes for a silent org by default; two minutes is plenty for any single call we make. */
export const REQUEST_TIMEOUT_MS = 120_000;

/** jsforce's redirect hook: throwing here stops the redirect before any request (and token) goes out. */
export const refuseRedirect = (location: string): never => {
  throw new RedirectRefused(location);
};

/**
 * jsforce keeps request defaults per process (its transport sets them from the proxy variables on import): a
 * timeout instead of its 30 minutes, and redirects refused. Called before any request, OAuth ones included.
 */
let requestTimeoutMs = REQUEST_TIMEOUT_MS;
export async function configureTransport(timeoutMs?: number): Promise<void> {
  requestTimeoutMs = timeoutMs ?? requestTimeoutMs; // a later call without one keeps the one set
  await import('jsforce');
  const { setDefaults } = await import('jsforce/lib/request');
  setDefaults({
    httpProxy:
      process.env.https_proxy ??
      process.env.http_proxy ??
      process.env.HTTPS_PROXY ??
      process.env.HTTP_PROXY ??
      undefined,
    timeout: requestTimeoutMs,
    followRedirect: refuseRedirect,
  });
}
