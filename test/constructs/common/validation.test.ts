import { Construct } from 'constructs';
import { z } from 'zod';
import { allValid, knownProps, parseProps, reportIssues } from '../../../constructs/common/validation.js';

describe('reportIssues', () => {
  test('adds the formatted issues as one validation of the construct', () => {
    const c = new Construct(undefined as unknown as Construct, 'root');
    reportIssues(c, [
      { prop: 'a', value: 1, problem: 'is bad', fix: 'use 2' },
      { prop: 'b', value: 'x', problem: 'is worse', fix: 'remove it' },
    ]);
    expect(c.node.validate()).toEqual(['a: 1 is bad. Fix: use 2', 'b: "x" is worse. Fix: remove it']);
  });

  test('no issues, no validation', () => {
    const c = new Construct(undefined as unknown as Construct, 'root');
    reportIssues(c, []);
    expect(c.node.validate()).toEqual([]);
  });
});

describe('parseProps', () => {
  const schema = z.strictObject({ a: z.number().optional(), b: z.string().optional() });

  test("the known props are the schema's, in declaration order, and name the fix of an unknown prop", () => {
    expect(knownProps(schema)).toEqual(['a', 'b']);
    expect(parseProps(schema, { c: 1 }).issues).toEqual([expect.objectContaining({ prop: 'c', fix: 'remove it (known props: a, b)' })]);
  });

  test('parsed value on success', () => {
    expect(parseProps(schema, { a: 1 })).toEqual({ value: { a: 1 }, invalid: new Set(), issues: [] });
  });

  test('on failure, the props without the invalid ones are parsed again, for rules over valid props', () => {
    const r = parseProps(schema, { a: 'x', b: 'ok', c: true });
    expect(r.value).toBeUndefined();
    expect(r.partial).toEqual({ b: 'ok' });
    expect([...r.invalid].sort()).toEqual(['a', 'c']);
    expect(allValid(r, 'b')).toBe(true);
    expect(allValid(r, 'a', 'b')).toBe(false);
  });

  test('issues and no value on failure', () => {
    const r = parseProps(schema, { a: 'x', b: 2 });
    expect(r.value).toBeUndefined();
    expect(r.issues.map((i) => i.prop)).toEqual(['a', 'b']);
  });

  test('issues of props reported earlier are left out', () => {
    const r = parseProps(schema, { a: 'x', b: 2 }, [{ prop: 'a', value: 'x', problem: 'p', fix: 'f' }]);
    expect(r.issues.map((i) => i.prop)).toEqual(['b']);
    expect(r.value).toBeUndefined();
  });
});
