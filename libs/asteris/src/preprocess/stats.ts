// Statistics with the reference's numpy/scipy semantics, accumulated in float64.
import { median } from '@asteris/core';

/**
 * Iterative sigma clip with scipy.stats.sigmaclip semantics (asteris-method.md §1.3.4): compute the
 * mean m and population std s of the kept sample, keep values in [m − k·s, m + k·s], repeat until
 * nothing changes. Returns the limits of the converged sample. NaN values are ignored.
 */
export function sigmaClipLimits(values: Float32Array, k = 3, maxIters = 1000): { lo: number; hi: number; iters: number; count: number } {
  let lo = -Infinity, hi = Infinity;
  let prevCount = -1;
  // one pass per iteration: sums of (v − shift) and (v − shift)², shift = the previous mean (a first
  // finite value initially), which keeps the shifted-variance formula accurate in float64
  let shift = NaN;
  for (let i = 0; i < values.length && Number.isNaN(shift); i++) if (Number.isFinite(values[i]!)) shift = values[i]!;
  for (let it = 1; it <= maxIters; it++) {
    let n = 0, s = 0, ss = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v >= lo && v <= hi) { const d = v - shift; s += d; ss += d * d; n++; }
    }
    if (n === 0) return { lo: NaN, hi: NaN, iters: it, count: 0 };
    const md = s / n;
    const m = shift + md;
    const sd = Math.sqrt(Math.max(0, ss / n - md * md));
    if (n === prevCount) return { lo: m - k * sd, hi: m + k * sd, iters: it, count: n };
    prevCount = n;
    shift = m;
    lo = m - k * sd;
    hi = m + k * sd;
  }
  return { lo, hi, iters: maxIters, count: prevCount };
}

/** Median of the non-NaN values (numpy nanmedian): the core statistics module's `median`. */
export const nanMedian: (values: Float32Array | Float64Array) => number = median;

/** Population standard deviation (ddof = 0) of the finite values, two-pass in float64. */
export function nanStd(values: Float32Array): number {
  let n = 0, s = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isNaN(v)) { s += v; n++; }
  }
  if (n === 0) return NaN;
  const m = s / n;
  let ss = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isNaN(v)) ss += (v - m) * (v - m);
  }
  return Math.sqrt(ss / n);
}

/** Sortable unsigned key of a float32 bit pattern (IEEE 754 order: flip all bits of negatives, the sign bit of positives). */
function floatKey(bits: number): number {
  return (bits & 0x80000000 ? ~bits : bits | 0x80000000) >>> 0;
}

/**
 * The k-th smallest (0-based) finite value, by two 16-bit radix-histogram passes over the float32
 * bit patterns: exact, O(65,536) extra memory, so a whole exposure stack needs no sorted copy.
 */
export function kthFinite(values: Float32Array, k: number): number {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const hist = new Float64Array(65536);
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) hist[floatKey(bits[i]!) >>> 16]!++;
  let hi = 0, acc = 0;
  while (hi < 65535 && acc + hist[hi]! <= k) acc += hist[hi++]!;
  const r = k - acc;
  hist.fill(0);
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i]!)) continue;
    const key = floatKey(bits[i]!);
    if (key >>> 16 === hi) hist[key & 0xffff]!++;
  }
  let lo = 0;
  acc = 0;
  while (lo < 65535 && acc + hist[lo]! <= r) acc += hist[lo++]!;
  const key = ((hi << 16) | lo) >>> 0;
  const out = new Uint32Array(1);
  out[0] = key & 0x80000000 ? key & 0x7fffffff : ~key;
  return new Float32Array(out.buffer)[0]!;
}

/** nanMedian of a float32 array without copying it (kept beside core `median`, which copies: this is the
 * memory-bound whole-stack path); same NaN rule and result: numpy nanmedian. */
export function nanMedianSelect(values: Float32Array): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) n++;
  if (n === 0) return NaN;
  const h = n >> 1;
  return n % 2 ? kthFinite(values, h) : (kthFinite(values, h - 1) + kthFinite(values, h)) / 2;
}
