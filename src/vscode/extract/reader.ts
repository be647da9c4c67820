// Who reads the org for Preview Extraction and Export for BalkanID…: the integration user, through a real JWT login
// with its stored private key (exactly as BalkanID reads), or else the admin — and every result says which.
import { readPrivateKey } from '../../core/certificate';
import type { OrgClient } from '../../core/client';
import type { Preview } from '../../core/extract/preview';
import { SetupError } from '../../core/types';
import { Controller, engine } from '../controller';

/** The integration user's session when its private key is stored and the setup is in place; else the admin's. */
export async function readerSession(
  c: Controller,
  signal: AbortSignal,
): Promise<{ client: OrgClient; reader: Preview['reader'] }> {
  const admin = c.connected().client;
  const pem = await c.privateKey();
  const username = c.manifest?.manifest?.user.username;
  const handoff = c.report?.handoff;
  const consumerKey = handoff?.consumerKey ?? c.manualConsumerKey;
  if (pem && username && handoff && consumerKey) {
    c.log.info(`Logging in as ${username} (JWT, the stored private key) to read as BalkanID does…`);
    // The extension's own login, not BalkanID's: remembered like the self-test's.
    const login = await engine().rememberedJwtLogin(
      admin,
      {
        instanceUrl: admin.instanceUrl,
        consumerKey,
        username,
        key: readPrivateKey(pem),
        audience: handoff.loginUrl,
        attempts: 1,
        signal,
        session: true,
        onProgress: m => c.log.info(m),
        clock: c.clock,
      },
      fresh => c.rememberOwnLogins(fresh),
      'reader',
    );
    if (!login.ok || !login.client)
      throw new SetupError(
        `${engine().sessionFailure(login, username)} To read as yourself instead, remove the private key in the ` +
          'Credentials view.',
        'JWT_LOGIN_FAILED',
      );
    return { client: login.client, reader: { kind: 'integration', username } };
  }
  const me = await c.admin();
  return { client: admin, reader: { kind: 'admin', username: me.username ?? admin.userId } };
}
