// Bootstrap for the band worker: register the tsx loader inside the worker thread, then load the
// TypeScript worker (on Node 20 `execArgv: ['--import', 'tsx']` does not cover a .ts worker entry).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
