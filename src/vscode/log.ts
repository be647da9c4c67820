// One LogOutputChannel for the extension; every line passes through redaction first.
import * as vscode from 'vscode';
import { redact } from '../core/redact';

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
