/**
 * The public toolkit (`import { Toolkit } from 'modelstack/toolkit'`): the engine behind every
 * CLI command, with typed options and results and registered IoHost messages. Everything a
 * client needs (the CLI included) is exported from here.
 */
export * from './toolkit.js';
export * from './local-toolkit.js';
export type { ClusterOptions, RequestStats } from './cluster.js';
export { ask, type IoHost, type IoLevel, type IoMessage, type IoRequest, RecordingIoHost, silentIoHost } from '../io/io-host.js';
export { type DestroyPlanData, MESSAGES, type MessageCode, type MessageType, type ObjectData, type RequestType } from '../io/messages.js';
export { type ErrorCode, errorMessage, isModelstackError, ModelstackError } from '../errors.js';
export type { KubeApi } from '../kube/kube-api.js';
export type { KubeObject, StackManifest } from '../model/kube-object.js';
export type { ModelDescriptor } from '../model/model-descriptor.js';
export type { ApplyResult, ObjectAction, ObjectOutcome, StackApplyResult } from '../apply/apply.js';
export type { Change, ChangeAction, ChangeSet, ChangeSummary } from '../diff/change-set.js';
export { renderText, type TextOptions } from '../diff/render/text.js';
export { MARKDOWN_LIMIT, renderMarkdown, type MarkdownOptions } from '../diff/render/markdown.js';
export { type JsonReport, renderJson, toJsonReport } from '../diff/render/json.js';
export type { MissingPermission, RuntimeStatus } from '../status/runtime-status.js';
export type { ForbiddenKind, ListResult, ModelRow } from '../list/list-models.js';
export { ListForbiddenError } from '../list/list-forbidden-error.js';
export type { ModelPhase } from '../readiness/model-state.js';
export { type Layout, LAYOUTS } from '../synth/layout.js';
export type { SynthResult } from '../synth/synth.js';
export { DEFAULT_APP_TIMEOUT_MS } from '../synth/app-timeout.js';
export { DEFAULT_REQUEST_TIMEOUT_MS } from '../kube/request-timeout.js';
export { type CleanupOutcome, runCleanups } from '../util/cleanup.js';
export type { WriteResult } from '../synth/write-output.js';
export type { ObjectResult, ValidateResult } from '../validate/validate-manifests.js';
export type { ComposeFile, ComposeFlavor, ComposeProfile } from '../local/compose/compose-types.js';
export type { ContainerInfo, LogLine } from '../local/container-engine/container-engine.js';
export { ENGINE_CHOICES, ENGINE_ENV, ENGINE_ENV_ALIAS, ENGINE_FLAG, ENGINE_FLAG_ALIAS } from '../local/container-engine/engine-choice.js';
export { type ImageOverrides, parseImageOverrides } from '../local/run/image-overrides.js';
export type { DownResult, KeptObject } from '../local/run/down.js';
export type { UpResult, UpService } from '../local/run/up.js';
export { renderMarkdownParts } from '../diff/render/markdown.js';
export { writeMarkdownParts } from '../diff/render/split-markdown.js';
export type { RolloutImpact } from '../diff/rollout/rollout-impact.js';
export type { RolloutKind } from '../diff/rollout/rollout-rules.js';
export type { GpuTotals, ModelGpuTotals, NamespaceGpuTotals } from '../diff/rollout/gpu-totals.js';
export type { SecretKeyChanges } from '../diff/secret-keys.js';
export type { ArgoIgnoreDifference } from '../gitops/autoscaled-fields.js';
export type { ModelKindHealthChecks } from '../gitops/health-checks.js';
export type { InitProjectResult } from '../init/init-project.js';
export { parseScale, type ScaleOverrides } from '../local/run/replicas.js';
export type { CollectResult, MetricsProblem, ModelMetrics } from '../metrics/model-metrics.js';
export { DEFAULT_METRICS_INTERVAL_MS, DEFAULT_SCRAPE_TIMEOUT_MS } from '../metrics/scrape-defaults.js';
export { CONCEPTS, type ConceptId } from '../metrics/concepts.js';
export type { ConceptValue } from '../metrics/compute.js';
