// The detection limit of an ideal point-source detector in white Gaussian noise: the ceiling that no
// image computed from an exposure stack can beat at a given false-detection rate.
//
// - Detection statistic: the image filtered with the PSF (matched filter). For a known PSF in white
//   noise it is the Neyman–Pearson (likelihood-ratio) statistic, and for a static sky with noise
//   independent between exposures the co-add is a sufficient statistic of the stack, so a denoised
//   image cannot reach fainter at equal purity (Kay, "Fundamentals of Statistical Signal Processing:
//   Detection Theory", §4.3 and §5.3).
// - False detections: a detector with DETECT_MINAREA 1 counts the connected excursions of the
//   filtered noise above the threshold. At high thresholds their expected number is the Euler
//   characteristic of the excursion set of a smooth isotropic Gaussian field of unit variance,
//   E[χ] = A · Λ / (2π)^{3/2} · t · exp(−t²/2), with Λ the variance of a first derivative
//   (Adler 1981, "The Geometry of Random Fields", Thm 6.2.2; Worsley 1996, Hum. Brain Mapp. 4, 58).
//   White noise smoothed by a Gaussian of standard deviation s has Λ = 1/(2 s²) per px². On a pixel
//   lattice with s ≈ 1 px the count of 8-connected excursions is up to 2× lower than E[χ], but the
//   threshold for a given count moves by only ≈ ln 2 / t ≈ 0.15σ (≈ 0.03 mag in the limit).
// - Completeness: a source of matched-filter signal-to-noise ν is found when ν plus a unit normal
//   exceeds t, so C = Φ(ν − t).

/** Standard normal upper tail Q(x) = 1 − Φ(x) (complementary error function, Numerical Recipes §6.2 Chebyshev fit, |ε| < 1.2e-7). */
import { abMagFromNJy } from './magnitudes.ts';

export function normalTail(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 0.5 * erfc : 1 - 0.5 * erfc;
}

/** Φ⁻¹(p) by bisection on normalTail (p in (0, 1)). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1) (got ${p})`);
  let lo = -40, hi = 40;
  for (let k = 0; k < 200 && hi - lo > 1e-12; k++) {
    const mid = (lo + hi) / 2;
    if (1 - normalTail(mid) < p) lo = mid; else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Expected number of connected excursions above `t` (in σ of the field) of white noise smoothed by a
 * Gaussian of standard deviation `smoothSigmaPx`, over `areaPx` pixels (the Euler-characteristic density).
 */
export function expectedNoisePeaks(t: number, smoothSigmaPx: number, areaPx: number): number {
  const lambda = 1 / (2 * smoothSigmaPx * smoothSigmaPx);
  return (areaPx * lambda / (2 * Math.PI) ** 1.5) * t * Math.exp(-0.5 * t * t);
}

export interface DetectionLimitInput {
  /** white-noise σ per pixel of the co-add, in flux units per pixel (nJy for AB magnitudes) */
  sigmaPix: number;
  /** FWHM of a Gaussian PSF, in pixels */
  psfFwhmPx: number;
  /** searched area in pixels */
  areaPx: number;
  /** expected number of spurious detections allowed over the area (> 0) */
  falseDetections: number;
  /** completeness at the limit (default 0.9, the m90 of Guo et al. 2026) */
  completeness?: number;
}

export interface DetectionLimit {
  /** threshold on the matched-filter statistic, in σ */
  threshold: number;
  /** matched-filter S/N of a source found with the requested completeness */
  snr: number;
  /** total flux of that source (units of sigmaPix) */
  flux: number;
  /** noise of the matched-filter flux estimate, σ_pix · √(4π (σ_psf² + 1/12)) */
  fluxNoise: number;
}

/**
 * The faintest point-source flux that an ideal detector (PSF-matched filter, peak threshold set so
 * that `falseDetections` noise peaks are expected over the area) finds with the given completeness.
 */
export function pointSourceDetectionLimit(inp: DetectionLimitInput): DetectionLimit {
  const { sigmaPix, psfFwhmPx, areaPx, falseDetections } = inp;
  const c = inp.completeness ?? 0.9;
  if (!(sigmaPix > 0) || !(psfFwhmPx > 0) || !(areaPx > 0) || !(falseDetections > 0) || !(c > 0 && c < 1)) {
    throw new RangeError('pointSourceDetectionLimit: sigmaPix, psfFwhmPx, areaPx and falseDetections must be > 0 and completeness in (0, 1)');
  }
  const s = psfFwhmPx / (2 * Math.sqrt(2 * Math.LN2));
  // E[χ](t) decreases for t > 1: bisect on [1, 40]
  let lo = 1, hi = 40;
  if (expectedNoisePeaks(lo, s, areaPx) <= falseDetections) hi = lo;
  for (let k = 0; k < 200 && hi - lo > 1e-10; k++) {
    const mid = (lo + hi) / 2;
    if (expectedNoisePeaks(mid, s, areaPx) > falseDetections) lo = mid; else hi = mid;
  }
  const threshold = hi;
  const snr = threshold + normalQuantile(c);
  // a pixel-integrated Gaussian is close to a Gaussian of variance s² + 1/12 (box-car of 1 px), so
  // Σ p² = 1 / (4π (s² + 1/12)) and the matched-filter flux noise is σ_pix / √(Σ p²)
  const fluxNoise = sigmaPix * Math.sqrt(4 * Math.PI * (s * s + 1 / 12));
  return { threshold, snr, flux: snr * fluxNoise, fluxNoise };
}

/**
 * The Neyman–Pearson ceiling m90 of a field (issue 14): the AB magnitude of the faintest point source
 * that the ideal PSF-matched detector on the co-add finds with 90 % completeness while admitting
 * `falsePerArcmin2` noise peaks per arcmin² — the depth no image computed from the exposure stack can beat
 * for noise independent between exposures. `sigmaPix` in nJy per pixel: the white-noise-equivalent σ of
 * the co-add detection image, i.e. the robust std of its null co-adds filtered with the unit-L2 PSF kernel
 * (equal to the pixel σ for white noise; for correlated noise — resampling, striping — the pixel σ
 * understates the matched-filter flux noise and puts the ceiling too deep; test: detection.test.ts).
 */
export function neymanPearsonM90(inp: { sigmaPix: number; psfFwhmPx: number; width: number; height: number; pixelScaleArcsec: number; falsePerArcmin2: number; completeness?: number }): { m90: number } & DetectionLimit {
  const areaArcmin2 = (inp.width * inp.height * inp.pixelScaleArcsec ** 2) / 3600;
  const lim = pointSourceDetectionLimit({
    sigmaPix: inp.sigmaPix, psfFwhmPx: inp.psfFwhmPx, areaPx: inp.width * inp.height,
    falseDetections: inp.falsePerArcmin2 * areaArcmin2, completeness: inp.completeness,
  });
  return { ...lim, m90: abMagFromNJy(lim.flux) };
}

export interface ProbitLimit {
  /** flux at which the fitted detection probability equals `level` (units of the input fluxes; NaN if the plateau is below it) */
  flux: number;
  /** 1σ error of that flux (inverse observed Fisher information of the fit, delta method) */
  err: number;
  /** fitted P(detected | F) = A·Φ(a·F − b) */
  a: number; b: number; A: number;
}

export interface ProbitOptions {
  /** completeness level (default 0.9) */
  level?: number;
  /**
   * fit a bright-end plateau A < 1 as well (default false: A = 1). Crowded fields (blends, sources on
   * a brighter neighbour's wings) never reach C = 1, and a 2-parameter fit then biases the limit bright.
   */
  plateau?: boolean;
}

/**
 * The completeness limit with an error bar from unbinned injections: maximum-likelihood fit of
 * P(detected | F) = A·Φ(a·F − b) — the ideal detector's C = Φ(ν − t) with ν ∝ F, times an optional
 * plateau A — and the flux where P = level (default 0.9). m90 = ZP − 2.5 log10(flux),
 * σ(m90) ≈ 1.0857 · err / flux. Unlike the binned first crossing (m90.ts, the reported definition) it has
 * no binning noise, and its error tells whether two paths differ (issue 14). Needs detections and misses.
 */
export function probitLimit(fluxes: number[], detected: boolean[], opts: ProbitOptions | number = {}): ProbitLimit {
  const o: ProbitOptions = typeof opts === 'number' ? { level: opts } : opts;
  const level = o.level ?? 0.9;
  const n = fluxes.length;
  if (n !== detected.length || n < 4) throw new RangeError('probitLimit: need ≥ 4 injections, one detected flag each');
  const nd = detected.filter(Boolean).length;
  if (nd === 0 || nd === n) throw new RangeError('probitLimit: need both detections and misses');
  const Phi = (x: number) => 1 - normalTail(x);
  // parameters θ = (a, b, A); the search runs on (log a, F50 = b/a, logit A)
  const ll = (a: number, b: number, A: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const p = Math.min(1 - 1e-15, Math.max(1e-15, A * Phi(a * fluxes[i]! - b)));
      s += detected[i] ? Math.log(p) : Math.log(1 - p);
    }
    return s;
  };
  const sorted = [...fluxes].sort((p, q) => p - q);
  const scale = Math.max(1e-300, sorted[n - 1]! - sorted[0]!);
  const toA = (u: number) => (o.plateau ? 1 / (1 + Math.exp(-u)) : 1);
  const at = (v: number[]) => ll(Math.exp(v[0]!), Math.exp(v[0]!) * v[1]!, toA(v[2]!));
  const search = (q0: number[], free: boolean[]): [number[], number] => {
    let q = q0, best = at(q);
    const step = [1, scale / 4, 0.5].map((v, k) => (free[k] ? v : 0));
    const dirs: number[][] = [];
    for (const x of [-1, 0, 1]) for (const y of [-1, 0, 1]) for (const z of free[2] ? [-1, 0, 1] : [0]) if (x || y || z) dirs.push([x, y, z]);
    for (let it = 0; it < 20000 && (step[0]! > 1e-9 || step[1]! > 1e-9 * scale); it++) {
      let moved = false;
      for (const d of dirs) {
        const c = q.map((v, k) => v + d[k]! * step[k]!);
        const val = at(c);
        if (val > best) { best = val; q = c; moved = true; break; }
      }
      if (!moved) for (let k = 0; k < 3; k++) step[k]! /= 2;
    }
    return [q, best];
  };
  const start = [Math.log(4 / scale), sorted[n >> 1]!];
  // the plateau is profiled on a grid first (A and the slope trade off: a local search alone stalls)
  let [q] = search([...start, 30], [true, true, false]);
  if (o.plateau) {
    let bestV = -Infinity;
    for (let A0 = 0.6; A0 < 0.9999; A0 += 0.02) {
      const [qq, v] = search([...start, Math.log(A0 / (1 - A0))], [true, true, false]);
      if (v > bestV) { bestV = v; q = qq; }
    }
    [q] = search(q, [true, true, true]);
  }
  const a = Math.exp(q[0]!), b = a * q[1]!, A = toA(q[2]!);
  const fluxAt = (t: number[]) => (t[2]! > level ? (t[1]! + normalQuantile(level / t[2]!)) / t[0]! : NaN);
  const theta = [a, b, A];
  const flux = fluxAt(theta);
  // observed Fisher information in θ by central differences (A only when fitted), delta method for the flux
  const idx = o.plateau ? [0, 1, 2] : [0, 1];
  const h = [a * 1e-4, 1e-4 * Math.max(1, Math.abs(b)), 1e-4];
  const f = (t: number[]) => ll(t[0]!, t[1]!, t[2]!);
  const m = idx.length;
  const H = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
    const ii = idx[i]!, jj = idx[j]!;
    const ev = (si: number, sj: number) => { const t = [...theta]; t[ii]! += si * h[ii]!; t[jj]! += sj * h[jj]!; return f(t); };
    H[i]![j] = -(ev(1, 1) - ev(1, -1) - ev(-1, 1) + ev(-1, -1)) / (4 * h[ii]! * h[jj]!);
  }
  const Cov = invert(H);
  const g = idx.map((k) => { const tp = [...theta], tm = [...theta]; tp[k]! += h[k]!; tm[k]! -= h[k]!; return (fluxAt(tp) - fluxAt(tm)) / (2 * h[k]!); });
  let v = 0;
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) v += g[i]! * Cov[i]![j]! * g[j]!;
  return { flux, err: Math.sqrt(Math.max(0, v)), a, b, A };
}

/** Inverse of a small symmetric matrix (Gauss–Jordan). */
function invert(M: number[][]): number[][] {
  const n = M.length;
  const X = M.map((r, i) => [...r, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(X[r]![c]!) > Math.abs(X[p]![c]!)) p = r;
    [X[c], X[p]] = [X[p]!, X[c]!];
    const d = X[c]![c]!;
    for (let k = 0; k < 2 * n; k++) X[c]![k]! /= d;
    for (let r = 0; r < n; r++) if (r !== c) { const fct = X[r]![c]!; for (let k = 0; k < 2 * n; k++) X[r]![k]! -= fct * X[c]![k]!; }
  }
  return X.map((r) => r.slice(n));
}
