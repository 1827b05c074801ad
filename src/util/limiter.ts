/**
 * A gate that lets at most `limit` calls run at once (at least one); the others start in call
 * order as running ones end (fulfilled or rejected). mapBounded is this over a list.
 */
export function limiter(limit: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  const next = (): void => {
    while (running < Math.max(1, limit) && waiting.length > 0) {
      running++;
      waiting.shift()!();
    }
  };
  return <T>(fn: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      waiting.push(() => {
        Promise.resolve()
          .then(fn)
          .then(resolve, reject)
          .finally(() => {
            running--;
            next();
          });
      });
      next();
    });
}
