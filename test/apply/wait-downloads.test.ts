import { ModelCache, Testing } from '../../index.js';
import { downloadJobs, waitForDownloads } from '../../src/apply/wait-downloads.js';
import { RecordingIoHost } from '../../src/io/io-host.js';
import type { KubeObject } from '../../src/model/kube-object.js';
import { jobState } from '../../src/readiness/job.js';
import { FakeKube } from '../support/fake-kube.js';
import { rejection as failure } from '../support/thrown.js';

const REV = 'c1899de289a04d12100db370d81485cdf75e47ca';

/** The objects a real ModelCache synthesizes (a PVC and its download Job). */
function cacheObjects(): KubeObject[] {
  const stack = Testing.stack({ namespace: 'llm' });
  new ModelCache(stack, 'weights', { model: 'Qwen/Qwen3-0.6B', revision: REV, size: '20Gi', retries: 2 });
  return Testing.synth(stack);
}

const running = (failed = 0) => ({ spec: { backoffLimit: 2 }, status: { active: 1, ...(failed ? { failed } : {}) } });
const complete = { spec: { backoffLimit: 2 }, status: { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] } };
const failedJob = {
  spec: { backoffLimit: 2 },
  status: {
    failed: 3,
    conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }],
  },
};

/** A cluster whose GET of the Job answers the next state of `script` (the last one repeats). */
function scripted(script: unknown[], extra: Partial<{ pods: unknown[]; logs: string }> = {}): { kube: FakeKube; logCalls: unknown[] } {
  let i = 0;
  const logCalls: unknown[] = [];
  const kube = new FakeKube({
    get: async () => script[Math.min(i++, script.length - 1)],
    list: async (_v, kind, opts) => (kind === 'Pod' && opts?.labelSelector?.startsWith('batch.kubernetes.io/job-name=') ? (extra.pods ?? []) : []),
  });
  Object.assign(kube, {
    podLogs: async (...args: unknown[]) => {
      logCalls.push(args);
      return extra.logs ?? '';
    },
  });
  return { kube, logCalls };
}

describe('jobState', () => {
  test('the phases the Job controller writes', () => {
    expect(jobState({}).phase).toBe('Pending');
    expect(jobState(running()).phase).toBe('Running');
    expect(jobState(complete).phase).toBe('Complete');
    expect(jobState(failedJob)).toEqual({
      phase: 'Failed',
      failed: 3,
      active: 0,
      backoffLimit: 2,
      message: 'BackoffLimitExceeded: Job has reached the specified backoff limit',
    });
    expect(jobState({ status: { conditions: [{ type: 'FailureTarget', status: 'True', reason: 'DeadlineExceeded' }] } }).phase).toBe('Failed');
  });
});

describe('waitForDownloads', () => {
  const objects = cacheObjects();
  const [job] = downloadJobs(objects);
  const ref = `Job llm/${job!.metadata.name}`;

  test('only the download Jobs of caches are waited for; none: returns without asking the cluster', async () => {
    expect(downloadJobs(objects).map((o) => o.kind)).toEqual(['Job']);
    const kube = new FakeKube();
    await waitForDownloads(
      kube,
      objects.filter((o) => o.kind !== 'Job'),
      { timeoutMs: 1000 },
      new RecordingIoHost(),
    );
    expect(kube.calls).toEqual([]);
  });

  test('reports every change (pending, running, a retry) until Complete', async () => {
    const { kube } = scripted([undefined, {}, running(), running(), running(1), complete]);
    const io = new RecordingIoHost();
    await waitForDownloads(kube, objects, { timeoutMs: 10_000, pollMs: 1 }, io);
    expect(io.messages.every((m) => m.code === 'DOWNLOAD_PROGRESS')).toBe(true);
    expect(io.text()).toEqual([
      `  ${ref} (Qwen/Qwen3-0.6B@${REV}): Pending (not found in the cluster)`,
      `  ${ref} (Qwen/Qwen3-0.6B@${REV}): Pending`,
      `  ${ref} (Qwen/Qwen3-0.6B@${REV}): Running, attempt 1 of 3`,
      `  ${ref} (Qwen/Qwen3-0.6B@${REV}): Running, attempt 2 of 3`,
      `  ${ref} (Qwen/Qwen3-0.6B@${REV}): Complete`,
    ]);
    expect(io.messages.at(-1)!.data).toMatchObject({ ref, cache: 'weights', phase: 'Complete', failedAttempts: 0 });
  });

  test('a download still running is reported again after the heartbeat', async () => {
    const { kube } = scripted([running(), running(), complete]);
    const io = new RecordingIoHost();
    await waitForDownloads(kube, objects, { timeoutMs: 10_000, pollMs: 5, heartbeatMs: 1 }, io);
    expect(io.text()[1]).toMatch(/: Running, attempt 1 of 3, \d+s so far$/);
  });

  test('a failed download ends the wait with the reason and the last log lines of the newest pod, tokens masked', async () => {
    const pods = [
      { metadata: { name: 'dl-old', creationTimestamp: '2025-01-01T00:00:00Z' } },
      { metadata: { name: 'dl-new', creationTimestamp: '2025-01-01T00:05:00Z' } },
    ];
    const logs = 'Downloading...\n\nhuggingface_hub.errors.GatedRepoError: 401 Client Error (token hf_abcdefghijklmnopqrstuv)\n';
    const { kube, logCalls } = scripted([failedJob], { pods, logs });
    const e = await failure(waitForDownloads(kube, objects, { timeoutMs: 10_000, pollMs: 1 }, new RecordingIoHost()));
    expect(e.message).toBe('1 model download(s) failed; the models that use them cannot start');
    expect(e.details).toEqual([
      `${ref} (Qwen/Qwen3-0.6B@${REV}): BackoffLimitExceeded: Job has reached the specified backoff limit after 3 failed attempt(s)`,
      '  last 2 log line(s) of pod dl-new:',
      '    Downloading...',
      '    huggingface_hub.errors.GatedRepoError: 401 Client Error (token hf_***)',
    ]);
    expect(e.hint).toMatch(/delete the failed Job \(kubectl delete job -n <namespace> <name>\) and apply again/);
    expect(logCalls).toEqual([['llm', 'dl-new', { tailLines: 20, container: 'download' }]]);
  });

  test('a log that cannot be read is said, not hidden', async () => {
    const { kube } = scripted([failedJob], { pods: [{ metadata: { name: 'p' } }] });
    Object.assign(kube, { podLogs: async () => Promise.reject(new Error('pods "p" is forbidden')) });
    const e = await failure(waitForDownloads(kube, objects, { timeoutMs: 10_000, pollMs: 1 }, new RecordingIoHost()));
    expect(e.details.at(-1)).toBe('  (its log could not be read: pods "p" is forbidden)');
  });

  test('the deadline ends the wait with the downloads not done', async () => {
    const { kube } = scripted([running()]);
    const e = await failure(waitForDownloads(kube, objects, { timeoutMs: 0, pollMs: 1 }, new RecordingIoHost()));
    expect(e.code).toBe('TIMEOUT');
    expect(e.details).toEqual([`${ref} (Qwen/Qwen3-0.6B@${REV}): Running, attempt 1 of 3`]);
  });
});
