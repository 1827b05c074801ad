import { mapBounded } from '../../src/util/map-bounded.js';

/** A task whose completion the test controls, to observe how many run at once. */
function gate(): {
  started: number[];
  inFlight: () => number;
  maxInFlight: () => number;
  release: (i: number, fail?: boolean) => void;
  fn: (i: number) => Promise<string>;
} {
  const started: number[] = [];
  const resolvers = new Map<number, (fail: boolean) => void>();
  let current = 0;
  let max = 0;
  return {
    started,
    inFlight: () => current,
    maxInFlight: () => max,
    release: (i, fail = false) => resolvers.get(i)!(fail),
    fn: (i) => {
      started.push(i);
      current++;
      max = Math.max(max, current);
      return new Promise<string>((resolve, reject) =>
        resolvers.set(i, (fail) => {
          current--;
          if (fail) reject(new Error(`failed ${i}`));
          else resolve(`done ${i}`);
        }),
      );
    },
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('mapBounded', () => {
  test('at most `limit` in flight; the next starts when one finishes', async () => {
    const g = gate();
    const all = mapBounded([0, 1, 2, 3, 4], 2, g.fn);
    await tick();
    expect(g.started).toEqual([0, 1]);
    g.release(1);
    await tick();
    expect(g.started).toEqual([0, 1, 2]);
    expect(g.inFlight()).toBe(2);
    g.release(0);
    g.release(2);
    await tick();
    expect(g.started).toEqual([0, 1, 2, 3, 4]);
    g.release(4);
    g.release(3);
    await all;
    expect(g.maxInFlight()).toBe(2);
  });

  test("results keep the items' order, whatever order they finish in; failures are settled, not thrown", async () => {
    const g = gate();
    const all = mapBounded(
      ['a', 'b', 'c'].map((_, i) => i),
      3,
      g.fn,
    );
    await tick();
    g.release(2);
    g.release(0, true);
    g.release(1);
    const results = await all;
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect((results[0] as PromiseRejectedResult).reason).toEqual(new Error('failed 0'));
    expect(results.slice(1).map((r) => (r as PromiseFulfilledResult<string>).value)).toEqual(['done 1', 'done 2']);
  });

  test('a failure does not stop the remaining items', async () => {
    const seen: number[] = [];
    const results = await mapBounded([1, 2, 3, 4], 1, async (i) => {
      seen.push(i);
      if (i === 2) throw new Error('two');
      return i * 10;
    });
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<number>).value)).toEqual([10, 30, 40]);
  });

  test('a limit above the item count, or below 1, still runs every item', async () => {
    const g = gate();
    const all = mapBounded([0, 1], 10, g.fn);
    await tick();
    expect(g.started).toEqual([0, 1]);
    g.release(0);
    g.release(1);
    await all;
    expect((await mapBounded([1, 2, 3], 0, async (i) => i)).map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
  });

  test('no items: no calls, no results', async () => {
    let calls = 0;
    expect(await mapBounded([], 4, async () => ++calls)).toEqual([]);
    expect(calls).toBe(0);
  });
});
