/** Where a model deployment stands, the same words for both runtimes. */
export type ModelPhase = 'Ready' | 'Deploying' | 'Upgrading' | 'Unhealthy' | 'Failed' | 'Pending' | 'Unknown';

export interface ModelState {
  readonly phase: ModelPhase;
  /** Pods (or worker replicas) ready, and wanted. */
  readonly ready: number;
  readonly desired: number;
  readonly message: string;
}
