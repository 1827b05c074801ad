import { dynamoState } from './dynamo-graph-deployment.js';
import type { ModelState } from './model-state.js';
import { rayServiceState } from './ray-service.js';

/** The state of a model object of either runtime, by kind. */
export function modelState(kind: string, obj: unknown): ModelState {
  switch (kind) {
    case 'DynamoGraphDeployment':
      return dynamoState(obj);
    case 'RayService':
      return rayServiceState(obj);
    default:
      return { phase: 'Unknown', ready: 0, desired: 0, message: `unknown kind ${kind}` };
  }
}
