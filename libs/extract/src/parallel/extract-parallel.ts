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

function subComps(c: Components, c0: number, c1: number): Components {
  const s = c.start[c0]!, e = c.start[c1]!;
  const start = new Int32Array(c1 - c0 + 1);
  for (let i = c0; i <= c1; i++) start[i - c0] = c.start[i]! - s;
  return { n: c1 - c0, start, pix: c.pix.slice(s, e), val: c.val.slice(s, e) };
}

async function runParallel(req: StageRequest, pool: ExtractPool): Promise<ObjPixels[] | Source[] | MeshGrid> {
  // Only workers that have finished booting take a share (start-up is slow on a busy machine); the main
  // thread always takes one.
  const ready = [...pool.ready];
  if (!ready.length) return runInline(req);
  const k = ready.length + 1;
  if (req.kind === 'meshes') {
    const { nx, ny } = meshGeometry(req.w, req.h, req.bopts);
    const parts = chunks(new Float64Array(ny).fill(1), k);
    const jobs = parts.slice(1).map(([a, b], i) => pool.run<MeshGrid>(ready[i]!, { kind: 'meshes', data: req.data, w: req.w, h: req.h, bopts: req.bopts, j0: a, j1: b }));
    const mine = meshRows(req.data, req.w, req.h, req.bopts, parts[0]![0], parts[0]![1]);
    const rest = await Promise.all(jobs);
    const back = new Float32Array(nx * ny);
    const sigma = new Float32Array(nx * ny);
    let off = 0;
    for (const g of [mine, ...rest]) { back.set(g.back, off); sigma.set(g.sigma, off); off += g.back.length; }
    return { back, sigma };
  }
  if (req.kind === 'deblend') {
    const { comps } = req;
    const wts = new Float64Array(comps.n);
    for (let c = 0; c < comps.n; c++) { const n = comps.start[c + 1]! - comps.start[c]!; wts[c] = n * (n > 20 ? 4 : 1) + 8; }
    const parts = chunks(wts, k);
    const jobs = parts.slice(1).map(([a, b], i) => pool.run<ObjPixels[]>(ready[i]!, { kind: 'deblend', comps: subComps(comps, a, b), w: req.w, T: req.T, dopts: req.dopts }));
    const mine = deblendComponents(comps, req.w, req.T, req.dopts, parts[0]![0], parts[0]![1]);
    const rest = await Promise.all(jobs);
    return mine.concat(...rest);
  }
  const { objs, ctx } = req;
  const wts = objs.map((o) => o.pix.length + 60);
  const parts = chunks(wts, k);
  const jobs = parts.slice(1).map(([a, b], i) => pool.run<Source[]>(ready[i]!, {
    kind: 'measure', ctx, objs: objs.slice(a, b), ids: Array.from({ length: b - a }, (_, j) => a + j + 1),
  }));
  const [a0, b0] = parts[0]!;
  const mine: Source[] = [];
  for (let i = a0; i < b0; i++) mine.push(measureObject(ctx, objs[i]!, i + 1));
  const rest = await Promise.all(jobs);
  return mine.concat(...rest);
}

/**
 * Parallel extraction using `threads` threads in all (default: available cores, at most 8). With
 * threads ≤ 1 it is the plain synchronous extractSources. Workers join each stage once booted
 * (`waitForWorkers` makes every stage use them, e.g. for tests).
 */
export async function extractSourcesParallel(
  image: Image, opts: ExtractOptions = {}, par: { threads?: number; waitForWorkers?: boolean } = {},
): Promise<ExtractResult> {
  const threads = Math.max(1, Math.min(8, par.threads ?? availableParallelism()));
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
