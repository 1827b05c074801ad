// The modelstack library: constructs for stacks, and the engine the CLI drives.
export * from './constructs/model-stack.js';
export * from './constructs/modelstack-app.js';
export * from './constructs/dynamo-model.js';
export * from './constructs/ray-model.js';
export * from './constructs/model.js';
export * from './constructs/cache/model-cache.js';
export * from './constructs/runtime-operator.js';
export * from './constructs/operator-install.js';
export * from './constructs/testing.js';
export { secretKey, type SecretKeyRef, type EnvValue } from './constructs/common/secrets.js';
export type { PodTemplatePatch } from './constructs/common/pod-template.js';
export type { DynamoFrontendSettings, DynamoPodSettings, DynamoRoles, DynamoWorkerSettings, TrtllmEngineConfig } from './constructs/dynamo/role-settings.js';
export type { DynamoPlannerSettings, PlannerOptimizationTarget, PlannerThresholds } from './constructs/dynamo/planner.js';
export type { DynamoEppSettings } from './constructs/dynamo/epp.js';
export type { RouterMode, ServingMode } from './constructs/common/capabilities.js';
export * from './src/runtimes/registry.js';
export * from './src/model/labels.js';
export * from './src/errors.js';
// cdk8s's JSON patches, for ApiObject.addJsonPatch (the escape hatch `modelstack import` writes patches with).
export { JsonPatch } from 'cdk8s';
