import { stringify } from 'yaml';
import type { ComposeFile } from './compose-types.js';

/**
 * The compose file as YAML, in modelstack's one YAML form (keys in the order built, no line
 * folding, block literals for multi-line strings, no anchors): same file, same bytes. Scalars are
 * quoted where a YAML 1.1 reader would take a string for something else (`restart: "no"`,
 * `user: "0:0"`), so compose implementations on either YAML version read the same values.
 */
export function renderCompose(file: ComposeFile): string {
  return stringify(file, { version: '1.1', lineWidth: 0, indentSeq: true, aliasDuplicateObjects: false });
}
