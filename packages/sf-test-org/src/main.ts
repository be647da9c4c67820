// `npm run org -- --port <p> --scenario <name> [--users <n>] [--external-users <m>] [--inactive-share <0..1>]
// [--latency-ms <n>] [--language de|ja|es] [--hardened]`: runs the test org in the foreground; --users adds n internal
// users with roles, permission sets, groups and assignments, --external-users m portal, community and guest users
// (seedLarge.ts); --language answers in that language; --hardened turns the org setting "Allow access to External
// Client App consumer secrets via Metadata API" off (FIDELITY.md).
import { getHeapStatistics } from 'node:v8';
import { startTestOrg } from './server';
import { SCENARIOS, Scenario } from './scenarios';
import { LANGUAGES, Lang } from './i18n';

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
  const language = (arg('language') ?? 'en') as Lang;
  if (!LANGUAGES.includes(language)) {
    console.error(`--language takes one of: ${LANGUAGES.join(', ')}`);
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
  // About 2 KB of heap per internal user and 1.5 KB per external one with what comes with them (measured: a million
  // users take 1.9 GB). Past Node's heap limit the seeding would crash after minutes: say so at once.
  const needMb = Math.ceil((users * 2 + externalUsers * 1.5) / 1024) + 300;
  const limitMb = Math.floor(getHeapStatistics().heap_size_limit / 2 ** 20);
  if (needMb > limitMb * 0.9) {
    console.error(
      `Seeding ${users} users and ${externalUsers} external users needs about ${needMb} MB of heap, more than Node's ` +
        `${limitMb} MB. Run it with a larger heap: NODE_OPTIONS=--max-old-space-size=${Math.ceil((needMb * 1.3) / 1024) * 1024} npm run org -- …`,
    );
    process.exit(2);
  }
  const started = Date.now();
  const org = await startTestOrg({
    port,
    scenario,
    users,
    externalUsers,
    inactiveShare,
    language,
    consumerSecretsViaMetadata: !process.argv.includes('--hardened'),
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
