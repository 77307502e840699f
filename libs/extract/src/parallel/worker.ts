// Worker thread for extractSourcesParallel. A task names a stage and its data (full-size arrays arrive as
// SharedArrayBuffer views, no copy) and a shared chunk counter: the worker takes chunks until none are
// left and returns its results in one message (transferred buffers).
import { parentPort, workerData } from 'node:worker_threads';
import { runChunk, transferables, type ChunkTask } from './chunks.ts';

parentPort!.on('message', (m: ChunkTask & { id: number; counter?: Int32Array; n?: number }) => {
  try {
    if ((m as { kind: string }).kind === 'ping') { parentPort!.postMessage({ id: m.id, ok: true, result: 'pong' }); return; }
    const results: [number, unknown][] = [];
    const tr: ArrayBuffer[] = [];
    for (let c; (c = Atomics.add(m.counter!, 0, 1)) < m.n!;) {
      const r = runChunk(m, c);
      results.push([c, r]);
      tr.push(...transferables(r));
    }
    parentPort!.postMessage({ id: m.id, ok: true, result: results }, tr);
  } catch (err) {
    parentPort!.postMessage({ id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
});

const { ready, index } = workerData as { ready: Int32Array; index: number };
Atomics.store(ready, index, 1);
parentPort!.postMessage({ ready: true });
