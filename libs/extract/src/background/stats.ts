// Mesh statistics for the background (SExtractor Background.rst; SEP src/background.c; astro-reference §A.1).
//
// Two estimators:
//  * `meshStats` + `histogramMode`: SExtractor's histogram algorithm (2σ pre-clip, histogram over mean ± 5σ,
//    iterative ±3σ clipping on the histogram around its median, mode = 2.5·med − 1.5·mean if
//    |mean − med|/σ < 0.3 else med). This is what the background maps use, so they match SExtractor's
//    BACKGROUND check-images.
//  * `sigmaClipMode`: the same mode rule on directly sigma-clipped values (photutils SExtractorBackground with
//    SigmaClip(3σ, 10 iterations)); used for small sample sets and the §A.11 test vectors.
import { medianSorted } from '@asteris/core';

const QUANTIF_NSIGMA = 5;
const QUANTIF_NMAXLEVELS = 4096;
const QUANTIF_AMIN = 4;
const STEP = (Math.sqrt(2 / Math.PI) * QUANTIF_NSIGMA) / QUANTIF_AMIN;
const EPS = 1e-4;
export const BIG = 1e30;
const f32 = Math.fround;

export interface MeshStat {
  /** false when fewer than `minGoodFrac` of the mesh pixels are valid */
  good: boolean;
  mean: number;
  sigma: number;
  nlevels: number;
  qzero: number;
  qscale: number;
  histo: Int32Array | null;
}

/**
 * Statistics of one rectangular mesh [x0, x1) × [y0, y1) of `data` (width `w`).
 * Pixels are valid when finite and not masked (mask ≠ 0) and, if `variance` is given, its value < BIG.
 * With `scratch` the returned histogram is a view into it (valid until the next call).
 */
export function meshStats(
  data: Float32Array, w: number, x0: number, y0: number, x1: number, y1: number,
  mask?: Uint8Array, minGoodFrac = 0.5, scratch?: Int32Array,
): MeshStat {
  const total = (x1 - x0) * (y1 - y0);
  const bad: MeshStat = { good: false, mean: -BIG, sigma: -BIG, nlevels: 0, qzero: 0, qscale: 0, histo: null };
  // pass 1: mean and σ of the valid pixels
  let [mean, sig, npix] = moments(data, w, x0, y0, x1, y1, mask, -BIG, BIG);
  if (npix < total * minGoodFrac || npix === 0) return bad;
  mean /= npix;
  let s2 = sig / npix - mean * mean;
  let sigma = s2 > 0 ? Math.sqrt(s2) : 0;
  // pass 2: the same within mean ± 2σ
  const lcut = f32(mean - 2 * sigma);
  const hcut = f32(mean + 2 * sigma);
  [mean, sig, npix] = moments(data, w, x0, y0, x1, y1, mask, lcut, hcut);
  if (npix === 0) return bad;
  mean /= npix;
  s2 = sig / npix - mean * mean;
  sigma = s2 > 0 ? Math.sqrt(s2) : 0;
  const meanF = f32(mean);
  const sigmaF = f32(sigma);
  let nlevels = Math.trunc(STEP * npix + 1);
  if (nlevels > QUANTIF_NMAXLEVELS) nlevels = QUANTIF_NMAXLEVELS;
  const qscale = f32(sigmaF > 0 ? (2 * QUANTIF_NSIGMA * sigmaF) / nlevels : 1);
  const qzero = f32(meanF - QUANTIF_NSIGMA * sigmaF);
  // pass 3: histogram of all valid pixels (SEP backhisto): bin = (int)(pix/qscale + 0.499999 − qzero/qscale).
  // `scratch` (≥ 4096 levels): reuse one histogram buffer across meshes instead of allocating per mesh.
  const histo = scratch && scratch.length >= nlevels ? scratch.subarray(0, nlevels).fill(0) : new Int32Array(nlevels);
  const cste = f32(0.499999 - f32(qzero / qscale));
  for (let y = y0; y < y1; y++) {
    const row = y * w;
    for (let k = row + x0, ke = row + x1; k < ke; k++) {
      const v = data[k]!;
      if (!(v > -BIG && v < BIG) || (mask !== undefined && mask[k] !== 0)) continue;
      const bin = Math.trunc(f32(f32(v / qscale) + cste));
      if (bin >= 0 && bin < nlevels) histo[bin]!++;
    }
  }
  return { good: true, mean: meanF, sigma: sigmaF, nlevels, qzero, qscale, histo };
}

/**
 * Σv, Σv² and the count of the valid pixels of a mesh with lo ≤ v ≤ hi (valid: −BIG < v < BIG, not
 * masked); the additions are in raster order, as in SExtractor.
 */
function moments(
  data: Float32Array, w: number, x0: number, y0: number, x1: number, y1: number, mask: Uint8Array | undefined,
  lo: number, hi: number,
): [number, number, number] {
  let s = 0, s2 = 0, n = 0;
  for (let y = y0; y < y1; y++) {
    const row = y * w;
    if (mask === undefined) {
      for (let k = row + x0, ke = row + x1; k < ke; k++) {
        const v = data[k]!;
        if (v > -BIG && v < BIG && v >= lo && v <= hi) { s += v; s2 += v * v; n++; }
      }
    } else {
      for (let k = row + x0, ke = row + x1; k < ke; k++) {
        const v = data[k]!;
        if (v > -BIG && v < BIG && v >= lo && v <= hi && mask[k] === 0) { s += v; s2 += v * v; n++; }
      }
    }
  }
  return [s, s2, n];
}

/**
 * SExtractor `backguess`: iterative ±3σ clipping of the mesh histogram around its interpolated median,
 * then the mode rule. Returns the background and σ in data units (−BIG for bad meshes).
 *
 * Each iteration needs the count, Σi·h and Σi²·h over [lcut, hcut] (prefix sums: the values are integers
 * below 2⁵³, so they equal SExtractor's running sums exactly) and the median walk of `backguess`: two
 * cursors move in from both ends, the one with the smaller partial sum advancing (the upper one on ties),
 * until they meet. That walk is the merge of the two non-decreasing partial-sum sequences, so where it
 * stops follows from ranks (`medianWalk`) without visiting every level.
 */
export function histogramMode(m: MeshStat, pearson = 2.5, scratch?: Float64Array): { back: number; sigma: number } {
  if (!m.good || !m.histo) return { back: -BIG, sigma: -BIG };
  const histo = m.histo;
  const nl = m.nlevels;
  const nlevelsm1 = nl - 1;
  const need = 3 * (nl + 1);
  const buf = scratch && scratch.length >= need ? scratch : new Float64Array(need);
  const c0 = buf.subarray(0, nl + 1), c1 = buf.subarray(nl + 1, 2 * (nl + 1)), c2 = buf.subarray(2 * (nl + 1), need);
  c0[0] = 0; c1[0] = 0; c2[0] = 0;
  for (let i = 0; i < nl; i++) {
    const h = histo[i]!;
    c0[i + 1] = c0[i]! + h; c1[i + 1] = c1[i]! + h * i; c2[i + 1] = c2[i]! + h * i * i;
  }
  let lcut = 0;
  let hcut = nlevelsm1;
  let sig = 10 * nlevelsm1;
  let sig1 = 1;
  let mea = m.mean;
  let med = m.mean;
  for (let n = 100; n-- > 0 && sig >= 0.1 && Math.abs(sig / sig1 - 1) > EPS;) {
    sig1 = sig;
    const empty = hcut < lcut;
    const sum = empty ? 0 : c0[hcut + 1]! - c0[lcut]!;
    mea = empty ? 0 : c1[hcut + 1]! - c1[lcut]!;
    sig = empty ? 0 : c2[hcut + 1]! - c2[lcut]!;
    if (hcut >= lcut) {
      const K = medianWalkLow(c0, lcut, hcut);
      const M = hcut - lcut + 1 - K;
      const hilow = lcut + K, hihigh = hcut - M;
      const lowsum = c0[hilow]! - c0[lcut]!, highsum = c0[hcut + 1]! - c0[hcut + 1 - M]!;
      if (hihigh >= 0) {
        const hl = histo[hilow] ?? 0;
        const hh = histo[hihigh] ?? 0;
        const den = 2 * (hl > hh ? hl : hh);
        med = hihigh + 0.5 + (den > 0 ? (highsum - lowsum) / den : 0);
      } else {
        med = 0;
      }
    } else {
      // empty range: backguess's loop does not run, the cursors stay at the ends
      med = hcut >= 0 ? hcut + 0.5 : 0;
    }
    if (sum) {
      mea /= sum;
      sig = sig / sum - mea * mea;
    }
    sig = sig > 0 ? Math.sqrt(sig) : 0;
    let ft = med - 3 * sig;
    lcut = ft > 0 ? Math.trunc(ft > 0 ? ft + 0.5 : ft - 0.5) : 0;
    ft = med + 3 * sig;
    hcut = ft < nlevelsm1 ? Math.trunc(ft > 0 ? ft + 0.5 : ft - 0.5) : nlevelsm1;
  }
  let back: number;
  if (Math.abs(sig) > 0) {
    back = Math.abs((mea - med) / sig) < 0.3
      ? m.qzero + ((pearson) * med - (pearson - 1) * mea) * m.qscale
      : m.qzero + med * m.qscale;
  } else {
    back = m.qzero + mea * m.qscale;
  }
  return { back: f32(back), sigma: f32(sig * m.qscale) };
}

/**
 * Where `backguess`'s median walk over levels [lcut, hcut] stops, given the prefix counts c0 (c0[i] = Σ_{j<i}
 * h[j]). The walk takes N = hcut − lcut + 1 steps; at each, with P_k the sum of the k lowest levels taken and
 * Q_m that of the m highest, the low cursor advances if P_k < Q_m, else the high one. That is a merge of
 * the non-decreasing sequences P and Q with ties to Q: P_k is taken at step k + #{m : Q_m ≤ P_k}, so the
 * number K of low steps is the number of k whose step is < N (binary searches on the prefix sums).
 */
export function medianWalk(c0: Float64Array, lcut: number, hcut: number): { hilow: number; hihigh: number; lowsum: number; highsum: number } {
  const K = medianWalkLow(c0, lcut, hcut);
  const N = hcut - lcut + 1, M = N - K;
  return { hilow: lcut + K, hihigh: hcut - M, lowsum: c0[lcut + K]! - c0[lcut]!, highsum: c0[hcut + 1]! - c0[hcut + 1 - M]! };
}

/** The number K of low-cursor steps of the walk (see medianWalk); plain loops, nothing allocated. */
function medianWalkLow(c0: Float64Array, lcut: number, hcut: number): number {
  const N = hcut - lcut + 1;
  const base = c0[lcut]!, top = c0[hcut + 1]!;
  // largest k ∈ [0, N] with k + #{m ∈ [0, N] : Q_m ≤ P_k} ≤ N − 1 (increasing in k)
  let lo = 0, hi = N;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const pk = c0[lcut + mid]! - base;
    let a = 0, b = N + 1; // #{m : Q_m ≤ pk}, Q_m = top − c0[hcut + 1 − m]
    while (a < b) { const mm = (a + b) >> 1; if (top - c0[hcut + 1 - mm]! <= pk) a = mm + 1; else b = mm; }
    if (mid + a <= N - 1) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/** The literal median walk of `backguess` (reference for `medianWalk`). */
export function medianWalkLoop(histo: ArrayLike<number>, lcut: number, hcut: number): { hilow: number; hihigh: number; lowsum: number; highsum: number } {
  let lowsum = 0, highsum = 0, hilow = lcut, hihigh = hcut;
  for (let i = lcut; i <= hcut; i++) {
    if (lowsum < highsum) lowsum += histo[hilow++]!;
    else highsum += histo[hihigh--]!;
  }
  return { hilow, hihigh, lowsum, highsum };
}

const median = medianSorted;

/**
 * Mode rule on directly σ-clipped values (photutils SExtractorBackground with SigmaClip(sigma, maxiters),
 * clipping |x − median| > nsigma·std): 2.5·median − 1.5·mean if |mean − median|/std < 0.3, else the median;
 * the mean if std = 0. Non-finite values are ignored.
 */
export function sigmaClipMode(
  values: ArrayLike<number>, opts: { nsigma?: number; maxiters?: number } = {},
): { back: number; sigma: number; median: number; mean: number; n: number } {
  const nsigma = opts.nsigma ?? 3;
  const maxiters = opts.maxiters ?? 10;
  let cur = Float64Array.from(Array.prototype.filter.call(values, (v: number) => Number.isFinite(v)) as number[]);
  cur.sort();
  let med = median(cur);
  let mean = 0;
  let std = 0;
  const moments = (a: Float64Array) => {
    let s = 0;
    for (const v of a) s += v;
    const m = s / a.length;
    let q = 0;
    for (const v of a) q += (v - m) * (v - m);
    return [m, Math.sqrt(q / a.length)] as const;
  };
  for (let it = 0; it < maxiters; it++) {
    [mean, std] = moments(cur);
    med = median(cur);
    const lo = med - nsigma * std;
    const hi = med + nsigma * std;
    const next = cur.filter((v) => v >= lo && v <= hi);
    if (next.length === cur.length) break;
    cur = next;
  }
  [mean, std] = moments(cur);
  med = median(cur);
  let back: number;
  if (std === 0) back = mean;
  else back = Math.abs(mean - med) / std < 0.3 ? 2.5 * med - 1.5 * mean : med;
  return { back, sigma: std, median: med, mean, n: cur.length };
}

/**
 * SExtractor's statistics of a variance map's mesh, coupled to the image's (back.c backstat/backhisto with
 * a weight field): the variance values enter only where the image pixel passes the image's own 2σ pre-clip
 * (and its histogram range), and are themselves pre-clipped to their mean ± 2σ. The histogram then goes
 * through `histogramMode` like any mesh. Used for SExtractor's MAP_VAR / MAP_WEIGHT rescaling (sigfac).
 */
export function weightMeshStats(
  data: Float32Array, vmap: Float32Array, w: number, x0: number, y0: number, x1: number, y1: number, minGoodFrac = 0.5,
): MeshStat {
  const total = (x1 - x0) * (y1 - y0);
  const bad: MeshStat = { good: false, mean: -BIG, sigma: -BIG, nlevels: 0, qzero: 0, qscale: 0, histo: null };
  const ok = (k: number) => { const v = vmap[k]!; const p = data[k]!; return v < BIG && p > -BIG && p === p; };
  let m = 0, s = 0, wm = 0, ws = 0, n = 0;
  for (let y = y0; y < y1; y++) for (let k = y * w + x0, e = y * w + x1; k < e; k++) {
    if (!ok(k)) continue;
    const p = data[k]!, v = vmap[k]!;
    m += p; s += p * p; wm += v; ws += v * v; n++;
  }
  if (n < total * minGoodFrac || n === 0) return bad;
  m /= n; wm /= n;
  let t = s / n - m * m; const sig = t > 0 ? Math.sqrt(t) : 0;
  t = ws / n - wm * wm; const wsig = t > 0 ? Math.sqrt(t) : 0;
  const lcut = f32(m - 2 * sig), hcut = f32(m + 2 * sig), wlcut = f32(wm - 2 * wsig), whcut = f32(wm + 2 * wsig);
  m = s = wm = ws = 0; n = 0;
  let wn = 0;
  for (let y = y0; y < y1; y++) for (let k = y * w + x0, e = y * w + x1; k < e; k++) {
    if (!ok(k)) continue;
    const p = data[k]!, v = vmap[k]!;
    if (!(p <= hcut && p >= lcut)) continue;
    m += p; s += p * p; n++;
    if (v <= whcut && v >= wlcut) { wm += v; ws += v * v; wn++; }
  }
  if (n === 0 || wn === 0) return bad;
  m /= n; t = s / n - m * m; const sigma = f32(t > 0 ? Math.sqrt(t) : 0); const mean = f32(m);
  wm /= wn; t = ws / wn - wm * wm; const wsigma = f32(t > 0 ? Math.sqrt(t) : 0); const wmean = f32(wm);
  const lev = (k: number) => Math.min(QUANTIF_NMAXLEVELS, Math.trunc(STEP * k + 1));
  const nlevels = lev(n), wnlevels = lev(wn);
  const qscale = f32(sigma > 0 ? (2 * QUANTIF_NSIGMA * sigma) / nlevels : 1), qzero = f32(mean - QUANTIF_NSIGMA * sigma);
  const wqscale = f32(wsigma > 0 ? (2 * QUANTIF_NSIGMA * wsigma) / wnlevels : 1), wqzero = f32(wmean - QUANTIF_NSIGMA * wsigma);
  const cste = f32(0.499999 - f32(qzero / qscale)), wcste = f32(0.499999 - f32(wqzero / wqscale));
  const histo = new Int32Array(wnlevels);
  for (let y = y0; y < y1; y++) for (let k = y * w + x0, e = y * w + x1; k < e; k++) {
    const v = vmap[k]!;
    if (!(v < BIG)) continue;
    const p = data[k]!;
    if (!(p > -BIG)) continue;
    const bin = Math.trunc(f32(f32(p / qscale) + cste));
    if (!(bin >= 0 && bin < nlevels)) continue;
    const wb = Math.trunc(f32(f32(v / wqscale) + wcste));
    if (wb >= 0 && wb < wnlevels) histo[wb]!++;
  }
  return { good: true, mean: wmean, sigma: wsigma, nlevels: wnlevels, qzero: wqzero, qscale: wqscale, histo };
}
