// ARCHITECTURE.md's recipes, walked: each registry a recipe adds to is complete and holds together — the steps, the
// findings, the error codes, the CLI's commands and options, the test org's sObjects and metadata types. A new entry
// that misses a part of its recipe fails here (the compiler catches most of the rest).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERRORS } from '../../src/core/errorCodes';
import { FINDINGS, FindingSpec } from '../../src/core/findings';
import { PERMISSION_LABELS } from '../../src/core/permissions';
import { STEPS } from '../../src/core/steps';
import { STEP_IDS } from '../../src/core/types';
import { COMMANDS } from '../../src/cli/commands/index';
import { COMMON_FLAGS, FLAGS, FlagName } from '../../src/cli/flags';
import { commandHelp } from '../../src/cli/usage';
import { COMMANDS as VSCODE_COMMANDS } from '../../src/vscode/commandTable';
import { CONTEXT_KEYS } from '../../src/vscode/contextKeys';
import { SOBJECTS } from '../../packages/sf-test-org/src/sobjects';
import '../../packages/sf-test-org/src/metadata'; // loads the metadata types in the order the test org does
import { METADATA_TYPES } from '../../packages/sf-test-org/src/mdtypes';

const root = join(__dirname, '..', '..', '..');
/** Every TypeScript file under a folder of the repository, with its text. */
function sources(dir: string): Array<[string, string]> {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter(f => f.endsWith('.ts'))
    .map(f => [join(dir, f), readFileSync(join(root, dir, f), 'utf8')]);
}
const src = sources('src');
const usedOutside = (file: string, code: string) => src.some(([f, text]) => f !== file && text.includes(`'${code}'`));

describe('recipe: a step (src/core/steps)', () => {
  it('STEPS follows STEP_IDS, and each step has its title, label, Setup page, help and known admin permissions', () => {
    assert.deepEqual(
      STEPS.map(s => s.id),
      [...STEP_IDS],
    );
    for (const s of STEPS) {
      assert.ok(s.title.length > 5 && s.label.length > 3, s.id);
      assert.match(s.setupPage, /^\/lightning\/setup\/\w+\//, s.id);
      assert.ok(s.help.guide && /^https:\/\/help\.salesforce\.com\//.test(s.help.docs), s.id);
      for (const p of s.adminPermissions.flat()) assert.ok(PERMISSION_LABELS[p], `${s.id}: ${p} has a Setup label`);
    }
  });

  it('a step depends only on steps before it, and each step module is in STEPS', () => {
    const seen = new Set<string>();
    for (const s of STEPS) {
      for (const d of s.dependsOn) assert.ok(seen.has(d), `${s.id} depends on ${d}, which comes later`);
      seen.add(s.id);
    }
    const modules = sources('src/core/steps')
      .map(([f]) => f.replace(/^.*\//, '').replace(/\.ts$/, ''))
      .filter(f => f !== 'index' && f !== 'step' && f !== 'names');
    assert.deepEqual(modules.sort(), STEPS.map(s => s.id).sort());
  });

  it('every step that writes records says what teardown does with them (removes them, or keeps them and why)', () => {
    for (const s of STEPS.filter(s => s.records))
      assert.ok(s.teardown || s.kept, `${s.id}: records without teardown or kept`);
  });
});

describe('recipe: a finding (src/core/findings.ts)', () => {
  const specs = Object.entries(FINDINGS) as Array<[string, FindingSpec]>;
  it('an error blocks its step or puts it in error; a warning or an info never does (but waiting for a blocked step)', () => {
    for (const [code, spec] of specs) {
      const stops = ['blocks', 'blocks-or-error', 'error'].includes(spec.effect);
      assert.equal(stops, spec.severity === 'error' || code === 'waits-for', code);
    }
  });

  it('"Run step" repairs only drift; an info is never a Problem and has no quick fix', () => {
    for (const [code, spec] of specs) {
      if (spec.quickFix === 'runStep') assert.equal(spec.effect, 'drift', code);
      if (spec.severity === 'info') assert.deepEqual([spec.problem, spec.quickFix], [false, undefined], code);
    }
  });

  it('every code is made somewhere in src (none declared and never used)', () => {
    for (const [code] of specs) assert.ok(usedOutside('src/core/findings.ts', code), code);
  });
});

describe('recipe: an error code (src/core/errorCodes.ts)', () => {
  it('every code is used somewhere in src, and means something', () => {
    for (const [code, spec] of Object.entries(ERRORS)) {
      assert.ok(spec.means.length > 10, code);
      assert.ok(usedOutside('src/core/errorCodes.ts', code), `${code} is declared but never used`);
    }
  });
});

describe('recipe: a CLI command (src/cli/commands)', () => {
  it('each module of src/cli/commands is registered once, with a name, a summary and a handler', () => {
    const modules = sources('src/cli/commands').filter(([f]) => !f.endsWith('index.ts'));
    assert.equal(modules.length, COMMANDS.length);
    for (const [file, text] of modules)
      assert.ok(
        COMMANDS.some(c => text.includes(`name: '${c.name}'`)),
        `${file} declares a command that is not in COMMANDS`,
      );
    assert.equal(new Set(COMMANDS.map(c => c.name)).size, COMMANDS.length, 'names are unique');
    for (const c of COMMANDS) {
      assert.ok(c.summary.length > 10, c.name);
      assert.equal(typeof c.run, 'function', c.name);
      const review = c.writes ? c.writes.review : undefined;
      if (review)
        assert.ok(
          COMMANDS.some(r => r.name === review && !r.writes),
          `${c.name} is reviewed with ${review}`,
        );
    }
  });

  it('every option is described, goes with every command or with some, and shows in their help', () => {
    for (const name of Object.keys(FLAGS) as FlagName[]) {
      const takers = COMMANDS.filter(c => c.flags[name]);
      const common = (COMMON_FLAGS as readonly string[]).includes(name);
      assert.ok(common !== takers.length > 0, `--${name}: common, or taken by some command (not both, not none)`);
      assert.ok(FLAGS[name].summary.length > 5, name);
      for (const c of takers) assert.ok(commandHelp(c).includes(`--${name}`), `help ${c.name} shows --${name}`);
    }
  });
});

describe('recipe: an sObject or a metadata type of the test org', () => {
  it('every sObject module is registered in sobjects/index.ts', () => {
    const dir = 'packages/sf-test-org/src/sobjects';
    const found = new Set<unknown>();
    for (const [file] of sources(dir).filter(([f]) => !/(index|types)\.ts$/.test(f)))
      for (const value of Object.values(require(join(root, 'out', file.replace(/\.ts$/, '.js'))) as unknown[]))
        for (const o of Array.isArray(value) ? value : [value])
          if (o && typeof o === 'object' && 'def' in o) {
            found.add(o);
            assert.ok([...SOBJECTS.values()].includes(o as never), `${file}: an sObject that is not registered`);
          }
    assert.equal(found.size, SOBJECTS.size, 'every registered sObject was found in a module');
  });

  it('every metadata type module is registered in mdtypes/index.ts', () => {
    const dir = 'packages/sf-test-org/src/mdtypes';
    const found = new Set<unknown>();
    for (const [file] of sources(dir).filter(([f]) => !/(index|types)\.ts$/.test(f)))
      for (const value of Object.values(require(join(root, 'out', file.replace(/\.ts$/, '.js'))) as unknown[]))
        for (const t of Array.isArray(value) ? value : [value])
          if (t && typeof t === 'object' && 'checkAccess' in t && 'suffix' in t) {
            found.add(t);
            assert.ok([...METADATA_TYPES.values()].includes(t as never), `${file}: ${(t as { name: string }).name}`);
          }
    assert.equal(found.size, METADATA_TYPES.size, 'every registered type was found in a module');
  });
});

describe('recipe: a VS Code command (src/vscode/commandTable.ts) and the context keys', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  it('every command of the table is contributed with its title, and has a handler of its own', () => {
    const contributed = new Map<string, string>(
      pkg.contributes.commands.map((c: { command: string; title: string }) => [c.command, c.title]),
    );
    for (const [id, spec] of Object.entries(VSCODE_COMMANDS)) assert.equal(contributed.get(id), spec.title, id);
    const handlers = Object.values(VSCODE_COMMANDS).map(s => s.handler);
    assert.equal(new Set(handlers).size, handlers.length, 'one handler per command');
    const text = readFileSync(join(root, 'src', 'vscode', 'handlers.ts'), 'utf8');
    for (const h of handlers) assert.match(text, new RegExp(`^ {4}${h}[:,]`, 'm'), `handlers.ts provides ${h}`);
  });

  it('every context key package.json reads is declared in contextKeys.ts, and every declared key is read', () => {
    const text = JSON.stringify(pkg.contributes);
    const read = new Set([...text.matchAll(/\bbalkanid\.[a-zA-Z]+\b/g)].map(m => m[0]));
    const keys = Object.keys(CONTEXT_KEYS);
    const used = [...read].filter(
      k => !(k in VSCODE_COMMANDS) && !/^balkanid\.(checklist|preview|credentials|setup)$/.test(k),
    );
    const settings = Object.keys(pkg.contributes.configuration.properties);
    assert.deepEqual(used.filter(k => !settings.some(s => s === k || s.startsWith(`${k}.`))).sort(), [...keys].sort());
  });
});
