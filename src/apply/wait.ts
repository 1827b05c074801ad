import { ModelstackError } from '../errors.js';
import type { IoHost } from '../io/io-host.js';
import type { KubeApi } from '../kube/kube-api.js';
import { objectRef, type KubeObject } from '../model/kube-object.js';
import type { ModelState } from '../readiness/model-state.js';
import { modelStateOf } from '../runtimes/adapters.js';
import { stageOf } from './order.js';
import { MESSAGES } from '../io/messages.js';

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly pollMs?: number;
}

/**
 * Waits until every model object is Ready (same phase logic as `list`), reporting progress
 * whenever a model's phase or replica count changes. A Failed model or the timeout ends the
 * wait with an error that lists the models not ready.
 */
export async function waitForModels(kube: KubeApi, objects: readonly KubeObject[], opts: WaitOptions, io: IoHost): Promise<void> {
  const models = objects.filter((o) => stageOf(o) === 'models');
  if (models.length === 0) return;
  const deadline = Date.now() + opts.timeoutMs;
  const last = new Map<string, string>();
  for (;;) {
    const states = await Promise.all(models.map(async (m) => [objectRef(m), stateOf(m, await kube.get(m))] as [string, ModelState]));
    for (const [ref, s] of states) {
      const line = `${s.phase} ${s.ready}/${s.desired}`;
      if (last.get(ref) !== line) {
        const data = { ref, phase: s.phase, ready: s.ready, desired: s.desired, ...(s.message ? { message: s.message } : {}) };
        io.notify(MESSAGES.WAIT_PROGRESS.make(`  ${ref}: ${line}${s.message ? ` (${s.message})` : ''}`, data));
      }
      last.set(ref, line);
    }
    const failed = states.filter(([, s]) => s.phase === 'Failed');
    if (failed.length > 0) {
      throw new ModelstackError('PREFLIGHT', `${failed.length} model(s) failed while waiting`, {
        details: failed.map(([ref, s]) => `${ref}: ${s.message}`),
        hint: 'see the operator and pod logs; fix the model and apply again',
      });
    }
    if (states.every(([, s]) => s.phase === 'Ready')) return;
    if (Date.now() >= deadline) {
      throw new ModelstackError('TIMEOUT', `models not ready after ${Math.round(opts.timeoutMs / 1000)}s`, {
        details: states.filter(([, s]) => s.phase !== 'Ready').map(([ref, s]) => `${ref}: ${s.phase} ${s.ready}/${s.desired} ${s.message}`),
        hint: 'the apply itself succeeded; check with "modelstack list", or wait longer with --timeout',
      });
    }
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 2000));
  }
}

/** A model that is not (or no longer) in the cluster is Pending, not a crash of the readiness logic. */
function stateOf(m: KubeObject, live: unknown): ModelState {
  return live === undefined ? { phase: 'Pending', ready: 0, desired: 0, message: 'not found in the cluster' } : modelStateOf(m, live);
}
