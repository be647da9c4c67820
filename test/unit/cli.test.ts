// The command line as a registry of commands: an unknown command stops before anything runs, --version, help for
// one command. (Each command's own behaviour: test/engine/cli.test.ts, orgs.test.ts, ways.test.ts.)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli';

async function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const asked: string[] = [];
  const code = await main(
    argv,
    s => out.push(s),
    s => err.push(s),
    {
      credentials: async target => {
        asked.push(target);
        throw new Error('no org in a unit test');
      },
      listOrgs: async () => {
        asked.push('--all-orgs');
        return [];
      },
    },
  );
  return { code, stdout: out.join('\n'), stderr: err.join('\n'), asked };
}

describe('balkanid-sf: the commands', () => {
  it('an unknown command is refused with the list of commands, before any org is asked for (exit 2)', async () => {
    for (const name of ['deploy', 'tear-down', 'Teardown']) {
      const r = await cli([name, '--target-org', 'prod', '--yes']);
      assert.equal(r.code, 2, name);
      assert.match(r.stderr, new RegExp(`^Unknown command "${name}"\\. Commands: check, plan, apply, verify, `));
      assert.match(r.stderr, /Run `balkanid-sf help` for every command and option\.$/);
      assert.deepEqual(r.asked, [], 'no org was connected');
      assert.equal(r.stdout, '');
    }
  });

  it("--version prints package.json's version and runs nothing", async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
    for (const argv of [['--version'], ['check', '--version', '--target-org', 'prod']]) {
      const r = await cli(argv);
      assert.deepEqual([r.code, r.stdout, r.asked], [0, `balkanid-sf ${version}`, []], argv.join(' '));
    }
  });

  it('help <command> and <command> --help show that command with only the options it takes', async () => {
    const help = await cli(['help', 'export']);
    assert.equal(help.code, 0);
    assert.match(
      help.stdout,
      /^Usage: balkanid-sf export --out <folder> \[--key <file>\] \[--app <id>\] \[--users <standard\|active\|all>\]/,
    );
    assert.match(help.stdout, /--out <folder> +\(required\) where entities\.csv and entity-relations\.csv are written/);
    assert.ok(!/--step|--tenant-url|--yes/.test(help.stdout), 'no option of another command');
    assert.equal((await cli(['export', '--help'])).stdout, help.stdout);
    const unknown = await cli(['help', 'deploy']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown command "deploy"/);
  });

  it('help lists every command with its summary, and each option with the commands it goes with', async () => {
    const r = await cli(['help']);
    assert.equal(r.code, 0);
    for (const name of ['check', 'plan', 'apply', 'verify', 'handoff', 'teardown', 'preview', 'export', 'upload'])
      assert.match(r.stdout, new RegExp(`^  ${name} +\\S`, 'm'), name);
    assert.match(r.stdout, /^ {2}--yes +apply, teardown: do not ask before writing$/m);
    assert.match(r.stdout, /^ {2}--key <file> +verify, preview, export: /m);
    assert.deepEqual((await cli([])).stdout, r.stdout);
  });

  it("an option of another command names the commands it goes with, and its error points to that command's help", async () => {
    const r = await cli(['check', '--out', 'files', '--target-org', 'prod']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, '--out goes with export, not check.\nRun `balkanid-sf help check` for its options.');
    assert.deepEqual(r.asked, []);
  });
});
