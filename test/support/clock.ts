// The tests' clock: an instant they choose, moved only by the test. Certificates and other fixtures are made from
// it, so no test depends on the day it runs (npm test also runs the suites with the system clock a year off).
import { Clock } from '../../src/core/clock';
import { KeyPairCert, selfSignedCert } from '../../packages/sf-test-org/src/x509';

/** The instant the unit tests live at. Any date works: the suites pass with the system clock a year off. */
export const NOW = Date.parse('2026-11-30T12:00:00Z');

/** Stands still until `advance`; a sleep ends when the clock reaches its end. Every sleep asked for is recorded. */
export class ManualClock implements Clock {
  readonly sleeps: number[] = [];
  private waiters: Array<{ at: number; resolve: () => void }> = [];
  /** `autoAdvance`: every sleep moves the clock by its length at once (retries without waiting). */
  constructor(
    private t = NOW,
    private readonly autoAdvance = false,
  ) {}
  now(): number {
    return this.t;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.autoAdvance) {
      this.t += ms;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = { at: this.t + ms, resolve };
      this.waiters.push(waiter);
      signal?.addEventListener(
        'abort',
        () => {
          this.waiters = this.waiters.filter(w => w !== waiter);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }
  /** Moves the clock; the sleeps that end by then resolve. */
  advance(ms: number): void {
    this.t += ms;
    const due = this.waiters.filter(w => w.at <= this.t);
    this.waiters = this.waiters.filter(w => w.at > this.t);
    for (const w of due) w.resolve();
  }
  /** Sleeps still waiting. */
  get waiting(): number {
    return this.waiters.length;
  }
}

const certs = new Map<number, KeyPairCert>();
/** A certificate valid from an hour before `now` to a year after it (one per instant per process). */
export function certAt(now: number): KeyPairCert {
  let c = certs.get(now);
  if (!c) certs.set(now, (c = selfSignedCert({ now })));
  return c;
}
