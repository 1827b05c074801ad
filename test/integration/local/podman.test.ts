// The two-service project on a real podman (see engine-suite.ts and test/local/RUNTIMES.md).
import { engineSuite } from './engine-suite.js';

await engineSuite('podman');
