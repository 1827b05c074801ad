import { ModelstackError, errorMessage, isModelstackError } from '../src/errors.js';

describe('ModelstackError', () => {
  test('carries code, hint, details and a default exit code of 2', () => {
    const e = new ModelstackError('USAGE', 'unknown flag --x', { hint: 'see --help', details: ['a'] });
    expect(e.code).toBe('USAGE');
    expect(e.hint).toBe('see --help');
    expect(e.exitCode).toBe(2);
    expect(e.details).toEqual(['a']);
    expect(isModelstackError(e)).toBe(true);
    expect(isModelstackError(new Error('x'))).toBe(false);
  });

  test('errorMessage reads Errors and other thrown values', () => {
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage('plain')).toBe('plain');
  });
});
