// Single cheap reads outside the full check: who the connected admin is (for Run All's proposals before a manifest
// exists), and the integration user's latest logins (the watch for BalkanID's first login: one query per poll).
import { OrgClient } from './client';
import { loginsSoql, soql } from './facts';
import { LoginRow } from './rows';

const query = async <T>(client: OrgClient, q: string): Promise<T[]> => {
  const body = (await client.request(
    'GET',
    `/services/data/v${client.apiVersion}/query?q=${encodeURIComponent(q)}`,
  )) as {
    records?: T[];
  };
  return body?.records ?? [];
};

export async function whoAmI(client: OrgClient): Promise<{ username?: string; email?: string }> {
  const [me] = await query<{ Username: string; Email: string }>(
    client,
    `SELECT Username, Email FROM User WHERE Id = ${soql(client.userId)}`,
  );
  return { username: me?.Username, email: me?.Email };
}

/** The same rows as the check's `logins` fact (judge them with loginStatus and the app's creation date). */
export function latestLogins(client: OrgClient, username: string): Promise<LoginRow[]> {
  return query<LoginRow>(client, loginsSoql(username));
}
