// Reading manifest text: size, byte-order mark, nesting depth and forbidden keys are checked before any object
// is built from it; then the JSON (with comments) is parsed and validated (manifest.ts).
import { createScanner, parse, ParseError, printParseErrorCode, SyntaxKind, visit } from 'jsonc-parser';
import { Manifest, ManifestProblem, validateManifest } from './manifest';

/** A manifest is a few hundred bytes; anything over this is not one and is refused before parsing. */
export const MAX_MANIFEST_BYTES = 64 * 1024;
const MAX_DEPTH = 6;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** One pass over the text: forbidden keys and nesting depth, before anything builds objects from it. */
function structureProblems(text: string): ManifestProblem[] {
  // Depth first, with a flat token loop: the parser itself recurses, so 10,000 "[" would overflow its stack.
  const scanner = createScanner(text, true);
  for (let depth = 0, t = scanner.scan(); t !== SyntaxKind.EOF; t = scanner.scan()) {
    if (t === SyntaxKind.OpenBraceToken || t === SyntaxKind.OpenBracketToken) depth++;
    else if (t === SyntaxKind.CloseBraceToken || t === SyntaxKind.CloseBracketToken) depth--;
    if (depth > MAX_DEPTH)
      return [
        {
          path: [],
          message: `The manifest nests deeper than ${MAX_DEPTH} levels.`,
          fix: 'A setup manifest is flat: { "user": { ... }, "app": { ... } }.',
        },
      ];
  }
  const problems: ManifestProblem[] = [];
  const keys: Array<Set<string>> = [];
  visit(text, {
    onObjectBegin: () => void keys.push(new Set()),
    onObjectEnd: () => void keys.pop(),
    onObjectProperty: (name, _o, _l, _sl, _sc, pathSupplier) => {
      if (problems.length >= 5) return;
      const path = [...pathSupplier(), name];
      if (FORBIDDEN_KEYS.has(name))
        problems.push({
          path,
          message: `The key "${name}" is not allowed.`,
          fix: 'Remove it: it is not a setting and could change how the file is read.',
        });
      else if (keys[keys.length - 1]?.has(name))
        problems.push({
          path,
          message: `"${path.join('.')}" is set twice.`,
          fix: 'Keep one of them: only the last would count, silently.',
        });
      keys[keys.length - 1]?.add(name);
    },
  });
  return problems;
}

/** Parses and validates manifest text. Every problem names its JSON path, what is wrong and how to fix it. */
export function parseManifest(input: string): { manifest?: Manifest; problems: ManifestProblem[] } {
  const bytes = Buffer.byteLength(input);
  if (bytes > MAX_MANIFEST_BYTES)
    return {
      problems: [
        {
          path: [],
          message:
            `The manifest is ${Math.round(bytes / 1024)} KB; a setup manifest is at most ` +
            `${MAX_MANIFEST_BYTES / 1024} KB.`,
          fix: 'Check that "balkanid.manifestPath" (or --manifest) points at the setup manifest.',
        },
      ],
    };
  // Editors on Windows save UTF-8 with a byte-order mark; it is not part of the JSON.
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const structural = structureProblems(text);
  if (structural.length) return { problems: structural };
  const errors: ParseError[] = [];
  const raw = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  const e = errors[0];
  if (e) {
    const line = text.slice(0, e.offset).split('\n').length;
    return {
      problems: [
        {
          path: [],
          message: `The manifest is not valid JSON: ${printParseErrorCode(e.error)} at line ${line}.`,
          fix: 'Fix the JSON syntax at that line.',
        },
      ],
    };
  }
  return validateManifest(raw);
}
