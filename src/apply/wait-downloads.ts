import { ModelstackError, errorMessage } from '../errors.js';
import type { IoHost } from '../io/io-host.js';
import { MESSAGES } from '../io/messages.js';
import type { KubeApi } from '../kube/kube-api.js';
import { objectRef, type KubeObject } from '../model/kube-object.js';
import { MODEL_CACHE_LABEL } from '../model/model-cache.js';
import { jobState, type JobState } from '../readiness/job.js';

export interface DownloadWaitOptions {
  readonly timeoutMs: number;
  readonly pollMs?: number;
  /** How often a download that did not change is reported as still running. @default 60s */
  readonly heartbeatMs?: number;
}

/** Lines of the failed pod's log shown with a failed download. */
export const LOG_TAIL_LINES = 20;

/** The download Jobs of ModelCaches among the objects (batch Jobs labelled with the cache). */
export function downloadJobs(objects: readonly KubeObject[]): KubeObject[] {
  return objects.filter((o) => o.kind === 'Job' && o.apiVersion === 'batch/v1' && o.metadata.labels?.[MODEL_CACHE_LABEL] !== undefined);
}

/**
 * Waits until every ModelCache download Job is Complete, reporting each change of state (and a
 * download still running, once a minute). A failed download ends the wait with the Job's reason
 * and the last lines of its newest pod's log; the deadline ends it with the Jobs not done.
 */
export async function waitForDownloads(kube: KubeApi, objects: readonly KubeObject[], opts: DownloadWaitOptions, io: IoHost): Promise<void> {
  const jobs = downloadJobs(objects);
  if (jobs.length === 0) return;
  const start = Date.now();
  const deadline = start + opts.timeoutMs;
  const last = new Map<string, { line: string; at: number }>();
  for (;;) {
    const states = await Promise.all(jobs.map(async (j) => [j, stateOf(await kube.get(j))] as [KubeObject, JobState]));
    const now = Date.now();
    for (const [j, s] of states) {
      const ref = objectRef(j);
      const line = describe(s);
      const prev = last.get(ref);
      const heartbeat = prev !== undefined && prev.line === line && s.phase === 'Running' && now - prev.at >= (opts.heartbeatMs ?? 60_000);
      if (prev?.line === line && !heartbeat) continue;
      const elapsed = heartbeat ? `, ${Math.round((now - start) / 1000)}s so far` : '';
      io.notify(
        MESSAGES.DOWNLOAD_PROGRESS.make(`  ${ref} (${what(j)}): ${line}${elapsed}`, {
          ref,
          cache: j.metadata.labels?.[MODEL_CACHE_LABEL] ?? '',
          phase: s.phase,
          failedAttempts: s.failed,
          elapsedMs: now - start,
        }),
      );
      last.set(ref, { line, at: now });
    }
    const failed = states.filter(([, s]) => s.phase === 'Failed');
    if (failed.length > 0) {
      const details: string[] = [];
      for (const [j, s] of failed) {
        details.push(`${objectRef(j)} (${what(j)}): ${s.message || 'failed'} after ${s.failed} failed attempt(s)`);
        details.push(...(await lastLogLines(kube, j)));
      }
      throw new ModelstackError('PREFLIGHT', `${failed.length} model download(s) failed; the models that use them cannot start`, {
        details,
        hint:
          'fix the cause (a gated model without hfTokenSecret or with a wrong token, a revision that does not exist, a volume too small), ' +
          'then delete the failed Job (kubectl delete job -n <namespace> <name>) and apply again: a failed Job is not run again by an unchanged apply',
      });
    }
    if (states.every(([, s]) => s.phase === 'Complete')) return;
    if (Date.now() >= deadline) {
      throw new ModelstackError('TIMEOUT', `model downloads not complete after ${Math.round(opts.timeoutMs / 1000)}s`, {
        details: states.filter(([, s]) => s.phase !== 'Complete').map(([j, s]) => `${objectRef(j)} (${what(j)}): ${describe(s)}`),
        hint: 'the apply itself succeeded and the downloads go on; wait longer with --timeout, or follow the Job with kubectl logs -f job/<name>',
      });
    }
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 2000));
  }
}

function stateOf(live: unknown): JobState {
  return live === undefined ? { phase: 'Pending', failed: 0, active: 0, backoffLimit: 0, message: 'not found in the cluster' } : jobState(live);
}

function describe(s: JobState): string {
  const attempt =
    s.phase === 'Running'
      ? `, attempt ${s.failed + 1} of ${s.backoffLimit + 1}`
      : s.failed > 0 && s.phase === 'Pending'
        ? `, ${s.failed} failed attempt(s)`
        : '';
  return `${s.phase}${attempt}${s.message && s.phase !== 'Complete' ? ` (${s.message})` : ''}`;
}

/** `model@revision` of a download Job, from the env the ModelCache wrote. */
function what(job: KubeObject): string {
  const env = ((job.spec as { template?: { spec?: { containers?: Array<{ env?: Array<{ name: string; value?: string }> }> } } })?.template?.spec
    ?.containers?.[0]?.env ?? []) as Array<{
    name: string;
    value?: string;
  }>;
  const get = (n: string): string => env.find((e) => e.name === n)?.value ?? '?';
  return `${get('MODEL')}@${get('REVISION')}`;
}

const TOKEN = /hf_[A-Za-z0-9]{16,}/g;

/**
 * The last log lines of the Job's newest pod, tokens masked. The Job controller labels its pods
 * `batch.kubernetes.io/job-name: <job>` (Kubernetes docs, "Jobs": since 1.27).
 */
async function lastLogLines(kube: KubeApi, job: KubeObject): Promise<string[]> {
  const namespace = job.metadata.namespace ?? 'default';
  try {
    const pods =
      (await kube.list<{ metadata: { name: string; creationTimestamp?: string } }>('v1', 'Pod', {
        namespace,
        labelSelector: `batch.kubernetes.io/job-name=${job.metadata.name}`,
      })) ?? [];
    if (pods.length === 0) return ['  (no pod of the Job is left to show a log)'];
    const newest = [...pods].sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '')).pop()!;
    if (!kube.podLogs) return [`  (the log of pod ${newest.metadata.name} cannot be read by this client)`];
    const text = await kube.podLogs(namespace, newest.metadata.name, { tailLines: LOG_TAIL_LINES, container: 'download' });
    const lines = text
      .replace(TOKEN, 'hf_***')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(-LOG_TAIL_LINES);
    return [`  last ${lines.length} log line(s) of pod ${newest.metadata.name}:`, ...lines.map((l) => `    ${l}`)];
  } catch (e) {
    return [`  (its log could not be read: ${errorMessage(e)})`];
  }
}
