import { z } from 'zod';
import type {
  DynamoGraphDeploymentSpecComponentsEppConfig as EppConfig,
  DynamoGraphDeploymentSpecComponentsEppConfigConfig as EndpointPickerConfig,
} from '../../imports/nvidia.com.js';
import type { PropIssue } from '../common/issues.js';
import * as s from '../common/schemas.js';
import type { EnvValue } from '../common/secrets.js';

/**
 * The Gateway API Inference Extension endpoint picker (DGD component `type: epp`).
 *
 * Sources: the DynamoGraphDeployment CRD of Dynamo 1.4.0 (components[].eppConfig, with its CEL
 * rules "at most one component may have type epp", "eppConfig may only be set when type is epp"
 * and "exactly one of configMapRef or config must be specified"); the EPP example
 * examples/backends/vllm/deploy/gaie/agg.yaml (Dynamo 1.x: DYN_MODEL_NAME names the model whose
 * tokenizer the Dynamo EPP runs). The operator writes the EPP's ports, gRPC probes, service
 * account and InferencePool itself (deploy/operator/internal/dynamo/component_epp.go); the
 * cluster needs the Gateway API Inference Extension CRDs installed.
 */
export interface DynamoEppSettings {
  /** The Dynamo EPP image. There is no default: pick the EPP build for your Dynamo version. Must be pinned. */
  readonly image: string;
  /**
   * The EPP's `EndpointPickerConfig` (plugins, scheduling profiles), which the operator writes
   * into a ConfigMap. Exactly one of config and configMapRef.
   */
  readonly config?: EndpointPickerConfig;
  /** A ConfigMap key holding the EPP's configuration. Exactly one of config and configMapRef. */
  readonly configMapRef?: { readonly name: string; readonly key: string };
  /** @default 1 */
  readonly replicas?: number;
  /** Environment of the EPP, merged over the model's `env`. @default none */
  readonly env?: Readonly<Record<string, EnvValue>>;
}

export const eppSchema = z.strictObject({
  image: z.string().min(1),
  config: z
    .looseObject({
      plugins: z.array(z.looseObject({ type: z.string().min(1), name: z.string().min(1).optional() })),
      schedulingProfiles: z.array(
        z.strictObject({
          name: z.string().min(1),
          plugins: z.array(z.strictObject({ pluginRef: z.string().min(1), weight: z.number().int().optional() })),
        }),
      ),
    })
    .optional(),
  configMapRef: z.strictObject({ name: s.dnsLabel.or(z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/)), key: z.string().min(1) }).optional(),
  replicas: s.positiveInt.optional(),
  env: s.envMap.optional(),
});

/** Issues of the EPP settings: the CRD's one-of rule, and scheduling profiles naming plugins that do not exist. */
export function eppIssues(e: DynamoEppSettings): PropIssue[] {
  const issues: PropIssue[] = [];
  if ((e.config === undefined) === (e.configMapRef === undefined)) {
    issues.push({
      prop: 'epp',
      value: { config: e.config !== undefined, configMapRef: e.configMapRef !== undefined },
      problem: `sets ${e.config ? 'both config and configMapRef' : 'neither config nor configMapRef'}; the DGD CRD (1.4.0) requires exactly one`,
      fix: 'set epp.config (the EndpointPickerConfig inline) or epp.configMapRef (a ConfigMap key holding it)',
    });
  }
  // A plugin is referenced by its name, or by its type when it has no name (the CRD's PluginSpec).
  const names = new Set((e.config?.plugins ?? []).map((p) => p.name ?? p.type));
  (e.config?.schedulingProfiles ?? []).forEach((profile, i) => {
    profile.plugins.forEach((ref, j) => {
      if (names.has(ref.pluginRef)) return;
      issues.push({
        prop: `epp.config.schedulingProfiles[${i}].plugins[${j}].pluginRef`,
        value: ref.pluginRef,
        problem: 'names no plugin of epp.config.plugins (a plugin is known by its name, or by its type when it has none)',
        fix: `use one of ${[...names].map((n) => JSON.stringify(n)).join(', ') || '(none: add the plugin to epp.config.plugins)'}`,
      });
    });
  });
  return issues;
}

/** The component's `eppConfig`. */
export function renderEppConfig(e: DynamoEppSettings): EppConfig {
  return e.config ? { config: e.config } : { configMapRef: { name: e.configMapRef!.name, key: e.configMapRef!.key } };
}
