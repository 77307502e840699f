// extractSourcesParallel: the same pipeline as extractSources, with deblending and measurement split between
// the main thread and worker threads (full-size arrays in SharedArrayBuffers). Results are identical to
// extractSources (same functions, same order of ids).
import { availableParallelism } from 'node:os';
import type { Image } from '@asteris/fits';
import {
  deblendComponents, extractionPipeline, measureObject, runInline,
  type ExtractOptions, type ExtractResult, type MeshGrid, type ObjPixels, type Source, type StageRequest,
} from '../extract.ts';
import { meshGeometry, meshRows } from '../background/model.ts';
import type { Components } from '../detect/label.ts';
import { ExtractPool } from './pool.ts';

/** Splits n items with the given weights into k contiguous chunks of about equal weight. */
function chunks(weights: ArrayLike<number>, k: number): [number, number][] {
  const n = weights.length;
  let tot = 0;
  for (let i = 0; i < n; i++) tot += weights[i]!;
  const out: [number, number][] = [];
  let start = 0, acc = 0;
  for (let c = 0; c < k; c++) {
    const target = (tot * (c + 1)) / k;
    let end = start;
    while (end < n && (acc + weights[end]! <= target || c === k - 1)) { acc += weights[end]!; end++; }
    out.push([start, end]);
    start = end;
  }
  return out;
}

/** A copy whose arrays own their buffers (structured clone of a view would send the whole buffer). */
function compact(o: ObjPixels): ObjPixels {
  const own = (a: Int32Array | Float32Array) => a.buffer.byteLength === a.byteLength;
  if (own(o.pix) && own(o.dval)) return o;
  return { ...o, pix: o.pix.slice(), dval: o.dval.slice() };
}

function subComps(c: Components, c0: number, c1: number): Components {
  const s = c.start[c0]!, e = c.start[c1]!;
  const start = new Int32Array(c1 - c0 + 1);
  for (let i = c0; i <= c1; i++) start[i - c0] = c.start[i]! - s;
  return { n: c1 - c0, start, pix: c.pix.slice(s, e), val: c.val.slice(s, e) };
}

/** Lets pending worker messages (boot notices, results) be delivered: a macrotask turn of the event loop. */
const tick = () => new Promise<void>((r) => setImmediate(r));

/**
 * Dynamic scheduling of n equal-weight chunks: the main thread works through the queue chunk by chunk and,
 * between chunks, hands the next chunk to any booted, idle worker. Workers that finish booting part-way
 * through a stage join it (a worker boots tsx in-thread, which takes ~0.5–1 s). Results are kept in chunk
 * order, so the outcome does not depend on which thread ran what.
 */
async function schedule<R>(
  n: number, local: (c: number) => R, task: (c: number) => Record<string, unknown>, pool: ExtractPool,
): Promise<R[]> {
  const out = new Array<R>(n);
  let next = 0;
  let failure: Error | null = null;
  let nLocal = 0;
  const busy = new Set<number>();
  const inflight: Promise<void>[] = [];
  const dispatch = (): void => {
    for (const wi of pool.ready) {
      if (failure || next >= n || busy.has(wi)) continue;
      const c = next++;
      busy.add(wi);
      inflight.push(pool.run<R>(wi, task(c)).then(
        (r) => { out[c] = r; busy.delete(wi); dispatch(); },
        (e: Error) => { failure = e; busy.delete(wi); },
      ));
    }
  };
  await tick();
  while (next < n && !failure) {
    dispatch();
    if (next >= n) break;
    const c = next++;
    out[c] = local(c);
    nLocal++;
    await tick();
  }
  const tWait = performance.now();
  while (inflight.length) await inflight.shift();
  if (process.env.ASTERIS_EXTRACT_TIMING === '1') process.stderr.write(`extract:   ${n} chunks, ${nLocal} on the main thread, ready ${pool.ready.length}, waited ${(performance.now() - tWait).toFixed(0)} ms\n`);
  if (failure) throw failure;
  return out;
}

/** Number of chunks for a stage: enough for balance and for a late-booting worker to join. */
const NCHUNK = 24;

async function runParallel(req: StageRequest, pool: ExtractPool): Promise<ObjPixels[] | Source[] | MeshGrid> {
  if (req.kind === 'meshes') {
    const { nx, ny } = meshGeometry(req.w, req.h, req.bopts);
    const parts = chunks(new Float64Array(ny).fill(1), Math.min(NCHUNK, ny)).filter(([a, b]) => b > a);
    const grids = await schedule<MeshGrid>(parts.length,
      (c) => meshRows(req.data, req.w, req.h, req.bopts, parts[c]![0], parts[c]![1]),
      (c) => ({ kind: 'meshes', data: req.data, w: req.w, h: req.h, bopts: req.bopts, j0: parts[c]![0], j1: parts[c]![1] }),
      pool);
    const back = new Float32Array(nx * ny);
    const sigma = new Float32Array(nx * ny);
    let off = 0;
    for (const g of grids) { back.set(g.back, off); sigma.set(g.sigma, off); off += g.back.length; }
    return { back, sigma };
  }
  if (req.kind === 'deblend') {
    const { comps } = req;
    const wts = new Float64Array(comps.n);
    for (let c = 0; c < comps.n; c++) { const n = comps.start[c + 1]! - comps.start[c]!; wts[c] = n * (n > 20 ? 4 : 1) + 8; }
    const parts = chunks(wts, NCHUNK).filter(([a, b]) => b > a);
    const res = await schedule<ObjPixels[]>(parts.length,
      (c) => deblendComponents(comps, req.w, req.T, req.dopts, parts[c]![0], parts[c]![1]),
      (c) => ({ kind: 'deblend', comps: subComps(comps, parts[c]![0], parts[c]![1]), w: req.w, T: req.T, dopts: req.dopts }),
      pool);
    return ([] as ObjPixels[]).concat(...res);
  }
  const { objs, ctx } = req;
  const parts = chunks(objs.map((o) => o.pix.length + 60), NCHUNK).filter(([a, b]) => b > a);
  const res = await schedule<Source[]>(parts.length,
    (c) => { const r: Source[] = []; for (let i = parts[c]![0]; i < parts[c]![1]; i++) r.push(measureObject(ctx, objs[i]!, i + 1)); return r; },
    (c) => {
      const [a, b] = parts[c]!;
      return { kind: 'measure', ctx, objs: objs.slice(a, b).map(compact), ids: Array.from({ length: b - a }, (_, j) => a + j + 1) };
    },
    pool);
  return ([] as Source[]).concat(...res);
}

/**
 * Parallel extraction using `threads` threads in all (default: available cores, at most 8, for images of
 * at least 2048² pixels, else 1). With
 * threads ≤ 1 it is the plain synchronous extractSources. Workers join each stage once booted
 * (`waitForWorkers` makes every stage use them, e.g. for tests).
 */
export async function extractSourcesParallel(
  image: Image, opts: ExtractOptions = {}, par: { threads?: number; waitForWorkers?: boolean } = {},
): Promise<ExtractResult> {
  // Default: all cores (at most 8) for images of ≥ 2048² pixels; smaller ones run on one thread, where
  // booting a worker (tsx in-thread, ~0.5 s of CPU) costs more than it saves. An explicit `threads` is obeyed.
  const dflt = image.width * image.height >= 2048 * 2048 ? availableParallelism() : 1;
  const threads = Math.max(1, Math.min(8, par.threads ?? dflt));
  const g = extractionPipeline(image, opts, threads > 1);
  if (threads <= 1) {
    let r = g.next();
    while (!r.done) r = g.next(runInline(r.value));
    return r.value;
  }
  const pool = new ExtractPool(threads - 1); // started now: worker start-up overlaps background + detection
  try {
    if (par.waitForWorkers) await pool.whenReady();
    let r = g.next();
    while (!r.done) r = g.next(await runParallel(r.value, pool));
    return r.value;
  } finally {
    await pool.close();
  }
}
