import { OperatorInstall } from '../../index.js';

describe('OperatorInstall', () => {
  test('none, flux and argoCd carry their kind and options', () => {
    expect(OperatorInstall.none()).toMatchObject({ kind: 'none', flux: {}, argoCd: {} });
    expect(OperatorInstall.flux()).toMatchObject({ kind: 'flux', flux: {}, argoCd: {} });
    expect(OperatorInstall.flux({ interval: '5m' }).flux).toEqual({ interval: '5m' });
    const argo = OperatorInstall.argoCd({ namespace: 'gitops', project: 'p', automated: false });
    expect(argo.kind).toBe('argocd');
    expect(argo.argoCd).toEqual({ namespace: 'gitops', project: 'p', automated: false });
    expect(argo.flux).toEqual({});
  });
});
