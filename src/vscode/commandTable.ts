// The one command table: every command's id, title and handler name. package.json mirrors it (checked by a
// unit test); extension.ts registers each entry against the handlers. Pure, so plain Node can test it.

export interface Handlers {
  connect(arg?: unknown): unknown;
  disconnect(): unknown;
  checkAll(): unknown;
  runAll(arg?: unknown): unknown;
  runStep(arg?: unknown): unknown;
  checkStep(arg?: unknown): unknown;
  openInSetup(arg?: unknown): unknown;
  showPlan(arg?: unknown): unknown;
  verify(): unknown;
  openCredentials(): unknown;
  copyValues(): unknown;
  createManifest(): unknown;
  teardown(arg?: unknown): unknown;
  showLog(): unknown;
  recordTrace(): unknown;
  chooseCertificate(): unknown;
  openHelp(arg?: unknown): unknown;
  previewExtraction(): unknown;
  exportForBalkanId(arg?: unknown): unknown;
  uploadToBalkanId(arg?: unknown): unknown;
}

export interface CommandSpec {
  title: string;
  handler: keyof Handlers;
  icon?: string;
  /** shown in the Command Palette */ palette: boolean;
}

export const CATEGORY = 'BalkanID';

export const COMMANDS: Record<string, CommandSpec> = {
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
};
