// Run All on a workspace without a setup manifest: asks for what the setup needs — the integration user's username
// (proposed from the admin's domain) and email (proposed: the admin's), and BalkanID's certificate (salesforce.crt
// when it is in the folder already; else its path, proposed when it is in the usual download places, or Browse…) —
// and writes balkanid-setup.json. Nothing is written until every answer is in and valid.
//
// The three questions are one input box that stays open from the first to the last (Back goes to the one before): the
// keyboard never leaves it between questions, so an Enter typed as the next question comes up is never taken by what
// had the focus before (the walkthrough's button), and the first Enter on the certificate's path is the answer.
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import * as vscode from 'vscode';
import { proposedUsername, validateManifest } from '../core/manifest';
import { placeholderFindings } from '../core/steps/user';
import { MAX_CERTIFICATE_BYTES, readCertificate } from '../core/certificate';
import { messageOf, SetupError } from '../core/types';
import { Controller, engine } from './controller';
import { readPicked } from './credentials';

export interface ManifestAnswers {
  username?: string;
  email?: string;
  /** Certificate PEM (automation); otherwise salesforce.crt in the folder, or its path asked for. */
  certificate?: string;
}

type Problem = vscode.InputBoxValidationMessage | undefined;

/** What the manifest rules and the placeholder check say about one value (undefined: fine). */
function problemWith(field: 'username' | 'email', value: string): Problem {
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

/** The certificate file a path names (~ and relative paths resolved against the folder), read and checked. */
async function certificateAt(path: string, folder: string, now: number): Promise<{ pem: string } | { error: string }> {
  const p = path.trim().replace(/^~(?=$|\/)/, homedir());
  if (!p) return { error: "Type the path of BalkanID's salesforce.crt, or Browse… for it." };
  const file = isAbsolute(p) ? p : resolve(folder, p);
  try {
    const data = await readPicked(vscode.Uri.file(file), MAX_CERTIFICATE_BYTES, 'The certificate', 'cert-too-large');
    return { pem: readCertificate(data, now).pem };
  } catch (e) {
    const missing = /ENOENT|ENOTDIR|EntryNotFound|FileNotFound|nonexistent/i.test(messageOf(e));
    return { error: missing ? `There is no file ${file}.` : `Not a certificate: ${messageOf(e)}` };
  }
}

/** salesforce.crt where a download usually lands, if one is there and is a certificate: proposed as the answer. */
async function foundCertificate(folder: string, now: number): Promise<string | undefined> {
  for (const dir of [join(homedir(), 'Downloads'), homedir(), join(homedir(), 'Desktop')]) {
    const path = join(dir, 'salesforce.crt');
    if ('pem' in (await certificateAt(path, folder, now))) return path;
  }
  return undefined;
}

interface Question {
  title: string;
  prompt: string;
  /** The proposed answer (may take a moment: the admin's user is read from the org). */
  proposal: () => Promise<string | undefined>;
  /** Checked as the admin types: an error keeps the question open. */
  check: (value: string) => Problem | Promise<Problem>;
  browse?: boolean;
}

/** The question for BalkanID's certificate: its path, proposed when it is where downloads land, or Browse…. */
function certificateQuestion(c: Controller, folder: string, title: string): Question {
  return {
    title,
    prompt:
      'The path of the salesforce.crt BalkanID gave you (type or paste it, or Browse…); it is saved next to the ' +
      'manifest. The private key stays with BalkanID.',
    proposal: () => foundCertificate(folder, c.clock.now()),
    check: async v => {
      const r = await certificateAt(v, folder, c.clock.now());
      return 'error' in r ? { message: r.error, severity: vscode.InputBoxValidationSeverity.Error } : undefined;
    },
    browse: true,
  };
}

/**
 * "Choose BalkanID's Certificate…": the same question on its own — the file's path (Enter takes it at once), or
 * Browse…. The certificate read, or undefined when dismissed.
 */
export async function askCertificate(c: Controller, title: string): Promise<string | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? homedir();
  const out: { certificate?: string } = {};
  if (!(await ask([{ key: 'certificate' as const, ...certificateQuestion(c, folder, title) }], out))) return undefined;
  const r = await certificateAt(out.certificate ?? '', folder, c.clock.now());
  if ('error' in r) throw new SetupError(`Nothing was saved: ${r.error}`, 'cert-unreadable');
  return r.pem;
}

const BROWSE: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('folder-opened'), tooltip: 'Browse…' };

/** Asks and writes the manifest; false when the admin dismissed a question (nothing written). */
export async function createManifestByQuestions(c: Controller, given: ManifestAnswers = {}): Promise<boolean> {
  const uri = c.manifestUri();
  if (!uri) throw new SetupError('Open a folder first: the setup manifest lives in the workspace.', 'NO_WORKSPACE');
  const folder = vscode.Uri.joinPath(uri, '..');
  const certFile = vscode.Uri.joinPath(folder, 'salesforce.crt');
  const present = await vscode.workspace.fs.stat(certFile).then(
    () => true,
    () => false,
  );
  // Answers given before a question was dismissed are proposed again, not lost.
  const draft = c.manifestDraft;
  let admin: Promise<{ username?: string; email?: string }> | undefined;
  const me = () => (admin ??= c.admin().catch((): { username?: string; email?: string } => ({})));
  let pem = given.certificate ? readCertificate(given.certificate, c.clock.now()).pem : undefined;
  const questions: Array<Question & { key: 'username' | 'email' | 'certificate' }> = [];
  if (!given.username)
    questions.push({
      key: 'username',
      title: 'New integration user (1 of 3): username',
      prompt:
        'A new Salesforce user for BalkanID (Salesforce Platform licence). Usernames look like email addresses and ' +
        'are unique across all Salesforce orgs.',
      proposal: async () => draft.username ?? proposedUsername((await me()).username),
      check: v => problemWith('username', v),
    });
  if (!given.email)
    questions.push({
      key: 'email',
      title: 'New integration user (2 of 3): email',
      prompt: "Where Salesforce sends the integration user's emails: yours, or your team's.",
      proposal: async () => draft.email ?? (await me()).email,
      check: v => problemWith('email', v),
    });
  if (!pem && !present)
    questions.push({
      key: 'certificate',
      title: "BalkanID's certificate (3 of 3): salesforce.crt from BalkanID",
      prompt:
        'The path of the salesforce.crt BalkanID gave you (type or paste it, or Browse…); it is saved next to the ' +
        'manifest. The private key stays with BalkanID.',
      proposal: () => foundCertificate(folder.fsPath, c.clock.now()),
      check: async v => {
        const r = await certificateAt(v, folder.fsPath, c.clock.now());
        return 'error' in r ? { message: r.error, severity: vscode.InputBoxValidationSeverity.Error } : undefined;
      },
      browse: true,
    });

  const answers: Partial<Record<'username' | 'email' | 'certificate', string>> = {
    username: given.username,
    email: given.email,
  };
  if (questions.length) {
    const answered = await ask(questions, answers, (key, value) => {
      if (key === 'username') draft.username = value;
      if (key === 'email') draft.email = value;
    });
    if (!answered) return false;
  }
  const username = answers.username!.trim();
  const email = answers.email!.trim();
  // Automation's answers are checked like typed ones (createManifest checks them again before writing).
  for (const [field, value] of [
    ['username', username],
    ['email', email],
  ] as const) {
    const p = problemWith(field, value);
    if (p?.severity === vscode.InputBoxValidationSeverity.Error)
      throw new SetupError(`Nothing was written: ${p.message}`, 'MANIFEST', 'preflight');
  }
  if (answers.certificate !== undefined) {
    const r = await certificateAt(answers.certificate, folder.fsPath, c.clock.now());
    if ('error' in r) throw new SetupError(`Nothing was written: ${r.error}`, 'MANIFEST', 'preflight');
    pem = r.pem;
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

/** The questions in one input box that stays open; false when the admin dismissed it. */
async function ask<K extends string>(
  qs: Array<Question & { key: K }>,
  out: Partial<Record<K, string>>,
  onAnswer: (key: K, value: string) => void = () => undefined,
): Promise<boolean> {
  const input = vscode.window.createInputBox();
  input.ignoreFocusOut = true;
  const typed = new Set<number>();
  let at = 0;
  let browsing = false;
  let checking = 0;
  const show = async (i: number) => {
    at = i;
    const q = qs[i]!;
    input.title = q.title;
    input.prompt = q.prompt;
    input.buttons = [...(i > 0 ? [vscode.QuickInputButtons.Back] : []), ...(q.browse ? [BROWSE] : [])];
    input.validationMessage = undefined;
    input.value = out[q.key] ?? '';
    input.placeholder = q.browse ? '/path/to/salesforce.crt' : undefined;
    // Shown at once; the proposal fills in when it is known, unless the admin typed meanwhile.
    if (out[q.key] === undefined) {
      input.busy = true;
      const proposed = await q.proposal().catch(() => undefined);
      if (at === i && !typed.has(i) && proposed) input.value = proposed;
      if (at === i) input.busy = false;
    }
    if (at === i) await validate();
  };
  const validate = async () => {
    const ticket = ++checking;
    const q = qs[at]!;
    const problem = await q.check(input.value);
    if (ticket === checking) input.validationMessage = problem;
    return problem;
  };
  try {
    return await new Promise<boolean>(done => {
      input.onDidChangeValue(() => {
        typed.add(at);
        void validate();
      });
      input.onDidTriggerButton(async button => {
        if (button === vscode.QuickInputButtons.Back) {
          out[qs[at]!.key] = input.value;
          void show(at - 1);
          return;
        }
        // Browse: the file dialog replaces the box for a moment; the box comes back with the chosen path.
        browsing = true;
        const picked = await vscode.window.showOpenDialog({
          title: qs[at]!.title,
          canSelectMany: false,
          openLabel: 'Use certificate',
          filters: { Certificates: ['crt', 'pem', 'cer', 'der'] },
        });
        browsing = false;
        input.show();
        if (picked?.[0]) {
          input.value = picked[0].fsPath;
          typed.add(at);
          await validate();
        }
      });
      input.onDidAccept(async () => {
        if (input.busy) return;
        const q = qs[at]!;
        const problem = await validate();
        if (problem?.severity === vscode.InputBoxValidationSeverity.Error) return;
        out[q.key] = input.value.trim();
        onAnswer(q.key, input.value.trim());
        if (at + 1 < qs.length) void show(at + 1);
        else done(true);
      });
      input.onDidHide(() => {
        if (!browsing) done(false);
      });
      input.show();
      void show(0);
    });
  } finally {
    input.dispose();
  }
}
