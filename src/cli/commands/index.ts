import type { Command } from '../command.js';
import { synthCommand } from './synth-command.js';

/** Every CLI command, in the order `modelstack --help` lists them. */
export const COMMANDS: readonly Command[] = [synthCommand];
