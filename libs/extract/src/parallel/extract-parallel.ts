// extractSourcesParallel: the same pipeline as extractSources, with its heavy stages (mesh statistics,
// background subtraction, detection scan, deblending + CLEAN models, measurement) split into chunks that the
// main thread and worker threads take from a shared counter. Full-size arrays live in SharedArrayBuffers;
// per-object data crosses threads in flat transferable arrays (pack.ts). Results are identical to
// extractSources (same functions; results reassembled in chunk order).
import { availableParallelism } from 'node:os';
import type { Image } from '@asteris/fits';
import {
  extractionPipeline, runInline, type Deblended, type ExtractOptions, type ExtractResult, type MeshGrid, type ObjPixels,
  type Source, type StageRequest, type StageResult,
} from '../extract.ts';
import { meshGeometry } from '../background/model.ts';
import type { Band } from '../detect/label.ts';
import { runChunk, type ChunkTask } from './chunks.ts';
import { cleanModels } from '../detect/clean.ts';
import { momentsTable } from '../measure/moments.ts';
import { packedCount, shareObjs, unpackObjs, unpackSources, type PackedObjs } from './pack.ts';
import { WorkerPool, WorkerJobError, workerExecArgv } from '@asteris/core';
import type { ChunkJob, ChunkResults } from './worker.ts';

/** The extraction's worker threads: @asteris/core's WorkerPool running worker.ts (one job per worker and stage). */
type ExtractPool = WorkerPool<ChunkJob, ChunkResults>;

function newExtractPool(n: number): ExtractPool {
  // A worker holds one chunk's objects at a time (results go back packed), so a small young generation
  // does: V8's default grows to 32 MiB per thread. Measured at 8192² with 2 threads: peak 532–552 MiB
  // above the runtime instead of 564–582, for 3 % more wall time (docs/extract.md, "Memory").
  // worker-boot.mjs registers tsx in the thread (Node 20 does not cover a .ts worker entry by execArgv).
  return new WorkerPool<ChunkJob, ChunkResults>(new URL('./worker-boot.mjs', import.meta.url), n, {
    execArgv: workerExecArgv(), resourceLimits: { maxYoungGenerationSizeMb: 2 },
  });
}

/** Bounds of k contiguous chunks of about equal total weight over n items (k + 1 values). */
export function chunkBounds(weights: ArrayLike<number>, k: number): Int32Array {
  const n = weights.length;
  let tot = 0;
  for (let i = 0; i < n; i++) tot += weights[i]!;
  const b: number[] = [0];
  let acc = 0, end = 0;
  for (let c = 0; c < k - 1 && end < n; c++) {
    const target = (tot * (c + 1)) / k;
    while (end < n && acc + weights[end]! <= target) { acc += weights[end]!; end++; }
    if (end > b[b.length - 1]!) b.push(end);
  }
  if (b[b.length - 1]! < n) b.push(n);
  return Int32Array.from(b);
}

/** Even split of [0, n) into about k chunks. */
function evenBounds(n: number, k: number): Int32Array {
  const m = Math.max(1, Math.min(k, n));
  return Int32Array.from({ length: m + 1 }, (_, i) => Math.floor((i * n) / m));
}

const EMPTY = new Float64Array(0);

const timing = () => process.env.ASTERIS_EXTRACT_TIMING === '1';

/**
 * Runs the chunks of `task` on the main thread and on every worker that has booted (checked between two
 * chunks, so a worker that finishes booting during a stage joins it). Chunk indices come from a shared
 * atomic counter; results are returned in chunk order.
 */
async function runStage(pool: ExtractPool, task: ChunkTask): Promise<unknown[]> {
  const n = task.bounds.length - 1;
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const out = new Array<unknown>(n);
  const joined = new Array<boolean>(pool.size).fill(false);
  const pend: Promise<[number, unknown][]>[] = [];
  const join = () => {
    for (let i = 0; i < pool.size; i++) {
      if (joined[i] || !pool.isReady(i)) continue;
      joined[i] = true;
      pend.push(pool.runOn(i, { ...task, counter, n }).catch((e: Error) => {
        throw e instanceof WorkerJobError ? new Error(`extraction worker: ${e.message}`) : e;
      }));
    }
  };
  join();
  let nLocal = 0, tLocal = 0;
  const tStart = performance.now();
  for (let c; (c = Atomics.add(counter, 0, 1)) < n;) {
    const t1 = performance.now();
    out[c] = runChunk(task, c);
    tLocal += performance.now() - t1;
    nLocal++;
    join();
  }
  const tLoop = performance.now() - tStart;
  const t0 = performance.now();
  for (const res of await Promise.all(pend)) for (const [c, r] of res) out[c] = r;
  if (timing()) process.stderr.write(`extract:   ${task.kind}: ${n} chunks, ${nLocal} on the main thread, ${pend.length} worker(s), loop ${tLoop.toFixed(0)} ms (chunks ${tLocal.toFixed(0)} ms), waited ${(performance.now() - t0).toFixed(0)} ms\n`);
  return out;
}

async function runParallel(req: StageRequest, pool: ExtractPool): Promise<StageResult> {
  switch (req.kind) {
    case 'meshes': {
      const { nx, ny } = meshGeometry(req.w, req.h, req.bopts);
      const grids = (await runStage(pool, { ...req, bounds: evenBounds(ny, 64) })) as MeshGrid[];
      const back = new Float32Array(nx * ny), sigma = new Float32Array(nx * ny);
      let off = 0;
      for (const g of grids) { back.set(g.back, off); sigma.set(g.sigma, off); off += g.back.length; }
      return { back, sigma };
    }
    case 'subtract':
      await runStage(pool, { kind: 'subtract', sub: req.sub, w: req.w, model: req.model, mask: req.mask, bounds: evenBounds(req.h, 32) });
      return null;
    case 'scan':
      return (await runStage(pool, { ...req, bounds: evenBounds(req.spec.h, Math.min(32, Math.ceil(req.spec.h / 64))) })) as Band[];
    case 'deblend': {
      const { comps } = req;
      const wts = new Float64Array(comps.n);
      for (let c = 0; c < comps.n; c++) { const n = comps.start[c + 1]! - comps.start[c]!; wts[c] = n * (n > 20 ? 4 : 1) + 8; }
      const res = (await runStage(pool, { ...req, bounds: chunkBounds(wts, 48) })) as PackedObjs[];
      const objs: ObjPixels[] = [];
      let n = 0;
      for (const p of res) n += packedCount(p);
      const models = req.prep && req.dopts.cleanMinArea !== undefined ? cleanModels(n) : null;
      // the moments are read by every thread during the measurement: shared memory
      const moments = momentsTable(n, (k) => new Float64Array(new SharedArrayBuffer(8 * k)));
      for (const p of res) unpackObjs(p, comps, objs, moments, models, objs.length);
      return { objs, moments, models } satisfies Deblended;
    }
    case 'measure': {
      const { objs, ctx } = req;
      const shared = shareObjs(objs, req.comps ?? { n: 0, start: new Int32Array(1), pix: new Int32Array(0), val: new Float32Array(0) });
      const na = ctx.apertures.length, nf = ctx.fracs.length;
      const bounds = chunkBounds(objs.map((o) => o.pix.length + 60), 48);
      objs.length = 0; // consumed: the shared copy is what the threads measure
      const res = (await runStage(pool, { kind: 'measure', ctx, objs: shared, bounds, na, nf })) as Float64Array[];
      const out: Source[] = [];
      for (let c = 0; c < res.length; c++) {
        for (const s of unpackSources(res[c]!, na, nf)) out.push(s);
        res[c] = EMPTY; // released as unpacked: the peak is at the end of this stage
      }
      return out;
    }
  }
}

/**
 * Default number of threads for an image: all cores (at most 8) above 32 Mpx, else 1. Worker threads cost a
 * fixed ≈ 0.2 s of boot plus a second JIT warm-up per stage; on the 2-core machine a 4096² image (16.8 Mpx)
 * ran in 1.8 s on one thread and 1.9–2.0 s on two, an 8192² one in 7.5 s and 5.3 s.
 */
export function defaultExtractThreads(width: number, height: number): number {
  return width * height > 32 * 2 ** 20 ? Math.min(8, availableParallelism()) : 1;
}

/** Worker threads for extractSourcesParallel, started ahead of time (they boot while the caller reads). */
export interface ExtractWorkers { readonly size: number; close(): Promise<void> }

/** Starts n extraction worker threads (see extractSourcesParallel's `workers`); close them when done. */
export function startExtractWorkers(n: number): ExtractWorkers {
  return newExtractPool(Math.max(1, Math.floor(n)));
}

/**
 * Parallel extraction using `threads` threads in all (default: defaultExtractThreads). With threads ≤ 1 it is the plain synchronous extractSources. Workers join
 * each stage once booted (`waitForWorkers` waits for them first, e.g. for tests). `workers`: threads
 * started earlier with startExtractWorkers (then `threads` is their number + 1; they are not closed here).
 */
export async function extractSourcesParallel(
  image: Image, opts: ExtractOptions = {},
  par: { threads?: number; waitForWorkers?: boolean; workers?: ExtractWorkers } = {},
): Promise<ExtractResult> {
  // An explicit `threads` is obeyed.
  const dflt = defaultExtractThreads(image.width, image.height);
  const threads = par.workers ? par.workers.size + 1 : Math.max(1, Math.min(8, par.threads ?? dflt));
  if (threads <= 1) {
    const g = extractionPipeline(image, opts, false);
    let r = g.next();
    while (!r.done) r = g.next(runInline(r.value));
    return r.value;
  }
  const pool = par.workers instanceof WorkerPool ? par.workers as ExtractPool : newExtractPool(threads - 1); // boots during validation
  try {
    if (par.waitForWorkers) await pool.whenReady();
    const g = extractionPipeline(image, opts, true);
    let r = g.next();
    while (!r.done) r = g.next(await runParallel(r.value, pool));
    return r.value;
  } finally {
    if (pool !== par.workers) await pool.close();
  }
}
