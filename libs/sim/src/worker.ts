// Worker-thread entry: runs band jobs posted by the pool in simulate.ts (@asteris/core's WorkerPool protocol).
import { serveWorker } from '@asteris/core';
import { runBandJob, type BandJob } from './bandjob.ts';

serveWorker((job: BandJob) => runBandJob(job));
