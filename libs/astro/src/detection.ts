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

export interface ProbitLimit {
  /** flux at which the fitted detection probability equals `level` (units of the input fluxes) */
  flux: number;
  /** 1σ error of that flux (inverse Fisher information of the fit, delta method) */
  err: number;
  /** fitted P(detected | F) = Φ(a·F − b) */
  a: number; b: number;
}

/**
 * The completeness limit with an error bar from unbinned injections: maximum-likelihood probit fit of
 * P(detected | F) = Φ(a·F − b) — the form of the ideal detector, C = Φ(ν − t) with ν ∝ F — and the flux
 * where P = `level` (default 0.9). m90 = ZP − 2.5 log10(flux), σ(m90) ≈ 1.0857 · err / flux. Unlike the
 * binned first crossing (m90.ts, the reported definition) it has no binning noise, and its error tells
 * whether two paths differ (issue 14). Needs detections and misses.
 */
export function probitLimit(fluxes: number[], detected: boolean[], level = 0.9): ProbitLimit {
  const n = fluxes.length;
  if (n !== detected.length || n < 4) throw new RangeError('probitLimit: need ≥ 4 injections, one detected flag each');
  const nd = detected.filter(Boolean).length;
  if (nd === 0 || nd === n) throw new RangeError('probitLimit: need both detections and misses');
  const Phi = (x: number) => 1 - normalTail(x);
  const ll = (a: number, b: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const p = Math.min(1 - 1e-15, Math.max(1e-15, Phi(a * fluxes[i]! - b)));
      s += detected[i] ? Math.log(p) : Math.log(1 - p);
    }
    return s;
  };
  // pattern search on (log a, F50 = b/a) — nearly uncorrelated — from P = 0.5 at the median flux
  const sorted = [...fluxes].sort((p, q) => p - q);
  const scale = Math.max(1e-300, sorted[n - 1]! - sorted[0]!);
  let la = Math.log(4 / scale), f50 = sorted[n >> 1]!;
  const at = (l: number, c: number) => ll(Math.exp(l), Math.exp(l) * c);
  let best = at(la, f50), sa = 1, sc = scale / 4;
  for (let it = 0; it < 5000 && (sa > 1e-9 || sc > 1e-9 * scale); it++) {
    let moved = false;
    for (const [da, dc] of [[sa, 0], [-sa, 0], [0, sc], [0, -sc], [sa, sc], [-sa, -sc], [sa, -sc], [-sa, sc]] as const) {
      const v = at(la + da, f50 + dc);
      if (v > best) { best = v; la += da; f50 += dc; moved = true; break; }
    }
    if (!moved) { sa /= 2; sc /= 2; }
  }
  const b = Math.exp(la) * f50;
  const a = Math.exp(la);
  const z = normalQuantile(level);
  const flux = (b + z) / a;
  // observed Fisher information in (a, b) by central differences
  const p = [a, b], h = [a * 1e-4, 1e-4];
  const f = (q: number[]) => ll(q[0]!, q[1]!);
  const H = [[0, 0], [0, 0]];
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) {
    const at = (si: number, sj: number) => { const q = [...p]; q[i]! += si * h[i]!; q[j]! += sj * h[j]!; return f(q); };
    H[i]![j] = -(at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * h[i]! * h[j]!);
  }
  const det = H[0]![0]! * H[1]![1]! - H[0]![1]! * H[1]![0]!;
  const C00 = H[1]![1]! / det, C01 = -H[0]![1]! / det, C11 = H[0]![0]! / det;
  const g0 = -(b + z) / (a * a), g1 = 1 / a;
  const v = g0 * g0 * C00 + 2 * g0 * g1 * C01 + g1 * g1 * C11;
  return { flux, err: Math.sqrt(Math.max(0, v)), a, b };
}
