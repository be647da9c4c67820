// Consumer key: read back from the app's global OAuth settings (never the secret).
import { finding } from '../findings';
import { Finding } from '../types';
import { adminFindings, Step } from './step';
import { STEP_NAMES } from './names';

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
  evaluate({ facts: f }) {
    const findings: Finding[] = adminFindings(this, f);
    const key = f.global?.consumerKey;
    if (!f.app) findings.push(finding('pending', { message: 'Available once the External Client App exists.' }));
    else if (f.global && !key)
      findings.push(
        finding('consumer-key-unreadable', {
          subject: 'app',
          message: "The consumer key could not be read from the app's global OAuth settings.",
          fix:
            'Open the app in Setup → External Client App Manager → Settings → Consumer Key and Secret, and ' +
            'type ' +
            'the key into the Credentials view.',
        }),
      );
    return { findings, plan: [], done: !!key };
  },
};
