// Multi-band detection images (astro-reference §A.10: JWST deep fields detect on stacked LW bands).
//  'ivw'      inverse-variance-weighted mean D = Σ wᵢIᵢ / Σ wᵢ, wᵢ = 1/σᵢ², with σ_D = (Σ wᵢ)^(−½);
//  'chi-mean' Szalay, Connolly & Szokoly (1999, AJ 117, 68) χ image in SWarp's CHI-MEAN form:
//             (√(Σ (Iᵢ/σᵢ)²) − μₙ) / √(n − μₙ²), μₙ = √2·Γ((n+1)/2)/Γ(n/2), the mean of a χ variable with
//             n degrees of freedom, so pure noise has zero mean and unit variance (rms map = 1).
// Pixels where a band's σ is missing, ≤ 0 or NaN (or the data NaN) drop that band; no valid band → NaN.
import type { Image } from '@asteris/fits';
import { lnGamma } from '@asteris/core';
import { ExtractError } from './errors.ts';

/** Mean of a χ distribution with n degrees of freedom. */
export function chiMean(n: number): number {
  return Math.SQRT2 * Math.exp(lnGamma((n + 1) / 2) - lnGamma(n / 2));
}

export function detectionImage(
  images: Image[], errs: Image[], mode: 'ivw' | 'chi-mean' = 'ivw',
): { image: Image; rms: Float32Array } {
  if (!images.length) throw new ExtractError('detectionImage: no input images');
  if (errs.length !== images.length) throw new ExtractError(`detectionImage: ${images.length} images but ${errs.length} error maps`);
  const { width: w, height: h } = images[0]!;
  images.forEach((im, i) => {
    if (im.width !== w || im.height !== h || im.data.length !== w * h) throw new ExtractError(`detectionImage: image ${i} is ${im.width}×${im.height}, expected ${w}×${h}`);
    const e = errs[i]!;
    if (e.width !== w || e.height !== h || e.data.length !== w * h) throw new ExtractError(`detectionImage: error map ${i} is ${e.width}×${e.height}, expected ${w}×${h}`);
  });
  const N = w * h;
  const out = new Float32Array(N);
  const rms = new Float32Array(N);
  const nb = images.length;
  const mu = new Float64Array(nb + 1);
  for (let n = 1; n <= nb; n++) mu[n] = chiMean(n);
  for (let k = 0; k < N; k++) {
    let sw = 0, swi = 0, chi2 = 0, n = 0;
    for (let b = 0; b < nb; b++) {
      const v = images[b]!.data[k]!;
      const s = errs[b]!.data[k]!;
      if (!(v === v) || !(s > 0) || s === Infinity) continue;
      const wv = 1 / (s * s);
      sw += wv; swi += wv * v; chi2 += v * v * wv; n++;
    }
    if (n === 0) { out[k] = NaN; rms[k] = NaN; continue; }
    if (mode === 'ivw') { out[k] = swi / sw; rms[k] = 1 / Math.sqrt(sw); }
    else { out[k] = (Math.sqrt(chi2) - mu[n]!) / Math.sqrt(n - mu[n]! * mu[n]!); rms[k] = 1; }
  }
  const header = images[0]!.header && typeof (images[0]!.header as { clone?: () => unknown }).clone === 'function'
    ? (images[0]!.header as { clone: () => Image['header'] }).clone() : images[0]!.header;
  return { image: { width: w, height: h, data: out, header }, rms };
}
