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
 * for noise independent between exposures. `sigmaPix` in nJy per pixel (white-noise σ of the co-add
 * detection image, e.g. the robust std of its null stacks).
 */
export function neymanPearsonM90(inp: { sigmaPix: number; psfFwhmPx: number; width: number; height: number; pixelScaleArcsec: number; falsePerArcmin2: number; completeness?: number }): { m90: number } & DetectionLimit {
  const areaArcmin2 = (inp.width * inp.height * inp.pixelScaleArcsec ** 2) / 3600;
  const lim = pointSourceDetectionLimit({
    sigmaPix: inp.sigmaPix, psfFwhmPx: inp.psfFwhmPx, areaPx: inp.width * inp.height,
    falseDetections: inp.falsePerArcmin2 * areaArcmin2, completeness: inp.completeness,
  });
  return { ...lim, m90: abMagFromNJy(lim.flux) };
}
