/** Kubernetes name rules, checked at synth so a bad name fails before it reaches a cluster. */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function isDns1123Label(value: string): boolean {
  return value.length <= 63 && DNS1123_LABEL.test(value);
}

/** A DNS-1123 label made from a construct id: lower case, other characters folded to '-'. */
export function nameFromId(id: string): string {
  return id
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/g, '');
}

export const DNS1123_FIX = 'use at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit';

const STACK_ID = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Whether `value` can be a stack's stackId: 8-63 lower-case letters, digits and "-", alphanumeric at both ends. */
export function isStackId(value: string): boolean {
  return value.length >= 8 && value.length <= 63 && STACK_ID.test(value);
}

export const STACK_ID_FIX = 'use 8-63 lower-case letters, digits and "-", starting and ending with a letter or digit, e.g. "inference-3f9c2a1b"';

/** A fresh stackId for a stack: its name and 8 random hex digits. */
export function suggestStackId(stackName: string, randomHex: string): string {
  return `${stackName.slice(0, 54).replace(/-+$/, '')}-${randomHex.slice(0, 8)}`;
}
