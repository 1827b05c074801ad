// The two-service project on a real nerdctl (see engine-suite.ts and test/local/RUNTIMES.md).
import { engineSuite } from './engine-suite.js';

await engineSuite('nerdctl');
