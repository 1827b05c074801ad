import { parse } from 'yaml';
import { Model } from '../../../index.js';
import { buildCompose } from '../../../src/local/compose/build-compose.js';
import type { ComposeFile } from '../../../src/local/compose/compose-types.js';
import { renderCompose } from '../../../src/local/compose/render-compose.js';
import { stacksOf } from './compose-fixtures.js';

function file(): ComposeFile {
  return buildCompose(
    stacksOf((s) => {
      new Model(s, 'dyn', { runtime: 'dynamo', model: 'm/m', env: { ON: 'on', PORTS: '1:30' } });
      new Model(s, 'ray', { runtime: 'kuberay', model: 'm/m' });
    }),
  );
}

describe('renderCompose', () => {
  test('round-trips: the YAML reads back as the file', () => {
    const f = file();
    expect(parse(renderCompose(f))).toEqual(JSON.parse(JSON.stringify(f)));
  });

  test('same file, same bytes', () => {
    expect(renderCompose(file())).toBe(renderCompose(file()));
  });

  test('top-level order: name, services, volumes, configs', () => {
    const keys = renderCompose(file())
      .split('\n')
      .filter((l) => /^[a-z]/.test(l))
      .map((l) => l.replace(/:.*$/, ''));
    expect(keys).toEqual(['name', 'services', 'volumes', 'configs']);
  });

  test('scalars a YAML 1.1 reader would misread are quoted', () => {
    const text = renderCompose(file());
    expect(text).toContain('restart: "no"');
    expect(text).toContain('user: "0:0"');
    expect(parse(text, { version: '1.1' })).toEqual(parse(text));
  });

  test('the Serve config is a block literal, not a folded or escaped string', () => {
    expect(renderCompose(file())).toMatch(/content: \|\n\s+applications:/);
  });
});
