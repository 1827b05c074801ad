import { limiter } from './limiter.js';

/** Runs `fn` over `items` with at most `limit` in flight, started in the items' order; results keep that order. */
export function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const gate = limiter(limit);
  return Promise.allSettled(items.map((item) => gate(() => fn(item))));
}
