// The two-service project on a real docker (see runtime-suite.ts and test/local/RUNTIMES.md).
import { runtimeSuite } from './runtime-suite.js';

await runtimeSuite('docker');
