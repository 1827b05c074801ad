import {
  type ConceptValue,
  DEFAULT_METRICS_INTERVAL_MS,
  DEFAULT_SCRAPE_TIMEOUT_MS,
  type MetricsProblem,
  type MetricsResult,
  type ModelMetrics,
  ModelstackError,
} from '../../toolkit/index.js';
import { choice, type Command, parseCommandArgs, positiveNumber } from '../command.js';
import { formatTable } from '../format-table.js';
import { interruptible } from '../interrupts.js';
import { clusterFlags, KUBE_FLAGS, KUBE_FLAGS_USAGE } from '../kube-flags.js';

export const metricsCommand: Command = {
  name: 'metrics',
  usage: `modelstack metrics [MODEL] [-n NS | -A] [-o table|json] [--watch] [--interval SECONDS] [--timeout SECONDS]
                          [--kubeconfig FILE] [--context NAME]

  Scrapes each model's metrics endpoint twice through the API server's service proxy (Dynamo: the
  frontend Service's "http" port; KubeRay: the head Service's "metrics" port, both /metrics), and
  its running worker pods through the pod proxy (Dynamo: port "system"; KubeRay: port "metrics"),
  and shows the same rows for both runtimes: counters and histograms summed over the pods, KV-cache
  usage and prefix-cache hit rate the mean over the workers. "n/a": the runtime does not publish
  it; "-": no request finished between the two scrapes. A worker that cannot be scraped is an
  error line after the table (exit 2).

  MODEL                 only this model (default: every model in the namespace)
${KUBE_FLAGS_USAGE} (default: the context's namespace)
  -A, --all-namespaces  every namespace
  -o, --output F        table (default) or json
  --interval SECONDS    time between the two scrapes, 1 to 300 (default ${DEFAULT_METRICS_INTERVAL_MS / 1000})
  --timeout SECONDS     deadline of each scrape, 1 to 120 (default ${DEFAULT_SCRAPE_TIMEOUT_MS / 1000})
  -w, --watch           refresh every interval until Ctrl-C`,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs(
      'metrics',
      argv,
      {
        ...KUBE_FLAGS,
        'all-namespaces': { type: 'boolean', short: 'A' },
        output: { type: 'string', short: 'o' },
        interval: { type: 'string' },
        timeout: { type: 'string' },
        watch: { type: 'boolean', short: 'w' },
      },
      true,
    );
    if (positionals.length > 1) {
      throw new ModelstackError('USAGE', `metrics: one MODEL at most (got ${positionals.join(', ')})`, {
        hint: 'run it once per model, or without MODEL for all',
      });
    }
    const output = choice('-o', values.output as string | undefined, ['table', 'json'] as const, 'table');
    const intervalMs = positiveNumber('--interval', values.interval as string | undefined, DEFAULT_METRICS_INTERVAL_MS / 1000) * 1000;
    const timeoutMs = positiveNumber('--timeout', values.timeout as string | undefined, DEFAULT_SCRAPE_TIMEOUT_MS / 1000) * 1000;
    const all = values['all-namespaces'] === true;
    const render = (r: MetricsResult): string => (output === 'json' ? `${JSON.stringify(r, null, 2)}\n` : metricsTables(r, all));
    const call = (signal?: AbortSignal): Promise<MetricsResult> =>
      ctx.toolkit.metrics({
        ...clusterFlags(values),
        ...(positionals[0] !== undefined ? { model: positionals[0] } : {}),
        namespace: values.namespace as string | undefined,
        allNamespaces: all,
        intervalMs,
        timeoutMs,
        ...(signal ? { signal } : {}),
      });
    if (values.watch !== true || !ctx.write) {
      const result = await call();
      return { stdout: render(result), exitCode: result.problems.length > 0 ? 2 : 0 };
    }
    // --watch: each round scrapes twice (one interval apart) and redraws; Ctrl-C ends it (exit 0).
    const write = ctx.write;
    const tty = process.stdout.isTTY === true;
    await interruptible(
      async (signal) => {
        for (;;) {
          const result = await call(signal);
          const stamp = `every ${intervalMs / 1000}s, ${new Date().toISOString()} (Ctrl-C to stop)\n`;
          write(tty && output === 'table' ? `\x1b[H\x1b[2J${stamp}${render(result)}` : `${output === 'table' ? stamp : ''}${render(result)}`);
        }
      },
      { quiet: true },
    );
    return { stdout: '', exitCode: 0 };
  },
};

/** One table per model (rows: the concepts), then the models that could not be scraped. */
export function metricsTables(r: MetricsResult, allNamespaces: boolean): string {
  if (r.models.length === 0 && r.problems.length === 0) return 'no model deployments found\n';
  const blocks = r.models.map((m) => `${heading(m, allNamespaces)}\n${(m.workers ?? []).map((w) => `  worker ${w}\n`).join('')}${conceptTable(m.values)}`);
  const problems = r.problems.map((p) => problemLine(p));
  return `${[...blocks, ...(problems.length ? [problems.join('')] : [])].join('\n')}`;
}

function heading(m: ModelMetrics, allNamespaces: boolean): string {
  const name = allNamespaces ? `${m.namespace}/${m.name}` : m.name;
  const workers = m.workers?.length ? ` and ${m.workers.length} worker pod${m.workers.length === 1 ? '' : 's'}:` : '';
  return `${name} (${m.runtime}${m.engine ? `, ${m.engine}` : ''}): ${m.endpoint}, over ${(m.intervalMs / 1000).toFixed(1)}s${workers}`;
}

function conceptTable(values: readonly ConceptValue[]): string {
  return formatTable(
    ['METRIC', 'VALUE', 'FROM'],
    values.map((v) => [v.label, formatValue(v), v.metric ?? '-']),
  );
}

function problemLine(p: MetricsProblem): string {
  return `error: ${p.namespace}/${p.name}: ${p.message}\n${p.hint ? `  hint: ${p.hint}\n` : ''}`;
}

/** "n/a" when not published, "-" when published without data for the interval, else the value in its unit. */
export function formatValue(v: ConceptValue): string {
  if (!v.published) return 'n/a';
  if (v.value === null) return '-';
  const x = v.value;
  switch (v.unit) {
    case '%':
      return `${(x * 100).toFixed(1)}%`;
    case 's':
      return x < 1 ? `${(x * 1000).toFixed(1)} ms` : `${x.toFixed(2)} s`;
    case '':
      return Number.isInteger(x) ? String(x) : x.toFixed(1);
    default:
      return `${x.toFixed(2)} ${v.unit}`;
  }
}
