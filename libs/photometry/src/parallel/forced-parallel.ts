// forcedPhotometryParallel: the bands of forcedPhotometry measured on a pool of worker threads.
//
// Every band is independent up to the totals (unit conversion, noise equalisation, PSF matching,
// empty-aperture calibration, apertures), so each band is one task, run by the same `measureBand` as the
// single-threaded path: the catalogue is byte-identical. The segmentation is shared (SharedArrayBuffer);
// each task carries its own band's pixels. The totals, EE models and metadata are computed on the main
// thread (assembleCatalogue).
//
// The main thread only hands out bands: a worker's boot (tsx module loading) needs the main thread's
// event loop, so measuring bands on the main thread meanwhile would stall the workers. Worker start-up
// (≈ 0.4–0.6 s) and the JIT warm-up of two fresh threads (≈ 0.5 s) cost about one second, and two
// threads share the memory bandwidth (≈ 1.35× slower each than one alone on the 2-core test machine),
// so small jobs (< `minPixels` band-pixels, default 8·10⁶ ≈ 2 s of single-threaded work) run on the
// calling thread. On a busy machine (load average > cores) Linux's autogroup scheduling gives the
// process a share of the CPU regardless of its thread count, so by default the pool is not used there.
import { availableParallelism, loadavg } from 'node:os';
import { WorkerJobError, WorkerPool, workerExecArgv } from '@asteris/core';
import { PhotometryError } from '../errors.ts';
import type { Catalogue } from '../catalogue/catalogue.ts';
import {
  assembleCatalogue, measureBand, preparePhotometry,
  type BandInput, type BandMeasurement, type BandPixels, type Detection, type ForcedPhotometryOptions,
} from '../phot/forced.ts';
import type { Psf } from '../psf/psf.ts';
import type { BandFailure, BandReply, BandTask } from './worker.ts';

export interface ParallelOptions {
  /** worker threads (default min(2, available cores), or 1 when the 1-min load average exceeds the
   *  core count); 1 = run on the calling thread only */
  threads?: number;
  /** below this many band-pixels (Σ over bands of width·height) run on the calling thread (default 8e6) */
  minPixels?: number;
}

/** A typed array that owns its buffer (a structured clone of a view would send the whole buffer). */
function own<T extends Float32Array | Float64Array | Int32Array>(a: T): T {
  return a.byteOffset === 0 && a.buffer.byteLength === a.byteLength ? a : (a.slice() as T);
}

function pixelsOf(b: BandInput): BandPixels {
  const psf: Psf | undefined = b.psf ? { data: own(b.psf.data), size: b.psf.size } : undefined;
  return { name: b.name, image: { data: own(b.image.data as Float32Array) }, err: b.err ? { data: own(b.err.data as Float32Array) } : undefined, psf };
}

/** A worker failure as the error the single-threaded path would throw (a PhotometryError naming the band). */
function workerError(e: Error): Error {
  if (!(e instanceof WorkerJobError)) return new PhotometryError(`photometry worker failed: ${e.message}`);
  const d = (e.detail ?? { photometry: false }) as BandFailure;
  if (!d.photometry) { const err = new Error(e.message); if (d.stack) err.stack = d.stack; return err; }
  const err = new PhotometryError('', d.band, d.file);
  err.message = e.message;
  return err;
}

/**
 * Same result as forcedPhotometry (byte for byte), with the bands spread over worker threads.
 * Falls back to the calling thread for one band, `threads: 1`, small jobs (`minPixels`), or a
 * `noise.select` callback (functions cannot be sent to workers).
 */
export async function forcedPhotometryParallel(
  det: Detection, bands: BandInput[], opts: ForcedPhotometryOptions = {}, par: ParallelOptions = {},
): Promise<Catalogue> {
  const job = preparePhotometry(det, bands, opts);
  const log = opts.log ?? (() => {});
  const nb = bands.length;
  const work = nb * job.plan.width * job.plan.height;
  // default: 2 threads, unless the machine is already busy (1-min load average above the core count):
  // the scheduler then gives this process a share, not its threads, and the pool only adds its overhead
  const cores = availableParallelism();
  const threads = par.threads !== undefined ? Math.max(1, Math.floor(par.threads)) : loadavg()[0] > cores ? 1 : Math.min(2, cores);
  const inline = (k: number, sink: (s: string) => void): BandMeasurement =>
    measureBand(bands[k], job.scales[k], job.matchTo[k], det.sources, det.segmentation, job.plan, sink, opts.noise?.select);
  if (threads <= 1 || nb <= 1 || opts.noise?.select || work < (par.minPixels ?? 8e6)) {
    return assembleCatalogue(job, bands.map((_, k) => inline(k, log)));
  }

  const seg = new Int32Array(new SharedArrayBuffer(det.segmentation.byteLength));
  seg.set(det.segmentation);
  const results: (BandMeasurement | undefined)[] = new Array(nb);
  const logs: (string[] | undefined)[] = new Array(nb);
  let flushed = 0;
  // band logs in band order, as soon as the earlier bands are done
  const complete = (k: number, r: BandReply): void => {
    results[k] = r.m; logs[k] = r.logs;
    while (flushed < nb && logs[flushed]) { for (const s of logs[flushed]!) log(s); flushed++; }
  };
  // bands queued in order; each worker takes the next one when it is free (its boot included)
  const pool = new WorkerPool<BandTask, BandReply>(new URL('./worker-boot.mjs', import.meta.url), Math.min(threads, nb), { execArgv: workerExecArgv() });
  try {
    await Promise.all(bands.map((b, k) => pool.run({ band: pixelsOf(b), scale: job.scales[k]!, matchTo: job.matchTo[k], sources: det.sources, seg, plan: job.plan })
      .then((r) => complete(k, r), (e: Error) => { throw workerError(e); })));
  } finally {
    await pool.close();
  }
  return assembleCatalogue(job, results as BandMeasurement[]);
}
