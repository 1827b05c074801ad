import type { RuntimeAdapter } from '../runtime-adapter.js';
import { dynamoLocalServices } from './local-services.js';
import { DYNAMO } from './info.js';
import { DYNAMO_PHASE_RULES, dynamoState } from './readiness.js';

/** NVIDIA Dynamo: DynamoGraphDeployment readiness and local services. */
export const dynamoAdapter: RuntimeAdapter = {
  info: DYNAMO,
  modelState: dynamoState,
  phaseRules: DYNAMO_PHASE_RULES,
  localServices: dynamoLocalServices,
};
