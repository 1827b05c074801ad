import type { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { ModelDescriptor } from '../../src/model/model-descriptor.js';
import { type RuntimeId, runtimeInfo } from '../../src/runtimes/registry.js';
import { ModelStack } from '../model-stack.js';
import { formatIssue } from './issues.js';
import { renderModelObject } from './model-object.js';
import { renderedSecretIssues } from './secrets.js';
import { nameFromId } from '../../src/model/names.js';

/** Props every model construct has, whatever its runtime. */
export interface ModelIdentityProps {
  readonly name?: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** What a model says about what it serves; the rest of its ModelDescriptor comes from the construct. */
export type ModelFacts = Pick<ModelDescriptor, 'engine' | 'model' | 'revision' | 'servedModelName' | 'tensorParallelSize' | 'gpusPerEngine' | 'cache'>;

/** What a model construct renders from valid props: its custom resource's spec, and its facts. */
export interface RenderedModel<Spec extends object> {
  readonly spec: Spec;
  readonly facts: ModelFacts;
}

/**
 * What DynamoModel and RayModel share: name and namespace defaults, registration with the
 * stack (so the model depends on its runtime's operator), the one custom resource and its
 * descriptor. `render` validates the props (reporting problems on the construct) and returns
 * undefined when invalid.
 */
export abstract class ModelConstruct<Spec extends object = object> extends Construct {
  /** Whether `x` is a model construct (a DynamoModel or a RayModel). */
  public static isModelConstruct(x: unknown): x is ModelConstruct {
    return x instanceof ModelConstruct;
  }

  /** Name of the rendered custom resource. */
  public readonly name: string;
  public readonly namespace: string;
  /**
   * The rendered custom resource; undefined when the props are invalid (synth then fails with
   * the problems). Use `apiObject.addJsonPatch(...)` as a last-resort escape hatch.
   */
  public readonly apiObject?: ApiObject;
  /** What the model serves, in typed values; undefined when the props are invalid. */
  public readonly descriptor?: ModelDescriptor;

  protected constructor(
    scope: Construct,
    id: string,
    public readonly runtime: RuntimeId,
    props: ModelIdentityProps,
    render: (self: Construct, name: string, namespace: string) => RenderedModel<Spec> | undefined,
  ) {
    super(scope, id);
    const stack = ModelStack.of(this);
    this.name = props?.name ?? nameFromId(id);
    this.namespace = props?.namespace ?? stack.defaultNamespace;
    const rendered = render(this, this.name, this.namespace);
    stack.registerModel(this);
    if (!rendered) return;
    this.apiObject = renderModelObject(this, stack, {
      runtime,
      name: this.name,
      namespace: this.namespace,
      labels: props.labels,
      annotations: props.annotations,
      spec: rendered.spec,
    });
    const kind = runtimeInfo(runtime).model;
    // podTemplate and addJsonPatch can put what the props' checks refuse into the object; check
    // what is rendered, at synth time, after every JSON patch was added.
    const apiObject = this.apiObject;
    this.node.addValidation({ validate: () => renderedSecretIssues(renderedJson(apiObject), kind.kind).map(formatIssue) });
    this.descriptor = {
      runtime,
      apiVersion: `${kind.group}/${kind.version}`,
      kind: kind.kind,
      namespace: this.namespace,
      name: this.name,
      ...rendered.facts,
    };
  }
}

/** The object as synth writes it; a JSON patch that cannot apply is left for synth to report. */
function renderedJson(obj: ApiObject): unknown {
  try {
    return obj.toJson();
  } catch {
    return undefined;
  }
}
