// How long activation took, measured the way VS Code reports its own numbers: evaluating the bundle (the banner and
// footer scripts/bundle.mjs adds) plus the activate() call. The time VS Code takes to build the extension's API
// object on the first require("vscode") is reported apart (every extension pays it).
import type { Log } from './log';

declare const __loadStart: number | undefined;
declare const __loadEnd: number | undefined;
declare const __vscodeApiMs: number | undefined;

export interface Activation {
  totalMs?: number;
  moduleMs?: number;
  activateMs: number;
  vscodeApiMs: number;
  marks: Array<[string, number]>;
}

export function activationTimer() {
  const start = performance.now();
  const marks: Array<[string, number]> = [];
  return {
    mark: (name: string) => void marks.push([name, performance.now() - start]),
    /** The numbers, also written to the log. */
    finish(log: Log): Activation {
      const activateMs = performance.now() - start;
      const vscodeApiMs = typeof __vscodeApiMs === 'number' ? __vscodeApiMs : 0;
      const moduleMs =
        typeof __loadStart === 'number' && typeof __loadEnd === 'number'
          ? __loadEnd - __loadStart - vscodeApiMs
          : undefined;
      const totalMs = moduleMs === undefined ? undefined : moduleMs + activateMs;
      // Said once activation is over (the log's output channel is made on its first line).
      setTimeout(() =>
        log.info(
          `Activated in ${totalMs?.toFixed(1) ?? '?'} ms (module ${moduleMs?.toFixed(1)} ms, activate() ` +
            `${activateMs.toFixed(1)} ms).`,
        ),
      );
      return { totalMs, moduleMs, activateMs, vscodeApiMs, marks };
    },
  };
}
