import type { PropIssue } from '../common/issues.js';

/**
 * Flags modelstack writes on a command line, each with the prop it comes from, and every
 * spelling the program's parser accepts for it.
 */
export interface OwnedFlag {
  readonly spellings: readonly string[];
  /** The prop that sets it ("tensorParallelSize"), or what writes it ("the Dynamo operator (multinode)"). */
  readonly owner: string;
  readonly fix: string;
}

/** The flag an argument sets: "--tensor-parallel-size=4" and "--tensor_parallel_size" are "--tensor-parallel-size". */
function flagOf(arg: string): string | undefined {
  if (!arg.startsWith('-')) return undefined;
  const name = arg.split('=')[0]!;
  return name.startsWith('--') ? `--${name.slice(2).replace(/_/g, '-')}` : name;
}

/**
 * Issues for user arguments that set a flag modelstack writes too: the engine would see the
 * flag twice and keep one silently (argparse keeps the last), so the prop and the output disagree.
 */
export function argCollisionIssues(prop: string, args: readonly string[] | undefined, owned: readonly OwnedFlag[]): PropIssue[] {
  const issues: PropIssue[] = [];
  (args ?? []).forEach((arg, i) => {
    const flag = flagOf(arg);
    if (flag === undefined) return;
    const hit = owned.find((o) => o.spellings.includes(flag));
    if (!hit) return;
    issues.push({
      prop: `${prop}[${i}]`,
      value: arg,
      problem: `sets ${hit.spellings[0]}, which modelstack already writes from ${hit.owner}`,
      fix: hit.fix,
    });
  });
  return issues;
}

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What a pod template patch may not set on the `main` container, and which prop to use instead. */
export interface MainContainerOwnership {
  /** Prop to use for extra arguments ("workerArgs"). */
  readonly argsProp: string;
  /** Env names modelstack writes, each with the prop it comes from. */
  readonly env: Readonly<Record<string, string>>;
  /** Whether modelstack writes the container's GPU resources (from gpusPerWorker). */
  readonly gpus: boolean;
}

/**
 * Issues for a podTemplate patch that would replace what modelstack renders on the `main`
 * container: `command` or `args` (a list replaces the rendered one, dropping --model and every
 * other flag), an env variable modelstack writes, or the GPU resources; and for pod fields set
 * both by a typed prop and by the patch.
 */
export function podTemplateCollisionIssues(
  prop: string,
  patch: { readonly spec?: Readonly<Record<string, unknown>> } | undefined,
  main: MainContainerOwnership,
  typed: Readonly<Record<string, string | undefined>>,
): PropIssue[] {
  const issues: PropIssue[] = [];
  const spec = patch?.spec;
  if (!spec) return issues;
  for (const [field, typedProp] of Object.entries(typed)) {
    if (typedProp !== undefined && spec[field] !== undefined) {
      issues.push({
        prop: `${prop}.spec.${field}`,
        value: spec[field],
        problem: `is also set by ${typedProp}`,
        fix: `set it in one place, preferably ${typedProp}`,
      });
    }
  }
  const containers = spec.containers;
  if (!Array.isArray(containers)) return issues;
  containers.forEach((c, i) => {
    if (!isObject(c) || c.name !== 'main') return;
    const at = `${prop}.spec.containers[${i}]`;
    for (const field of ['command', 'args'] as const) {
      if (c[field] === undefined) continue;
      issues.push({
        prop: `${at}.${field}`,
        value: c[field],
        problem: `replaces the ${field} modelstack renders for the main container (the list is not merged), dropping the model and engine flags`,
        fix: `remove it; add arguments with ${main.argsProp}`,
      });
    }
    if (Array.isArray(c.env)) {
      c.env.forEach((e, j) => {
        if (!isObject(e) || typeof e.name !== 'string' || !(e.name in main.env)) return;
        const source = main.env[e.name]!;
        issues.push({
          prop: `${at}.env[${j}]`,
          value: { name: e.name },
          problem: `replaces ${e.name}, which modelstack writes from ${source}`,
          fix: `remove it and use ${source}`,
        });
      });
    }
    const resources = c.resources;
    if (main.gpus && isObject(resources)) {
      for (const kind of ['limits', 'requests'] as const) {
        const r = resources[kind];
        if (isObject(r) && r['nvidia.com/gpu'] !== undefined) {
          issues.push({
            prop: `${at}.resources.${kind}.nvidia.com/gpu`,
            value: r['nvidia.com/gpu'],
            problem: 'replaces the GPU count modelstack writes from gpusPerWorker',
            fix: 'remove it and set gpusPerWorker',
          });
        }
      }
    }
  });
  return issues;
}
