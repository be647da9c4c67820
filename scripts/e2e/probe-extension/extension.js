// Another extension installed beside BalkanID's in the UI drive (scripts/e2e/ui-drive.js): its command activates the
// BalkanID extension and says what activate() handed it. Outside the extension's own tests it must be nothing, even
// with BALKANID_TEST_AUTOMATION=1 in the environment (src/vscode/automation.ts).
const vscode = require('vscode');

exports.activate = context => {
  context.subscriptions.push(
    vscode.commands.registerCommand('balkanidProbe.readExports', async () => {
      const ext = vscode.extensions.getExtension('balkanid.balkanid-salesforce-setup');
      const api = ext ? await ext.activate() : 'no extension';
      const keys = api && typeof api === 'object' ? Object.keys(api).join(',') : String(api);
      await vscode.window.showInformationMessage(
        `Probe: activate() returned ${keys}; exports: ${String(ext?.exports)}`,
      );
    }),
  );
};
