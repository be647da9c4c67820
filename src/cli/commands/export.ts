// balkanid-sf export: entities.csv and entity-relations.csv in BalkanID's upload formats, streamed page by page into
// temporary files and committed as a pair at the end (a failure, Ctrl+C or SIGTERM leaves the folder as it was).
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ENTITIES_FILE, RELATIONS_FILE } from '../../core/extract/format';
import { DEFAULT_USERS, UsersChoice } from '../../core/extract/sources';
import { formatCount } from '../../core/numbers';
import { codeOf, SetupError } from '../../core/types';
import { exportToDir } from '../../node/exportFiles';
import { defineCommand } from '../command';
import { toJson, KEY_ANSWER } from '../common';
import { readerSession } from '../extract';
import { interruptedBy } from '../interrupt';
import { usageError } from '../flags';
import { orgFolder } from '../orgs';
import { progressLine, renderExport } from '../render';

/** The App column: an app id as BalkanID's catalogue writes them (okta, aws, salesforce), or a name like them. */
export const APP_PATTERN = /^[\w .@:-]{1,100}$/;

export const exportFiles = defineCommand({
  name: 'export',
  summary: "write entities.csv and entity-relations.csv (BalkanID's upload formats)",
  details:
    'As the admin, or with --key as the integration user. --users chooses which users (standard: internal users, ' +
    'active and deactivated, the default; active; all), and the assignments and memberships follow. Large lists are ' +
    'read with Bulk API 2.0; a failed page is resumed from the last Id. With several orgs, each org gets a folder of ' +
    'its own in --out (<out>/<org>).',
  flags: {
    out: 'required',
    key: 'optional',
    app: 'optional',
    users: 'optional',
    'neutralize-formulas': 'optional',
    retries: 'optional',
    'retry-delay-ms': 'optional',
    ...KEY_ANSWER,
  },
  needsManifest: 'with --key',
  connects: true,
  writes: false,
  perOrg: 'line',
  check(flags) {
    if (flags.app && (!APP_PATTERN.test(flags.app) || /^[-=+@]/.test(flags.app)))
      throw usageError(
        `--app "${flags.app}": use the id of an app in your BalkanID tenant (letters, digits, spaces and . @ : - _, ` +
          'up to 100, not starting with - = + @), e.g. salesforce.',
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
    const r = await exportToDir(client, dir, {
      app: ctx.flags.app,
      users: (ctx.flags.users as UsersChoice | undefined) ?? DEFAULT_USERS,
      neutralizeFormulas: !!ctx.flags['neutralize-formulas'],
      reader: reader.kind === 'integration' ? 'The integration user' : 'You',
      signal: ctx.signal,
      clock: ctx.clock,
      onProgress: p => {
        const line = progressLine(p);
        if (line) ctx.progress(line);
      },
    }).catch((e: unknown) => {
      // Ctrl+C, SIGTERM, SIGHUP (interrupt.ts): the page in flight stops, and the export removes its temporary files.
      if (codeOf(e) === 'CANCELLED' || codeOf(e) === 'INTERRUPTED') {
        const why = interruptedBy(ctx.signal);
        throw new SetupError(
          `Export cancelled${why ? ` (${why})` : ''}: nothing was written to ${resolve(dir)}.`,
          'CANCELLED',
        );
      }
      throw e;
    });
    const seconds = (Date.now() - started) / 1000;
    const note = replaced.length ? `\n(Replaced the ${replaced.join(' and ')} that were there.)` : '';
    ctx.out(
      ctx.json ? toJson({ command: 'export', org, reader, ...r, seconds, replaced }) : renderExport(r, seconds) + note,
    );
    const users = formatCount(r.entities.user ?? 0);
    return { code: r.unreadable.length ? 1 : 0, result: `${users} users, ${formatCount(r.relations)} relations` };
  },
});
