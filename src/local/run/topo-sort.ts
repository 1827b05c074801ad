import { ModelstackError } from '../../errors.js';

export interface DependencyNode {
  readonly name: string;
  readonly deps: readonly string[];
}

/**
 * Start order: every node after the nodes it depends on; among nodes that are free at the
 * same time, the order of the input (so the result is stable). A cycle is an error that names it.
 */
export function topoOrder(nodes: readonly DependencyNode[]): string[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  for (const n of nodes) {
    for (const d of n.deps) {
      if (!byName.has(d)) throw new ModelstackError('LOCAL', `service "${n.name}" depends on "${d}", which is not a service`);
    }
  }
  const done = new Set<string>();
  const order: string[] = [];
  while (order.length < nodes.length) {
    const next = nodes.find((n) => !done.has(n.name) && n.deps.every((d) => done.has(d)));
    if (!next) {
      const cycle = findCycle(
        nodes.filter((n) => !done.has(n.name)),
        byName,
      );
      throw new ModelstackError('LOCAL', `services depend on each other in a cycle: ${cycle.join(' -> ')}`, {
        hint: 'remove one of these depends_on entries',
      });
    }
    done.add(next.name);
    order.push(next.name);
  }
  return order;
}

/** Some cycle among the nodes left over (every one of them waits for another). */
function findCycle(left: readonly DependencyNode[], byName: ReadonlyMap<string, DependencyNode>): string[] {
  const pending = new Set(left.map((n) => n.name));
  const path: string[] = [];
  let current = left[0]!.name;
  while (!path.includes(current)) {
    path.push(current);
    current = byName.get(current)!.deps.find((d) => pending.has(d))!;
  }
  return [...path.slice(path.indexOf(current)), current];
}

/** The names plus everything they (transitively) depend on. */
export function withDependencies(names: readonly string[], nodes: readonly DependencyNode[]): Set<string> {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const out = new Set<string>();
  const visit = (name: string): void => {
    if (out.has(name)) return;
    out.add(name);
    for (const d of byName.get(name)?.deps ?? []) visit(d);
  };
  names.forEach(visit);
  return out;
}
