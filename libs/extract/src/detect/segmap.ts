// The segmentation map as row runs: each run is a stretch of consecutive pixels of one object in one row.
// A deep field's detections cover a small fraction of the pixels, so the runs take a few bytes per object
// row instead of four bytes per image pixel (docs/extract.md, "Memory"). Measurements that mask
// neighbours read a small window of it (segStamp); the full Int32 map is only built on request
// (segRunsToArray) or streamed in pieces into a FITS file (segRunsRange).

/** Row runs of a segmentation map (labels 1..n, 0 = sky). */
export interface SegRuns {
  width: number; height: number;
  /** the runs of row y are rowStart[y] .. rowStart[y + 1] − 1, in increasing x */
  rowStart: Int32Array;
  /** first column and one past the last column of each run, and its label */
  x0: Int32Array; x1: Int32Array; id: Int32Array;
}

/** A window [x0, x0 + sw) × [y0, y0 + sh) of a segmentation map (or the whole map with x0 = y0 = 0). */
export interface SegStamp { data: Int32Array; x0: number; y0: number; sw: number; sh: number }

type Alloc = (n: number) => Int32Array;
const plain: Alloc = (n) => new Int32Array(n);

/**
 * Runs of the footprints `lists(i)` (pixel indices y·w + x, each list in raster order) labelled i + 1,
 * for i = 0..n−1. Footprints must not overlap. `alloc` allocates the arrays (SharedArrayBuffers for
 * worker threads).
 */
export function segRunsFromFootprints(
  w: number, h: number, n: number, lists: (i: number) => (Int32Array | undefined)[], alloc: Alloc = plain,
): SegRuns {
  // Pass 1: runs per row.
  const count = new Int32Array(h + 1);
  for (let i = 0; i < n; i++) {
    for (const l of lists(i)) {
      if (!l) continue;
      let prev = -2;
      for (let j = 0; j < l.length; j++) {
        const k = l[j]!;
        if (k !== prev + 1 || k % w === 0) count[((k / w) | 0) + 1]!++;
        prev = k;
      }
    }
  }
  for (let y = 0; y < h; y++) count[y + 1]! += count[y]!;
  const rowStart = alloc(h + 1);
  rowStart.set(count);
  const nr = count[h]!;
  const x0 = alloc(nr), x1 = alloc(nr), id = alloc(nr);
  // Pass 2: fill them in, row by row.
  const fill = count.subarray(0, h);
  for (let i = 0; i < n; i++) {
    for (const l of lists(i)) {
      if (!l) continue;
      let prev = -2, r = -1;
      for (let j = 0; j < l.length; j++) {
        const k = l[j]!;
        const x = k % w;
        if (k !== prev + 1 || x === 0) {
          r = fill[(k - x) / w]!++;
          x0[r] = x; id[r] = i + 1;
        }
        x1[r] = x + 1;
        prev = k;
      }
    }
  }
  // Sort each row's runs by x (insertion sort: objects come in raster order of their first pixel, so rows
  // are nearly sorted already).
  for (let y = 0; y < h; y++) {
    const a = rowStart[y]!, b = rowStart[y + 1]!;
    for (let j = a + 1; j < b; j++) {
      const s0 = x0[j]!, s1 = x1[j]!, si = id[j]!;
      let q = j - 1;
      while (q >= a && x0[q]! > s0) { x0[q + 1] = x0[q]!; x1[q + 1] = x1[q]!; id[q + 1] = id[q]!; q--; }
      x0[q + 1] = s0; x1[q + 1] = s1; id[q + 1] = si;
    }
  }
  return { width: w, height: h, rowStart, x0, x1, id };
}

/**
 * Elements [i0, i1) of the map in raster order (index y·width + x) into out[0 .. i1 − i0): the map streamed
 * in pieces of any size, e.g. into a FITS file (an @asteris/fits Int32Source).
 */
export function segRunsRange(s: SegRuns, i0: number, i1: number, out: Int32Array): void {
  const w = s.width;
  out.fill(0, 0, i1 - i0);
  for (let y = Math.floor(i0 / w); y * w < i1; y++) {
    const o = y * w - i0;
    for (let r = s.rowStart[y]!; r < s.rowStart[y + 1]!; r++) {
      const u = Math.max(o + s.x0[r]!, 0), v = Math.min(o + s.x1[r]!, i1 - i0);
      if (v > u) out.fill(s.id[r]!, u, v);
    }
  }
}

/** The map as streamed FITS data (an @asteris/fits Int32Source): writeFits never builds the full map. */
export function segRunsSource(s: SegRuns): { kind: 'int32-source'; length: number; read(i0: number, i1: number, out: Int32Array): void } {
  return { kind: 'int32-source', length: s.width * s.height, read: (i0, i1, out) => segRunsRange(s, i0, i1, out) };
}

/** The full map (width·height Int32). */
export function segRunsToArray(s: SegRuns): Int32Array {
  const { width: w, height: h } = s;
  const out = new Int32Array(w * h);
  for (let y = 0; y < h; y++) {
    const o = y * w;
    for (let r = s.rowStart[y]!; r < s.rowStart[y + 1]!; r++) out.fill(s.id[r]!, o + s.x0[r]!, o + s.x1[r]!);
  }
  return out;
}

/** The whole of a full-size map as a stamp. */
export function fullStamp(seg: Int32Array, width: number, height: number): SegStamp {
  return { data: seg, x0: 0, y0: 0, sw: width, sh: height };
}

let scratch = new Int32Array(4096);
/** Windows up to this many pixels reuse the scratch buffer; larger ones (huge objects) get their own. */
const SCRATCH_MAX = 1 << 20;

/**
 * The window [xa, xb] × [ya, yb] (inclusive, clipped to the image) of the map. The stamp's array is a
 * per-thread scratch buffer, valid until the next call. A window is never larger than the image: an object
 * whose Kron ellipse covers the whole field costs one Int32 image while it is measured (4 MiB and up are
 * allocated for that call only, not kept).
 */
export function segStamp(s: SegRuns, xa: number, ya: number, xb: number, yb: number): SegStamp {
  if (xa < 0) xa = 0;
  if (ya < 0) ya = 0;
  if (xb > s.width - 1) xb = s.width - 1;
  if (yb > s.height - 1) yb = s.height - 1;
  const sw = Math.max(0, xb - xa + 1), sh = Math.max(0, yb - ya + 1);
  const n = sw * sh;
  let data: Int32Array;
  if (n > SCRATCH_MAX) data = new Int32Array(n);
  else {
    if (scratch.length < n) scratch = new Int32Array(Math.min(SCRATCH_MAX, Math.max(n, 2 * scratch.length)));
    data = scratch;
  }
  data.fill(0, 0, n);
  for (let y = ya; y <= yb; y++) {
    const a = s.rowStart[y]!, b = s.rowStart[y + 1]!;
    // first run that ends after xa (binary search)
    let lo = a, hi = b;
    while (lo < hi) { const m = (lo + hi) >> 1; if (s.x1[m]! <= xa) lo = m + 1; else hi = m; }
    const o = (y - ya) * sw - xa;
    for (let r = lo; r < b && s.x0[r]! <= xb; r++) {
      const u = s.x0[r]! > xa ? s.x0[r]! : xa;
      const v = s.x1[r]! < xb + 1 ? s.x1[r]! : xb + 1;
      data.fill(s.id[r]!, o + u, o + v);
    }
  }
  return { data, x0: xa, y0: ya, sw, sh };
}
