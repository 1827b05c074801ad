import { envMap, podTemplatePatch, secretKeyRef } from '../../../constructs/common/schemas.js';

describe('shared zod schemas', () => {
  test('secretKeyRef: DNS names (dots allowed) and key characters', () => {
    expect(secretKeyRef.safeParse({ name: 'hf.token', key: 'HF_TOKEN.v1' }).success).toBe(true);
    expect(secretKeyRef.safeParse({ name: 'HF', key: 'k' }).success).toBe(false);
    expect(secretKeyRef.safeParse({ name: 'hf', key: 'a/b' }).success).toBe(false);
    expect(secretKeyRef.safeParse({ name: 'hf', key: 'k', optional: true }).success).toBe(false);
  });

  test('envMap: C-identifier-like names, literal or secret values', () => {
    expect(envMap.safeParse({ A_B: 'x', 'a.b-c': { secretKeyRef: { name: 's', key: 'k' } } }).success).toBe(true);
    expect(envMap.safeParse({ '1A': 'x' }).success).toBe(false);
    expect(envMap.safeParse({ A: 1 }).success).toBe(false);
  });

  test('podTemplatePatch: metadata labels/annotations and a free-form spec only', () => {
    expect(podTemplatePatch.safeParse({ metadata: { labels: { a: 'b' } }, spec: { anything: [1] } }).success).toBe(true);
    expect(podTemplatePatch.safeParse({ metadata: { name: 'x' } }).success).toBe(false);
    expect(podTemplatePatch.safeParse({ containers: [] }).success).toBe(false);
  });
});
