// How KubeRay upgrades a RayService when its rayClusterConfig changes (spec.upgradeStrategy).
//
// Sources: the KubeRay 1.7.0 RayService CRD (../shared/crds/kuberay/ray.io_rayservices.yaml:
// spec.upgradeStrategy.type is a string; clusterUpgradeOptions requires gatewayClassName,
// intervalSeconds and stepSizePercent, maxSurgePercent defaults to 100) and the Ray docs "RayService
// Zero-Downtime Incremental Upgrades" (doc/source/cluster/kubernetes/user-guides/rayservice-incremental-
// upgrade.md): NewCluster is the default zero-downtime upgrade and brings up a second cluster of
// equal size (200% of the resources while both run); NewClusterWithIncrementalUpgrade (alpha since
// KubeRay 1.5, feature gate RayServiceIncrementalUpgrade) shifts traffic step by step through the
// Gateway API and needs the Ray autoscaler; None creates no new cluster: a rayClusterConfig change
// is not rolled out (Serve config changes still apply in place).
import { z } from 'zod';
import type { PropIssue } from '../common/issues.js';
import * as s from '../common/schemas.js';
import type { RayServiceSpecUpgradeStrategy } from '../../imports/ray.io.js';

export type RayUpgradeStrategy =
  /** A second cluster of the same size, then a switch: zero downtime, twice the GPUs during the upgrade. */
  | { readonly type: 'NewCluster' }
  /** No new cluster: cluster changes wait until the RayService is recreated; no extra GPUs. */
  | { readonly type: 'None' }
  /**
   * A second cluster scaled up step by step while traffic moves over (Gateway API): at most
   * maxSurgePercent extra capacity. Needs KubeRay's RayServiceIncrementalUpgrade feature gate,
   * a Gateway controller and the Ray autoscaler (a worker group whose minReplicas < maxReplicas).
   */
  | {
      readonly type: 'NewClusterWithIncrementalUpgrade';
      /** GatewayClass of the cluster's Gateway controller (e.g. "istio"). */
      readonly gatewayClassName: string;
      /** Percent of traffic moved each step. */
      readonly stepSizePercent: number;
      /** Seconds between traffic steps. */
      readonly intervalSeconds: number;
      /** Extra capacity the new cluster may add at a time, in percent. @default 100 (KubeRay's default) */
      readonly maxSurgePercent?: number;
    };

const percent = z.number().int().min(1).max(100);

export const upgradeStrategySchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('NewCluster') }),
  z.strictObject({ type: z.literal('None') }),
  z.strictObject({
    type: z.literal('NewClusterWithIncrementalUpgrade'),
    gatewayClassName: s.dnsLabel.or(z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/)),
    stepSizePercent: percent,
    intervalSeconds: s.positiveInt,
    maxSurgePercent: percent.optional(),
  }),
]);

/** An incremental upgrade needs the Ray autoscaler, which runs only when some worker group can scale. */
export function upgradeStrategyIssues(strategy: RayUpgradeStrategy | undefined, autoscales: boolean): PropIssue[] {
  if (strategy?.type !== 'NewClusterWithIncrementalUpgrade' || autoscales) return [];
  return [
    {
      prop: 'upgradeStrategy.type',
      value: strategy.type,
      problem: 'needs the Ray autoscaler, which runs only when a worker group has minReplicas below maxReplicas',
      fix: 'let a worker group scale (e.g. autoscaling: { minReplicas: 1, maxReplicas: 2 }), or use type: "NewCluster"',
    },
  ];
}

export function renderUpgradeStrategy(strategy: RayUpgradeStrategy | undefined): RayServiceSpecUpgradeStrategy | undefined {
  if (!strategy) return undefined;
  if (strategy.type !== 'NewClusterWithIncrementalUpgrade') return { type: strategy.type };
  return {
    type: strategy.type,
    clusterUpgradeOptions: {
      gatewayClassName: strategy.gatewayClassName,
      stepSizePercent: strategy.stepSizePercent,
      intervalSeconds: strategy.intervalSeconds,
      ...(strategy.maxSurgePercent !== undefined ? { maxSurgePercent: strategy.maxSurgePercent } : {}),
    },
  };
}
