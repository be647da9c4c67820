// The one command table: every command's id, title, icon and handler name. package.json mirrors it (checked by a
// unit test); every entry is registered against its handler (lazyUi.ts), and `Handlers` — what handlers.ts must
// provide — derives from it, so the compiler notices a missing handler. Pure, so plain Node can test it.

export interface CommandSpec {
  title: string;
  handler: string;
  icon?: string;
  /** shown in the Command Palette */ palette: boolean;
}

export const CATEGORY = 'BalkanID';

const TABLE = {
  'balkanid.connect': { title: 'Connect or Switch Salesforce Org', handler: 'connect', icon: '$(plug)', palette: true },
  'balkanid.disconnect': { title: 'Disconnect Org', handler: 'disconnect', palette: true },
  'balkanid.checkAll': { title: 'Check All Steps', handler: 'checkAll', icon: '$(refresh)', palette: true },
  'balkanid.runAll': { title: 'Run All Steps…', handler: 'runAll', icon: '$(run-all)', palette: true },
  'balkanid.runStep': { title: 'Run Step…', handler: 'runStep', icon: '$(play)', palette: true },
  'balkanid.checkStep': { title: 'Check Step', handler: 'checkStep', icon: '$(refresh)', palette: false },
  'balkanid.openInSetup': {
    title: 'Open in Salesforce Setup',
    handler: 'openInSetup',
    icon: '$(link-external)',
    palette: true,
  },
  'balkanid.showPlan': {
    title: 'Show Plan (Changes Before They Are Made)',
    handler: 'showPlan',
    icon: '$(list-flat)',
    palette: true,
  },
  'balkanid.verify': { title: 'Verify Setup (JWT Login)', handler: 'verify', icon: '$(verified)', palette: true },
  'balkanid.openCredentials': { title: 'Open Credentials', handler: 'openCredentials', icon: '$(key)', palette: true },
  'balkanid.copyValues': { title: 'Copy BalkanID Values', handler: 'copyValues', icon: '$(copy)', palette: true },
  'balkanid.copyValue': { title: 'Copy One BalkanID Value…', handler: 'copyValue', icon: '$(copy)', palette: true },
  'balkanid.copyAdminRequest': {
    title: 'Copy Request for a System Administrator',
    handler: 'copyAdminRequest',
    icon: '$(mail)',
    palette: true,
  },
  'balkanid.createManifest': {
    title: 'Create Setup Manifest',
    handler: 'createManifest',
    icon: '$(new-file)',
    palette: true,
  },
  'balkanid.teardown': { title: 'Tear Down Setup…', handler: 'teardown', palette: true },
  'balkanid.showLog': { title: 'Show Log', handler: 'showLog', icon: '$(output)', palette: true },
  'balkanid.recordTrace': { title: 'Record Trace…', handler: 'recordTrace', icon: '$(record)', palette: true },
  'balkanid.chooseCertificate': {
    title: "Choose BalkanID's Certificate…",
    handler: 'chooseCertificate',
    icon: '$(file-symlink-file)',
    palette: true,
  },
  'balkanid.openHelp': { title: 'Open Help for This Step', handler: 'openHelp', icon: '$(question)', palette: true },
  'balkanid.previewExtraction': {
    title: 'Preview Extraction (What BalkanID Will Read)',
    handler: 'previewExtraction',
    icon: '$(eye)',
    palette: true,
  },
  'balkanid.exportForBalkanId': {
    title: 'Export for BalkanID…',
    handler: 'exportForBalkanId',
    icon: '$(export)',
    palette: true,
  },
  'balkanid.uploadToBalkanId': {
    title: 'Upload to BalkanID…',
    handler: 'uploadToBalkanId',
    icon: '$(cloud-upload)',
    palette: true,
  },
} as const satisfies Record<string, CommandSpec>;

/** Each command's handler, by the name the table gives it. */
export type Handlers = Record<(typeof TABLE)[keyof typeof TABLE]['handler'], (arg?: unknown) => unknown>;
export type HandlerName = keyof Handlers;
export const COMMANDS: Readonly<Record<string, CommandSpec & { handler: HandlerName }>> = TABLE;
