// The project's one statistics module (issue 16): median, MAD and quantiles, d3-array style (one
// function, one exact test each), over typed arrays and number[].
//
// ONE NaN rule: `median`, `mad` and `quantile` ignore NaN values (numpy's nanmedian / nanquantile);
// ±Infinity are ordinary, ordered values; no value left → NaN. An even count's median is the mean of the
// two middle values (numpy). Quantiles interpolate linearly between order statistics at q·(n−1)
// (numpy 'linear', R type 7: d3-array's quantileSorted, which computes them).
//
// Hot image-sized loops use the in-place forms on a scratch buffer the caller has already cleaned of NaNs:
// `selectKth` (quickselect, Hoare partition, median-of-three pivot) and `medianInPlace`. They reorder the
// buffer and return exactly the value a full sort would (an order statistic is unique), in O(n).

import { bisectRight, quantileSorted as d3QuantileSorted } from 'd3-array';

/** Gaussian σ per unit median absolute deviation: 1/Φ⁻¹(3/4). */
export const MAD_TO_SIGMA = 1.4826;

/** k-th smallest (0-based) of a[0..n), partially reordering `a` in place. `a[0..n)` must hold no NaN. */
export function selectKth(a: Float64Array | Float32Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    if (hi - lo < 16) {
      // insertion sort the small remaining range
      for (let i = lo + 1; i <= hi; i++) {
        const v = a[i]!;
        let j = i - 1;
        while (j >= lo && a[j]! > v) {
          a[j + 1] = a[j]!;
          j--;
        }
        a[j + 1] = v;
      }
      return a[k]!;
    }
    // median-of-three pivot
    const mid = (lo + hi) >>> 1;
    const x = a[lo]!, y = a[mid]!, z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

/** Median of a[0..n) (default n = a.length), reordering `a`; `a[0..n)` must hold no NaN. NaN for n = 0. */
export function medianInPlace(a: Float64Array | Float32Array, n: number = a.length): number {
  if (n <= 0) return NaN;
  const h = n >> 1;
  if (n & 1) return selectKth(a, n, h);
  const upper = selectKth(a, n, h);
  // after selecting h, everything in [0, h) is <= a[h]: the lower middle is their maximum
  let lower = -Infinity;
  for (let i = 0; i < h; i++) if (a[i]! > lower) lower = a[i]!;
  return (lower + upper) / 2;
}

/**
 * What an even count's median is: 'mean' of the two middle values (numpy; the default everywhere), or the
 * 'upper' one, the order statistic at ⌊n/2⌋ (the quick SExtractor-style estimate some stages were tuned
 * with; switching them to 'mean' would change their products).
 */
export type EvenMedian = 'mean' | 'upper';

/** Median of an ascending-sorted array (no NaN). NaN when empty. */
export function medianSorted(sorted: ArrayLike<number>, even: EvenMedian = 'mean'): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = n >> 1;
  return n % 2 || even === 'upper' ? sorted[h]! : 0.5 * (sorted[h - 1]! + sorted[h]!);
}

/**
 * q-quantile (0 ≤ q ≤ 1) of an ascending-sorted array (no NaN), linear between order statistics: d3-array's
 * quantileSorted (the project's one quantile; figures' percentiles too, never the nearest sample). NaN when empty.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  // (d3 reads only length and indices: any ArrayLike, typed arrays included)
  return sorted.length ? d3QuantileSorted(sorted as unknown as number[], q)! : NaN;
}

/** The non-NaN values of `values`, copied into a new Float64Array (input order). */
export function withoutNaN(values: ArrayLike<number>): Float64Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) n++;
  const out = new Float64Array(n);
  for (let i = 0, j = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) out[j++] = values[i]!;
  return out;
}

/** Median of the non-NaN values (NaN if none), by quickselect on a copy: `values` is not modified. */
export function median(values: ArrayLike<number>): number {
  return medianInPlace(withoutNaN(values));
}

/** q-quantile of the non-NaN values (NaN if none), linear between order statistics. */
export function quantile(values: ArrayLike<number>, q: number): number {
  return quantileSorted(withoutNaN(values).sort(), q);
}

/** Median absolute deviation about the median of the non-NaN values (unscaled; × MAD_TO_SIGMA for σ). */
export function mad(values: ArrayLike<number>): number {
  const s = withoutNaN(values);
  const m = medianInPlace(s);
  for (let i = 0; i < s.length; i++) s[i] = Math.abs(s[i]! - m);
  return medianInPlace(s);
}

/**
 * Index k of the bin [edges[k], edges[k+1]) holding v, for ascending `edges`; −1 outside [edges[0], edges[n−1]) or for NaN.
 * The one catalogue-level bin search (d3-array's bisectRight); image-sized loops keep their own arithmetic.
 */
export function binIndex(edges: readonly number[], v: number): number {
  if (!(v >= edges[0]!) || !(v < edges[edges.length - 1]!)) return -1;
  return bisectRight(edges, v) - 1;
}
