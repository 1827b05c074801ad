/**
 * How the toolkit loads its engine modules: on a method's first call (dynamic import), so that a
 * command loads only its own part of the engine (issue 13: every module loaded is start-up time
 * on every command). The imports run one at a time, in call order: two calls importing
 * overlapping module graphs at once can fail to link under Jest's VM modules ("request for 'x' is
 * not in cache", nodejs/node#33216), and running them in turn costs nothing measurable.
 */
let queue: Promise<unknown> = Promise.resolve();

export function loadEngine<T>(load: () => Promise<T>): Promise<T> {
  const next = queue.then(load, load);
  queue = next.catch(() => undefined);
  return next;
}
