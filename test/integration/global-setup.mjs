// Jest loads global setup outside its ESM module pipeline (no moduleNameMapper), so the
// TypeScript setup is loaded through tsx, which resolves the sources' `.js` imports.
import { tsImport } from 'tsx/esm/api';

export default async function globalSetup() {
  const setup = await tsImport('./cluster-setup.ts', import.meta.url);
  await setup.default();
}
