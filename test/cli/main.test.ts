import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { type CliStreams, runCli } from '../../src/cli/main.js';
import { fixtureApp, removeTempDirs, tempDir } from '../support/paths.js';

afterAll(removeTempDirs);

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(argv: string[], cwd = tempDir()): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const streams: CliStreams = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) };
  const code = await runCli(argv, streams, cwd);
  return { code, stdout, stderr };
}

const STACK_FRAME = '    at ';

describe('help and usage', () => {
  test('--help lists the commands and exits 0', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^usage: modelstack <command> \[options\]\n\ncommands:\n/);
    for (const c of COMMANDS) expect(r.stdout).toContain(`  ${c.name.padEnd(Math.max(...COMMANDS.map((x) => x.name.length)))}  ${c.summary}\n`);
    expect(r.stdout).toContain('  --debug   show stack traces and debug messages\n');
    expect((await cli(['-h'])).code).toBe(0);
    expect((await cli(['help'])).stdout).toBe(r.stdout);
  });

  test('no command prints the usage and exits 2', async () => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe((await cli(['--help'])).stdout);
  });

  test('--version', async () => {
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: 'modelstack 0.1.0\n', stderr: '' });
  });

  test('<command> --help prints the command usage', async () => {
    const r = await cli(['synth', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^usage: modelstack synth \[--app CMD\] \[--app-timeout SECONDS\] \[--out DIR\] \[--layout file-per-chart\|file-per-resource\] \[--kustomization\]\n/,
    );
    expect(r.stdout).toContain('--kustomization');
  });

  test('an unknown command exits 2 with error and hint', async () => {
    const r = await cli(['frobnicate']);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: unknown command "frobnicate"\nhint: one of ${COMMANDS.map((c) => c.name).join(', ')}\n`,
    });
  });

  test('an unknown flag is a usage error: error + hint, no stack trace', async () => {
    const r = await cli(['synth', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^error: synth: Unknown option '--bogus'/);
    expect(lines.at(-1)).toBe('hint: run "modelstack synth --help"');
    expect(r.stderr).not.toContain(STACK_FRAME);
  });

  test('a bad --layout is a usage error, before the app runs', async () => {
    const cwd = tempDir();
    const r = await cli(['synth', '--layout', 'flat', '--app', 'modelstack-no-such-command-xyz'], cwd);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: --layout "flat" is not one of file-per-chart, file-per-resource\nhint: use --layout file-per-chart|file-per-resource\n',
    });
  });

  test('--debug adds the stack trace', async () => {
    const r = await cli(['synth', '--layout', 'flat', '--debug']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --layout "flat" is not one of file-per-chart, file-per-resource\nhint: .*\nModelstackError: /);
    expect(r.stderr).toContain(STACK_FRAME);
  });
});

describe('a kubeconfig with a YAML error', () => {
  test('stderr names the file, line and column; the file is never printed, not even with --debug', async () => {
    const token = 'cli-test-bearer-token-7c1e';
    const file = join(tempDir(), 'kubeconfig');
    writeFileSync(file, ['apiVersion: v1', 'users:', '- name: admin', '  user:', `    token: ${token}`, '   client-key: x', ''].join('\n'));
    for (const argv of [
      ['status', '--kubeconfig', file],
      ['list', '--kubeconfig', file, '--debug'],
    ]) {
      const r = await cli(argv);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n').slice(0, 2)).toEqual([
        `error: cannot read the kubeconfig ${file}: invalid YAML at line 6, column 1: All mapping items must start at the same column`,
        'hint: fix the YAML at that line of the file (its contents are not shown: kubeconfigs hold credentials)',
      ]);
      expect(r.stderr).not.toContain(token);
    }
  });
});

describe('synth', () => {
  let success: Run;
  let failure: Run;
  let failureDebug: Run;
  let out: string;

  beforeAll(async () => {
    out = join(tempDir(), 'out');
    [success, failure, failureDebug] = await Promise.all([
      cli(['synth', '--app', fixtureApp('ok'), '--out', out]),
      cli(['synth', '--app', fixtureApp('invalid')]),
      cli(['synth', '--debug', '--app', fixtureApp('invalid')]),
    ]);
  }, 60_000);

  test('success: a summary on stdout, exit 0', () => {
    expect(success).toEqual({
      code: 0,
      stdout: `synthesized 6 objects from 1 stack(s) into ${out}\n  1 written, 0 unchanged, 0 removed\n`,
      stderr: '',
    });
  });

  test('validation failure: every problem listed, exit 1, no stack trace', () => {
    expect(failure.code).toBe(1);
    expect(failure.stdout).toBe('');
    expect(failure.stderr).toBe(
      [
        'error: the stack has 3 problems',
        '  [fixture/a] tensorParallelSize: 4 is larger than gpusPerWorker (2); each tensor-parallel rank needs its own GPU. ' +
          'Fix: set gpusPerWorker to at least 4, or lower tensorParallelSize',
        '  [fixture/b] image: "rayproject/ray-llm:latest" is not pinned to a version (no tag, or "latest"). ' +
          'Fix: add an explicit tag or digest, e.g. "registry/image:1.2.3" or "registry/image@sha256:..."',
        '  [fixture/c] router: "kv" is not available on runtime "kuberay" (KV-aware routing is Dynamo-only). ' +
          'Fix: remove router (round-robin is used), or set runtime: "dynamo"',
        'hint: fix the props named above; nothing was written',
        '',
      ].join('\n'),
    );
    expect(failure.stderr).not.toContain(STACK_FRAME);
  });

  test('--debug: debug messages and the stack trace', () => {
    expect(failureDebug.code).toBe(1);
    expect(failureDebug.stderr).toContain(`debug: running app: ${fixtureApp('invalid')}\n`);
    expect(failureDebug.stderr).toContain(failure.stderr);
    expect(failureDebug.stderr).toContain(STACK_FRAME);
  });
});
