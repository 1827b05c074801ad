import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { SYNTH_REPORT_ENV, type SynthReport } from '../model/synth-report.js';
import { ModelstackError } from '../errors.js';
import type { IoHost } from '../io/io-host.js';
import { MESSAGES } from '../io/messages.js';
import { splitCommand } from './app-command.js';
import type { StackManifest } from '../model/kube-object.js';
import { parseManifests } from './render-yaml.js';

export interface RunAppOptions {
  readonly command: string;
  readonly cwd: string;
  readonly io: IoHost;
  /** Extra environment for the app. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Runs a cdk8s app and returns its stacks. A ModelstackApp answers with a report (its
 * validation errors, or its charts); a plain cdk8s App is read from the YAML it writes.
 * Validation errors become one ModelstackError listing all of them.
 */
export async function runApp(opts: RunAppOptions): Promise<StackManifest[]> {
  const work = await mkdtemp(join(tmpdir(), 'modelstack-synth-'));
  try {
    const reportPath = join(work, 'report.json');
    const outdir = join(work, 'out');
    const [file, ...args] = splitCommand(opts.command);
    opts.io.notify(MESSAGES.APP_RUN.make(`running app: ${opts.command}`, { command: opts.command }));
    const result = await execa(file!, args, {
      cwd: opts.cwd,
      env: { ...opts.env, [SYNTH_REPORT_ENV]: reportPath, CDK8S_OUTDIR: outdir },
      reject: false,
      all: true,
      stdin: 'ignore',
    });
    const report = await readReport(reportPath);
    if (report && !report.ok) {
      const details = report.errors.map((e) => `[${e.path}] ${e.message}`);
      const noun = details.length === 1 ? 'problem' : 'problems';
      throw new ModelstackError('VALIDATION', `the stack has ${details.length} ${noun}`, {
        details,
        exitCode: 1,
        hint: 'fix the props named above; nothing was written',
      });
    }
    if (result.failed) {
      const reason = result.code === 'ENOENT' ? `command not found: ${file}` : `exit code ${String(result.exitCode)}`;
      throw new ModelstackError('APP_FAILED', `the app failed (${reason}): ${opts.command}`, {
        details: tail(result.all ?? ''),
        hint: 'run the app command yourself to see the whole output, or pass --app "<command>"',
      });
    }
    if (report) {
      return report.charts.map((c) => ({
        id: c.id,
        ...(c.stackName ? { stackName: c.stackName } : {}),
        ...(c.stackId ? { stackId: c.stackId } : {}),
        objects: c.objects as StackManifest['objects'],
        ...(c.models ? { models: c.models } : {}),
      }));
    }
    return await readPlainOutput(outdir);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function readReport(path: string): Promise<SynthReport | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as SynthReport;
  } catch {
    return undefined;
  }
}

/** Output of an app that is a plain cdk8s App: one chart per `<nnnn->chart.k8s.yaml` file. */
async function readPlainOutput(outdir: string): Promise<StackManifest[]> {
  let files: string[];
  try {
    files = (await readdir(outdir)).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
  } catch {
    throw new ModelstackError('APP_FAILED', 'the app wrote no manifests', {
      hint: 'make sure the app calls app.synth() (use ModelstackApp for error reports)',
    });
  }
  const stacks: StackManifest[] = [];
  for (const f of files) {
    const id = f.replace(/^\d{4}-/, '').replace(/\.k8s\.ya?ml$|\.ya?ml$/, '');
    stacks.push({ id, objects: parseManifests(await readFile(join(outdir, f), 'utf8'), f) });
  }
  return stacks;
}

function tail(text: string, lines = 20): string[] {
  return text.trimEnd().split('\n').slice(-lines);
}
