import type { CommandEntry } from '../command.js';

/**
 * Every CLI command, in the order `modelstack --help` lists them: name and summary here, the
 * command itself loaded only when it runs (so `--help` and `--version` stay fast).
 */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'synth',
    summary: 'run the app and write its manifests (deterministic YAML) to a directory',
    load: async () => (await import('./synth-command.js')).synthCommand,
  },
  {
    name: 'validate',
    summary: 'check synthesized custom resources against the CRD schemas',
    load: async () => (await import('./validate-command.js')).validateCommand,
  },
  {
    name: 'diff',
    summary: 'show what would change: against the live cluster, a git revision or a directory',
    load: async () => (await import('./diff-command.js')).diffCommand,
  },
  {
    name: 'status',
    summary: 'show whether each runtime is installed and healthy in the cluster',
    load: async () => (await import('./status-command.js')).statusCommand,
  },
  {
    name: 'list',
    summary: 'list model deployments of both runtimes with their phase and replicas',
    load: async () => (await import('./list-command.js')).listCommand,
  },
  {
    name: 'apply',
    summary: 'apply the stack to the cluster with server-side apply (after a preflight check)',
    load: async () => (await import('./apply-command.js')).applyCommand,
  },
  {
    name: 'destroy',
    summary: 'delete what the stack created in the cluster (after showing it and asking), release what it adopted',
    load: async () => (await import('./destroy-command.js')).destroyCommand,
  },
  {
    name: 'local',
    summary: 'run the stack on this machine with docker, podman or nerdctl (compose, up, down, ps, logs)',
    load: async () => (await import('./local-command.js')).localCommand,
  },
  {
    name: 'import',
    summary: 'turn existing DynamoGraphDeployments and RayServices (files or a namespace) into a stack file that adopts them',
    load: async () => (await import('./import-command.js')).importCommand,
  },
  {
    name: 'gitops',
    summary: 'GitOps helpers: health (Argo CD Lua / Flux CEL health checks), argocd-ignore (ignoreDifferences for autoscaler-owned replicas)',
    load: async () => (await import('./gitops-command.js')).gitopsCommand,
  },
  {
    name: 'init',
    summary: 'scaffold a GitOps repository: a stack with one model per runtime, and a CI workflow',
    load: async () => (await import('./init-command.js')).initCommand,
  },
  {
    name: 'metrics',
    summary: "show each model's request, latency, token and KV-cache numbers, scraped through the API server",
    load: async () => (await import('./metrics-command.js')).metricsCommand,
  },
];
