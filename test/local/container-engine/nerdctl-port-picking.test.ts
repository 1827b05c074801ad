// nerdctl picks a free host port itself and two concurrent runs got the same one (see
// test/local/RUNTIMES.md); the real race is reproduced by build-scale-suite.ts on nerdctl. Here:
// the order of the CLI calls that NerdctlEngine.run makes.
import type { CliResult } from '../../../src/local/container-engine/cli-exec.js';
import type { RunSpec } from '../../../src/local/container-engine/container-engine.js';
import { NerdctlEngine } from '../../../src/local/container-engine/nerdctl-engine.js';
import { rejection } from '../../support/thrown.js';

const OK: CliResult = { exitCode: 0, stdout: 'id\n', stderr: '', notFound: false, timedOut: false };
const FAILED: CliResult = { exitCode: 1, stdout: '', stderr: 'time="x" level=fatal msg="boom"', notFound: false, timedOut: false };

/** An engine whose `run` calls finish only when the test says so. */
function engine() {
  const events: string[] = [];
  const finish = new Map<string, (r: CliResult) => void>();
  const nerdctl = new NerdctlEngine({
    env: { PATH: '/nowhere' },
    exec: (_file, args) => {
      const name = args[args.indexOf('--name') + 1] ?? '?';
      if (args[0] !== 'run') return Promise.resolve({ ...OK, stdout: '' }); // cleanup after a failure
      events.push(`start ${name}`);
      return new Promise<CliResult>((resolve) =>
        finish.set(name, (r) => {
          events.push(`end ${name}`);
          resolve(r);
        }),
      );
    },
  });
  return { nerdctl, events, finish: (name: string, r: CliResult = OK) => finish.get(name)!(r) };
}

const spec = (name: string, hostPort?: number): RunSpec => ({
  name,
  image: 'img',
  ports: [{ hostIp: '127.0.0.1', containerPort: 8080, ...(hostPort ? { hostPort } : {}) }],
});
const tick = () => new Promise((r) => setImmediate(r));

describe('nerdctl run with a host port left to nerdctl', () => {
  test('runs one at a time: the second starts after the first ended, even when the first failed', async () => {
    const { nerdctl, events, finish } = engine();
    const a = nerdctl.run(spec('a'));
    const b = nerdctl.run(spec('b'));
    const c = nerdctl.run(spec('c'));
    await tick();
    expect(events).toEqual(['start a']);
    finish('a', FAILED);
    expect((await rejection(a)).message).toMatch(/boom/);
    await tick();
    expect(events).toEqual(['start a', 'end a', 'start b']);
    finish('b');
    await b;
    await tick();
    finish('c');
    await c;
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  test('fixed host ports (and no ports) run at once', async () => {
    const { nerdctl, events, finish } = engine();
    const a = nerdctl.run(spec('a', 18001));
    const b = nerdctl.run(spec('b', 18002));
    const c = nerdctl.run({ name: 'c', image: 'img' });
    await tick();
    expect(events).toEqual(['start a', 'start b', 'start c']);
    for (const n of ['a', 'b', 'c']) finish(n);
    await Promise.all([a, b, c]);
  });
});
