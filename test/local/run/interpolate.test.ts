import { interpolate, passThroughName } from '../../../src/local/run/interpolate.js';
import { splitWords } from '../../../src/local/run/split-words.js';

describe('interpolate', () => {
  const env = { A: 'alpha', EMPTY: '' };
  const run = (text: string) => {
    const warnings: string[] = [];
    return { value: interpolate(text, env, 'x', (w) => warnings.push(w)), warnings };
  };

  test('variables, defaults and the $$ escape', () => {
    expect(run('${A}-$A-$$A-$${A}').value).toBe('alpha-alpha-$A-${A}');
    expect(run('${EMPTY:-d} ${EMPTY-d} ${NOPE-d} ${NOPE:-d} ${A:-d}').value).toBe('d  d d alpha');
    expect(run('cost: 5$$').value).toBe('cost: 5$');
  });

  test('an unset variable is empty, with a warning', () => {
    expect(run('[${NOPE}]')).toEqual({ value: '[]', warnings: ['x: NOPE is not set, using an empty string'] });
  });

  test('required variables and bad syntax fail', () => {
    expect(() => run('${NOPE:?set it}')).toThrow('x: NOPE is required: set it');
    expect(() => run('${A B}')).toThrow('x: invalid interpolation "${A B}"');
  });

  test('passThroughName', () => {
    expect(passThroughName('${HF_TOKEN}')).toBe('HF_TOKEN');
    expect(passThroughName('$HF_TOKEN')).toBe('HF_TOKEN');
    expect(passThroughName('x${HF_TOKEN}')).toBeUndefined();
    expect(passThroughName('${HF_TOKEN:-x}')).toBeUndefined();
  });
});

describe('splitWords', () => {
  test('quotes and escapes, no expansion', () => {
    expect(splitWords(`httpd -f -p 8080 -h /www`, 'c')).toEqual(['httpd', '-f', '-p', '8080', '-h', '/www']);
    expect(splitWords(`sh -c 'echo $HOME; ls'  "a \\"b\\" c" d\\ e ''`, 'c')).toEqual(['sh', '-c', 'echo $HOME; ls', 'a "b" c', 'd e', '']);
    expect(() => splitWords(`echo 'oops`, 'services.a.command')).toThrow('services.a.command: unterminated single quote');
  });
});
