// Mesh statistics for the background (SExtractor Background.rst; SEP src/background.c; astro-reference §A.1).
//
// Two estimators:
//  * `meshStats` + `histogramMode`: SExtractor's histogram algorithm (2σ pre-clip, histogram over mean ± 5σ,
//    iterative ±3σ clipping on the histogram around its median, mode = 2.5·med − 1.5·mean if
//    |mean − med|/σ < 0.3 else med). This is what the background maps use, so they match SExtractor's
//    BACKGROUND check-images.
//  * `sigmaClipMode`: the same mode rule on directly sigma-clipped values (photutils SExtractorBackground with
//    SigmaClip(3σ, 10 iterations)); used for small sample sets and the §A.11 test vectors.

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
  let mean = 0;
  let sig = 0;
  let npix = 0;
  const total = (x1 - x0) * (y1 - y0);
  for (let y = y0; y < y1; y++) {
    const row = y * w;
    for (let x = x0; x < x1; x++) {
      const k = row + x;
      const v = data[k]!;
      if (!(v > -BIG && v < BIG) || (mask && mask[k] !== 0)) continue;
      mean += v;
      sig += v * v;
      npix++;
    }
  }
  const bad: MeshStat = { good: false, mean: -BIG, sigma: -BIG, nlevels: 0, qzero: 0, qscale: 0, histo: null };
  if (npix < total * minGoodFrac || npix === 0) return bad;
  mean /= npix;
  let s2 = sig / npix - mean * mean;
  let sigma = s2 > 0 ? Math.sqrt(s2) : 0;
  const lcut = f32(mean - 2 * sigma);
  const hcut = f32(mean + 2 * sigma);
  mean = 0;
  sig = 0;
  npix = 0;
  for (let y = y0; y < y1; y++) {
    const row = y * w;
    for (let x = x0; x < x1; x++) {
      const k = row + x;
      const v = data[k]!;
      if (!(v > -BIG && v < BIG) || (mask && mask[k] !== 0)) continue;
      if (v <= hcut && v >= lcut) {
        mean += v;
        sig += v * v;
        npix++;
      }
    }
  }
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
  // Histogram of all valid pixels (SEP backhisto): bin = (int)(pix/qscale + 0.499999 − qzero/qscale).
  // `scratch` (≥ 4096 levels): reuse one histogram buffer across meshes instead of allocating per mesh.
  const histo = scratch && scratch.length >= nlevels ? scratch.subarray(0, nlevels).fill(0) : new Int32Array(nlevels);
  const cste = f32(0.499999 - f32(qzero / qscale));
  for (let y = y0; y < y1; y++) {
    const row = y * w;
    for (let x = x0; x < x1; x++) {
      const k = row + x;
      const v = data[k]!;
      if (!(v > -BIG && v < BIG) || (mask && mask[k] !== 0)) continue;
      const bin = Math.trunc(f32(f32(v / qscale) + cste));
      if (bin >= 0 && bin < nlevels) histo[bin]!++;
    }
  }
  return { good: true, mean: meanF, sigma: sigmaF, nlevels, qzero, qscale, histo };
}

/**
 * SExtractor `backguess`: iterative ±3σ clipping of the mesh histogram around its interpolated median,
 * then the mode rule. Returns the background and σ in data units (−BIG for bad meshes).
 */
export function histogramMode(m: MeshStat, pearson = 2.5): { back: number; sigma: number } {
  if (!m.good || !m.histo) return { back: -BIG, sigma: -BIG };
  const histo = m.histo;
  const nlevelsm1 = m.nlevels - 1;
  let lcut = 0;
  let hcut = nlevelsm1;
  let sig = 10 * nlevelsm1;
  let sig1 = 1;
  let mea = m.mean;
  let med = m.mean;
  for (let n = 100; n-- > 0 && sig >= 0.1 && Math.abs(sig / sig1 - 1) > EPS;) {
    sig1 = sig;
    let sum = 0;
    mea = 0;
    sig = 0;
    let lowsum = 0;
    let highsum = 0;
    let hilow = lcut;
    let hihigh = hcut;
    for (let i = lcut; i <= hcut; i++) {
      if (lowsum < highsum) lowsum += histo[hilow++]!;
      else highsum += histo[hihigh--]!;
      const pix = histo[i]!;
      sum += pix;
      const dpix = pix * i;
      mea += dpix;
      sig += dpix * i;
    }
    if (hihigh >= 0) {
      const hl = histo[hilow] ?? 0;
      const hh = histo[hihigh] ?? 0;
      const den = 2 * (hl > hh ? hl : hh);
      med = hihigh + 0.5 + (den > 0 ? (highsum - lowsum) / den : 0);
    } else {
      med = 0;
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

function median(sorted: Float64Array): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = n >> 1;
  return n % 2 ? sorted[h]! : 0.5 * (sorted[h - 1]! + sorted[h]!);
}

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
