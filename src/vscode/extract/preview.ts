// Preview Extraction: what BalkanID will read from the org — counts, a few rows of each list, and what cannot be read
// with the permission that fixes it — shown in the Preview Extraction view.
import * as vscode from 'vscode';
import type { Preview } from '../../core/extract/preview';
import { Controller, engine } from '../controller';
import { notify, withCancel } from '../notify';
import { PreviewTree } from '../previewTree';
import { readerSession } from './reader';

export async function previewExtraction(c: Controller, tree: PreviewTree): Promise<Preview | undefined> {
  const { client } = c.connected();
  const preview = await withCancel('Preview what BalkanID will read', (report, signal) =>
    c.guarded(async () => {
      report('Counting each list…');
      const session = await readerSession(c, signal);
      const who = session.reader.kind === 'admin' ? 'you' : 'the integration user';
      c.log.info(`Preview: reading as ${who} (${session.reader.username}).`);
      const p = await engine().previewOrg(session.client, session.reader, signal);
      c.log.info(`Preview: ${p.sources.map(s => `${s.label} ${s.count ?? s.unreadable?.code}`).join(', ')}.`);
      return p;
    }),
  );
  tree.show({ ...preview, instanceUrl: client.instanceUrl });
  // Shown, not awaited: revealing a view waits for the window, and the preview is done either way.
  void vscode.commands.executeCommand('balkanid.preview.focus');
  const bad = preview.sources.filter(s => s.unreadable);
  if (bad.length)
    void notify
      .warn(
        `BalkanID could not read ${bad.map(s => s.label).join(', ')}: ${bad[0]!.unreadable!.fix}`,
        'Open Credentials',
      )
      .then(choice => choice && vscode.commands.executeCommand('balkanid.openCredentials'));
  return preview;
}
