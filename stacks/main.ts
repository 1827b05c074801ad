// The example stack: two models on two runtimes, with their operators installed by Flux.
// `npm run synth` (or `cdk8s synth`) writes it to dist/.
import { Model, ModelStack, ModelstackApp, OperatorInstall, RuntimeOperator, secretKey } from '../index.js';

const app = new ModelstackApp();
// stackId: the stack's identity in the cluster, picked once and never changed (see README, Ownership).
const stack = new ModelStack(app, 'inference', { namespace: 'llm', stackId: 'inference-3f9c2a1b' });

new RuntimeOperator(stack, 'dynamo-operator', { runtime: 'dynamo', install: OperatorInstall.flux() });
new RuntimeOperator(stack, 'kuberay-operator', { runtime: 'kuberay', install: OperatorInstall.flux() });

const hfToken = secretKey('hf-token', 'token');

// Disaggregated serving with KV-aware routing on Dynamo.
new Model(stack, 'qwen3-dynamo', {
  runtime: 'dynamo',
  model: 'Qwen/Qwen3-0.6B',
  engine: 'vllm',
  mode: 'disaggregated',
  router: 'kv',
  replicas: { frontend: 1, prefill: 1, decode: 2 },
  hfTokenSecret: hfToken,
});

// The same family on Ray Serve LLM, autoscaling between one and two replicas.
new Model(stack, 'qwen25-ray', {
  runtime: 'kuberay',
  model: 'Qwen/Qwen2.5-7B-Instruct',
  servedModelName: 'qwen2.5-7b-instruct',
  tensorParallelSize: 2,
  autoscaling: { minReplicas: 1, maxReplicas: 2 },
  workerGroups: [{ name: 'gpu', minReplicas: 1, maxReplicas: 2, gpus: 2 }],
  hfTokenSecret: hfToken,
});

app.synth();
