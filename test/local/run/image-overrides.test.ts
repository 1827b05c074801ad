import { checkOverrides, imageFor, parseImageOverrides } from '../../../src/local/run/image-overrides.js';

describe('--image NAME=IMAGE', () => {
  test('per service, and * for the rest', () => {
    const o = parseImageOverrides(['frontend=python:3.12-slim', '*=busybox:1.36', 'worker=registry.local:5000/w:cpu']);
    expect(o).toEqual({ byService: { frontend: 'python:3.12-slim', worker: 'registry.local:5000/w:cpu' }, all: 'busybox:1.36' });
    expect(imageFor('frontend', 'nvcr.io/x:1', o)).toBe('python:3.12-slim');
    expect(imageFor('decode', 'nvcr.io/x:1', o)).toBe('busybox:1.36');
    expect(imageFor('decode', 'nvcr.io/x:1', parseImageOverrides([]))).toBe('nvcr.io/x:1');
    expect(imageFor('decode', 'nvcr.io/x:1', undefined)).toBe('nvcr.io/x:1');
  });

  test('the last flag for a name wins', () => {
    expect(parseImageOverrides(['a=x', 'a=y']).byService).toEqual({ a: 'y' });
  });

  test('malformed flags are usage errors', () => {
    for (const bad of ['frontend', '=img', 'frontend=', '']) {
      expect(() => parseImageOverrides([bad])).toThrow(`--image ${JSON.stringify(bad)} is not NAME=IMAGE`);
    }
  });

  test('a name that is no service is a mistake', () => {
    expect(() => checkOverrides(parseImageOverrides(['fronted=x']), ['frontend', 'worker'])).toThrow('--image names a service that does not exist: fronted');
    expect(() => checkOverrides(parseImageOverrides(['*=x', 'worker=y']), ['frontend', 'worker'])).not.toThrow();
  });
});
