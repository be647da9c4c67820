// Every command of balkanid-sf, in the order the usage lists them. A new command: its module in this folder and
// one line here.
import type { Command } from '../command';
import { apply } from './apply';
import { check } from './check';
import { exportFiles } from './export';
import { handoff } from './handoff';
import { plan } from './plan';
import { preview } from './preview';
import { teardown } from './teardown';
import { upload } from './upload';
import { verify } from './verify';

export const COMMANDS: readonly Command[] = [
  check,
  plan,
  apply,
  verify,
  handoff,
  teardown,
  preview,
  exportFiles,
  upload,
];

export const commandNamed = (name: string | undefined): Command | undefined => COMMANDS.find(c => c.name === name);
