// Entry of the photometry worker threads. On Node 20 a `.ts` worker entry is not covered by
// execArgv ['--import', 'tsx'], so register tsx's ESM hooks in this thread first, then load the worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
