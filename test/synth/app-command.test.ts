import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_APP, resolveAppCommand, splitCommand, withoutNpx, withoutTsxCli } from '../../src/synth/app-command.js';
import { removeTempDirs, repoRoot, tempDir, TSX } from '../support/paths.js';
import { thrown } from '../support/thrown.js';

afterAll(removeTempDirs);

describe('resolveAppCommand', () => {
  test('--app wins over cdk8s.yaml', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'cdk8s.yaml'), 'app: node other.js\n');
    expect(resolveAppCommand('node mine.js', dir)).toBe('node mine.js');
  });

  test('app of cdk8s.yaml when --app is not given (or blank)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'cdk8s.yaml'), 'language: typescript\napp: npx tsx src/app.ts\n');
    expect(resolveAppCommand(undefined, dir)).toBe('npx tsx src/app.ts');
    expect(resolveAppCommand('   ', dir)).toBe('npx tsx src/app.ts');
  });

  test('the default without cdk8s.yaml, or when it names no app', () => {
    expect(DEFAULT_APP).toBe('npx tsx stacks/main.ts');
    expect(resolveAppCommand(undefined, tempDir())).toBe(DEFAULT_APP);
    for (const text of ['', 'language: typescript\n', 'app: ""\n', 'app: 42\n']) {
      const dir = tempDir();
      writeFileSync(join(dir, 'cdk8s.yaml'), text);
      expect(resolveAppCommand(undefined, dir)).toBe(DEFAULT_APP);
    }
  });

  test('an invalid cdk8s.yaml is a usage error with a hint', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'cdk8s.yaml'), 'app: [unclosed\n');
    const e = thrown(() => resolveAppCommand(undefined, dir));
    expect(e.code).toBe('USAGE');
    expect(e.message).toContain(`${join(dir, 'cdk8s.yaml')} is not valid YAML:`);
    expect(e.hint).toBe('fix cdk8s.yaml, or pass --app "<command>"');
  });
});

describe('splitCommand', () => {
  test('whitespace separates words', () => {
    expect(splitCommand('  npx   tsx\tstacks/main.ts \n')).toEqual(['npx', 'tsx', 'stacks/main.ts']);
  });

  test('quotes group, and may sit inside a word', () => {
    expect(splitCommand(`node "my app.js" 'a b' --x="1 2"`)).toEqual(['node', 'my app.js', 'a b', '--x=1 2']);
    expect(splitCommand(`a "" ''`)).toEqual(['a', '', '']);
  });

  test('backslash escapes outside single quotes only', () => {
    expect(splitCommand('a\\ b "c\\"d" \'e\\f\'')).toEqual(['a b', 'c"d', 'e\\f']);
  });

  test('unterminated quotes and empty commands are usage errors', () => {
    const quote = thrown(() => splitCommand('node "app.js'));
    expect(quote.code).toBe('USAGE');
    expect(quote.message).toBe('unterminated " quote in app command: node "app.js');
    expect(quote.hint).toBe('close the quote');
    expect(thrown(() => splitCommand("node 'x")).message).toBe("unterminated ' quote in app command: node 'x");
    const empty = thrown(() => splitCommand('   '));
    expect(empty.code).toBe('USAGE');
    expect(empty.message).toBe('the app command is empty');
    expect(empty.hint).toBe('pass --app "<command>"');
  });
});

describe('withoutNpx', () => {
  test('npx <bin> runs the nearest node_modules/.bin/<bin> directly, found from cwd upwards', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', '.bin', 'tsx'), '');
    const nested = join(dir, 'stacks', 'deep');
    mkdirSync(nested, { recursive: true });
    expect(withoutNpx(['npx', 'tsx', 'stacks/main.ts'], nested)).toEqual([join(dir, 'node_modules', '.bin', 'tsx'), 'stacks/main.ts']);
    expect(withoutNpx(splitCommand(DEFAULT_APP), repoRoot)).toEqual([join(repoRoot, 'node_modules', '.bin', 'tsx'), 'stacks/main.ts']);
  });

  test('left to npx: a bin not installed locally, npx options, package specs, and any other command', () => {
    const dir = tempDir();
    for (const words of [
      ['npx', 'tsx', 'main.ts'],
      ['npx', '--yes', 'tsx', 'main.ts'],
      ['npx', 'tsx@4', 'main.ts'],
      ['npx', '@scope/tool', 'x'],
      ['node', 'main.js'],
      ['npx'],
    ]) {
      expect(withoutNpx(words, dir)).toEqual(words);
    }
  });
});

describe('withoutTsxCli', () => {
  const tsxDist = dirname(realpathSync(TSX));

  test('<path>/tsx script args: the node process tsx would start (its preflight and loader), started directly', () => {
    expect(withoutTsxCli([TSX, 'stacks/main.ts', '--flag', 'x'])).toEqual([
      process.execPath,
      '--require',
      join(tsxDist, 'preflight.cjs'),
      '--import',
      pathToFileURL(join(tsxDist, 'loader.mjs')).href,
      'stacks/main.ts',
      '--flag',
      'x',
    ]);
    // What the default app command becomes after withoutNpx.
    expect(withoutTsxCli(withoutNpx(splitCommand(DEFAULT_APP), repoRoot)).slice(0, 2)).toEqual([process.execPath, '--require']);
  });

  test('left to tsx: its options or subcommands, a bare tsx (found on PATH), a file named tsx that is not the tsx package, other commands', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', '.bin', 'tsx'), '');
    for (const words of [
      [TSX, '--tsconfig', 'tsconfig.app.json', 'main.ts'],
      [TSX, 'watch', 'main.ts'],
      [TSX],
      ['tsx', 'main.ts'],
      [join(dir, 'node_modules', '.bin', 'tsx'), 'main.ts'],
      ['node', 'main.js'],
    ]) {
      expect(withoutTsxCli(words)).toEqual(words);
    }
  });
});
