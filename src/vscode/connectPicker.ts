// The org picker: an address typed in (a browser login there), orgs the Salesforce CLI knows (listed while the picker
// is open), orgs connected here before by browser login or token, the browser login, an instance URL with an access
// token, or disconnect; with an org connected, its next actions on top (the status bar opens it).
import * as vscode from 'vscode';
import { messageOf } from '../core/types';
import { inert } from '../core/inertText';
import { hostConcern, myDomainUrl, typedOrgUrl } from '../core/url';
import { Controller, engine, Target } from './controller';
import { nextActions } from './viewModel';
import { settings } from './settings';
import { orgKey } from './orgProgress';
import { notify, withCancel } from './notify';

const shown = (text: string) => inert(text).replace(/\$\(/g, '\\$(');
/** The icon of a next action: mail for the request to an administrator, copy for the values, a key otherwise. */
const actionIcon = (command: string) =>
  command === 'balkanid.copyAdminRequest' ? 'mail' : command === 'balkanid.copyValues' ? 'copy' : 'key';

type PickAction = 'browser' | 'browserAt' | 'token' | 'disconnect' | 'command';
type Pick = vscode.QuickPickItem & { target?: Target; action?: PickAction; url?: string; command?: string };

/**
 * The org the admin picked (or typed the address of: a browser login there), 'disconnect', or undefined when the
 * picker was dismissed or an action ran instead. Connected, it offers the next actions on top (the status bar opens
 * it): the values for BalkanID, the credentials, the request for a System Administrator.
 */
export async function pickOrg(controller: Controller): Promise<Target | 'disconnect' | undefined> {
  const pick = vscode.window.createQuickPick<Pick>();
  pick.title = 'Connect a Salesforce org';
  pick.placeholder = "Type your org's address (My Domain) to log in with the browser, or pick an org below";
  const next: Pick[] =
    controller.connection.kind === 'connected'
      ? nextActions(controller.report, controller.offers()).map(a => ({
          label: `$(${actionIcon(a.command)}) ${a.title}`,
          description: controller.connection.kind === 'connected' ? controller.connection.label : undefined,
          action: 'command' as const,
          command: a.command,
        }))
      : [];
  // Orgs connected here before by browser login or token (their sessions in secret storage).
  const remembered: Pick[] = controller.rememberedOrgs.map(o => ({
    label: `$(history) ${o.name ?? o.instanceUrl.replace(/^https?:\/\//, '')}`,
    description:
      (o.via === 'browser' ? 'logged in with the browser' : 'access token') +
      (isCurrent(controller, o.instanceUrl) ? ' (connected)' : ''),
    detail: `${o.instanceUrl} — ${controller.progressOf(o.instanceUrl)}`,
    target: { kind: 'token' as const, instanceUrl: o.instanceUrl, via: o.via },
  }));
  const manual: Pick[] = [
    {
      label: '$(globe) Log in with the browser…',
      detail: 'Production, Developer Edition or sandbox — no Salesforce CLI needed',
      action: 'browser',
    },
    { label: '$(key) Enter instance URL and access token…', action: 'token' },
  ];
  if (controller.connection.kind !== 'disconnected')
    manual.push({ label: '$(debug-disconnect) Disconnect', action: 'disconnect' });
  const separator = (label: string): Pick => ({ label, kind: vscode.QuickPickItemKind.Separator });
  let cliOrgs: Pick[] = [];
  let typed: Pick[] = [];
  const render = () => {
    pick.items = [
      ...typed,
      ...(next.length ? [separator('next'), ...next] : []),
      ...(cliOrgs.length ? [separator('Salesforce CLI'), ...cliOrgs] : []),
      ...(remembered.length ? [separator('connected here before'), ...remembered] : []),
      separator(''),
      ...manual,
    ];
  };
  render();
  // Nothing is preselected while the CLI's orgs load: a quick Enter must not start a browser login by surprise.
  pick.activeItems = [];
  pick.busy = true;
  // An address typed into the box: a browser login there, offered first (Enter starts it).
  pick.onDidChangeValue(value => {
    const url = typedOrgUrl(value);
    typed = url
      ? [{ label: `$(globe) Log in to ${url} with the browser`, alwaysShow: true, action: 'browserAt', url }]
      : [];
    render();
    if (typed.length) pick.activeItems = [pick.items[0]!];
  });
  pick.show();
  engine()
    .listOrgs(settings().sfPath)
    .then(
      orgs => {
        // The org in use is marked, as the Salesforce extensions mark the default org.
        cliOrgs = orgs.map(o => ({
          // An alias is the CLI's text: shown as text (no icon syntax, no control character).
          label: `${isCurrent(controller, o.instanceUrl) ? '$(check)' : '$(cloud)'} ${shown(o.alias ?? o.username)}`,
          description: [
            o.alias ? o.username : undefined,
            isCurrent(controller, o.instanceUrl) ? '(connected)' : undefined,
          ]
            .filter(Boolean)
            .join(' '),
          detail: `${o.instanceUrl ?? ''} — ${controller.progressOf(o.instanceUrl)}`,
          target: { kind: 'sf' as const, alias: o.alias ?? o.username },
        }));
      },
      err => {
        controller.log.warn(`Listing Salesforce CLI orgs failed: ${err.message}`);
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
  if (chosen.action === 'command') {
    await vscode.commands.executeCommand(chosen.command!);
    return undefined;
  }
  if (chosen.target) return chosen.target;
  if (chosen.action === 'browserAt') return loginAt(chosen.url!);
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

const isCurrent = (controller: Controller, url: string | undefined) =>
  controller.connection.kind === 'connected' &&
  !!controller.client &&
  !!url &&
  orgKey(url) === orgKey(controller.client.instanceUrl);

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

/**
 * The browser login at `loginUrl` (OAuth web server flow with PKCE); the org's access token on success, undefined
 * when the admin does not confirm a host outside Salesforce's domains.
 */
export async function loginAt(loginUrl: string): Promise<Target | undefined> {
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
  return { kind: 'token', instanceUrl: session.instanceUrl, accessToken: session.accessToken, via: 'browser' };
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
  return loginAt(loginUrl);
}
