import { choice, parseCommandArgs } from '../../src/cli/command.js';
import { thrown } from '../support/thrown.js';

describe('parseCommandArgs', () => {
  const options = { out: { type: 'string' }, force: { type: 'boolean' } } as const;

  test('values and positionals', () => {
    expect(parseCommandArgs('x', ['--out', 'd', '--force'], options)).toEqual({ values: { out: 'd', force: true }, positionals: [] });
    expect(parseCommandArgs('x', ['a', '--out=d'], options, true)).toEqual({ values: { out: 'd' }, positionals: ['a'] });
  });

  test('parse errors become usage errors naming the command, with a hint', () => {
    const unknown = thrown(() => parseCommandArgs('synth', ['--nope'], options));
    expect(unknown.code).toBe('USAGE');
    expect(unknown.exitCode).toBe(2);
    expect(unknown.message).toMatch(/^synth: Unknown option '--nope'/);
    expect(unknown.hint).toBe('run "modelstack synth --help"');
    expect(thrown(() => parseCommandArgs('synth', ['stray'], options)).message).toMatch(/^synth: Unexpected argument 'stray'/);
    expect(thrown(() => parseCommandArgs('synth', ['--out'], options)).message).toMatch(/^synth: Option '--out <value>' argument missing/);
  });
});

describe('choice', () => {
  test('the fallback when unset, the value when allowed', () => {
    expect(choice('--layout', undefined, ['a', 'b'], 'a')).toBe('a');
    expect(choice('--layout', 'b', ['a', 'b'], 'a')).toBe('b');
  });

  test('anything else is a usage error listing the choices', () => {
    const e = thrown(() => choice('--layout', 'c', ['a', 'b'], 'a'));
    expect(e.code).toBe('USAGE');
    expect(e.message).toBe('--layout "c" is not one of a, b');
    expect(e.hint).toBe('use --layout a|b');
  });
});
