// Flat, transferable encodings of the per-object data that crosses threads (one message per chunk instead of
// thousands of small objects). Every number is stored as a float64 (int32 and float32 values round-trip
// exactly), so an unpacked object equals the one that was packed.
import { CLEAN_KEYS, type CleanModels } from '../detect/clean.ts';
import type { Components } from '../detect/label.ts';
import type { Deblended, ObjPixels, Source } from '../extract.ts';

/** Deblended objects of one chunk: a header row per object plus pooled pixel arrays. */
export interface PackedObjs { head: Float64Array; i32: Int32Array; f32: Float32Array }

const OH = 22; // header fields per object

/**
 * Packs deblending output (with each object's CLEAN model row, if any); undeblended objects (views into
 * `comps`) are sent as their component index.
 */
export function packObjs(deb: Deblended): PackedObjs {
  const { objs, models } = deb;
  let ni = 0, nf = 0;
  for (const o of objs) if (o.comp === undefined) { const m = o.mom ? o.mom.pix.length : 0; ni += o.pix.length + m; nf += o.pix.length + m; }
  const head = new Float64Array(objs.length * OH);
  const i32 = new Int32Array(ni), f32 = new Float32Array(nf);
  let pi = 0;
  objs.forEach((o, j) => {
    const h = j * OH;
    const m = o.mom ? o.mom.pix.length : 0;
    head[h] = o.comp ?? -1; head[h + 1] = o.pix.length; head[h + 2] = o.mom ? m : -1;
    head[h + 3] = o.flags; head[h + 4] = o.done; head[h + 5] = o.seq ?? NaN; head[h + 6] = o.mthresh ?? NaN;
    head[h + 7] = o.mom ? o.mom.cx : 0; head[h + 8] = o.mom ? o.mom.cy : 0;
    head[h + 9] = models ? 1 : 0;
    if (models) CLEAN_KEYS.forEach((k, i) => { head[h + 10 + i] = models[k][j]!; });
    if (o.comp === undefined) {
      i32.set(o.pix, pi); f32.set(o.dval, pi);
      if (o.mom) { i32.set(o.mom.pix, pi + o.pix.length); f32.set(o.mom.w, pi + o.pix.length); }
      pi += o.pix.length + m;
    }
  });
  return { head, i32, f32 };
}

/** Number of objects in a packed chunk. */
export function packedCount(p: PackedObjs): number { return p.head.length / OH; }

/**
 * Unpacks a chunk into `out`, and its CLEAN model rows into `models` from row `row` (the chunk's first
 * object's index in the whole list) when the chunk carries them.
 */
export function unpackObjs(p: PackedObjs, comps: Components, out: ObjPixels[], models: CleanModels | null, row: number): void {
  const n = p.head.length / OH;
  let pi = 0;
  for (let j = 0; j < n; j++) {
    const h = j * OH, hd = p.head;
    const comp = hd[h]!, np = hd[h + 1]!, m = hd[h + 2]!;
    let o: ObjPixels;
    if (comp >= 0) {
      const s = comps.start[comp]!, e = comps.start[comp + 1]!;
      o = { pix: comps.pix.subarray(s, e), dval: comps.val.subarray(s, e), flags: hd[h + 3]!, done: hd[h + 4]! };
    } else {
      o = { pix: p.i32.subarray(pi, pi + np), dval: p.f32.subarray(pi, pi + np), flags: hd[h + 3]!, done: hd[h + 4]! };
    }
    const mm = m > 0 ? m : 0;
    if (!Number.isNaN(hd[h + 5]!)) o.seq = hd[h + 5]!;
    if (!Number.isNaN(hd[h + 6]!)) o.mthresh = hd[h + 6]!;
    if (hd[h + 9] === 1 && models) CLEAN_KEYS.forEach((k, i) => { models[k][row + j] = hd[h + 10 + i]!; });
    if (m >= 0) o.mom = { pix: p.i32.subarray(pi + np, pi + np + mm), w: p.f32.subarray(pi + np, pi + np + mm), cx: hd[h + 7]!, cy: hd[h + 8]! };
    if (comp >= 0) o.comp = comp; else pi += np + mm;
    out.push(o);
  }
}

/**
 * All objects to measure, in SharedArrayBuffers so that every thread reads them without a copy:
 * undeblended objects still point into the component arrays; the rest (deblended pixels, moment weights,
 * pixels taken over by CLEAN) are pooled.
 */
export interface SharedObjs { head: Float64Array; i32: Int32Array; f32: Float32Array; comps: Components }
// header: component (−1: pooled), flags, done, int offset, pixel count, moment count (−1: none), cx, cy,
// extra (CLEAN) count, float offset
const SH = 10;

export function shareObjs(objs: ObjPixels[], comps: Components): SharedObjs {
  let ni = 0, nf = 0;
  for (const o of objs) {
    const m = o.mom ? o.mom.pix.length : 0;
    if (o.comp === undefined) { ni += o.pix.length; nf += o.pix.length; }
    ni += m + (o.extra?.length ?? 0); nf += m;
  }
  const head = new Float64Array(new SharedArrayBuffer(8 * SH * Math.max(1, objs.length)));
  const i32 = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, ni))), f32 = new Float32Array(new SharedArrayBuffer(4 * Math.max(1, nf)));
  let pi = 0, pf = 0;
  objs.forEach((o, j) => {
    const h = j * SH;
    const m = o.mom ? o.mom.pix.length : -1;
    const ne = o.extra?.length ?? 0;
    head[h] = o.comp ?? -1; head[h + 1] = o.flags; head[h + 2] = o.done; head[h + 3] = pi; head[h + 4] = o.pix.length;
    head[h + 5] = m; head[h + 6] = o.mom ? o.mom.cx : 0; head[h + 7] = o.mom ? o.mom.cy : 0; head[h + 8] = ne; head[h + 9] = pf;
    if (o.comp === undefined) { i32.set(o.pix, pi); f32.set(o.dval, pf); pi += o.pix.length; pf += o.pix.length; }
    if (o.mom) { i32.set(o.mom.pix, pi); f32.set(o.mom.w, pf); pi += m; pf += m; }
    if (ne) { i32.set(o.extra!, pi); pi += ne; }
  });
  return { head, i32, f32, comps };
}

/** Object j of a SharedObjs (views, no copy). */
export function sharedObj(s: SharedObjs, j: number): ObjPixels {
  const h = j * SH, hd = s.head;
  const comp = hd[h]!, np = hd[h + 4]!, m = hd[h + 5]!, ne = hd[h + 8]!;
  let pi = hd[h + 3]!, pf = hd[h + 9]!;
  let o: ObjPixels;
  if (comp >= 0) {
    const st = s.comps.start[comp]!, e = s.comps.start[comp + 1]!;
    o = { pix: s.comps.pix.subarray(st, e), dval: s.comps.val.subarray(st, e), flags: hd[h + 1]!, done: hd[h + 2]!, comp };
  } else {
    o = { pix: s.i32.subarray(pi, pi + np), dval: s.f32.subarray(pf, pf + np), flags: hd[h + 1]!, done: hd[h + 2]! };
    pi += np; pf += np;
  }
  if (m >= 0) { o.mom = { pix: s.i32.subarray(pi, pi + m), w: s.f32.subarray(pf, pf + m), cx: hd[h + 6]!, cy: hd[h + 7]! }; pi += m; }
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
