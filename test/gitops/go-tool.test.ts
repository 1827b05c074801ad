// The build lock of go-tool.ts: parallel jest workers must build a Go helper once, not once each
// (a cold health-eval build takes minutes here), and a lock left by a killed run must not block.
import { execa } from 'execa';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withBuildLock } from './go-tool.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'go-tool-lock-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

test('holders of one lock never overlap, and each runs', async () => {
  const lock = path.join(dir, 'tool.lock');
  let active = 0;
  let most = 0;
  const ran: number[] = [];
  await Promise.all(
    [1, 2, 3].map((n) =>
      withBuildLock(lock, 20_000, async () => {
        active += 1;
        most = Math.max(most, active);
        await new Promise((resolve) => setTimeout(resolve, 200));
        active -= 1;
        ran.push(n);
      }),
    ),
  );
  expect(most).toBe(1);
  expect(ran.sort()).toEqual([1, 2, 3]);
  expect(fs.existsSync(lock)).toBe(false);
});

test('a lock whose builder has exited is taken over', async () => {
  const lock = path.join(dir, 'tool.lock');
  const exited = execa(process.execPath, ['-e', '']);
  await exited;
  fs.mkdirSync(lock);
  fs.writeFileSync(path.join(lock, 'pid'), String(exited.pid));
  await expect(withBuildLock(lock, 2_000, async () => 'built')).resolves.toBe('built');
});

test('a lock held by a live builder is waited on until the deadline, then a clear error', async () => {
  const lock = path.join(dir, 'tool.lock');
  fs.mkdirSync(lock);
  fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
  let called = false;
  const fn = async () => {
    called = true;
  };
  await expect(withBuildLock(lock, 1_000, fn)).rejects.toThrow(/still held after 1000 ms by another build/);
  expect(called).toBe(false);
  expect(fs.existsSync(lock)).toBe(true);
});
