// What preview and export share: who reads the org — the admin, or with --key the integration user through a real
// JWT login, exactly as BalkanID reads — and Ctrl+C, which stops every export of the process cleanly.
import type { Clock } from '../core/clock';
import { check } from '../core/engine';
import { OrgClient } from '../core/client';
import type { Preview } from '../core/extract/preview';
import { whoAmI } from '../core/probe';
import { SetupError } from '../core/types';
import { JsforceClient } from '../node/salesforce';
import { rememberedJwtLogin, sessionFailure } from '../node/verify';
import type { Setup } from './command';
import { engineInput, jwtOptions, JwtFlags, rememberLoginsFor } from './common';

/** The session the lists are read with, and whose it is. */
export async function readerSession(ctx: {
  flags: JwtFlags;
  client: JsforceClient;
  setup: Setup | undefined;
  clock: Clock;
  progress: (s: string) => void;
}): Promise<{ client: OrgClient; reader: Preview['reader'] }> {
  const { client: admin, setup } = ctx;
  if (!setup)
    return { client: admin, reader: { kind: 'admin', username: (await whoAmI(admin)).username ?? admin.userId } };
  const withSetup = { ...ctx, setup };
  const { report } = await check(await engineInput(withSetup));
  // This login is the tool's, not BalkanID's: remembered beside the manifest like the self-test's.
  const login = await rememberedJwtLogin(
    admin,
    { ...(await jwtOptions(withSetup, report)), session: true, clock: ctx.clock },
    rememberLoginsFor(withSetup),
    'reader',
  );
  const username = setup.manifest.user.username;
  if (!login.ok || !login.client) throw new SetupError(sessionFailure(login, username), 'JWT_LOGIN_FAILED');
  return { client: login.client, reader: { kind: 'integration', username } };
}
