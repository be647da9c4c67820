// balkanid-sf teardown: removes what the setup created (asks first unless --yes) and says what it kept and why.
import { gatherFacts, teardown as removeSetup, teardownKept, teardownPlan } from '../../core/engine';
import { defineCommand } from '../command';
import { confirm, deployTimeoutMs, engineInput, toJson } from '../common';
import { usageError } from '../flags';
import { renderPlan } from '../render';

export const teardown = defineCommand({
  name: 'teardown',
  summary: 'remove what the setup created (asks first unless --yes)',
  details:
    'Salesforce users cannot be deleted: the integration user is deactivated, and the profile stays while a user ' +
    'holds it. teardown prints what it removed and what it kept.',
  flags: { yes: 'optional', 'deploy-timeout': 'optional' },
  needsManifest: true,
  connects: true,
  writes: { review: 'check' },
  perOrg: 'line',
  errorStep: 'preflight',
  check(flags) {
    if (flags['all-orgs'])
      throw usageError(
        'teardown does not take --all-orgs: name each org with --target-org (removing the setup from every org the ' +
          'Salesforce CLI knows, production included, in one line is refused).',
      );
  },
  async run(ctx) {
    const { manifest } = ctx.setup;
    const facts = await gatherFacts(ctx.client, manifest);
    const plan = teardownPlan(facts, manifest);
    if (!plan.length) {
      ctx.out(
        ctx.json
          ? toJson({ command: 'teardown', removed: [] })
          : 'Nothing to remove: the BalkanID setup is not in this org.',
      );
      return { code: 0, writes: '0' };
    }
    if (!ctx.flags.yes) {
      ctx.err(renderPlan(plan, 'Teardown would make these writes:'));
      if (!(await confirm('Remove these?', ctx.signal))) {
        ctx.err('Nothing removed.');
        return { code: 1 };
      }
    }
    const removed = await removeSetup(await engineInput(ctx), {
      onProgress: ctx.progress,
      deployTimeoutMs: deployTimeoutMs(ctx.flags),
      signal: ctx.signal,
    });
    const kept = teardownKept(facts, manifest);
    const keptText = kept.length ? `\nKept:\n${kept.map(k => `  ${k}`).join('\n')}` : '';
    ctx.out(
      ctx.json ? toJson({ command: 'teardown', removed, kept }) : `${renderPlan(removed, 'Removed:')}${keptText}`,
    );
    return { code: 0, writes: String(removed.length) };
  },
});
