// The arithmetic and log reading behind `npm run bench:compare` (bench/compare/stats.ts).
import { processCpuMs } from '../../bench/compare/process-cpu.js';
import { atMost, kubectlRequests, median, modelstackStats, pairRatios, serverFloorRatio } from '../../bench/compare/stats.js';

describe('bench:compare statistics', () => {
  test('median of odd and even counts, unsorted input untouched', () => {
    const runs = [30, 10, 20];
    expect(median(runs)).toBe(20);
    expect(runs).toEqual([30, 10, 20]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  test('ratios pair run i with run i, not sorted values', () => {
    expect(pairRatios([200, 100, 300], [100, 400, 100])).toEqual([2, 0.25, 3]);
    expect(pairRatios([1, 2, 3], [1, 2])).toEqual([1, 1]);
  });

  test('kubectl -v=6: one request per "Response" line of client-go, other log lines ignored', () => {
    // Lines as kubectl v1.36.3 writes them at -v=6 (URLs shortened).
    const log = [
      'I1129 15:43:49.360935   30169 loader.go:407] Config loaded from file:  /tmp/kubeconfig',
      'I1129 15:43:49.361041   30169 envvar.go:195] "Feature gate default state" feature="WatchListClient" enabled=true',
      'I1129 15:43:49.370034   30169 round_trippers.go:632] "Response" verb="GET" url="https://127.0.0.1:33099/openapi/v3?timeout=32s" status="200 OK" milliseconds=8',
      'I1129 15:43:49.471111   30169 round_trippers.go:632] "Response" verb="PATCH" url="https://127.0.0.1:33099/api/v1/namespaces/x?fieldManager=kubectl" status="200 OK" milliseconds=3',
      'I1129 15:43:49.480000   30169 round_trippers.go:632] "Response" verb="PATCH" url="https://127.0.0.1:33099/apis/ray.io/v1/namespaces/x/rayservices/r" status="409 Conflict" milliseconds=2',
      'namespace/x serverside-applied',
    ].join('\n');
    expect(kubectlRequests(log)).toBe(3);
    expect(kubectlRequests('')).toBe(0);
  });

  test("the CLI's stats line is read from anywhere in stderr; absent, undefined", () => {
    expect(modelstackStats('progress\nmodelstack stats: requests=45 connections=4\n')).toEqual({ requests: 45, connections: 4 });
    expect(modelstackStats('error: something\n')).toBeUndefined();
  });

  test('a target is met at or below it, missed above it, n/a without a value', () => {
    expect(atMost(0.5, 0.5)).toBe('met');
    expect(atMost(0.51, 0.5)).toBe('MISSED');
    expect(atMost(undefined, 0.5)).toBe('n/a');
    expect(atMost(Number.NaN, 0.5)).toBe('n/a');
  });
});

describe('the API server floor', () => {
  test('server CPU spread over the cores, as a ratio to the baseline wall time', () => {
    expect(serverFloorRatio(1800, 2, 1750)).toBeCloseTo(0.514, 3);
    expect(serverFloorRatio(60, 2, 1750)).toBeCloseTo(0.017, 3);
    // After the app's own run, which no request can precede.
    expect(serverFloorRatio(1800, 2, 1750, 550)).toBeCloseTo(0.829, 3);
  });

  test("a process's CPU time from /proc grows while it computes; a process that is gone has none", () => {
    const before = processCpuMs(process.pid);
    expect(before).toBeGreaterThanOrEqual(0);
    let x = 0;
    const until = process.cpuUsage().user + 200_000;
    while (process.cpuUsage().user < until) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
    expect(processCpuMs(process.pid)!).toBeGreaterThan(before!);
    expect(processCpuMs(2 ** 22 + 1)).toBeUndefined();
  });
});
