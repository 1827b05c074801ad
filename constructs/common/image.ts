import type { PropIssue } from './issues.js';

/** An image reference is pinned when it names a tag other than `latest`, or a digest. */
export function isPinnedImage(image: string): boolean {
  // A digest pins only when it is a whole sha256 digest (a truncated one is not a tag either).
  if (image.includes('@')) return /@sha256:[a-f0-9]{64}$/.test(image);
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  if (colon < 0) return false;
  const tag = lastSegment.slice(colon + 1);
  return tag.length > 0 && tag !== 'latest';
}

export function imageIssues(prop: string, image: string | undefined): PropIssue[] {
  if (image === undefined || isPinnedImage(image)) return [];
  return [
    {
      prop,
      value: image,
      problem: 'is not pinned to a version (no tag, or "latest")',
      fix: 'add an explicit tag or digest, e.g. "registry/image:1.2.3" or "registry/image@sha256:..."',
    },
  ];
}
