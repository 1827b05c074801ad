import { tsImport } from 'tsx/esm/api';

export default async function globalTeardown() {
  const teardown = await tsImport('./cluster-teardown.ts', import.meta.url);
  await teardown.default();
}
