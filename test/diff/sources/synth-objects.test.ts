import { objectsOf, synthObjects } from '../../../src/diff/sources/synth-objects.js';
import { silentIoHost } from '../../../src/io/io-host.js';
import { objectRef } from '../../../src/model/kube-object.js';
import { fixtureRepo, removeFixture, V2 } from '../git-fixture.js';
import { configMap, namespace } from '../kube-objects.js';

describe('objectsOf', () => {
  it('flattens stacks in order', () => {
    const stacks = [
      { id: 'a', objects: [namespace('a'), configMap('x', {}, 'a')] },
      { id: 'b', objects: [namespace('b')] },
    ];
    expect(objectsOf(stacks).map(objectRef)).toEqual(['Namespace a', 'ConfigMap a/x', 'Namespace b']);
  });
});

describe('synthObjects', () => {
  it('runs the app of cdk8s.yaml in the directory and returns its objects', async () => {
    const repo = fixtureRepo([V2]);
    try {
      const objects = await synthObjects({ cwd: repo.appDir }, silentIoHost);
      expect(objects.map(objectRef)).toEqual(['Namespace llm', 'DynamoGraphDeployment llm/qwen', 'DynamoGraphDeployment llm/llama']);
    } finally {
      removeFixture(repo);
    }
  });
});
