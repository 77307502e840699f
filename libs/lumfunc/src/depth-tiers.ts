// Completeness from survey depth tiers (issue 15): a survey stated as tiers of (area, 5σ point-source
// limiting magnitude) gives, per tier, the probability that a source of true magnitude m is measured
// above the detection threshold: with σ_f the 1σ flux noise (f_5σ = 5 σ_f) and Gaussian flux errors,
//   C(m) = Φ(f(m)/σ_f − k) = ½ erfc((k − f(m)/σ_f)/√2),   f(m)/σ_f = 5 · 10^(−0.4 (m − m_5σ)),
// with k the S/N threshold of the selection (default 5). This is the error-function roll-off of a
// flux-limited selection; it knows nothing about colour or photo-z criteria (those are `zWindow`).
// The magnitude axis is `completenessAt`'s m = M_UV + DM(z) − 2.5 log(1+z) (rest 1500 Å); the colour
// between that and the depth band (e.g. F277W at z ≈ 10, rest ≈ 2500 Å) is ≈ ±0.1 mag for β = −2 ± 0.3 and is ignored.

import { NIRCAM_UV_BANDS } from '@asteris/astro';
import type { CompletenessProduct } from './completeness.ts';

/** Complementary error function, |error| < 1.2e-7 (Numerical Recipes' Chebyshev fit, erfcc). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
    + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

/** Standard normal CDF Φ(x). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

export interface DepthTier {
  name: string;
  areaArcmin2: number;
  /** 5σ point-source limiting AB magnitude in the completeness band. */
  m5sigma: number;
}

/** C(m) of one tier: probability that the measured S/N exceeds `snrMin` for a source of true magnitude m. */
export function depthCompleteness(m: number, m5sigma: number, snrMin = 5): number {
  return normalCdf(5 * 10 ** (-0.4 * (m - m5sigma)) - snrMin);
}

/**
 * One completeness product per tier (axis 'mag', the apparent magnitude of M_UV at rest 1500 Å, as
 * `completenessAt` looks it up), C(m, z) = zWindow(z) · depthCompleteness(m + magOffset, m5σ, snrMin).
 * `magOffset` converts the magnitude scale of M_UV to that of the photometry the depth refers to (e.g.
 * +0.37 when M_UV is on a total-flux scale and the depth on an aperture-flux scale). V_eff sums over tiers.
 */
export function depthTierCompleteness(tiers: readonly DepthTier[], opts: {
  zEdges: number[]; mEdges: number[]; snrMin?: number; magOffset?: number; band?: string;
  zWindow?: (z: number) => number;
}): CompletenessProduct[] {
  const mid = (e: number[], i: number) => 0.5 * (e[i] + e[i + 1]);
  const off = opts.magOffset ?? 0;
  return tiers.map((t) => ({
    preset: `${t.name}, 5σ ${t.m5sigma.toFixed(2)} AB`,
    zEdges: opts.zEdges,
    mEdges: opts.mEdges,
    axis: 'mag' as const,
    band: opts.band,
    completeness: opts.zEdges.slice(1).map((_, i) => {
      const w = opts.zWindow ? opts.zWindow(mid(opts.zEdges, i)) : 1;
      return opts.mEdges.slice(1).map((_, j) => w * depthCompleteness(mid(opts.mEdges, j) + off, t.m5sigma, opts.snrMin));
    }),
    areaArcmin2: t.areaArcmin2,
    completenessSource: 'error-function roll-off from the tier depth (depthTierCompleteness)',
  }));
}

/**
 * Redshift window of a dropout selection in `band` (NIRCam wide band, top-hat between its half-power
 * edges): the fraction of the band's flux (per d ln λ, flat f_ν) left redward of Lyα is
 *   r(z) = ln(λ_red / λ_Lyα(1+z)) / ln(λ_red / λ_blue), clamped to [0, 1],
 * and the selection needs a break of at least `minBreak` mag, i.e. r ≤ 10^(−0.4 minBreak). Returns
 * S(z) ∈ {0, 1}. Blueward of Lyα the IGM is taken as opaque (z > 6).
 */
export function dropoutWindow(band: string, minBreak = 1): (z: number) => number {
  const b = NIRCAM_UV_BANDS.find((x) => x.name === band);
  if (!b) throw new Error(`dropoutWindow: unknown band ${band}`);
  const rMax = 10 ** (-0.4 * minBreak);
  return (z: number) => {
    const lya = 1215.67 * (1 + z);
    const r = Math.min(1, Math.max(0, Math.log(b.redA / lya) / Math.log(b.redA / b.blueA)));
    return r <= rMax ? 1 : 0;
  };
}
