// A Stryker ignorer for `npm run mutate`: mutants inside message strings — text written for a person to read —
// are reported as "Ignored" and left out of the score (issue 16: "≥ 85 % on src/core outside message strings").
//
// A message string is a string or template literal whose own text has at least two words separated by a space,
// one of them a lowercase word ("The certificate expired on ${…}.", "no response", "Integration user"), and a
// `+` concatenation that has one among its parts ('Step "' + id + '" failed: ' + …). What is interpolated into a
// message is part of the message. Still mutated, because a program reads them or the product decides on them:
//  - text with no lowercase word: names and labels matched or written as data ("Standard Platform User",
//    "BalkanID Integration", the upload files' header names "Entity Type", field lists "Id, Name");
//  - code: SOQL (SELECT, FROM, WHERE, ORDER BY, LIMIT, " = "), XML and PEM text;
//  - text the product matches input against: the argument of includes/startsWith/endsWith/indexOf/test/match/
//    replace/split, or a side of ==/===/!=/!== ("not admin approved", "invalid assertion");
//  - every other literal: codes, severities, states, step ids, URLs, API names, empty strings.
import { PluginKind, declareValuePlugin } from '@stryker-mutator/api/plugin';

const CODE = /\b(?:SELECT|FROM|WHERE|ORDER BY|LIMIT)\b|\s=\s|<[?/]?[A-Za-z]|-----/;
const LOWERCASE_WORD = /(?:^|[\s("'“])[a-z][a-z'’-]*[a-z](?=$|[\s.,:;!?)"'”…])/;
const MATCHERS = new Set([
  'includes',
  'startsWith',
  'endsWith',
  'indexOf',
  'lastIndexOf',
  'test',
  'match',
  'search',
  'replace',
  'replaceAll',
  'split',
]);
const COMPARISONS = new Set(['==', '===', '!=', '!==']);

/** The literal text of a string or template literal (interpolations as a gap), else undefined. */
function literalText(node) {
  if (node.type === 'StringLiteral') return node.value;
  if (node.type === 'TemplateLiteral') return node.quasis.map(q => q.value.cooked ?? q.value.raw).join(' \u0000 ');
  return undefined;
}

const isMessageText = text =>
  /[^\s\u0000]\s+[^\s\u0000]/.test(text.replace(/ \u0000 /g, ' ')) && LOWERCASE_WORD.test(text) && !CODE.test(text);

/** Text the product compares input with is a decision, not a message. */
function isMatched(path) {
  const parent = path.parent;
  if (parent.type === 'BinaryExpression' && COMPARISONS.has(parent.operator)) return true;
  if (parent.type === 'CallExpression' && parent.arguments.includes(path.node)) {
    const callee = parent.callee;
    return (
      callee.type === 'MemberExpression' && callee.property.type === 'Identifier' && MATCHERS.has(callee.property.name)
    );
  }
  return false;
}

/** The operands of a chain of `+`. */
function concatenated(node) {
  return node.type === 'BinaryExpression' && node.operator === '+'
    ? [...concatenated(node.left), ...concatenated(node.right)]
    : [node];
}

const REASON =
  'message string (text for a person to read): left out of the score, see scripts/stryker/message-strings.mjs';

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'message-strings', {
    shouldIgnore(path) {
      const node = path.node;
      if (node.type === 'BinaryExpression' && node.operator === '+') {
        if (path.parentPath?.node.type === 'BinaryExpression' && path.parentPath.node.operator === '+')
          return undefined;
        if (isMatched(path)) return undefined;
        const parts = concatenated(node)
          .map(literalText)
          .filter(t => t !== undefined);
        return parts.some(isMessageText) && !parts.some(t => CODE.test(t)) ? REASON : undefined;
      }
      const text = literalText(node);
      if (text === undefined || !isMessageText(text) || isMatched(path)) return undefined;
      return REASON;
    },
  }),
];
