import { DNS1123_FIX, isDns1123Label, nameFromId } from '../../src/model/names.js';

describe('isDns1123Label', () => {
  test.each(['a', 'qwen3', 'a-b-c', '0abc', 'a'.repeat(63)])('accepts %s', (v) => {
    expect(isDns1123Label(v)).toBe(true);
  });
  test.each(['', 'A', 'a_b', '-a', 'a-', 'a.b', 'a b', 'a'.repeat(64)])('refuses %j', (v) => {
    expect(isDns1123Label(v)).toBe(false);
  });
});

describe('nameFromId', () => {
  test('folds ids to DNS-1123 labels', () => {
    expect(nameFromId('Qwen3_Dynamo')).toBe('qwen3-dynamo');
    expect(nameFromId('my model (v2)')).toBe('my-model-v2');
    expect(nameFromId('--a--')).toBe('a');
    expect(nameFromId('___')).toBe('');
  });

  test('cuts to 63 characters without a trailing dash', () => {
    const name = nameFromId(`${'a'.repeat(62)}-bbbb`);
    expect(name).toBe('a'.repeat(62));
    expect(isDns1123Label(nameFromId('X'.repeat(100)))).toBe(true);
  });

  test('the fix text says what a valid name is', () => {
    expect(DNS1123_FIX).toBe('use at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit');
  });
});
