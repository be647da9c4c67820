// Counts as people read them, written once for the CLI and the extension.

/** "100,000": the CLI's counts, the same on every machine (en-US). */
export const formatCount = (n: number): string => n.toLocaleString('en-US');

/** A count in the user's own locale (the extension's views and notifications). */
export const formatLocalCount = (n: number): string => n.toLocaleString();
