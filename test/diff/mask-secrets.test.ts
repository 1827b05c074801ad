import { diffObjects } from '../../src/diff/change-set.js';
import { isSecret, MASKED, MASKED_NEW, MASKED_OLD, maskSecret, maskSecretPair } from '../../src/diff/mask-secrets.js';
import { renderJson } from '../../src/diff/render/json.js';
import { renderMarkdown } from '../../src/diff/render/markdown.js';
import { renderText } from '../../src/diff/render/text.js';
import type { KubeObject } from '../../src/model/kube-object.js';
import { configMap, secret } from './kube-objects.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** Every output format of a change set. */
function allOutputs(before: readonly KubeObject[], after: readonly KubeObject[]): string {
  const cs = diffObjects(before, after);
  return [renderText(cs, { color: false }), renderText(cs, { color: true }), renderMarkdown(cs, { source: 'test' }), renderJson(cs)].join('\n');
}

describe('maskSecretPair', () => {
  it('masks every value under data and stringData, the same on both sides when unchanged', () => {
    const s = secret('s', { data: { token: b64('hf_abc') }, stringData: { user: 'admin' } });
    const [b, a] = maskSecretPair(s, s);
    expect(b).toEqual(a);
    expect(a!.data).toEqual({ token: MASKED });
    expect(a!.stringData).toEqual({ user: MASKED });
    expect(a!.type).toBe('Opaque');
    expect(a!.metadata).toEqual(s.metadata);
  });

  it('marks a changed value old and new, without showing either', () => {
    const [b, a] = maskSecretPair(secret('s', { data: { token: b64('one'), same: b64('x') } }), secret('s', { data: { token: b64('two'), same: b64('x') } }));
    expect(b!.data).toEqual({ token: MASKED_OLD, same: MASKED });
    expect(a!.data).toEqual({ token: MASKED_NEW, same: MASKED });
  });

  it('masks keys that only one side has', () => {
    const [b, a] = maskSecretPair(secret('s', { data: { gone: 'Zw==' } }), secret('s', { data: { added: 'YQ==' } }));
    expect(b!.data).toEqual({ gone: MASKED });
    expect(a!.data).toEqual({ added: MASKED });
  });

  it('masks the last-applied annotation, which holds the values too', () => {
    const withAnnotation = (v: string): KubeObject => {
      const s = secret('s', { stringData: { t: v } });
      return { ...s, metadata: { ...s.metadata, annotations: { [LAST_APPLIED]: JSON.stringify(s), other: 'kept' } } };
    };
    const [b, a] = maskSecretPair(withAnnotation('p1'), withAnnotation('p2'));
    expect(b!.metadata.annotations).toEqual({ [LAST_APPLIED]: MASKED_OLD, other: 'kept' });
    expect(a!.metadata.annotations).toEqual({ [LAST_APPLIED]: MASKED_NEW, other: 'kept' });
  });

  it('leaves other kinds alone, and only core v1 Secrets are secrets', () => {
    const cm = configMap('c', { k: 'v' });
    expect(maskSecretPair(cm, cm)).toEqual([cm, cm]);
    expect(isSecret({ ...secret('s', {}), apiVersion: 'example.com/v1' })).toBe(false);
    expect(isSecret(secret('s', {}))).toBe(true);
  });

  it('masks a data field that is not a map as one value', () => {
    const odd = { ...secret('s', {}), data: 'c2VjcmV0' } as KubeObject;
    expect(maskSecret(odd).data).toBe(MASKED);
  });

  it('does not change its arguments', () => {
    const s = secret('s', { data: { token: b64('hf_abc') } });
    const copy = structuredClone(s);
    maskSecretPair(s, undefined);
    expect(s).toEqual(copy);
  });
});

describe('secrets in every output format', () => {
  const values = ['hf_S3CRET_before', 'hf_S3CRET_after', 'admin-password-1', 'admin-password-2'];
  const leaked = (text: string): string[] => values.flatMap((v) => [v, b64(v)]).filter((v) => text.includes(v));

  it('never shows a value of an added, changed or removed Secret', () => {
    const before = [
      secret('changed', { data: { token: b64(values[0]!) }, stringData: { password: values[2]! } }),
      secret('removed', { data: { token: b64(values[0]!) } }),
    ];
    const after = [
      secret('changed', { data: { token: b64(values[1]!) }, stringData: { password: values[3]! } }),
      secret('added', { stringData: { token: values[1]! } }),
    ];
    const out = allOutputs(before, after);
    expect(leaked(out)).toEqual([]);
    expect(out).toContain(MASKED);
  });

  it('still shows that a value changed', () => {
    const cs = diffObjects([secret('s', { data: { token: b64(values[0]!) } })], [secret('s', { data: { token: b64(values[1]!) } })]);
    expect(cs.summary.change).toBe(1);
    expect(cs.changes[0]!.diff).toContain(`-  token: "${MASKED_OLD}"\n+  token: "${MASKED_NEW}"`);
    expect(leaked(renderMarkdown(cs))).toEqual([]);
  });

  it('counts a Secret whose values did not change as unchanged', () => {
    const s = secret('s', { data: { token: b64(values[0]!) } });
    expect(diffObjects([s], [structuredClone(s)]).summary).toEqual({ add: 0, change: 0, remove: 0, unchanged: 1 });
  });
});
