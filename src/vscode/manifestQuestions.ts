// Run All on a workspace without a setup manifest: asks for what the setup needs — the integration user's username
// (proposed from the admin's domain) and email (proposed: the admin's), and BalkanID's certificate (salesforce.crt
// when it is in the folder already, else a file picker) — and writes balkanid-setup.json. Nothing is written until
// every answer is in and valid.
import * as vscode from 'vscode';
import { proposedUsername, validateManifest } from '../core/manifest';
import { placeholderFindings } from '../core/steps/preflight';
import { readCertificate } from '../core/certificate';
import { messageOf, SetupError } from '../core/types';
import { Controller, engine } from './controller';
import { pickCertificate } from './credentials';

export interface ManifestAnswers {
  username?: string;
  email?: string;
  /** Certificate PEM (automation); otherwise salesforce.crt in the folder, or the file picker. */
  certificate?: string;
}

/** What the manifest rules and the placeholder check say about one value (undefined: fine). */
function problemWith(field: 'username' | 'email', value: string): vscode.InputBoxValidationMessage | undefined {
  const v = value.trim();
  const user = { username: 'balkanid@acme.com', email: 'it@acme.com', [field]: v };
  const { manifest, problems } = validateManifest({ user });
  const problem = problems.find(p => p.path[1] === field);
  if (problem)
    return { message: `${problem.message} ${problem.fix}`, severity: vscode.InputBoxValidationSeverity.Error };
  const flagged = manifest && placeholderFindings(manifest).find(f => f.manifestPath?.[1] === field);
  if (!flagged) return undefined;
  return {
    message: `${flagged.message} ${flagged.fix ?? ''}`.trim(),
    severity:
      flagged.severity === 'error'
        ? vscode.InputBoxValidationSeverity.Error
        : vscode.InputBoxValidationSeverity.Warning,
  };
}

async function ask(field: 'username' | 'email', value: string | undefined, title: string, prompt: string) {
  const answer = await vscode.window.showInputBox({
    title,
    prompt,
    value,
    ignoreFocusOut: true,
    validateInput: v => problemWith(field, v),
  });
  if (answer === undefined) return undefined;
  const p = problemWith(field, answer);
  if (p?.severity === vscode.InputBoxValidationSeverity.Error)
    throw new SetupError(`Nothing was written: ${p.message}`, 'MANIFEST', 'preflight');
  return answer.trim();
}

/** Asks and writes the manifest; false when the admin dismissed a question (nothing written). */
export async function createManifestByQuestions(c: Controller, given: ManifestAnswers = {}): Promise<boolean> {
  const uri = c.manifestUri();
  if (!uri) throw new SetupError('Open a folder first: the setup manifest lives in the workspace.', 'NO_WORKSPACE');
  const folder = vscode.Uri.joinPath(uri, '..');
  const admin = given.username && given.email ? {} : await c.admin();
  // Answers given before a question was dismissed or a wrong file picked are proposed again, not lost.
  const draft = c.manifestDraft;
  const username =
    given.username ??
    (await ask(
      'username',
      draft.username ?? proposedUsername(admin.username),
      'New integration user (1 of 3): username',
      'A new Salesforce user for BalkanID (Salesforce Platform licence). Usernames look like email addresses and ' +
        'are unique across all Salesforce orgs.',
    ));
  if (!username) return false;
  draft.username = username;
  const email =
    given.email ??
    (await ask(
      'email',
      draft.email ?? admin.email,
      'New integration user (2 of 3): email',
      "Where Salesforce sends the integration user's emails: yours, or your team's.",
    ));
  if (!email) return false;
  draft.email = email;
  const certFile = vscode.Uri.joinPath(folder, 'salesforce.crt');
  const present = await vscode.workspace.fs.stat(certFile).then(
    () => true,
    () => false,
  );
  let pem: string | undefined;
  if (given.certificate) pem = readCertificate(given.certificate, c.clock.now()).pem;
  else if (!present) {
    // A wrong file (a key, a CSR, two certificates…) is refused with its reason, and the picker opens again.
    for (let title = "BalkanID's certificate (3 of 3): salesforce.crt from BalkanID"; !pem;) {
      const data = await pickCertificate(title);
      if (!data) return false;
      try {
        pem = readCertificate(data, c.clock.now()).pem;
      } catch (e) {
        title = `Not a certificate: ${messageOf(e)} Choose BalkanID's salesforce.crt (3 of 3)`;
      }
    }
  }
  // Everything answered: the manifest (createManifest checks the answers first, automation's too), then the
  // certificate it points at.
  await engine().createManifest(uri.fsPath, { username, email }, c.clock.now());
  if (pem && !present) await vscode.workspace.fs.writeFile(certFile, Buffer.from(pem));
  c.log.info(`Wrote ${uri.fsPath} for ${username}${pem && !present ? ' and saved salesforce.crt' : ''}.`);
  delete draft.username;
  delete draft.email;
  await c.loadManifest();
  return true;
}
