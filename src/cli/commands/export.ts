// balkanid-sf export: entities.csv and entity-relations.csv in BalkanID's upload formats, streamed page by page into
// temporary files renamed at the end (a failure or Ctrl+C leaves the folder as it was).
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ENTITIES_FILE, RELATIONS_FILE } from '../../core/extract/format';
import { formatCount } from '../../core/numbers';
import { codeOf, SetupError } from '../../core/types';
import { exportToDir } from '../../node/exportFiles';
import { defineCommand } from '../command';
import { toJson, KEY_ANSWER } from '../common';
import { onInterrupt, readerSession } from '../extract';
import { usageError } from '../flags';
import { orgFolder } from '../orgs';
import { progressLine, renderExport } from '../render';

export const exportFiles = defineCommand({
  name: 'export',
  summary: "write entities.csv and entity-relations.csv (BalkanID's upload formats)",
  details:
    'As the admin, or with --key as the integration user. With several orgs, each org gets a folder of its own in ' +
    '--out (<out>/<org>); its App column stays "salesforce-<My Domain name>", so that BalkanID keeps them apart.',
  flags: {
    out: 'required',
    key: 'optional',
    app: 'optional',
    retries: 'optional',
    'retry-delay-ms': 'optional',
    ...KEY_ANSWER,
  },
  needsManifest: 'with --key',
  connects: true,
  writes: false,
  perOrg: 'line',
  check(flags, targets) {
    if (flags.app && (targets.length > 1 || flags['all-orgs']))
      throw usageError(
        '--app names one org\'s files; with several orgs each keeps its own App ("salesforce-<My Domain name>", so ' +
          'that BalkanID keeps them apart). Leave --app out, or export the orgs one at a time.',
      );
    if (flags.app && !/^[\w .@:-]{1,100}$/.test(flags.app))
      throw usageError(
        `--app "${flags.app}": use up to 100 letters, digits, spaces and . @ : - _ (BalkanID shows it as the App).`,
      );
  },
  async run(ctx) {
    const { client, reader } = await readerSession(ctx);
    const org = ctx.target ?? ctx.client.instanceUrl;
    const dir = ctx.many && ctx.target ? join(ctx.flags.out, orgFolder(ctx.target)) : ctx.flags.out;
    const started = Date.now();
    const present = await Promise.all(
      [ENTITIES_FILE, RELATIONS_FILE].map(f =>
        access(join(dir, f)).then(
          () => f,
          () => undefined,
        ),
      ),
    );
    const replaced = present.filter(Boolean);
    const interrupt = onInterrupt();
    const r = await exportToDir(client, dir, {
      app: ctx.flags.app, // default: one stable name per org (defaultApp)
      reader: reader.kind === 'integration' ? 'The integration user' : 'You',
      signal: interrupt.signal,
      onProgress: p => {
        const line = progressLine(p);
        if (line) ctx.progress(line);
      },
    })
      .catch((e: unknown) => {
        // Ctrl+C: the export's own handler stops it between pages; the run's (interrupt.ts) stops the page in flight.
        if (codeOf(e) === 'CANCELLED' || codeOf(e) === 'INTERRUPTED')
          throw new SetupError(`Export cancelled: nothing was written to ${resolve(dir)}.`, 'CANCELLED');
        throw e;
      })
      .finally(interrupt.release);
    const seconds = (Date.now() - started) / 1000;
    const note = replaced.length ? `\n(Replaced the ${replaced.join(' and ')} that were there.)` : '';
    ctx.out(
      ctx.json ? toJson({ command: 'export', org, reader, ...r, seconds, replaced }) : renderExport(r, seconds) + note,
    );
    const users = formatCount(r.entities.user ?? 0);
    return { code: r.unreadable.length ? 1 : 0, result: `${users} users, ${formatCount(r.relations)} relations` };
  },
});
