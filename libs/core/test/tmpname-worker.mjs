// Worker used by atomic.test.ts: reports the first temporary name this thread generates.
// On Node 20 a `.ts` worker entry is not covered by execArgv ['--import', 'tsx'], so register tsx first.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { tmpSibling } = await import('../src/atomic.ts');
parentPort.postMessage(tmpSibling('/x/y.fits'));
