// Consumer key: read back from the app (never the secret) — through the Metadata API, or, when the org does not give
// it there, through the Connect REST API's credentials route (key only). When neither gives it, the admin copies it
// from the app's page in Setup (one click away) and types it in; the finding says which route failed and why.
import { finding } from '../findings';
import { Facts, KeyRefusal } from '../facts';
import { Finding } from '../types';
import { adminFindings, Step } from './step';
import { STEP_NAMES } from './names';

/** The app's page in Setup (External Client App Manager), where Settings → OAuth Settings shows the key. */
export const appPage = (appId: string) => `/lightning/setup/ManageExternalClientApplication/${appId}/detail`;
export const consumerKeyPage = (f: Pick<Facts, 'app'>) =>
  f.app && /^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$/.test(f.app.Id) ? appPage(f.app.Id) : undefined;

/** Each route that gave no key, and why, in Salesforce's words and Setup's labels of the settings that close it. */
function why(r: KeyRefusal): string {
  const said = r.message ? `${r.code}: ${r.message}` : r.code;
  if (r.route === 'metadata')
    return (
      `the Metadata API did not give it (${said}); Salesforce withholds consumer credentials there when the org ` +
      'setting "Allow access to External Client App consumer secrets via Metadata API" is Off, as it advises'
    );
  return (
    `the Connect REST API refused it (${said}); Salesforce closes that route with the org setting "Allow access to ` +
    'External Client App consumer secrets via REST API", which it advises to keep Off'
  );
}

export const consumerKey: Step = {
  id: 'consumerKey',
  ...STEP_NAMES.consumerKey,
  setupPage: '/lightning/setup/ManageExternalClientApplication/home',
  help: {
    guide: 'step-4-retrieve-consumer-key',
    docs: 'https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.eca_stage_oauth_credentials.htm',
  },
  adminPermissions: [['ModifyMetadata', 'ModifyAllData']],
  dependsOn: ['app'],
  evaluate({ facts: f, manifest: m, typedConsumerKey }) {
    const findings: Finding[] = adminFindings(this, f);
    const read = f.consumerKey;
    if (!f.app) {
      findings.push(finding('pending', { message: 'Available once the External Client App exists.' }));
      return { findings, plan: [], done: false };
    }
    if (read?.key) return { findings, plan: [], done: true };
    const routes = (read?.refused ?? []).map(why).join('; and ');
    if (typedConsumerKey) {
      findings.push(
        finding('consumer-key-typed', {
          subject: 'app',
          message:
            `The consumer key is the one you copied from Setup: Salesforce gives it to this tool by no route ` +
            `(${routes || 'not read'}). Only a JWT login (Verify) proves it is right.`,
        }),
      );
      return { findings, plan: [], done: true };
    }
    findings.push(
      finding('consumer-key-unreadable', {
        subject: 'app',
        message:
          `The consumer key of External Client App "${m.app.label}" could not be read: ` +
          `${routes || 'no route answered'}.`,
        fix:
          "Open the app's page in Setup (the Credentials view's button, or the address `balkanid-sf handoff` " +
          'prints), then Settings → OAuth Settings → Consumer Key and Secret; copy the Consumer Key into the ' +
          'Credentials view (or pass --consumer-key). Never the secret: BalkanID does not need it. ' +
          'The two settings can stay Off.',
      }),
    );
    return { findings, plan: [], done: false };
  },
};
