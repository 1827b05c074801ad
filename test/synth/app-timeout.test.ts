// The app command runs under a deadline, and is stopped with everything it started (its whole
// process group) when the deadline passes or when the registered cleanups run (Ctrl-C in the
// CLI). Real processes: an app that starts a child and then never exits.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ModelstackError } from '../../src/errors.js';
import { RecordingIoHost } from '../../src/io/io-host.js';
import { runApp } from '../../src/synth/run-app.js';
import { pendingCleanups, runCleanups } from '../../src/util/cleanup.js';
import { fixtureApp, removeTempDirs, tempDir } from '../support/paths.js';
import { runScript } from '../support/node-script.js';
import { rejection } from '../support/thrown.js';
import { running, until } from '../support/processes.js';

afterAll(removeTempDirs);

/** An app that starts a child process (as `npx tsx` starts node), says where it runs, and never exits. */
const HANGING_APP = `
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
writeFileSync(process.env.MARKER, JSON.stringify({ pid: process.pid, child: child.pid, outdir: process.env.CDK8S_OUTDIR }));
console.log('started, now waiting forever');
setInterval(() => {}, 1000);
`;

interface Marker {
  readonly pid: number;
  readonly child: number;
  readonly outdir: string;
}

function hangingApp(): { command: string; cwd: string; marker: string } {
  const cwd = tempDir('modelstack-hang-');
  writeFileSync(join(cwd, 'hang.mjs'), HANGING_APP);
  return { command: `"${process.execPath}" hang.mjs`, cwd, marker: join(cwd, 'marker.json') };
}

const readMarker = (path: string): Marker => JSON.parse(readFileSync(path, 'utf8')) as Marker;

describe('runApp deadline', () => {
  test('an app that finishes in time leaves no timer behind: the process exits as soon as its work is done', async () => {
    const r = await runScript(
      `import { runApp } from '@src/synth/run-app.js';
       import { silentIoHost } from '@src/io/io-host.js';
       import { pendingCleanups } from '@src/util/cleanup.js';
       const stacks = await runApp({ command: process.env.APP!, cwd: process.cwd(), io: silentIoHost, timeoutMs: 60_000 });
       console.log(stacks.map((s) => s.id).join(','), pendingCleanups());`,
      { env: { APP: fixtureApp('ok') }, killAfterMs: 20_000 },
    );
    expect([r.code, r.stdout, r.stderr]).toEqual([0, 'fixture 0\n', '']);
    expect(r.exitAfterOutputMs).toBeLessThan(5_000);
  }, 60_000);

  test('an app that never exits: TIMEOUT at the deadline naming the command, the time and the flag; its processes and temp dir are gone', async () => {
    const app = hangingApp();
    const started = Date.now();
    const e = await rejection(runApp({ command: app.command, cwd: app.cwd, io: new RecordingIoHost(), env: { MARKER: app.marker }, timeoutMs: 1_000 }));
    const elapsed = Date.now() - started;
    expect(e.code).toBe('TIMEOUT');
    expect(e.message).toBe(`the app did not finish within 1s: ${app.command}`);
    expect(e.hint).toContain('--app-timeout');
    expect(e.details).toContain('started, now waiting forever');
    expect(elapsed).toBeGreaterThanOrEqual(1_000);
    expect(elapsed).toBeLessThan(3_000);
    const m = readMarker(app.marker);
    expect(await until(() => !running(m.pid) && !running(m.child), 2_000, 50)).toBe(true);
    expect(existsSync(dirname(m.outdir))).toBe(false);
    expect(pendingCleanups()).toBe(0);
  });

  test('runCleanups (what Ctrl-C runs) stops the app and its children and removes its temp dir', async () => {
    const app = hangingApp();
    const outcome = runApp({ command: app.command, cwd: app.cwd, io: new RecordingIoHost(), env: { MARKER: app.marker }, timeoutMs: 60_000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(await until(() => existsSync(app.marker), 20_000, 50)).toBe(true);
    const m = readMarker(app.marker);
    expect(pendingCleanups()).toBe(1);
    expect(await runCleanups(5_000)).toEqual({ unfinished: 0 });
    expect(await until(() => !running(m.pid) && !running(m.child), 2_000, 50)).toBe(true);
    expect(existsSync(dirname(m.outdir))).toBe(false);
    const e = (await outcome) as ModelstackError;
    expect(e).toBeInstanceOf(ModelstackError);
    expect(e.code).toBe('INTERRUPTED');
    expect(e.message).toBe(`the app was stopped (interrupted): ${app.command}`);
    expect(pendingCleanups()).toBe(0);
  }, 30_000);

  test('an aborted signal stops the running app and its children (the toolkit aborts it when the kubeconfig fails)', async () => {
    const app = hangingApp();
    const stop = new AbortController();
    const outcome = runApp({
      command: app.command,
      cwd: app.cwd,
      io: new RecordingIoHost(),
      env: { MARKER: app.marker },
      timeoutMs: 60_000,
      signal: stop.signal,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(await until(() => existsSync(app.marker), 20_000, 50)).toBe(true);
    const m = readMarker(app.marker);
    stop.abort();
    const e = (await outcome) as ModelstackError;
    expect(e).toBeInstanceOf(ModelstackError);
    expect([e.code, e.message]).toEqual(['INTERRUPTED', `the app was stopped (interrupted): ${app.command}`]);
    expect(await until(() => !running(m.pid) && !running(m.child), 2_000, 50)).toBe(true);
    expect(existsSync(dirname(m.outdir))).toBe(false);
    expect(pendingCleanups()).toBe(0);
  }, 30_000);

  test('an app whose signal is aborted already is not started', async () => {
    const app = hangingApp();
    const stop = new AbortController();
    stop.abort();
    const e = await rejection(runApp({ command: app.command, cwd: app.cwd, io: new RecordingIoHost(), env: { MARKER: app.marker }, signal: stop.signal }));
    expect([e.code, e.message]).toEqual(['INTERRUPTED', `the app was not started (interrupted): ${app.command}`]);
    expect(existsSync(app.marker)).toBe(false);
    expect(pendingCleanups()).toBe(0);
  });

  test.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('a timeout of %p is refused before the app runs', async (timeoutMs) => {
    const app = hangingApp();
    const e = await rejection(runApp({ command: app.command, cwd: app.cwd, io: new RecordingIoHost(), env: { MARKER: app.marker }, timeoutMs }));
    expect(e.code).toBe('USAGE');
    expect(e.message).toBe(`the app timeout must be a positive number of milliseconds, not ${String(timeoutMs)}`);
    expect(existsSync(app.marker)).toBe(false);
  });
});
