// Bootstrap for the inference worker: registers the tsx loader inside the worker thread, then loads
// the TypeScript worker. (`execArgv: ['--import', 'tsx']` alone does not cover a worker whose entry
// file is itself .ts on Node 20.)
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
