import { ApiObject, Chart, type ChartProps } from 'cdk8s';
import type { Construct, IConstruct } from 'constructs';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, RUNTIME_LABEL, SHARED_RUNTIME_LABEL_VALUE, STACK_LABEL } from '../src/model/labels.js';
import type { RuntimeId } from '../src/runtimes/registry.js';
import { formatIssue } from './common/issues.js';
import { reportIssues } from './common/validation.js';
import { DNS1123_FIX, isDns1123Label, isStackId, nameFromId, STACK_ID_FIX } from '../src/model/names.js';

export interface ModelStackProps {
  /**
   * Name of the stack, written on every object as the `modelstack.io/stack` label. The driver
   * uses it to find what the stack owns, so renaming a stack orphans its objects.
   * @default the construct id, folded to a DNS-1123 label
   */
  readonly stackName?: string;
  /**
   * The stack's stable identity: recorded on its ApplySet parent in the cluster at the first
   * apply, and checked on every apply, prune and destroy after it, so a stack of the same name
   * in another repository (or a renamed copy) cannot take over or delete what this one owns.
   * Pick it once and never change it: 8-63 lower-case letters, digits and "-" (e.g.
   * "inference-3f9c2a1b"). `modelstack apply` refuses a stack without one and suggests a fresh id.
   * @default none (synth and diff work; apply, prune and destroy refuse)
   */
  readonly stackId?: string;
  /**
   * Namespace of the models that do not name one.
   * @default "default"
   */
  readonly namespace?: string;
  /**
   * Render a Namespace object for every namespace the stack's models use (except "default"),
   * so a fresh cluster needs nothing created by hand.
   * @default true
   */
  readonly createNamespaces?: boolean;
  /**
   * Extra labels for every object of the stack.
   * @default none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Something in a stack that belongs to a runtime: a model, or the runtime's operator. */
export interface RuntimeMember extends IConstruct {
  readonly runtime: RuntimeId;
}

const MODEL_STACK = Symbol.for('modelstack.ModelStack');

/** Every ModelStack of the app `scope` is in, in construction order. */
function appStacks(scope: IConstruct): ModelStack[] {
  return scope.node.root.node.findAll().filter((c): c is ModelStack => ModelStack.isModelStack(c));
}

const BUILT_IN_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/**
 * A cdk8s Chart holding models and runtime operators. It labels every object with the
 * stack name and `app.kubernetes.io/managed-by: modelstack`, creates the namespaces models
 * use, and wires each model to its runtime's operator so operators come first.
 */
export class ModelStack extends Chart {
  /** Whether `x` is a ModelStack (cdk8s makes `instanceof` true for every Chart, so a marker decides). */
  public static isModelStack(x: unknown): x is ModelStack {
    return typeof x === 'object' && x !== null && MODEL_STACK in x;
  }

  /** The stack that contains `scope`. Throws when there is none. */
  public static override of(scope: IConstruct): ModelStack {
    const found = scope.node.scopes
      .slice()
      .reverse()
      .find((s): s is ModelStack => ModelStack.isModelStack(s));
    if (!found) {
      throw new Error(`[${scope.node.path}] is not inside a ModelStack. Fix: create models and operators with a ModelStack as their scope`);
    }
    return found;
  }

  public readonly stackName: string;
  /** The stack's identity (see ModelStackProps.stackId), when set. */
  public readonly stackId?: string;
  public readonly defaultNamespace: string;
  private readonly createNamespaces: boolean;
  private readonly namespaces = new Map<string, ApiObject>();
  private readonly operators = new Map<RuntimeId, RuntimeMember>();
  private readonly models: RuntimeMember[] = [];

  public constructor(scope: Construct, id: string, props: ModelStackProps = {}) {
    const stackName = props.stackName ?? nameFromId(id);
    const chartProps: ChartProps = {
      labels: { ...props.labels, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [STACK_LABEL]: stackName },
    };
    super(scope, id, chartProps);
    Object.defineProperty(this, MODEL_STACK, { value: true });
    this.stackName = stackName;
    this.stackId = props.stackId;
    this.defaultNamespace = props.namespace ?? 'default';
    this.createNamespaces = props.createNamespaces ?? true;
    const issues = [];
    if (!isDns1123Label(stackName)) {
      issues.push({ prop: 'stackName', value: stackName, problem: 'is not a valid label value', fix: DNS1123_FIX });
    }
    if (!isDns1123Label(this.defaultNamespace)) {
      issues.push({ prop: 'namespace', value: this.defaultNamespace, problem: 'is not a valid namespace', fix: DNS1123_FIX });
    }
    if (props.stackId !== undefined && !isStackId(props.stackId)) {
      issues.push({ prop: 'stackId', value: props.stackId, problem: 'is not a valid stack id', fix: STACK_ID_FIX });
    }
    reportIssues(this, issues);
    this.node.addValidation({ validate: () => this.collisions() });
  }

  /** Another stack of the app, earlier in it, with the same stack name or stack id. */
  private collisions(): string[] {
    const stacks = appStacks(this);
    const earlier = stacks.slice(0, stacks.indexOf(this));
    const out: string[] = [];
    const sameName = earlier.find((s) => s.stackName === this.stackName);
    if (sameName) {
      out.push(
        formatIssue({
          prop: 'stackName',
          value: this.stackName,
          problem: `is also the stack name of "${sameName.node.path}" (construct ids fold to the same name), so both would own the same objects and each one's prune would delete the other's`,
          fix: 'give one of them a different stackName (or construct id)',
        }),
      );
    }
    const sameId = this.stackId === undefined ? undefined : earlier.find((s) => s.stackId === this.stackId);
    if (sameId) {
      out.push(
        formatIssue({
          prop: 'stackId',
          value: this.stackId,
          problem: `is also the stackId of "${sameId.node.path}"`,
          fix: 'give every stack its own stackId',
        }),
      );
    }
    return out;
  }

  /**
   * The stack's objects, without the Namespaces an earlier stack of the same app renders: a
   * namespace used by two stacks is rendered once, by the first, and labelled "shared" when the
   * stacks use it for different runtimes.
   */
  public override toJson(): ReturnType<Chart['toJson']> {
    const stacks = appStacks(this);
    const earlier = new Set(stacks.slice(0, stacks.indexOf(this)).flatMap((s) => [...s.namespaces.keys()]));
    const out: ReturnType<Chart['toJson']> = [];
    for (const o of super.toJson()) {
      const name: string | undefined = o?.metadata?.name;
      const isOurNamespace = o?.kind === 'Namespace' && o?.apiVersion === 'v1' && name !== undefined && this.namespaces.has(name);
      if (isOurNamespace && earlier.has(name)) continue;
      if (isOurNamespace) {
        const runtimes = new Set(stacks.flatMap((s) => s.namespaces.get(name)?.metadata.getLabel(RUNTIME_LABEL) ?? []));
        if (runtimes.size > 1) o.metadata.labels = { ...o.metadata.labels, [RUNTIME_LABEL]: SHARED_RUNTIME_LABEL_VALUE };
      }
      out.push(o);
    }
    return out;
  }

  /**
   * The Namespace object for `namespace`, created on first use (none for built-in namespaces
   * or when createNamespaces is false, unless `always`). One object per namespace, shared by
   * models, operators and model caches (which belong to no runtime: `runtime` undefined). Callers add it as a dependency so it is applied first.
   */
  public namespaceObject(namespace: string, runtime: RuntimeId | undefined, always = false): ApiObject | undefined {
    if (BUILT_IN_NAMESPACES.has(namespace) || !isDns1123Label(namespace)) return undefined;
    if (!this.createNamespaces && !always && !this.namespaces.has(namespace)) return undefined;
    let ns = this.namespaces.get(namespace);
    if (!ns) {
      ns = new ApiObject(this, `namespace-${namespace}`, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: namespace, ...(runtime ? { labels: { [RUNTIME_LABEL]: runtime } } : {}) },
      });
      this.namespaces.set(namespace, ns);
    } else if (runtime === undefined) {
      // What belongs to no runtime (a ModelCache) leaves the namespace's label as it is.
    } else if (ns.metadata.getLabel(RUNTIME_LABEL) === undefined) {
      ns.metadata.addLabel(RUNTIME_LABEL, runtime);
    } else if (ns.metadata.getLabel(RUNTIME_LABEL) !== runtime) {
      // A namespace shared by models of both runtimes belongs to neither.
      ns.metadata.addLabel(RUNTIME_LABEL, SHARED_RUNTIME_LABEL_VALUE);
    }
    return ns;
  }

  /** Records a runtime operator; models of that runtime, before or after, depend on it. */
  public registerOperator(operator: RuntimeMember): boolean {
    if (this.operators.has(operator.runtime)) return false;
    this.operators.set(operator.runtime, operator);
    for (const m of this.models) if (m.runtime === operator.runtime) m.node.addDependency(operator);
    return true;
  }

  /** Records a model; it depends on its runtime's operator when the stack declares one. */
  public registerModel(model: RuntimeMember): void {
    this.models.push(model);
    const op = this.operators.get(model.runtime);
    if (op) model.node.addDependency(op);
  }

  /** The operator declared for a runtime in this stack, if any. */
  public operatorFor(runtime: RuntimeId): RuntimeMember | undefined {
    return this.operators.get(runtime);
  }
}
