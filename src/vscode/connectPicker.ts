// The org picker: orgs the Salesforce CLI knows (listed while the picker is open), an instance URL with an access
// token, or disconnect.
import * as vscode from 'vscode';
import { messageOf } from '../core/types';
import { inert } from '../core/inertText';
import { hostConcern, myDomainUrl } from '../core/url';
import { Controller, engine, Target } from './controller';
import { settings } from './settings';
import { orgKey } from './orgProgress';
import { notify, withCancel } from './notify';

const shown = (text: string) => inert(text).replace(/\$\(/g, '\\$(');

/** The org the admin picked, 'disconnect', or undefined when the picker was dismissed. */
export async function pickOrg(controller: Controller): Promise<Target | 'disconnect' | undefined> {
  type Pick = vscode.QuickPickItem & { target?: Target; action?: 'browser' | 'token' | 'disconnect' };
  const pick = vscode.window.createQuickPick<Pick>();
  pick.title = 'Connect a Salesforce org';
  pick.placeholder = 'Orgs authenticated with the Salesforce CLI';
  const manual: Pick[] = [
    { label: '$(globe) Log in with the browser…', detail: 'No Salesforce CLI needed', action: 'browser' },
    { label: '$(key) Enter instance URL and access token…', action: 'token' },
  ];
  if (controller.connection.kind !== 'disconnected')
    manual.push({ label: '$(debug-disconnect) Disconnect', action: 'disconnect' });
  pick.items = manual;
  // Nothing is preselected while the CLI's orgs load: a quick Enter must not start a browser login by surprise.
  pick.activeItems = [];
  pick.busy = true;
  pick.show();
  engine()
    .listOrgs(settings().sfPath)
    .then(
      orgs => {
        // The org in use is marked, as the Salesforce extensions mark the default org.
        const current =
          controller.connection.kind === 'connected' && controller.client ? orgKey(controller.client.instanceUrl) : '';
        const isCurrent = (url?: string) => !!url && orgKey(url) === current;
        pick.items = [
          ...orgs.map(o => ({
            // An alias is the CLI's text: shown as text (no icon syntax, no control character).
            label: `${isCurrent(o.instanceUrl) ? '$(check)' : '$(cloud)'} ${shown(o.alias ?? o.username)}`,
            description: [o.alias ? o.username : undefined, isCurrent(o.instanceUrl) ? '(connected)' : undefined]
              .filter(Boolean)
              .join(' '),
            detail: `${o.instanceUrl ?? ''} — ${controller.progressOf(o.instanceUrl)}`,
            target: { kind: 'sf' as const, alias: o.alias ?? o.username },
          })),
          { label: '', kind: vscode.QuickPickItemKind.Separator },
          ...manual,
        ];
      },
      err => {
        controller.log.warn(`Listing Salesforce CLI orgs failed: ${err.message}`);
        pick.placeholder = 'No Salesforce CLI orgs found (sf not installed or no logins)';
      },
    )
    .finally(() => {
      pick.busy = false;
    });
  const chosen = await new Promise<Pick | undefined>(resolve => {
    pick.onDidAccept(() => {
      if (pick.selectedItems[0]) resolve(pick.selectedItems[0]);
    });
    pick.onDidHide(() => resolve(undefined));
  });
  pick.dispose();
  if (!chosen) return undefined;
  if (chosen.action === 'disconnect') return 'disconnect';
  if (chosen.target) return chosen.target;
  if (chosen.action === 'browser') return browserLogin();
  const instanceUrl = await vscode.window.showInputBox({
    title: 'Salesforce instance URL',
    prompt: 'The My Domain URL, or the address of any Lightning or Setup page of the org (copied from the browser).',
    placeHolder: 'https://yourcompany.my.salesforce.com',
    ignoreFocusOut: true,
    validateInput: v => {
      if (!v.trim()) return undefined;
      try {
        const url = myDomainUrl(v);
        return url === v.trim().replace(/\/$/, '')
          ? undefined
          : { message: `Connects to ${url}`, severity: vscode.InputBoxValidationSeverity.Info };
      } catch (e) {
        return messageOf(e);
      }
    },
  });
  if (!instanceUrl) return undefined;
  if (!(await confirmHost(myDomainUrl(instanceUrl)))) return undefined;
  const accessToken = await vscode.window.showInputBox({
    title: 'Access token (session ID)',
    password: true,
    ignoreFocusOut: true,
    placeHolder: '00D…!…',
    prompt: 'The org\'s session ID: "Access Token" in the output of `sf org display --target-org <alias>`.',
    validateInput: v => (v.trim().length > 10 ? undefined : 'Paste the access token, e.g. from `sf org display`.'),
  });
  if (!accessToken) return undefined;
  return { kind: 'token', instanceUrl: myDomainUrl(instanceUrl), accessToken: accessToken.trim() };
}

/**
 * A host outside Salesforce's domains, or a private network address, gets the token only after the admin says yes to
 * that host by name (loopback, the test org, needs no question).
 */
async function confirmHost(url: string): Promise<boolean> {
  const concern = hostConcern(url);
  if (!concern) return true;
  const host = new URL(url).host;
  const go = await notify.ask(
    `Connect to ${host}?`,
    `${concern} Connect only if ${host} is your org's own address (a proxy your company runs, for instance).`,
    'Connect',
  );
  return go === 'Connect';
}

/** Where to log in, then the browser (OAuth web server flow with PKCE); the org's access token on success. */
async function browserLogin(): Promise<Target | undefined> {
  type Host = vscode.QuickPickItem & { url?: string };
  const host = await vscode.window.showQuickPick<Host>(
    [
      {
        label: 'Production or Developer Edition',
        description: 'login.salesforce.com',
        url: 'https://login.salesforce.com',
      },
      { label: 'Sandbox', description: 'test.salesforce.com', url: 'https://test.salesforce.com' },
      { label: 'My Domain…', description: "the org's address, or any page of it copied from the browser" },
    ],
    { title: 'Log in to Salesforce with the browser' },
  );
  if (!host) return undefined;
  const loginUrl =
    host.url ??
    (await vscode.window.showInputBox({
      title: 'My Domain URL',
      placeHolder: 'https://yourcompany.my.salesforce.com',
      ignoreFocusOut: true,
      validateInput: v => {
        try {
          return v.trim()
            ? { message: `Logs in at ${myDomainUrl(v)}`, severity: vscode.InputBoxValidationSeverity.Info }
            : undefined;
        } catch (e) {
          return messageOf(e);
        }
      },
    }));
  if (!loginUrl) return undefined;
  const target = myDomainUrl(loginUrl);
  if (!(await confirmHost(target))) return undefined;
  // The box names where the login happens (and where the token exchange goes).
  const session = await withCancel(
    `Log in to Salesforce in the browser at ${new URL(target).host}…`,
    (_report, signal) =>
      engine().webLogin({
        loginUrl: target,
        signal,
        open: url => Promise.resolve(vscode.env.openExternal(vscode.Uri.parse(url, true))),
      }),
  );
  return { kind: 'token', instanceUrl: session.instanceUrl, accessToken: session.accessToken };
}
