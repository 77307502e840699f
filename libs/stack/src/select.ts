// Order statistics on small and large float arrays (quickselect, Hoare partition).
// numpy convention: the median of an even count is the mean of the two middle values.

/** k-th smallest (0-based) of a[0..n), partially reordering a in place. */
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

/** Median of a[0..n) (reorders a). NaN for n = 0. */
export function medianInPlace(a: Float64Array | Float32Array, n: number): number {
  if (n <= 0) return NaN;
  const h = n >> 1;
  if (n & 1) return selectKth(a, n, h);
  const upper = selectKth(a, n, h);
  // after selecting h, everything in [0, h) is <= a[h]: the lower middle is their maximum
  let lower = -Infinity;
  for (let i = 0; i < h; i++) if (a[i]! > lower) lower = a[i]!;
  return (lower + upper) / 2;
}
