// Empty-aperture calibration of correlated noise.
//
// Drizzling, resampling, PSF matching and denoising correlate the noise of neighbouring pixels, so the
// per-pixel error map underestimates (or, for conservative weight maps, overestimates) the noise in an
// aperture. Following the empty-aperture method of Labbé et al. 2003 (AJ 125, 1107), Quadri et al. 2007
// (AJ 134, 1103), Whitaker et al. 2011 (ApJ 735, 86) and Skelton et al. 2014 (ApJS 214, 24, §3.4), we
// drop many apertures of each size on blank sky (off the segmentation map and its buffer, on finite
// pixels), and fit a power law in the number of pixels N = πr²:
//     σ_empty(N) = σ₁ · α · N^(β/2)           (Skelton+14 form; β = 1 uncorrelated, β = 2 fully correlated)
// Because depth varies across a mosaic, we fit the *ratio* to the per-pixel prediction instead of the
// absolute σ: each aperture gives z = F / √(Σ var), and the correlated-noise factor is
//     f(N) = NMAD(z) = α · N^((β−1)/2),
// so σ₁·√N cancels and the calibration transfers to any position. Calibrated aperture errors are
// f(N) · √(Σ var). The robust NMAD (1.4826 × median absolute deviation about the median) limits the
// influence of undetected faint sources in the "empty" apertures.
//
// Speed: aperture centres are drawn on a 1/4-pixel lattice, so every aperture of radius r uses one of 16
// precomputed weight stencils (exact circle–pixel overlap, the same weights as @asteris/extract
// sumCircle); an empty aperture is then a dot product over ≈ πr² pixels. The box test guarantees that
// no pixel of the aperture is masked, so no masking logic is needed. Moving centres by ≤ 1/8 px is
// statistically irrelevant (the centres are random), and the sums equal sumCircle's at those centres.
import { MAD_TO_SIGMA, medianInPlace, medianSorted } from '@asteris/core';
import { circleRectOverlap } from '@asteris/extract';
import { PhotometryError } from '../errors.ts';
import { photometryRng } from '../rng.ts';

export interface NoiseCalibrationOptions {
  /** aperture radii (pixels) at which f is measured */
  radii: number[];
  /** number of accepted empty apertures per radius (default 1000) */
  nApertures?: number;
  /** keep apertures this many pixels clear of segmented pixels (default 2) */
  buffer?: number;
  seed?: number;
  /** restrict aperture centres to this box [x0, x1) × [y0, y1) (for hold-out tests) */
  region?: { x0: number; x1: number; y0: number; y1: number };
  /** accept an aperture centre only when this returns true (e.g. a checkerboard for hold-out tests) */
  select?: (x: number, y: number) => boolean;
  /** split the apertures of each radius into this many quantile bins of depth (mean per-pixel variance
   *  v in the aperture), measure f per bin and fit f ∝ v^γ across the bins (default 8; fewer when a bin
   *  would hold < 150 apertures) */
  depthBins?: number;
}

export interface NoiseCalibration {
  radii: number[];
  /** pixel count πr² per radius */
  npix: number[];
  /** measured correlated-noise factor f = NMAD(F/√Σvar) per radius (NaN when too few apertures fit) */
  factor: number[];
  /** NMAD of the empty-aperture fluxes themselves (data units) per radius */
  sigmaEmpty: number[];
  /** median empty-aperture flux per radius (residual sky level × area; diagnostic) */
  median: number[];
  /** number of apertures used per radius */
  count: number[];
  /** power-law fit f(N) = α N^((β−1)/2) */
  alpha: number;
  beta: number;
  /** depth dependence per radius: ascending log mean-variance nodes and the fitted power-law ratio
   *  f(v)/f at each (empty arrays: one depth class) */
  depthLogVar: number[][];
  depthRatio: number[][];
}

/**
 * Depth correction of the factor for radius index j at an aperture with mean per-pixel variance
 * `meanVar`: the ratio f_bin/f, piecewise linear in log variance between the bins' medians, constant
 * beyond the outer ones. 1 without depth bins.
 */
export function depthRatio(cal: NoiseCalibration, j: number, meanVar: number): number {
  const lv = cal.depthLogVar?.[j], rt = cal.depthRatio?.[j];
  if (!lv || lv.length < 2 || !(meanVar > 0)) return 1;
  const x = Math.log(meanVar);
  if (x <= lv[0]) return rt[0];
  if (x >= lv[lv.length - 1]) return rt[rt.length - 1];
  let k = 0;
  while (x > lv[k + 1]) k++;
  const t = (x - lv[k]) / (lv[k + 1] - lv[k]);
  return rt[k] + t * (rt[k + 1] - rt[k]);
}

export function nmad(values: ArrayLike<number>): number {
  const v = finiteValues(values);
  if (v.length === 0) return NaN;
  const med = selectMedian(v);
  for (let i = 0; i < v.length; i++) v[i] = Math.abs(v[i] - med);
  return MAD_TO_SIGMA * selectMedian(v);
}

/** Finite values as a new Float64Array (in input order). */
function finiteValues(values: ArrayLike<number>): Float64Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) n++;
  const v = new Float64Array(n);
  for (let i = 0, k = 0; i < values.length; i++) if (Number.isFinite(values[i])) v[k++] = values[i];
  return v;
}

/** Median of a finite array by quickselect, reordering `a` (core statistics module's `medianInPlace`). */
export function selectMedian(a: Float64Array): number {
  return medianInPlace(a);
}

/** Median of an ascending-sorted array (core `medianSorted`). */
export const median: (sorted: ArrayLike<number>) => number = medianSorted;

/** Summed-area table of a 0/1 "bad" map, for O(1) box queries. */
function badIntegral(data: Float32Array, variance: Float32Array, seg: Int32Array, w: number, h: number): Int32Array {
  const I = new Int32Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      const k = y * w + x;
      const v = data[k], vv = variance[k];
      const bad = seg[k] !== 0 || !(v === v) || !(vv > 0) || !Number.isFinite(vv);
      row += bad ? 1 : 0;
      I[(y + 1) * (w + 1) + x + 1] = I[y * (w + 1) + x + 1] + row;
    }
  }
  return I;
}

const LATTICE = 4;
const HALF_DIAG = 0.7072; // as in @asteris/extract sumCircle: pixels this far from the edge are fully in or out

interface Stencil { off: Int32Array; w: Float64Array }
const stencils = new Map<string, Stencil>();

/**
 * Exact-overlap weights of a circle of radius r centred at (fx + qx/4, fy + qy/4) relative to pixel
 * (fx, fy), as flat index offsets for an image of the given width, in row-major order (the summation
 * order of sumCircle). Cached per thread.
 */
function stencil(r: number, qx: number, qy: number, width: number): Stencil {
  const key = `${r}|${qx}|${qy}|${width}`;
  let st = stencils.get(key);
  if (st) return st;
  const cx = qx / LATTICE, cy = qy / LATTICE;
  const rin = r - HALF_DIAG;
  const rin2 = rin > 0 ? rin * rin : -1;
  const rout2 = (r + HALF_DIAG) * (r + HALF_DIAG);
  const R = Math.ceil(r) + 1;
  const off: number[] = [], w: number[] = [];
  for (let dy = -R; dy <= R + 1; dy++) {
    for (let dx = -R; dx <= R + 1; dx++) {
      const ex = dx - cx, ey = dy - cy;
      const d2 = ex * ex + ey * ey;
      const v = d2 < rin2 ? 1 : d2 > rout2 ? 0 : circleRectOverlap(ex - 0.5, ey - 0.5, ex + 0.5, ey + 0.5, r);
      if (v > 0) { off.push(dy * width + dx); w.push(v); }
    }
  }
  st = { off: Int32Array.from(off), w: Float64Array.from(w) };
  if (stencils.size > 4096) stencils.clear();
  stencils.set(key, st);
  return st;
}

/** Least-squares line log f = log α + s · log N; returns α and β = 1 + 2s. */
export function fitPowerLaw(npix: number[], factor: number[]): { alpha: number; beta: number } {
  const pts = npix.map((n, i) => [Math.log(n), Math.log(factor[i])]).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
  if (pts.length === 0) return { alpha: NaN, beta: NaN };
  if (pts.length === 1) return { alpha: Math.exp(pts[0][1]), beta: 1 };
  const mx = pts.reduce((s, p) => s + p[0], 0) / pts.length;
  const my = pts.reduce((s, p) => s + p[1], 0) / pts.length;
  let sxx = 0, sxy = 0;
  for (const [x, y] of pts) { sxx += (x - mx) ** 2; sxy += (x - mx) * (y - my); }
  const s = sxx > 0 ? sxy / sxx : 0;
  return { alpha: Math.exp(my - s * mx), beta: 1 + 2 * s };
}

/** Correlated-noise factor at N pixels from the fit. */
export function noiseFactor(cal: NoiseCalibration, npix: number): number {
  return cal.alpha * Math.pow(npix, (cal.beta - 1) / 2);
}

/**
 * Place random empty apertures and measure f per radius. `variance` is the per-pixel variance map in
 * the same units as `data`²; `seg` marks sources (≠ 0). Seeded: same inputs + seed → same result.
 */
export function calibrateEmptyApertures(
  data: Float32Array, variance: Float32Array, seg: Int32Array, width: number, height: number,
  opts: NoiseCalibrationOptions,
): NoiseCalibration {
  if (data.length !== width * height || variance.length !== data.length || seg.length !== data.length) {
    throw new PhotometryError(`empty apertures: data, variance and segmentation must all be ${width}×${height}`);
  }
  const nAp = opts.nApertures ?? 1000;
  const buffer = opts.buffer ?? 2;
  const rng = photometryRng(opts.seed ?? 1);
  const I = badIntegral(data, variance, seg, width, height);
  const W = width + 1;
  const box = (x0: number, y0: number, x1: number, y1: number): number =>
    I[(y1 + 1) * W + x1 + 1] - I[y0 * W + x1 + 1] - I[(y1 + 1) * W + x0] + I[y0 * W + x0];
  const reg = opts.region ?? { x0: 0, x1: width, y0: 0, y1: height };
  const out: NoiseCalibration = { radii: opts.radii.slice(), npix: [], factor: [], sigmaEmpty: [], median: [], count: [], alpha: NaN, beta: NaN,
    depthLogVar: [], depthRatio: [] };
  const nBinsWanted = Math.max(1, Math.floor(opts.depthBins ?? 8));
  for (const r of opts.radii) {
    // box half-size: the buffer, and at least the stencil reach (r + ½ + √2/2 from the rounded centre)
    const h = Math.max(Math.ceil(r + buffer), Math.ceil(r + 1.25));
    const z: number[] = [];
    const f: number[] = [];
    const mv: number[] = [];
    const maxTries = nAp * 50;
    for (let t = 0; t < maxTries && z.length < nAp; t++) {
      const xr = reg.x0 + h + rng.uniform() * (reg.x1 - reg.x0 - 2 * h - 1);
      const yr = reg.y0 + h + rng.uniform() * (reg.y1 - reg.y0 - 2 * h - 1);
      const x = Math.round(xr * LATTICE) / LATTICE, y = Math.round(yr * LATTICE) / LATTICE;
      const ix = Math.round(x), iy = Math.round(y);
      const x0 = ix - h, x1 = ix + h, y0 = iy - h, y1 = iy + h;
      if (x0 < 0 || y0 < 0 || x1 >= width || y1 >= height) continue;
      if (box(x0, y0, x1, y1) !== 0) continue;
      if (opts.select && !opts.select(x, y)) continue;
      const fx = Math.floor(x), fy = Math.floor(y);
      const st = stencil(r, Math.round((x - fx) * LATTICE), Math.round((y - fy) * LATTICE), width);
      const base = fy * width + fx;
      const off = st.off, w = st.w;
      let sum = 0, sumVar = 0, sumW = 0;
      for (let k = 0; k < off.length; k++) {
        const p = base + off[k], wk = w[k];
        sum += wk * data[p];
        sumVar += wk * variance[p];
        sumW += wk;
      }
      if (!(sumVar > 0)) continue;
      z.push(sum / Math.sqrt(sumVar));
      f.push(sum);
      mv.push(sumVar / sumW);
    }
    out.npix.push(Math.PI * r * r);
    out.count.push(z.length);
    const enough = z.length >= Math.min(50, nAp);
    out.factor.push(enough ? nmad(z) : NaN);
    out.sigmaEmpty.push(enough ? nmad(f) : NaN);
    out.median.push(enough ? selectMedian(finiteValues(f)) : NaN);
    // depth dependence: NMAD(z) in quantile bins of the aperture's mean per-pixel variance v, fitted
    // with a power law f ∝ v^γ (least squares in log–log). The fitted ratio is tabulated at the bins'
    // medians and at the 2nd/98th percentiles of v (constant beyond): smooth, and far less noisy than
    // the per-bin NMADs themselves (each bin holds only n/nb apertures).
    const nb = Math.min(nBinsWanted, Math.floor(z.length / 150));
    const lv: number[] = [], rt: number[] = [];
    const fAll = out.factor[out.factor.length - 1];
    if (nb >= 2 && fAll > 0) {
      const order = mv.map((_, i) => i).sort((a, b) => mv[a] - mv[b] || a - b);
      const bx: number[] = [], by: number[] = [];
      for (let b = 0; b < nb; b++) {
        const idx = order.slice(Math.floor((b * order.length) / nb), Math.floor(((b + 1) * order.length) / nb));
        const fb = nmad(idx.map((i) => z[i]));
        if (fb > 0) { bx.push(Math.log(mv[idx[idx.length >> 1]])); by.push(Math.log(fb / fAll)); }
      }
      if (bx.length >= 2) {
        const mx = bx.reduce((a, c) => a + c, 0) / bx.length, my = by.reduce((a, c) => a + c, 0) / by.length;
        let sxx = 0, sxy = 0;
        for (let k = 0; k < bx.length; k++) { sxx += (bx[k] - mx) ** 2; sxy += (bx[k] - mx) * (by[k] - my); }
        const gamma = sxx > 0 ? sxy / sxx : 0;
        const lo = Math.log(mv[order[Math.floor(0.02 * (order.length - 1))]]);
        const hi = Math.log(mv[order[Math.ceil(0.98 * (order.length - 1))]]);
        const xs = [lo, ...bx.filter((x) => x > lo && x < hi), hi].filter((x, k, a) => k === 0 || x > a[k - 1]);
        for (const x of xs) { lv.push(x); rt.push(Math.exp(my + gamma * (x - mx))); }
      }
    }
    out.depthLogVar.push(lv);
    out.depthRatio.push(rt);
  }
  const fit = fitPowerLaw(out.npix, out.factor);
  out.alpha = fit.alpha;
  out.beta = fit.beta;
  if (!Number.isFinite(out.alpha)) {
    throw new PhotometryError(`empty apertures: too few blank-sky positions for any radius (image mostly masked?)`);
  }
  return out;
}
