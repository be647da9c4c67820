// `npm run org -- --port <p> --scenario <name> [--users <n>] [--latency-ms <n>] [--language de|ja|es]
// [--hardened]`: runs the test org in the foreground; --users adds n active users with roles, permission sets,
// groups and assignments (seedLarge.ts); --language answers in that language; --hardened turns the org setting
// "Allow access to External Client App consumer secrets via Metadata API" off (FIDELITY.md).
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
  const started = Date.now();
  const org = await startTestOrg({
    port,
    scenario,
    users,
    language,
    consumerSecretsViaMetadata: !process.argv.includes('--hardened'),
    latencyMs: Number(arg('latency-ms') ?? 0),
  });
  console.log(JSON.stringify(org.info()));
  console.error(
    `Test org (${scenario}${users ? `, ${users} extra users, seeded in ${Date.now() - started} ms` : ''}) at ${org.url}. ` +
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
