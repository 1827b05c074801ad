// The two-service project on a real docker (see engine-suite.ts and test/local/RUNTIMES.md).
import { engineSuite } from './engine-suite.js';

await engineSuite('docker');
