// External Client App: OAuth with api + refresh_token, JWT bearer with BalkanID's certificate, PKCE off,
// admin-approved users pre-authorized, IP relaxation. Deployed as one Metadata API package.
import { finding, Finding, isFindingCode } from '../findings';
import { certificateProblems, sameCertificate } from '../certificate';
import { ecaDestructiveFiles, ecaFiles, ecaNames, EcaPart } from '../eca';
import { bareCode, Facts, wordsOf } from '../facts';
import { isSetupError, Write } from '../types';
import { IP_LABELS, scopeList } from '../setupLabels';
import { adminFindings, Step, StepContext } from './step';
import { STEP_NAMES } from './names';

/** What differs between the app in the org and the manifest; facts that could not be read are not compared. */
const sameValue = (a: unknown, b: string) => String(a ?? '').toLowerCase() === b.toLowerCase();
const sameUrl = (a: unknown, b: string) => String(a ?? '').replace(/\/+$/, '') === b.replace(/\/+$/, '');
/** Whether the org showed the app's global OAuth settings without a certificate (it may just not show it). */
const certificateHidden = (f: Facts) => !!f.app && !!f.global && !f.global.certificate;

function drift(ctx: StepContext): string[] {
  const { facts: f, manifest: m, certificate: cert } = ctx;
  const out: string[] = [];
  const g = f.global;
  if (!f.failed.global) {
    if (!g) out.push('global OAuth settings (callback, certificate, PKCE) are missing');
    else {
      if (!sameUrl(g.callbackUrl, m.app.callbackUrl)) out.push(`callback URL is ${g.callbackUrl ?? 'empty'}`);
      if (String(g.isPkceRequired).toLowerCase() !== 'false') out.push('PKCE is required');
      // A certificate the org does not show is unverified (see certificateFindings), never drift: no redeploy loop.
      if (g.certificate && cert && !isSetupError(cert) && !sameCertificate(g.certificate, cert.pem))
        out.push("the certificate differs from the manifest's");
    }
  }
  if (!f.failed.appOauth) {
    if (!f.appOauth) out.push('OAuth settings are missing');
    else if (
      !f.appOauth.OauthScopesAPI ||
      (m.app.scopes.includes('RefreshToken') && !f.appOauth.OauthScopesREFRESH_TOKEN)
    )
      out.push('OAuth scopes differ');
  }
  if (!f.failed.policy) {
    // Real orgs read some values back in another case ("Enforce_relaxrefresh"): compared case-insensitively.
    if (!sameValue(f.policy?.PermittedUsersPolicyType, 'AdminApprovedPreAuthorized'))
      out.push('permitted users policy');
    else if (!sameValue(f.policy?.IpRelaxationPolicyType, m.app.ipRelaxation))
      out.push(`IP relaxation is ${f.policy?.IpRelaxationPolicyType}`);
  }
  if (f.appPolicy && (!f.appPolicy.IsEnabled || f.appPolicy.OauthPluginStatus === 'Disabled'))
    out.push('the app or its OAuth plugin is disabled');
  return out;
}

function certificateFindings(ctx: StepContext): Finding[] {
  const { manifest: m, certificate: cert } = ctx;
  const at = { subject: 'certificate' as const, manifestPath: ['certificate'] };
  if (!cert)
    return [
      finding('cert-missing', {
        ...at,
        message: `The certificate file "${m.certificate}" was not found.`,
        fix: 'Put BalkanID\'s salesforce.crt next to the manifest, or set "certificate" to its path.',
      }),
    ];
  const unverified = certificateHidden(ctx.facts)
    ? [
        finding('cert-unverified', {
          ...at,
          message:
            "Salesforce does not show the certificate of the app's global OAuth settings, so it was not compared " +
            'with salesforce.crt.',
          fix: 'Run Verify with the private key: a JWT login proves whether the app holds the right certificate.',
        }),
      ]
    : [];
  // The certificate could not be read: its error's code is the finding's (cert-is-csr, cert-several, …).
  if (isSetupError(cert))
    return [
      ...unverified,
      finding(isFindingCode(cert.code) ? cert.code : 'cert-unreadable', {
        ...at,
        message: cert.message,
        fix: 'Point "certificate" at BalkanID\'s salesforce.crt.',
      }),
    ];
  return [...unverified, ...certificateProblems(cert, ctx.now).map(p => ({ ...p, ...at }))];
}

/** The settings a failed read leaves unchecked, in Setup's words. */
const UNREAD = {
  global: 'callback URL, certificate and PKCE (global OAuth settings)',
  appOauth: 'OAuth scopes',
  policy: 'OAuth policies',
  appPolicy: 'app policies',
} as const;

/** Why a read failed, plainly: a JWT-based session, the org setting, or Salesforce's own words. */
function unreadWhy(e: { errorCode: string; message: string }): string {
  if (e.errorCode === 'SOAP_REFUSES_JWT_TOKEN')
    return (
      'your session is JWT-based, and Salesforce takes JWT-based access tokens for REST APIs only, ' +
      'so the Metadata API was not asked'
    );
  return `${bareCode(e.errorCode)}: ${wordsOf(e.errorCode, e.message)}`;
}

/** The Metadata API refused this admin the app's global OAuth settings (the "Special Access Rules"). */
const closed = (f: Facts) => /INSUFFICIENT_ACCESS/.test(f.failed.global?.errorCode ?? '');
const CLOSED_FIX =
  "Salesforce documents that access to an External Client App's OAuth settings through the Metadata API needs the " +
  'org setting "Allow access to External Client App consumer secrets via Metadata API" (Setup → External Client ' +
  'App Settings) and, for developer roles, "View External Client App Consumer Secrets in Metadata". Turn the ' +
  'setting On while the setup runs (Salesforce advises Off: turn it Off again afterwards), or create the app in ' +
  "Setup as BalkanID's guide describes.";

/** The app's component names: Setup's convention, with the OAuth policy's existing name kept. */
export const appNames = (f: Facts, appName: string) =>
  ecaNames(appName, {
    global: f.global?.fullName,
    oauth: f.appOauth?.DeveloperName,
    policy: f.policy?.DeveloperName,
    appPolicy: f.appPolicy?.DeveloperName,
  });

export const app: Step = {
  id: 'app',
  ...STEP_NAMES.app,
  setupPage: '/lightning/setup/ManageExternalClientApplication/home',
  help: {
    guide: 'step-2-enable-oauth-and-jwt-bearer-flow',
    docs:
      'https://help.salesforce.com/apex/HTViewHelpDoc' +
      '?id=xcloud.meta_configure_oauth_jwt_flow_external_client_apps.htm',
  },
  // Salesforce Help: Customize Application, and Modify All Data or Create, edit, and delete External Client Apps;
  // the deploy itself needs Modify Metadata or Modify All Data (audit row 24).
  adminPermissions: [
    ['CustomizeApplication'],
    ['ExternalClientAppDeveloper', 'ModifyAllData'],
    ['ModifyMetadata', 'ModifyAllData'],
  ],
  // The policy admits the permission set by name: the deploy needs it to exist (apply refuses it otherwise).
  dependsOn: ['permissionSet'],
  evaluate(ctx) {
    const { facts: f, manifest: m } = ctx;
    const findings: Finding[] = [...adminFindings(this, f), ...certificateFindings(ctx)];
    const plan: Write[] = [];
    // A fact that could not be read is unknown, not missing: it is reported, and never triggers a redeploy by itself.
    const unread = (['global', 'appOauth', 'policy', 'appPolicy'] as const).filter(ref => f.failed[ref]);
    if (f.app && unread.length)
      findings.push(
        finding('app-partly-unchecked', {
          subject: 'app',
          message:
            `Some of External Client App "${m.app.label}"'s settings could not be read, so they are unchecked ` +
            `(never taken for drift): ${unread.map(r => `${UNREAD[r]}: ${unreadWhy(f.failed[r]!)}`).join('; ')}.`,
          fix: closed(f)
            ? `Check them in Setup → External Client App Manager → "${m.app.label}". ${CLOSED_FIX}`
            : 'Check them in Setup → External Client App Manager, or connect as an admin with Modify Metadata and ' +
              'View Setup.',
        }),
      );
    const differs = f.app ? drift(ctx) : [];
    // Salesforce refuses the app's OAuth settings to this admin through the Metadata API: a deploy of them would be
    // refused too (Metadata API Developer Guide, ExtlClntAppGlobalOauthSettings, "Special Access Rules").
    if (closed(f) && (!f.app || differs.length))
      findings.push(
        finding('oauth-metadata-closed', {
          subject: 'org',
          message:
            `Salesforce refuses the app's OAuth settings through the Metadata API (${unreadWhy(f.failed.global!)}), ` +
            'so the deploy would be refused too.',
          fix: CLOSED_FIX,
        }),
      );
    if (f.app && !f.failed.policy && f.policy?.PermittedUsersPolicyType !== 'AdminApprovedPreAuthorized')
      findings.push(
        finding('policy-self-authorized', {
          subject: 'app',
          message:
            `Permitted Users is "${f.policy?.PermittedUsersPolicyType ?? 'not set'}"; JWT logins need "Admin ` +
            `approved users are pre-authorized".`,
          fix: 'Run the External Client App step.',
        }),
      );
    if (differs.length)
      findings.push(
        finding('app-drift', {
          subject: 'app',
          manifestPath: ['app'],
          message: `External Client App "${m.app.label}" differs from the setup: ${differs.join('; ')}.`,
          fix: 'Run the External Client App step to redeploy it.',
        }),
      );
    if (!f.app || differs.length)
      plan.push({
        step: 'app',
        action: 'deploy',
        target: `External Client App "${m.app.label}"`,
        detail:
          `callback URL ${m.app.callbackUrl}, Use digital signatures (BalkanID's certificate), Require PKCE off; ` +
          `OAuth scopes: ${scopeList(m.app.scopes)}; Permitted Users: Admin approved users are pre-authorized; ` +
          `IP Relaxation: ${IP_LABELS[m.app.ipRelaxation]}; app enabled`,
      });
    return { findings, plan, done: !!f.app && !differs.length };
  },

  /** The app, with its OAuth settings and policies: a deploy of destructive changes. */
  teardown(f, m) {
    if (!f.app) return [];
    const deploy = (apiVersion: string) => ecaDestructiveFiles(appNames(f, m.app.name), apiVersion);
    return [
      {
        step: 'app',
        action: 'delete',
        target: `External Client App "${m.app.label}"`,
        detail: 'with its OAuth settings and policies',
        removal: { deploy },
      },
    ];
  },
};

/** The deploy's files (all components, or some of them for the two-phase fallback). */
export function appDeployFiles(ctx: StepContext, apiVersion: string, parts?: EcaPart[]): Record<string, string> {
  const cert = ctx.certificate;
  if (!cert || isSetupError(cert))
    throw new Error('appDeployFiles needs a readable certificate (the app step is blocked without one)');
  return ecaFiles(ctx.manifest, appNames(ctx.facts, ctx.manifest.app.name), cert.body, apiVersion, parts);
}
