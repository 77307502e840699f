// Worker thread for extractSourcesParallel (@asteris/core's WorkerPool protocol). A job names a stage and
// its data (full-size arrays arrive as SharedArrayBuffer views, no copy) and a shared chunk counter: the
// worker takes chunks until none are left and returns its results in one message (transferred buffers).
import { serveWorker } from '@asteris/core';
import { runChunk, transferables, type ChunkTask } from './chunks.ts';

export type ChunkJob = ChunkTask & { counter: Int32Array; n: number };
export type ChunkResults = [number, unknown][];

serveWorker((m: ChunkJob): ChunkResults => {
  const results: ChunkResults = [];
  for (let c; (c = Atomics.add(m.counter, 0, 1)) < m.n;) results.push([c, runChunk(m, c)]);
  return results;
}, (results) => results.flatMap(([, r]) => transferables(r)));
