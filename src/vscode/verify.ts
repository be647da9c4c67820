// Verify: the JWT self-test with a private key the admin provides (stored in secret storage, or picked for this
// test only). The outcome is shown in a notification with the next action, and in the Credentials view.
import * as vscode from 'vscode';
import { MAX_PRIVATE_KEY_BYTES, readPrivateKey } from '../core/certificate';
import { SetupError } from '../core/types';
import { Controller, engine } from './controller';
import { readPicked } from './credentials';
import { notify, withCancel } from './notify';
import { settings } from './settings';
import { loginDescription } from './viewModel';

async function selfTest(c: Controller, keyPem: string, progress: (m: string) => void, signal: AbortSignal) {
  const key = readPrivateKey(keyPem);
  const { client } = c.connected();
  return c.guarded(async () => {
    const report = await c.check();
    const consumerKey = report.handoff?.consumerKey ?? c.manualConsumerKey;
    if (!consumerKey)
      throw new SetupError(
        'The consumer key is not known yet: run all steps, or type it into the Credentials view.',
        'NO_CONSUMER_KEY',
        'verify',
      );
    // The self-test's logins are this extension's own: remembered, so they never count as BalkanID's.
    const result = await engine().rememberedJwtLogin(
      client,
      {
        instanceUrl: client.instanceUrl,
        consumerKey,
        username: report.handoff!.username,
        key,
        audience: report.handoff!.loginUrl,
        attempts: settings().verifyAttempts,
        signal,
        onProgress: progress,
        clock: c.clock,
      },
      fresh => c.rememberOwnLogins(fresh),
      'self-test',
    );
    await c.check();
    return result;
  });
}

export async function verify(controller: Controller, checkAll: () => Promise<unknown>): Promise<unknown> {
  let pem = await controller.privateKey();
  if (!pem) {
    const choice = await notify.info(
      'The JWT self-test needs the private key that matches salesforce.crt (BalkanID usually keeps it). Without ' +
        'it, the static checks still run.',
      'Choose Key File…',
      'Check Only',
    );
    if (choice === 'Check Only') {
      await checkAll();
      const r = controller.report;
      if (r)
        void notify.info(
          `Checked: ${r.steps.filter(s => s.state === 'done').length} of ${r.steps.length} steps done; ` +
            `${loginDescription(r.login) ?? "waiting for BalkanID's first login through the app"}.`,
        );
      return r;
    }
    if (choice !== 'Choose Key File…') return undefined;
    const file = await vscode.window.showOpenDialog({
      canSelectMany: false,
      openLabel: 'Use for this test',
      filters: { 'Private keys': ['pem', 'key'] },
    });
    if (!file?.[0]) return undefined;
    pem = Buffer.from(await readPicked(file[0], MAX_PRIVATE_KEY_BYTES, 'The private key', 'key-too-large')).toString(
      'utf8',
    );
  }
  const result = await withCancel('Verifying the JWT login', (report, signal) =>
    selfTest(controller, pem!, report, signal),
  );
  let text: string;
  const memory =
    result.forgotten || result.remembered === undefined
      ? " (It could not be told apart from BalkanID's logins: your login history is not visible to you.)"
      : " BalkanID's own first login is still awaited: this test does not count as it.";
  if (result.ok) {
    const reads = result.reads.map(r => `${r.label} ${r.count}`).join(', ');
    text = `Self-test passed: the JWT login as the integration user works. BalkanID can read: ${reads}.${memory}`;
    controller.log.info(text);
    void notify.info(text, 'Copy Values').then(c => c && vscode.commands.executeCommand('balkanid.copyValues'));
  } else if (result.failure) {
    text = `JWT login failed (${result.failure.description}). ${result.failure.cause} Fix: ${result.failure.fix}`;
    controller.log.warn(text);
    void notify
      .error(text, 'Show Checklist')
      .then(c => c && vscode.commands.executeCommand('balkanid.checklist.focus'));
  } else {
    const bad = result.reads.filter(r => r.error);
    text = `JWT login works, but: ${bad.map(r => `${r.label}: ${r.cause}`).join(' ')}`;
    void notify.warn(text);
  }
  controller.recordVerify(result.ok, text);
  return result;
}
