import { ModelstackError } from '../../src/errors.js';

/** The ModelstackError `fn` throws (fails the test when it throws nothing, or something else). */
export function thrown(fn: () => unknown): ModelstackError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelstackError);
    return e as ModelstackError;
  }
  throw new Error('expected a throw');
}

/** The ModelstackError `p` rejects with (fails the test when it resolves, or rejects with something else). */
export async function rejection(p: Promise<unknown>): Promise<ModelstackError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ModelstackError);
    return e as ModelstackError;
  }
  throw new Error('expected a rejection');
}
