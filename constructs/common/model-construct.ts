import type { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { RuntimeId } from '../../src/runtimes/registry.js';
import { ModelStack } from '../model-stack.js';
import { renderModelObject } from './model-object.js';
import { nameFromId } from '../../src/model/names.js';

/** Props every model construct has, whatever its runtime. */
export interface ModelIdentityProps {
  readonly name?: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/**
 * What DynamoModel and RayModel share: name and namespace defaults, registration with the
 * stack (so the model depends on its runtime's operator), and the one custom resource. `spec`
 * validates the props (reporting problems on the construct) and returns undefined when invalid.
 */
export abstract class ModelConstruct extends Construct {
  /** Name of the rendered custom resource. */
  public readonly name: string;
  public readonly namespace: string;
  /**
   * The rendered custom resource; undefined when the props are invalid (synth then fails with
   * the problems). Use `apiObject.addJsonPatch(...)` as a last-resort escape hatch.
   */
  public readonly apiObject?: ApiObject;

  protected constructor(
    scope: Construct,
    id: string,
    public readonly runtime: RuntimeId,
    props: ModelIdentityProps,
    spec: (self: Construct, name: string, namespace: string) => Record<string, unknown> | undefined,
  ) {
    super(scope, id);
    const stack = ModelStack.of(this);
    this.name = props?.name ?? nameFromId(id);
    this.namespace = props?.namespace ?? stack.defaultNamespace;
    const rendered = spec(this, this.name, this.namespace);
    stack.registerModel(this);
    if (!rendered) return;
    this.apiObject = renderModelObject(this, stack, {
      runtime,
      name: this.name,
      namespace: this.namespace,
      labels: props.labels,
      annotations: props.annotations,
      spec: rendered,
    });
  }
}
