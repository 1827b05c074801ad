// --app-timeout on every command that runs the app: documented with its default, checked, and
// handed to the toolkit (a real app that never exits is stopped after the given time).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appTimeoutOption, appTimeoutUsage } from '../../src/cli/command.js';
import type { Command } from '../../src/cli/command.js';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { DEFAULT_APP_TIMEOUT_MS, type ModelstackError } from '../../src/toolkit/index.js';
import { cliContext } from '../support/cli-context.js';
import { writeKubeconfig } from '../support/fake-apiserver.js';
import { removeTempDirs, tempDir } from '../support/paths.js';
import { thrown } from '../support/thrown.js';

afterAll(removeTempDirs);

/** Every invocation that runs the app, as argv of its command. */
const RUNS_THE_APP: readonly (readonly [string, readonly string[]])[] = [
  ['synth', []],
  ['diff', ['--against', '.']],
  ['apply', []],
  ['destroy', []],
  ['local', ['compose']],
  ['local', ['up']],
  ['local', ['down']],
  ['local', ['ps']],
  ['local', ['logs']],
];

const command = (name: string): Promise<Command> => COMMANDS.find((c) => c.name === name)!.load();

describe('--app-timeout', () => {
  test('the default is 120 seconds, and every command that runs the app documents the flag with it', async () => {
    expect(DEFAULT_APP_TIMEOUT_MS).toBe(120_000);
    for (const name of new Set(RUNS_THE_APP.map(([n]) => n))) {
      expect((await command(name)).usage).toContain('--app-timeout SECONDS');
      expect((await command(name)).usage).toContain('how long the app may run (default 120)');
    }
  });

  test('appTimeoutUsage puts the text at the column, or under the flag when the flag is longer', () => {
    expect(appTimeoutUsage(24)).toBe('  --app-timeout SECONDS how long the app may run (default 120); then it is stopped with every process it started');
    expect(appTimeoutUsage(10)).toBe(
      '  --app-timeout SECONDS\n          how long the app may run (default 120); then it is stopped with every process it started',
    );
  });

  test('appTimeoutOption: absent is the toolkit default; seconds become milliseconds; anything else is a usage error', () => {
    expect(appTimeoutOption({})).toEqual({});
    expect(appTimeoutOption({ 'app-timeout': '2.5' })).toEqual({ appTimeoutMs: 2_500 });
    for (const bad of ['0', '-3', 'soon', '']) {
      const e = thrown(() => appTimeoutOption({ 'app-timeout': bad }));
      expect([e.code, e.message, e.hint]).toEqual(['USAGE', `--app-timeout ${JSON.stringify(bad)} is not a positive number`, 'e.g. --app-timeout 120']);
    }
  });

  test('each command hands it to the toolkit: an app that never exits is stopped after 1s', async () => {
    const cwd = tempDir('modelstack-app-timeout-');
    writeFileSync(join(cwd, 'hang.mjs'), 'setInterval(() => {}, 1000);\n');
    // apply and destroy read the kubeconfig first (nothing is requested before the app ran).
    const kubeconfig = writeKubeconfig(join(cwd, 'kubeconfig'), [{ name: 'unused', server: 'http://127.0.0.1:9' }]);
    const app = `"${process.execPath}" hang.mjs`;
    const ctx = cliContext(cwd, { KUBECONFIG: kubeconfig });
    const outcomes = await Promise.all(
      RUNS_THE_APP.map(async ([name, argv]) => {
        const started = Date.now();
        const e = await (await command(name)).run([...argv, '--app', app, '--app-timeout', '1'], ctx).then(
          () => undefined,
          (err: unknown) => err as ModelstackError,
        );
        return { what: [name, ...argv].join(' '), code: e?.code, message: e?.message, ms: Date.now() - started };
      }),
    );
    for (const o of outcomes) {
      expect({ what: o.what, code: o.code, message: o.message }).toEqual({
        what: o.what,
        code: 'TIMEOUT',
        message: `the app did not finish within 1s: ${app}`,
      });
      expect(o.ms).toBeGreaterThanOrEqual(1_000);
      expect(o.ms).toBeLessThan(15_000);
    }
  }, 60_000);
});
