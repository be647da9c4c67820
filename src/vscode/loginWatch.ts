// Watching for BalkanID: once every step is in place and Verify waits for (or last saw a failed) login through the
// app, one query of the integration user's login history, first after 10 s, then with doubling waits up to 10
// minutes, while VS Code is open and the org connected. When the answer changes, the whole org is checked again, so
// the checklist, the status bar and Problems show "BalkanID connected · first login 14:02" or the login's error.
import * as vscode from 'vscode';
import { Controller, engine } from './controller';
import { messageOf, writesDone } from '../core/types';
import type { AppRow } from '../core/rows';

const FIRST_WAIT_MS = 10_000;
const MAX_WAIT_MS = 600_000;

export class LoginWatch implements vscode.Disposable {
  /** The wait before the next poll (on the controller's clock), aborted when the watch is no longer wanted. */
  private pending?: AbortController;
  private wait = FIRST_WAIT_MS;
  private disposed = false;
  private inFlight = false;
  private readonly subscription: vscode.Disposable;
  /** Polls made (for the tests and the log). */
  polls = 0;

  constructor(private readonly controller: Controller) {
    this.subscription = controller.onDidChange(() => this.schedule());
  }

  private get wanted(): boolean {
    const c = this.controller;
    const r = c.report;
    return (
      !this.disposed &&
      c.connection.kind === 'connected' &&
      c.isConnected() &&
      !!r &&
      writesDone(r) &&
      (r.login?.status === 'waiting' || r.login?.status === 'failing')
    );
  }

  private schedule(): void {
    if (!this.wanted) {
      this.pending?.abort();
      this.pending = undefined;
      this.wait = FIRST_WAIT_MS;
      return;
    }
    if (this.inFlight || this.pending) return;
    const pending = (this.pending = new AbortController());
    this.controller.clock.sleep(this.wait, pending.signal).then(
      () => {
        if (this.pending === pending) void this.poll();
      },
      () => undefined,
    );
  }

  private async poll(): Promise<void> {
    const c = this.controller;
    const before = c.report?.login;
    const username = c.report?.handoff?.username;
    this.inFlight = true;
    try {
      if (!this.wanted || !username || c.running.size || !c.isConnected()) return;
      this.polls++;
      const rows = await engine().latestLogins(c.client, username);
      const app = before?.since ? ({ CreatedDate: before.since } as AppRow) : undefined;
      // The extension's own logins (self-tests, reading as the integration user) are never BalkanID's.
      const now = engine().loginStatus({ logins: rows, failed: {}, app }, c.ownLogins);
      const changed = now.status !== before?.status || now.latest?.LoginTime !== before?.latest?.LoginTime;
      if (changed) {
        c.log.info(`Login history of ${username} changed (${now.status}); checking the org again.`);
        await c.check();
      }
      this.wait = Math.min(this.wait * 2, MAX_WAIT_MS);
    } catch (e) {
      c.log.warn(`Watching for BalkanID's login: ${messageOf(e)}`);
      this.wait = Math.min(this.wait * 2, MAX_WAIT_MS);
    } finally {
      this.inFlight = false;
      this.pending = undefined;
      this.schedule();
    }
  }

  dispose(): void {
    this.disposed = true;
    this.pending?.abort();
    this.subscription.dispose();
  }
}
