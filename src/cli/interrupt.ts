// Ctrl+C, SIGTERM (what `timeout`, CI and container stops send) and SIGHUP (a closed terminal) during a command: the
// exchange in flight with each org stops at once (the transport's abort signal), each org's run ends through its own
// error path — which names the step, the writes made so far and the write that may have been in flight — and the
// orgs that had finished keep their results in the table. A second signal exits at once.
import { constants } from 'node:os';
import { SetupError } from '../core/types';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const interrupted = new WeakMap<AbortSignal, string>();

/** Which signal stopped a run ("Ctrl+C", "SIGTERM", "SIGHUP"), if one did. */
export const interruptedBy = (signal: AbortSignal) => interrupted.get(signal);

/**
 * Runs `work` with a signal that aborts on the first SIGINT, SIGTERM or SIGHUP (its reason an INTERRUPTED SetupError
 * naming the signal). The handlers are removed when the work ends.
 */
export async function withInterrupts<T>(
  say: (s: string) => void,
  work: (signal: AbortSignal) => Promise<T>,
  exit: (code: number) => void = code => process.exit(code),
): Promise<T> {
  const stop = new AbortController();
  const handle = (sig: NodeJS.Signals) => {
    if (stop.signal.aborted) return exit(128 + (constants.signals[sig] ?? 2));
    const name = sig === 'SIGINT' ? 'Ctrl+C' : sig;
    interrupted.set(stop.signal, name);
    say(`${name}: stopping now; what each org had done follows (${name} again exits at once).`);
    stop.abort(new SetupError(`Interrupted (${name}).`, 'INTERRUPTED'));
  };
  const handlers = SIGNALS.map(s => [s, () => handle(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  try {
    return await work(stop.signal);
  } finally {
    for (const [s, h] of handlers) process.removeListener(s, h);
  }
}
