// `npm run org -- --port <p> --scenario <name> [--users <n>] [--external-users <m>] [--inactive-share <0..1>]
// [--latency-ms <n>]`: runs the test org in the foreground; --users adds n internal users with roles, permission
// sets, groups and assignments, --external-users m portal, community and guest users (seedLarge.ts).
import { startTestOrg } from './server';
import { SCENARIOS, Scenario } from './scenarios';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const scenario = (arg('scenario') ?? 'fresh') as Scenario;
  if (!SCENARIOS.includes(scenario)) {
    console.error(`Unknown scenario '${scenario}'. Use one of: ${SCENARIOS.join(', ')}`);
    process.exit(2);
  }
  const port = Number(arg('port') ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error('--port takes a number from 0 to 65535');
    process.exit(2);
  }
  const users = Number(arg('users') ?? 0);
  if (!Number.isInteger(users) || users < 0) {
    console.error('--users takes a whole number (0 or more)');
    process.exit(2);
  }
  const externalUsers = Number(arg('external-users') ?? 0);
  if (!Number.isInteger(externalUsers) || externalUsers < 0) {
    console.error('--external-users takes a whole number (0 or more)');
    process.exit(2);
  }
  const inactiveShare = arg('inactive-share') === undefined ? undefined : Number(arg('inactive-share'));
  if (inactiveShare !== undefined && !(inactiveShare >= 0 && inactiveShare <= 1)) {
    console.error('--inactive-share takes a number from 0 to 1 (the share of --users seeded deactivated)');
    process.exit(2);
  }
  const started = Date.now();
  const org = await startTestOrg({
    port,
    scenario,
    users,
    externalUsers,
    inactiveShare,
    latencyMs: Number(arg('latency-ms') ?? 0),
  });
  const seeded = users + externalUsers;
  const peakMb = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(JSON.stringify(org.info()));
  console.error(
    `Test org (${scenario}${
      seeded
        ? `, ${users} extra users and ${externalUsers} external users, seeded in ${Date.now() - started} ms, peak RSS ${peakMb} MB`
        : ''
    }) at ${org.url}. ` +
      `Log in with the Salesforce CLI:\n` +
      `  SF_ACCESS_TOKEN='${org.adminToken}' sf org login access-token --instance-url ${org.url} --no-prompt --alias testorg\n` +
      `Controls: ${org.url}/__testorg/stats, /__testorg/reset, /__testorg/faults. Ctrl+C stops it.`,
  );
  const stop = () => {
    org.stop().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
