// One LogOutputChannel for the extension; every line passes through redaction first, then inert (control and
// invisible characters from the org shown, never interpreted).
import * as vscode from 'vscode';
import { inert } from '../core/inertText';
import { redact as redactOnly } from '../core/redact';

const redact = (text: string) => inert(redactOnly(text), { lines: true });

export class Log implements vscode.Disposable {
  private made?: vscode.LogOutputChannel;
  /** Made on the first line (not during activation). */
  get channel(): vscode.LogOutputChannel {
    return (this.made ??= vscode.window.createOutputChannel('BalkanID Salesforce Setup', { log: true }));
  }
  info(message: string): void {
    this.channel.info(redact(message));
  }
  warn(message: string): void {
    this.channel.warn(redact(message));
  }
  error(message: string | Error): void {
    this.channel.error(redact(message instanceof Error ? message.message : message));
  }
  show(): void {
    this.channel.show(true);
  }
  dispose(): void {
    this.made?.dispose();
  }
}
