import { shellWords } from '../../src/util/shell-words.js';

describe('shellWords', () => {
  test('whitespace separates, quotes group (also inside a word), empty quotes are words', () => {
    expect(shellWords('  npx   tsx\tstacks/main.ts \n')).toEqual({ words: ['npx', 'tsx', 'stacks/main.ts'] });
    expect(shellWords(`node "my app.js" 'a b' --x="1 2" "" ''`)).toEqual({ words: ['node', 'my app.js', 'a b', '--x=1 2', '', ''] });
  });

  test('single quotes keep backslashes; double quotes only escape " \\ $ `', () => {
    expect(shellWords(`'e\\f' "c\\"d" "x\\ny" "\\$HOME" a\\ b`)).toEqual({ words: ['e\\f', 'c"d', 'x\\ny', '$HOME', 'a b'] });
  });

  test('nothing is expanded', () => {
    expect(shellWords(`sh -c 'echo $HOME; ls' *`)).toEqual({ words: ['sh', '-c', 'echo $HOME; ls', '*'] });
  });

  test('an open quote is reported, not guessed', () => {
    expect(shellWords(`echo "oops`)).toEqual({ unterminated: '"' });
    expect(shellWords(`echo 'oops`)).toEqual({ unterminated: "'" });
  });
});
