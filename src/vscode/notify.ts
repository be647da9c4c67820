// Every notification passes through here, redacted — server text in an error (an echoed token, key or secret) never
// reaches the screen — and as plain text (plainText.ts): VS Code renders [label](command:…) in a notification as a
// link that runs a command, so text from the org is shown with its links broken and its control characters visible,
// a toast's long text cut (the log has it all). Progress messages likewise; a modal's detail (the plan it asks about)
// is shown whole.
import * as vscode from 'vscode';
import { redact } from '../core/redact';
import { notificationText, plainText } from './plainText';

const plain = (text: string) => notificationText(redact(text));

type Kind = 'info' | 'warn' | 'error';

function show<T extends string>(
  kind: Kind,
  message: string,
  options: vscode.MessageOptions | undefined,
  items: T[],
): Thenable<T | undefined> {
  // A modal's detail is what the admin confirms (a plan): shown whole, as plain text; a toast is cut (the log has it).
  const opts = options && {
    ...options,
    detail: options.detail === undefined ? undefined : plainText(redact(options.detail)),
  };
  const text = options?.modal ? plainText(redact(message)) : plain(message);
  if (kind === 'error') return vscode.window.showErrorMessage(text, opts ?? {}, ...items);
  if (kind === 'warn') return vscode.window.showWarningMessage(text, opts ?? {}, ...items);
  return vscode.window.showInformationMessage(text, opts ?? {}, ...items);
}

export const notify = {
  info: <T extends string>(message: string, ...items: T[]) => show('info', message, undefined, items),
  warn: <T extends string>(message: string, ...items: T[]) => show('warn', message, undefined, items),
  error: <T extends string>(message: string, ...items: T[]) => show('error', message, undefined, items),
  /** A modal question; resolves to the chosen item or undefined. */
  ask: <T extends string>(message: string, detail: string, ...items: T[]) =>
    show('warn', message, { modal: true, detail }, items),
};

/**
 * Runs cancellable work under a progress notification: Cancel aborts the work's signal, and every progress message
 * is redacted like the notifications.
 */
export function withCancel<T>(
  title: string,
  work: (report: (message: string) => void, signal: AbortSignal) => Thenable<T> | Promise<T>,
): Thenable<T> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return work(m => progress.report({ message: plain(m) }), abort.signal);
    },
  );
}
