import { z } from 'zod';
import { formatIssue, propPath, showValue, zodIssues } from '../../../constructs/common/issues.js';

describe('formatIssue', () => {
  test('prop, quoted value, problem and fix in one line', () => {
    expect(formatIssue({ prop: 'replicas.worker', value: 2, problem: 'has no effect', fix: 'remove it' })).toBe(
      'replicas.worker: 2 has no effect. Fix: remove it',
    );
    expect(formatIssue({ prop: 'engine', value: 'x', problem: 'is unknown', fix: 'use "vllm"' })).toBe('engine: "x" is unknown. Fix: use "vllm"');
  });
});

describe('showValue', () => {
  test('JSON for values, markers for unset and functions', () => {
    expect(showValue(undefined)).toBe('(unset)');
    expect(showValue(() => 1)).toBe('(function)');
    expect(showValue(null)).toBe('null');
    expect(showValue({ a: [1, 'b'] })).toBe('{"a":[1,"b"]}');
  });

  test('long values are cut to 80 characters', () => {
    const text = showValue('x'.repeat(200));
    expect(text).toHaveLength(80);
    expect(text.endsWith('...')).toBe(true);
  });

  test('values JSON cannot write fall back to String()', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(showValue(cyclic)).toBe('[object Object]');
    expect(showValue(10n)).toBe('10');
  });
});

describe('propPath', () => {
  test('dots for keys, brackets for indexes', () => {
    expect(propPath(['workerGroups', 0, 'name'])).toBe('workerGroups[0].name');
    expect(propPath(['a'])).toBe('a');
    expect(propPath([])).toBe('');
  });
});

describe('zodIssues', () => {
  const schema = z.strictObject({
    n: z.number().int().min(1).max(3).optional(),
    s: z.string().min(2).max(4).optional(),
    list: z.array(z.string()).min(1).max(2).optional(),
    e: z.enum(['a', 'b']).optional(),
    nested: z.strictObject({ k: z.string() }).optional(),
    custom: z
      .string()
      .refine((v) => v === 'ok', { message: 'is not ok. Fix: write "ok"' })
      .optional(),
    fixOnly: z.string().regex(/^v/, { message: 'Fix: start with v' }).optional(),
    plain: z
      .string()
      .refine((v) => v === 'ok', { message: 'must be ok' })
      .optional(),
  });
  const known = ['n', 's', 'list', 'e', 'nested', 'custom', 'fixOnly', 'plain'];
  const issuesOf = (input: Record<string, unknown>) => {
    const r = schema.safeParse(input);
    if (r.success) throw new Error('expected a failure');
    return zodIssues(r.error, input, known).map((i) => `${i.prop}|${showValue(i.value)}|${i.problem}|${i.fix}`);
  };

  test('numbers: type, whole number, bounds', () => {
    expect(issuesOf({ n: 'one' })).toEqual(['n|"one"|is not a valid number|pass a number']);
    expect(issuesOf({ n: 1.5 })).toEqual(['n|1.5|is not a valid int|use a whole number']);
    expect(issuesOf({ n: 0 })).toEqual(['n|0|is too small (minimum 1)|use a value of at least 1']);
    expect(issuesOf({ n: 4 })).toEqual(['n|4|is too big (maximum 3)|use a value of at most 3']);
  });

  test('strings and lists: lengths in characters and items', () => {
    expect(issuesOf({ s: 'a' })).toEqual(['s|"a"|is too small (length minimum 2)|use at least 2 characters']);
    expect(issuesOf({ s: 'abcde' })).toEqual(['s|"abcde"|is too big (length maximum 4)|use at most 4 characters']);
    expect(issuesOf({ list: [] })).toEqual(['list|[]|is too small (items minimum 1)|use at least 1 item']);
    expect(issuesOf({ list: ['a', 'b', 'c'] })).toEqual(['list|["a","b","c"]|is too big (items maximum 2)|use at most 2 items']);
    expect(issuesOf({ list: 'a' })).toEqual(['list|"a"|is not a valid array|pass an array']);
    expect(issuesOf({ nested: 'x' })).toEqual(['nested|"x"|is not a valid object|pass an object']);
  });

  test('enums list their values', () => {
    expect(issuesOf({ e: 'c' })).toEqual(['e|"c"|is not allowed|use one of "a" | "b"']);
  });

  test('unknown keys: the top level lists known props, nested ones do not', () => {
    expect(issuesOf({ zz: 1 })).toEqual([`zz|1|is not a known prop|remove it (known props: ${known.join(', ')})`]);
    expect(issuesOf({ nested: { k: 'v', extra: true } })).toEqual(['nested.extra|true|is not a known prop|remove it']);
    expect(issuesOf({ nested: {} })).toEqual(['nested.k|(unset)|is not a valid string|pass a string']);
  });

  test('custom messages are split into problem and fix', () => {
    expect(issuesOf({ custom: 'no' })).toEqual(['custom|"no"|is not ok|write "ok"']);
    expect(issuesOf({ fixOnly: 'x' })).toEqual(['fixOnly|"x"|is not valid|start with v']);
    expect(issuesOf({ plain: 'no' })).toEqual(['plain|"no"|is invalid: must be ok|correct the value']);
  });

  test('a non-object input is reported as (props)', () => {
    const r = schema.safeParse(42);
    expect(r.success).toBe(false);
    if (!r.success) expect(zodIssues(r.error, 42, known).map((i) => i.prop)).toEqual(['(props)']);
  });
});
