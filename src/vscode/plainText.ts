// Text for a notification, a progress message or a modal's detail. VS Code renders `[label](command:…)` (and https:,
// file: links) in notifications as a clickable link that runs the command with its arguments; text from the org (a
// validation rule's message, an Apex error, the org's name) must never become one. So: every control, bidirectional
// and invisible character shown visibly (inert), "](" broken so that no link parses, and a long text cut, the whole
// of it being in the log. No `vscode` import: tested in plain Node.
import { inert } from '../core/inertText';

/** The longest text a notification shows; the log has the rest. */
export const NOTIFICATION_MAX = 600;

/** Text as plain text in a place that renders links or markdown (a notification, the plan document). */
export const plainText = (text: string) => inert(text, { lines: true }).replace(/\]\s*\(/g, '] (');

export function notificationText(text: string): string {
  const plain = plainText(text);
  if (plain.length <= NOTIFICATION_MAX) return plain;
  return `${plain.slice(0, NOTIFICATION_MAX - 30)}… (the rest is in the log)`;
}
