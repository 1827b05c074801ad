import { topoOrder, withDependencies } from '../../../src/local/run/topo-sort.js';

const n = (name: string, ...deps: string[]) => ({ name, deps });

describe('topoOrder', () => {
  test('dependencies first, otherwise the order of the file', () => {
    expect(topoOrder([n('frontend', 'decode', 'prefill'), n('decode'), n('prefill')])).toEqual(['decode', 'prefill', 'frontend']);
    expect(topoOrder([n('c'), n('b'), n('a')])).toEqual(['c', 'b', 'a']);
    expect(topoOrder([n('a', 'b'), n('b', 'c'), n('c'), n('d', 'a')])).toEqual(['c', 'b', 'a', 'd']);
    expect(topoOrder([])).toEqual([]);
  });

  test('a cycle is an error that names it', () => {
    expect(() => topoOrder([n('x'), n('a', 'b'), n('b', 'c'), n('c', 'a')])).toThrow('services depend on each other in a cycle: a -> b -> c -> a');
    expect(() => topoOrder([n('a', 'a')])).toThrow('cycle: a -> a');
  });

  test('an unknown dependency is an error', () => {
    expect(() => topoOrder([n('a', 'ghost')])).toThrow('service "a" depends on "ghost", which is not a service');
  });
});

test('withDependencies: the closure', () => {
  const nodes = [n('f', 'w1', 'w2'), n('w1', 'disc'), n('w2'), n('disc'), n('other')];
  expect([...withDependencies(['f'], nodes)].sort()).toEqual(['disc', 'f', 'w1', 'w2']);
  expect([...withDependencies(['w2'], nodes)]).toEqual(['w2']);
});
