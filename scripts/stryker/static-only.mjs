// A Stryker ignorer for the static run (stryker.static.config.mjs): only the static mutants the engine run left out
// are tested; every other mutant of the org modules is the engine run's, and testing it again would cost minutes for
// a result the summary does not read. scripts/stryker/mutate.mjs writes their places (from the engine run's report)
// to the file named by BALKANID_MUTATE_ONLY: { "src/core/x.ts": { length, comment, places: [[startLine, startColumn,
// endLine, endColumn]] } }, lines and columns as the report gives them (both from 1).
//
// An ignored node's whole subtree is ignored, so a node is ignored when no listed mutant lies within it: the nodes
// around a static mutant stay (they hold no mutant of their own that is not static: code that runs when a module
// loads runs all of it), and what a static mutant holds inside (a function's body, run when it is called) is not.
import { readFileSync } from 'node:fs';
import { PluginKind, declareValuePlugin } from '@stryker-mutator/api/plugin';

const listed = process.env.BALKANID_MUTATE_ONLY
  ? new Map(Object.entries(JSON.parse(readFileSync(process.env.BALKANID_MUTATE_ONLY, 'utf8'))))
  : undefined;
const REASON = "not a static mutant: the engine run's result counts (scripts/stryker/static-only.mjs)";

/** The listed places of the file a node is in, or undefined when the file has none listed. Babel does not say
 *  which file it parsed: the file is known by its length and its first comment (mutate.mjs writes both). */
function placesOf(path) {
  if (!listed) return undefined;
  let top = path;
  while (top.parentPath) top = top.parentPath;
  const file = top.parent;
  if (file?.type !== 'File') return undefined;
  const comment = file.comments?.[0]?.value;
  for (const f of listed.values()) if (f.length === file.end && f.comment === comment) return f.places;
  return undefined;
}

const before = (l1, c1, l2, c2) => l1 < l2 || (l1 === l2 && c1 <= c2);

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'static-only', {
    shouldIgnore(path) {
      const loc = path.node.loc;
      const places = loc && placesOf(path);
      if (!places) return undefined;
      // Babel's columns count from 0, the report's from 1.
      const [sl, sc, el, ec] = [loc.start.line, loc.start.column + 1, loc.end.line, loc.end.column + 1];
      const holds = places.some(([l1, c1, l2, c2]) => before(sl, sc, l1, c1) && before(l2, c2, el, ec));
      return holds ? undefined : REASON;
    },
  }),
];
