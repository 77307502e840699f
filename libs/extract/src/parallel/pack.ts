// Flat, transferable encodings of the per-object data that crosses threads (one message per chunk instead of
// thousands of small objects). Every number is stored as a float64 (int32 and float32 values round-trip
// exactly), so an unpacked object equals the one that was packed.
import { CLEAN_KEYS, type CleanModels } from '../detect/clean.ts';
import type { Components } from '../detect/label.ts';
import type { Deblended, ObjPixels, Source } from '../extract.ts';
import { MOMENT_KEYS, type MomentsTable } from '../measure/moments.ts';

const EMPTY_F32 = new Float32Array(0);

/** Deblended objects of one chunk: a header row per object (with its moments and CLEAN model) plus pooled pixels. */
export interface PackedObjs { head: Float64Array; i32: Int32Array }

const NM = MOMENT_KEYS.length;
const OH = 6 + CLEAN_KEYS.length + NM; // header fields per object

/**
 * Packs deblending output (each object's moments and CLEAN model row, if any); undeblended objects (views
 * into `comps`) are sent as their component index, the others with their pixels.
 */
export function packObjs(deb: Deblended): PackedObjs {
  const { objs, models, moments } = deb;
  let ni = 0;
  for (const o of objs) if (o.comp === undefined) ni += o.pix.length;
  const head = new Float64Array(objs.length * OH);
  const i32 = new Int32Array(ni);
  let pi = 0;
  objs.forEach((o, j) => {
    const h = j * OH;
    head[h] = o.comp ?? -1; head[h + 1] = o.pix.length; head[h + 2] = o.flags; head[h + 3] = o.done;
    head[h + 4] = o.seq ?? NaN; head[h + 5] = models ? 1 : 0; // (CLEAN's mthresh travels in the model row)
    if (models) CLEAN_KEYS.forEach((k, i) => { head[h + 6 + i] = models[k][j]!; });
    MOMENT_KEYS.forEach((k, i) => { head[h + 6 + CLEAN_KEYS.length + i] = moments[k][o.row]!; });
    if (o.comp === undefined) { i32.set(o.pix, pi); pi += o.pix.length; }
  });
  return { head, i32 };
}

/** Number of objects in a packed chunk. */
export function packedCount(p: PackedObjs): number { return p.head.length / OH; }

/**
 * Unpacks a chunk into `out`, its moments into `moments` and its CLEAN model rows into `models` (when the
 * chunk carries them), from row `row`: the chunk's first object's index in the whole list.
 */
export function unpackObjs(
  p: PackedObjs, comps: Components, out: ObjPixels[], moments: MomentsTable, models: CleanModels | null, row: number,
): void {
  const n = p.head.length / OH;
  const hd = p.head;
  let pi = 0;
  for (let j = 0; j < n; j++) {
    const h = j * OH;
    const comp = hd[h]!, np = hd[h + 1]!;
    const pix = comp >= 0 ? comps.pix.subarray(comps.start[comp]!, comps.start[comp + 1]!) : p.i32.subarray(pi, pi + np);
    const o: ObjPixels = { pix, dval: EMPTY_F32, flags: hd[h + 2]!, done: hd[h + 3]!, row: row + j };
    if (!Number.isNaN(hd[h + 4]!)) o.seq = hd[h + 4]!;
    if (hd[h + 5] === 1 && models) CLEAN_KEYS.forEach((k, i) => { models[k][row + j] = hd[h + 6 + i]!; });
    MOMENT_KEYS.forEach((k, i) => { moments[k][row + j] = hd[h + 6 + CLEAN_KEYS.length + i]!; });
    if (comp >= 0) o.comp = comp; else pi += np;
    out.push(o);
  }
}

/**
 * All objects to measure, in SharedArrayBuffers so that every thread reads them without a copy:
 * undeblended objects still point into the component pixels; the rest (deblended pixels, pixels taken
 * over by CLEAN) are pooled. Moments are read from the shared moments table (MeasureCtx).
 */
export interface SharedObjs { head: Float64Array; i32: Int32Array; comps: Components }
// header: component (−1: pooled), flags, done, int offset, pixel count, extra (CLEAN) count, moments row
const SH = 7;

export function shareObjs(objs: ObjPixels[], comps: Components): SharedObjs {
  let ni = 0;
  for (const o of objs) ni += (o.comp === undefined ? o.pix.length : 0) + (o.extra?.length ?? 0);
  const head = new Float64Array(new SharedArrayBuffer(8 * SH * Math.max(1, objs.length)));
  const i32 = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, ni)));
  let pi = 0;
  objs.forEach((o, j) => {
    const h = j * SH;
    const ne = o.extra?.length ?? 0;
    head[h] = o.comp ?? -1; head[h + 1] = o.flags; head[h + 2] = o.done; head[h + 3] = pi; head[h + 4] = o.pix.length;
    head[h + 5] = ne; head[h + 6] = o.row;
    if (o.comp === undefined) { i32.set(o.pix, pi); pi += o.pix.length; }
    if (ne) { i32.set(o.extra!, pi); pi += ne; }
  });
  return { head, i32, comps };
}

/** Object j of a SharedObjs (views, no copy). */
export function sharedObj(s: SharedObjs, j: number): ObjPixels {
  const h = j * SH, hd = s.head;
  const comp = hd[h]!, np = hd[h + 4]!, ne = hd[h + 5]!;
  let pi = hd[h + 3]!;
  let pix: Int32Array;
  if (comp >= 0) pix = s.comps.pix.subarray(s.comps.start[comp]!, s.comps.start[comp + 1]!);
  else { pix = s.i32.subarray(pi, pi + np); pi += np; }
  const o: ObjPixels = { pix, dval: EMPTY_F32, flags: hd[h + 1]!, done: hd[h + 2]!, row: hd[h + 6]! };
  if (comp >= 0) o.comp = comp;
  if (ne) o.extra = s.i32.subarray(pi, pi + ne);
  return o;
}

/** Measured sources of one chunk as rows of float64 (fields in the order of `Source`). */
export function packSources(src: Source[], na: number, nf: number): Float64Array {
  const S = 31 + 2 * na + nf;
  const out = new Float64Array(src.length * S);
  src.forEach((s, j) => {
    let k = j * S;
    const put = (v: number) => { out[k++] = v; };
    put(s.id); put(s.x); put(s.y); put(s.xwin); put(s.ywin); put(s.x2); put(s.y2); put(s.xy); put(s.errx2); put(s.erry2); put(s.errxy);
    put(s.cxx); put(s.cyy); put(s.cxy); put(s.a); put(s.b); put(s.theta); put(s.kronRadius);
    put(s.fluxIso); put(s.fluxIsoErr); put(s.fluxAuto); put(s.fluxAutoErr);
    for (let i = 0; i < na; i++) put(s.fluxAper[i]!);
    for (let i = 0; i < na; i++) put(s.fluxAperErr[i]!);
    put(s.fluxRadius);
    for (let i = 0; i < nf; i++) put(s.fluxRadii[i]!);
    put(s.npix); put(s.peak); put(s.xmin); put(s.xmax); put(s.ymin); put(s.ymax); put(s.flags); put(s.snr);
  });
  return out;
}

export function unpackSources(p: Float64Array, na: number, nf: number): Source[] {
  const S = 31 + 2 * na + nf;
  const out: Source[] = [];
  for (let j = 0; j * S < p.length; j++) {
    let k = j * S;
    const g = () => p[k++]!;
    // integer fields as small integers (`| 0`), as measureObject makes them: a float64 read stays a boxed
    // double in the object (16 bytes more each)
    const id = g() | 0, x = g(), y = g(), xwin = g(), ywin = g(), x2 = g(), y2 = g(), xy = g(), errx2 = g(), erry2 = g(), errxy = g();
    const cxx = g(), cyy = g(), cxy = g(), a = g(), b = g(), theta = g(), kronRadius = g();
    const fluxIso = g(), fluxIsoErr = g(), fluxAuto = g(), fluxAutoErr = g();
    const fluxAper: number[] = []; for (let i = 0; i < na; i++) fluxAper.push(g());
    const fluxAperErr: number[] = []; for (let i = 0; i < na; i++) fluxAperErr.push(g());
    const fluxRadius = g();
    const fluxRadii: number[] = []; for (let i = 0; i < nf; i++) fluxRadii.push(g());
    const npix = g() | 0, peak = g(), xmin = g() | 0, xmax = g() | 0, ymin = g() | 0, ymax = g() | 0, flags = g() | 0, snr = g();
    // same key order as measureObject's literal
    out.push({
      id, x, y, xwin, ywin, x2, y2, xy, errx2, erry2, errxy, cxx, cyy, cxy, a, b, theta, kronRadius,
      fluxIso, fluxIsoErr, fluxAuto, fluxAutoErr, fluxAper, fluxAperErr, fluxRadius, fluxRadii,
      npix, peak, xmin, xmax, ymin, ymax, flags, snr,
    });
  }
  return out;
}
