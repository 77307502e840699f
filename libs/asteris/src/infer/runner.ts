// Tile runners: one in-process session, or a pool of worker threads with one session each.
import { Worker } from 'node:worker_threads';
import { AsterisError } from '../errors.ts';
import { createSession, modelInfo, runTile, type ModelInfo } from './session.ts';

export interface TileRunner {
  frames: number;
  /** input: T·h·w float32 (transferred: do not reuse after the call) */
  run(input: Float32Array, h: number, w: number): Promise<Float32Array>;
  close(): Promise<void>;
}

export async function inProcessRunner(modelPath: string, opts: { frames?: number; threads?: number } = {}): Promise<TileRunner> {
  const s = await createSession(modelPath, opts.threads);
  const info: ModelInfo = modelInfo(s, modelPath, opts.frames);
  return {
    frames: info.frames,
    run: (input, h, w) => runTile(s, info, input, h, w),
    close: async () => { await s.release(); },
  };
}

/** Pool of `workers` threads (each an ORT session with intraOpNumThreads 1). */
export async function poolRunner(modelPath: string, opts: { frames?: number; workers: number }): Promise<TileRunner> {
  // read T in the main thread once (cheap: session metadata only)
  const probe = await createSession(modelPath, 1);
  const info = modelInfo(probe, modelPath, opts.frames);
  await probe.release();
  const url = new URL('./worker-boot.mjs', import.meta.url);
  const workers = Array.from({ length: opts.workers }, () =>
    new Worker(url, { workerData: { modelPath, frames: info.frames, threads: 1 } }),
  );
  const pending = new Map<number, { resolve: (v: Float32Array) => void; reject: (e: Error) => void; worker: number }>();
  const busy = workers.map(() => 0);
  let nextId = 0;
  workers.forEach((wk, i) => {
    wk.on('message', (m: { id: number; out?: Float32Array; error?: string }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      busy[i]!--;
      if (m.error) p.reject(new AsterisError(m.error));
      else p.resolve(m.out!);
    });
    wk.on('error', (err) => {
      for (const [id, p] of pending) if (p.worker === i) { pending.delete(id); p.reject(new AsterisError(`inference worker failed: ${err.message}`)); }
    });
  });
  return {
    frames: info.frames,
    run(input, h, w) {
      let i = 0;
      for (let j = 1; j < workers.length; j++) if (busy[j]! < busy[i]!) i = j;
      const id = nextId++;
      busy[i]!++;
      return new Promise<Float32Array>((resolve, reject) => {
        pending.set(id, { resolve, reject, worker: i });
        workers[i]!.postMessage({ id, input, h, w }, [input.buffer as ArrayBuffer]);
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
