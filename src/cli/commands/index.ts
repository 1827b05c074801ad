import type { Command } from '../command.js';
import { applyCommand } from './apply-command.js';
import { destroyCommand } from './destroy-command.js';
import { diffCommand } from './diff-command.js';
import { listCommand } from './list-command.js';
import { localCommand } from './local-command.js';
import { statusCommand } from './status-command.js';
import { synthCommand } from './synth-command.js';
import { validateCommand } from './validate-command.js';

/** Every CLI command, in the order `modelstack --help` lists them. */
export const COMMANDS: readonly Command[] = [
  synthCommand,
  validateCommand,
  diffCommand,
  statusCommand,
  listCommand,
  applyCommand,
  destroyCommand,
  localCommand,
];
