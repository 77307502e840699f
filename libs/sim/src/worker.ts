// Worker-thread entry: runs band jobs posted by the pool in simulate.ts.
import { parentPort } from 'node:worker_threads';
import { runBandJob, type BandJob } from './bandjob.ts';

parentPort!.on('message', (job: BandJob) => {
  try {
    parentPort!.postMessage({ ok: true, result: runBandJob(job) });
  } catch (e) {
    parentPort!.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) });
  }
});
