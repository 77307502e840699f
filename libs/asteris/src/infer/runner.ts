// Tile runners: one in-process session, or a pool of worker threads with one session each.
import { WorkerJobError, WorkerPool } from '@asteris/core';
import { AsterisError } from '../errors.ts';
import { createSession, modelInfo, runTile, type ModelInfo } from './session.ts';

/** One tile for an inference worker (the input buffer is transferred). */
export interface TileJob { input: Float32Array; h: number; w: number }

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
  const pool = new WorkerPool<TileJob, Float32Array>(new URL('./worker-boot.mjs', import.meta.url), opts.workers,
    { workerData: { modelPath, frames: info.frames, threads: 1 } });
  return {
    frames: info.frames,
    run(input, h, w) {
      return pool.run({ input, h, w }, [input.buffer as ArrayBuffer]).catch((e: Error) => {
        throw new AsterisError(e instanceof WorkerJobError ? e.message : `inference worker failed: ${e.message}`);
      });
    },
    async close() {
      await pool.close();
    },
  };
}
