import { limiter } from '../../src/util/limiter.js';

describe('limiter', () => {
  test('at most `limit` calls run at once; the rest start in call order as others end, also after a failure', async () => {
    const gate = limiter(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const releases: Array<() => void> = [];
    const call = (i: number, fail = false): Promise<number> =>
      gate(async () => {
        started.push(i);
        running++;
        most = Math.max(most, running);
        await new Promise<void>((r) => releases.push(r));
        running--;
        if (fail) throw new Error(`call ${i} failed`);
        return i;
      });
    const results = [call(0), call(1, true), call(2), call(3)].map((p) =>
      p.then(
        (v) => `ok ${v}`,
        (e: Error) => e.message,
      ),
    );
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1]);
    releases.shift()!();
    releases.shift()!();
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2, 3]);
    releases.shift()!();
    releases.shift()!();
    expect(await Promise.all(results)).toEqual(['ok 0', 'call 1 failed', 'ok 2', 'ok 3']);
    expect(most).toBe(2);
  });

  test('a call that throws before returning a promise is a rejection, and frees its place', async () => {
    const gate = limiter(1);
    await expect(
      gate(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(await gate(async () => 'next')).toBe('next');
  });
});
