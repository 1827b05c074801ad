import { podReady } from '../../src/readiness/pod.js';
import { recorded } from './load-recorded.js';

describe('podReady', () => {
  test('Ready=True counts, Ready=False does not, a terminating pod does not', () => {
    expect(podReady(recorded('pod-ready'))).toBe(true);
    expect(podReady(recorded('pod-not-ready'))).toBe(false);
    expect(podReady(recorded('pod-terminating'))).toBe(false);
    expect(podReady({})).toBe(false);
  });
});
