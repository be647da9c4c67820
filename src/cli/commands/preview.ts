// balkanid-sf preview: what BalkanID will read — counts, sample rows, and every list that cannot be read with the
// permission that fixes it — as the admin, or with --key as the integration user.
import { previewOrg } from '../../core/extract/preview';
import { DEFAULT_USERS, UsersChoice } from '../../core/extract/sources';
import { formatCount } from '../../core/numbers';
import { defineCommand } from '../command';
import { toJson, KEY_ANSWER } from '../common';
import { readerSession } from '../extract';
import { renderPreview } from '../render';

export const preview = defineCommand({
  name: 'preview',
  summary:
    'what BalkanID will read: counts, sample rows, what cannot be read (as you, or with the private key as the ' +
    'integration user)',
  flags: { key: 'optional', users: 'optional', retries: 'optional', 'retry-delay-ms': 'optional', ...KEY_ANSWER },
  needsManifest: 'with --key',
  connects: true,
  writes: false,
  perOrg: 'output',
  async run(ctx) {
    const { client, reader } = await readerSession(ctx);
    const org = ctx.target ?? ctx.client.instanceUrl;
    const p = await previewOrg(
      client,
      reader,
      undefined,
      (ctx.flags.users as UsersChoice | undefined) ?? DEFAULT_USERS,
    );
    ctx.out(ctx.json ? toJson({ command: 'preview', org, ...p }) : renderPreview(p, org));
    const bad = p.sources.filter(s => s.unreadable).length;
    const users = p.sources.find(s => s.id === 'user');
    const result = bad
      ? `${bad} list(s) unreadable`
      : users?.timedOut
        ? 'users: too many to count in time'
        : `${formatCount(users?.count ?? 0)} users`;
    return { code: bad ? 1 : 0, result };
  },
});
