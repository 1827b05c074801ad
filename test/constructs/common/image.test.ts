import { imageIssues, isPinnedImage } from '../../../constructs/common/image.js';

describe('isPinnedImage', () => {
  test.each([
    'nvcr.io/nvidia/ai-dynamo/vllm-runtime:1.4.0',
    'rayproject/ray-llm:2.52.0-py311-cu128',
    'localhost:5000/img:v1',
    `img@sha256:${'0'.repeat(64)}`,
    `img:1.0@sha256:${'0'.repeat(64)}`,
  ])('pinned: %s', (image) => {
    expect(isPinnedImage(image)).toBe(true);
  });

  test.each(['img', 'img:latest', 'localhost:5000/img', 'registry:5000/a/b:latest', 'img:', `img@sha256:${'0'.repeat(10)}`, 'img:1.0@sha256:short'])(
    'not pinned: %s',
    (image) => {
      expect(isPinnedImage(image)).toBe(false);
    },
  );
});

describe('imageIssues', () => {
  test('one issue naming the prop for an unpinned image, none otherwise', () => {
    expect(imageIssues('image', undefined)).toEqual([]);
    expect(imageIssues('image', 'a:1')).toEqual([]);
    expect(imageIssues('head.image', 'a')).toEqual([
      {
        prop: 'head.image',
        value: 'a',
        problem: 'is not pinned to a version (no tag, or "latest")',
        fix: 'add an explicit tag or digest, e.g. "registry/image:1.2.3" or "registry/image@sha256:..."',
      },
    ]);
  });
});
