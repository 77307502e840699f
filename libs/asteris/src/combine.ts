// Null-space models (arch 'lite-null'; docs/asteris.md "ASTERIS-lite-null") and the co-add: one detection
// image at least as good as either (issue 14).
//
// The network's image D = R + Δ̄, R its own base (the super-frames' unweighted mean, the `coadd`/raw
// product of denoiseStack) and Δ̄ a correction computed from the residual frames only; the stage's co-add C
// (clipped mean or clipped-ivw) is another unbiased combination of the same exposures. Every image
//     O = R + α (D − R) + β (C − R)
// passes a static sky with unit gain (R, D and C all do), whatever α and β. Which member is best depends
// on the noise: for exposures of unequal depth the network learns only part of the inverse-variance
// weighting from its residuals and C has all of it; for noise correlated between exposures the network's
// Δ̄ removes what C keeps; naive "C + Δ̄" (α = β = 1) counts the weighting twice (test/combine.test.ts).
// So α and β are fitted on the null stacks, which carry the field's noise and no sky: the least-squares
// α, β that minimise the variance of the PSF-filtered null images O_null (the point-source detection
// statistic's noise) — the minimum-variance unbiased combination of the three estimators (Gauss–Markov,
// with the covariance estimated from the data). Point-source S/N is then the largest of the family's,
// within the fit's sampling error; the detect stage calibrates thresholds on the same combined nulls.
import { existsSync, readFileSync } from 'node:fs';
import { backgroundMap, bankFilter, detectionBank, makeBackground, robustStd } from '@asteris/extract';

/** True when the model's sidecar (`<model>.onnx.json`, written by apps/asteris-train) declares a null-space architecture. */
export function isNullSpaceModel(modelPath: string): boolean {
  const side = `${modelPath}.json`;
  if (!existsSync(side)) return false;
  try {
    return (JSON.parse(readFileSync(side, 'utf8')) as { arch?: unknown }).arch === 'lite-null';
  } catch {
    return false;
  }
}

/** The three images of one stack: the network's base R, the network's image D, the stage's co-add C. */
export interface CombineInputs { raw: Float32Array; den: Float32Array; base: Float32Array }

export interface CombineWeights {
  /** weight of the network's correction D − R */
  alpha: number;
  /** weight of the co-add's difference C − R */
  beta: number;
  /** filtered-noise σ of the null images: the network's D, the co-add C, and the combination */
  sigma: { den: number; coadd: number; combined: number };
  /** pixels used (all nulls) */
  n: number;
}

/** O = R + α (D − R) + β (C − R), pixel by pixel (NaN wherever an input is NaN). */
export function combineImages(x: CombineInputs, w: Pick<CombineWeights, 'alpha' | 'beta'>): Float32Array {
  const { raw, den, base } = x;
  if (den.length !== raw.length || raw.length !== base.length) {
    throw new Error(`combineImages: sizes differ (denoised ${den.length}, raw ${raw.length}, co-add ${base.length})`);
  }
  const out = new Float32Array(raw.length);
  for (let i = 0; i < out.length; i++) out[i] = raw[i]! + w.alpha * (den[i]! - raw[i]!) + w.beta * (base[i]! - raw[i]!);
  return out;
}

/**
 * α, β from K ≥ 1 null stacks (each the three images of a null stack): least squares of the PSF-filtered
 * maps (a Gaussian of FWHM `psfFwhmPx`, unit L2 norm), one 5σ rejection pass of the residual (cosmic-ray
 * and persistence residuals in the nulls), finite pixels only. The nulls carry the field's smooth sky as a
 * pedestal (the same in R, D and C, which pass it with unit gain): the SExtractor-style mesh background of R
 * (64 px, 3×3 median filter, as the detect stage's) is removed from all three first — left in, its variance
 * swamps the noise and the fit follows the pedestal, not the noise. null when fewer than 100 pixels are usable
 * (a field smaller than the filter's footprint): then there is nothing to fit and the caller keeps D.
 */
export function nullCombineWeights(nulls: CombineInputs[], width: number, height: number, psfFwhmPx = 2.35): CombineWeights | null {
  if (nulls.length === 0) throw new Error('nullCombineWeights: needs at least one null stack');
  const psf = detectionBank({ psfFwhmPx, pixScaleArcsec: 1, reArcsec: [] })[0]!;
  const border = psf.half;
  const ys: number[] = [], x1s: number[] = [], x2s: number[] = [];
  const filt = (a: Float32Array) => {
    const f = bankFilter(a, width, height, psf);
    const v: number[] = [];
    for (let i = 0; i < f.length; i += 7) if (Number.isFinite(f[i]!)) v.push(f[i]!);
    v.sort((p, q) => p - q);
    const med = v.length ? v[v.length >> 1]! : 0;
    return Float32Array.from(f, (u) => u - med);
  };
  for (const nl of nulls) {
    // invalid where any of the three is not finite (the denoiser's box, missing exposures); bankFilter reads NaN as 0
    const bad = new Uint8Array(width * height);
    for (let i = 0; i < bad.length; i++) if (!(Number.isFinite(nl.raw[i]!) && Number.isFinite(nl.den[i]!) && Number.isFinite(nl.base[i]!))) bad[i] = 1;
    const bg = backgroundMap(makeBackground(Float32Array.from(nl.raw, (v, i) => (bad[i] ? NaN : v)), width, height, { meshSize: 64, filterSize: 3 }));
    const z = (a: Float32Array) => Float32Array.from(a, (v, i) => (bad[i] ? 0 : v - bg[i]!));
    const fR = filt(z(nl.raw)), fD = filt(z(nl.den)), fC = filt(z(nl.base));
    for (let y = border; y < height - border; y++) for (let x = border; x < width - border; x++) {
      const p = y * width + x;
      // the filter footprint must be valid: skip pixels within `border` of an invalid one (cheap test: the 4 corners and centre)
      if (bad[p] || bad[p - border * width - border] || bad[p - border * width + border] || bad[p + border * width - border] || bad[p + border * width + border]) continue;
      ys.push(fR[p]!); x1s.push(fD[p]! - fR[p]!); x2s.push(fC[p]! - fR[p]!);
    }
  }
  const fit = (keep: (i: number) => boolean) => {
    let a11 = 0, a12 = 0, a22 = 0, b1 = 0, b2 = 0, n = 0;
    for (let i = 0; i < ys.length; i++) {
      if (!keep(i)) continue;
      const x1 = x1s[i]!, x2 = x2s[i]!, y = ys[i]!;
      a11 += x1 * x1; a12 += x1 * x2; a22 += x2 * x2; b1 -= x1 * y; b2 -= x2 * y; n++;
    }
    const det = a11 * a22 - a12 * a12;
    // degenerate (D ≡ R, C ≡ R, or D − R ∝ C − R): the one-parameter fit that is left, else the network's image
    if (!(Math.abs(det) > 1e-12 * (a11 * a22 + 1e-300))) {
      if (a11 > 0) return { alpha: b1 / a11, beta: 0, n };
      if (a22 > 0) return { alpha: 1, beta: b2 / a22, n };
      return { alpha: 1, beta: 0, n };
    }
    return { alpha: (b1 * a22 - b2 * a12) / det, beta: (a11 * b2 - a12 * b1) / det, n };
  };
  if (ys.length < 100) return null;
  let w = fit(() => true);
  const res = Float32Array.from(ys, (y, i) => y + w.alpha * x1s[i]! + w.beta * x2s[i]!);
  const s = robustStd(res);
  w = fit((i) => Math.abs(res[i]!) <= 5 * s);
  const sd = (f: (i: number) => number) => robustStd(Float32Array.from(ys, (_, i) => f(i)));
  return {
    alpha: w.alpha, beta: w.beta, n: w.n,
    sigma: { den: sd((i) => ys[i]! + x1s[i]!), coadd: sd((i) => ys[i]! + x2s[i]!), combined: sd((i) => ys[i]! + w.alpha * x1s[i]! + w.beta * x2s[i]!) },
  };
}
