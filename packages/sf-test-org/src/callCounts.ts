// `node out/packages/sf-test-org/src/callCounts.js --users <n> [--external-users <m>] [--max-records <k>]`: how many
// API calls reading an org's access lists takes through REST query (pages of 2,000, nextRecordsUrl) and through Bulk
// API 2.0 query jobs (create, poll once the job is done, results by Sforce-Locator with maxRecords k, delete), on a
// test org seeded in this process and counted by the org itself (Sforce-Limit-Info api-usage). Polls are counted at
// their minimum (one, after the job finished): on a real org a client polls while the job runs, one call each.
import { startTestOrg } from './server';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 0) {
    console.error(`--${name} takes a whole number`);
    process.exit(2);
  }
  return v;
};

/** The lists an identity-governance extractor reads (today's export and baton-salesforce's, FIDELITY.md). */
const LISTS: Array<[string, string]> = [
  ['UserLicense', 'SELECT Id, Name, MasterLabel, LicenseDefinitionKey, Status, TotalLicenses FROM UserLicense'],
  ['Profile', 'SELECT Id, Name, UserLicenseId FROM Profile'],
  ['UserRole', 'SELECT Id, Name, DeveloperName, ParentRoleId, PortalType FROM UserRole'],
  ['PermissionSet', 'SELECT Id, Name, Label, Type, IsCustom, ProfileId, PermissionSetGroupId FROM PermissionSet'],
  ['PermissionSetGroup', 'SELECT Id, DeveloperName, MasterLabel, Status FROM PermissionSetGroup'],
  ['PermissionSetGroupComponent', 'SELECT Id, PermissionSetGroupId, PermissionSetId FROM PermissionSetGroupComponent'],
  ['Group', 'SELECT Id, Name, DeveloperName, Type, RelatedId, Related.Name FROM Group'],
  [
    'User',
    'SELECT Id, Username, Name, Email, IsActive, UserType, ProfileId, UserRoleId, LastLoginDate, CreatedDate, Profile.UserLicense.LicenseDefinitionKey FROM User',
  ],
  ['UserLogin', 'SELECT Id, UserId, IsFrozen, IsPasswordLocked FROM UserLogin'],
  [
    'PermissionSetAssignment',
    'SELECT Id, AssigneeId, PermissionSetId, PermissionSetGroupId, IsActive, ExpirationDate FROM PermissionSetAssignment',
  ],
  ['GroupMember', 'SELECT Id, GroupId, UserOrGroupId FROM GroupMember'],
];

async function main(): Promise<void> {
  const users = arg('users', 100000);
  const externalUsers = arg('external-users', 0);
  const maxRecords = arg('max-records', 250000);
  const started = Date.now();
  const org = await startTestOrg({ users, externalUsers, bulkQueryMs: 0 });
  console.error(`Seeded ${users} users and ${externalUsers} external users in ${Date.now() - started} ms.`);
  const v = `/services/data/v${org.org.options.maxApiVersion}.0`;
  const headers = { Authorization: `Bearer ${org.adminToken}` };
  const calls = () => org.org.apiUsage;
  const get = async (path: string) => {
    const r = await fetch(org.url + path, { headers });
    return { r, text: await r.text() };
  };
  const rows: Array<[string, number, number, number]> = [];
  for (const [name, soql] of LISTS) {
    let before = calls();
    let page = JSON.parse((await get(`${v}/query?q=${encodeURIComponent(`${soql} ORDER BY Id`)}`)).text);
    const total = page.totalSize;
    while (!page.done) page = JSON.parse((await get(page.nextRecordsUrl)).text);
    const rest = calls() - before;

    before = calls();
    const created = await fetch(`${org.url}${v}/jobs/query`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ operation: 'query', query: soql }),
    });
    const job = (await created.json()) as { id: string };
    await org.idle();
    const state = JSON.parse((await get(`${v}/jobs/query/${job.id}`)).text).state;
    if (state !== 'JobComplete') throw new Error(`${name}: job ${state}`);
    let locator: string | null = null;
    do {
      const { r } = await get(
        `${v}/jobs/query/${job.id}/results?maxRecords=${maxRecords}${locator ? `&locator=${locator}` : ''}`,
      );
      locator = r.headers.get('sforce-locator');
    } while (locator && locator !== 'null');
    await fetch(`${org.url}${v}/jobs/query/${job.id}`, { method: 'DELETE', headers });
    rows.push([name, total, rest, calls() - before]);
  }
  await org.stop();
  const sum = (i: 1 | 2 | 3) => rows.reduce((a, r) => a + r[i], 0);
  const w = Math.max(...rows.map(r => r[0].length), 5);
  console.log(
    `${'List'.padEnd(w)}  ${'Rows'.padStart(10)}  ${'REST calls'.padStart(10)}  ${'Bulk calls'.padStart(10)}`,
  );
  for (const [name, total, rest, bulk] of rows)
    console.log(
      `${name.padEnd(w)}  ${String(total).padStart(10)}  ${String(rest).padStart(10)}  ${String(bulk).padStart(10)}`,
    );
  console.log(
    `${'Total'.padEnd(w)}  ${String(sum(1)).padStart(10)}  ${String(sum(2)).padStart(10)}  ${String(sum(3)).padStart(10)}`,
  );
  console.log(
    `(REST: pages of 2,000. Bulk: create + 1 poll + results with maxRecords=${maxRecords} + delete per list; polls while a job runs add one call each.)`,
  );
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
