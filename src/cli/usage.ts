// The usage text, derived from the commands (commands/index.ts) and the options (flags.ts): `balkanid-sf help` lists
// them all, `balkanid-sf help <command>` one command with its options.
import type { Command } from './command';
import { COMMANDS } from './commands/index';
import { COMMON_FLAGS, FlagName, FLAGS, FlagSpec } from './flags';

const WIDTH = 118;
const EXIT_CODES =
  "Exit codes: 0 every step done (Verify may still wait for BalkanID's first login); 1 steps remain; 2 error, " +
  'nothing written; 3 error after some writes. preview, export: 1 when a list cannot be read. Several orgs: the ' +
  'worst of them.';

/** Words wrapped to the width, every line after the first indented by `indent`. */
function wrap(text: string, indent: number, width = WIDTH): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width - (lines.length ? indent : 0)) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

/** Two columns: a name padded to the widest, then its text wrapped under itself. */
function table(rows: Array<[string, string]>): string[] {
  const left = Math.max(...rows.map(([name]) => name.length)) + 2;
  return rows.map(([name, text]) => `  ${name.padEnd(left)}${wrap(text, left + 2, WIDTH - left - 2)}`);
}

const option = (name: FlagName) => {
  const spec: FlagSpec = FLAGS[name];
  return spec.value ? `--${name} ${spec.value}` : `--${name}`;
};

/** The commands that take an option (besides the common ones), in the usage's order. */
export const commandsTaking = (name: FlagName) => COMMANDS.filter(c => c.flags[name]).map(c => c.name);

/** `export --out <folder> [--key <file>] …` */
export function synopsis(c: Command): string {
  const flags = (Object.keys(c.flags) as FlagName[]).map(f =>
    c.flags[f] === 'required' ? option(f) : `[${option(f)}]`,
  );
  return ['balkanid-sf', c.name, ...flags, '[options]'].join(' ');
}

export function usage(): string {
  const own = (Object.keys(FLAGS) as FlagName[]).filter(f => commandsTaking(f).length);
  return [
    'Usage: balkanid-sf <command> [options]      balkanid-sf help <command>: one command and its options',
    '',
    'Commands:',
    ...table(COMMANDS.map(c => [c.name, c.summary])),
    '',
    'Options of every command:',
    ...table(COMMON_FLAGS.map(f => [option(f), FLAGS[f].summary])),
    '',
    'Options of some commands:',
    ...table(own.map(f => [option(f), `${commandsTaking(f).join(', ')}: ${FLAGS[f].summary}`])),
    '',
    wrap(EXIT_CODES, 0),
  ].join('\n');
}

export function commandHelp(c: Command): string {
  const own = Object.keys(c.flags) as FlagName[];
  return [
    wrap(`Usage: ${synopsis(c)}`, 7),
    '',
    wrap(`${c.summary[0]!.toUpperCase()}${c.summary.slice(1)}.`, 0),
    ...(c.details ? ['', wrap(c.details, 0)] : []),
    ...(own.length
      ? [
          '',
          'Options:',
          ...table(own.map(f => [option(f), `${c.flags[f] === 'required' ? '(required) ' : ''}${FLAGS[f].summary}`])),
        ]
      : []),
    '',
    'Options of every command:',
    ...table(COMMON_FLAGS.map(f => [option(f), FLAGS[f].summary])),
    '',
    wrap(EXIT_CODES, 0),
  ].join('\n');
}
