// Binned UV LF per redshift bin (astro-reference §D.3): φ_j = N_j / (V̄_eff,j ΔM_j), with Poisson
// 1σ limits from Gehrels (1986) on the raw count, scaled by the mean weight, 1σ upper limits (N < 1.841) for empty bins, and an optional
// cosmic-variance term added in quadrature as a fraction of the counts (§D.5).

import { Cosmology, defaultCosmology } from '@asteris/astro';
import { gehrelsLimits } from './poisson.ts';
import { type Completeness, binEffectiveVolume, totalArea } from './veff.ts';

export interface LfCandidate {
  id?: string;
  z: number;
  M_UV: number;
  /** Weight (e.g. ∫ p(z) over the z bin); default 1. */
  weight?: number;
}

export interface LfBin {
  M: number;
  Mlo: number;
  Mhi: number;
  /** (Weighted) count in the bin. */
  n: number;
  /** Raw (unweighted) number of candidates in the bin: the Poisson limits are taken on this. */
  nRaw: number;
  /** Bin-averaged effective volume, Mpc³. */
  veff: number;
  /** φ in Mpc⁻³ mag⁻¹ (0 for an empty bin). */
  phi: number;
  /** 1σ errors on φ (Gehrels ⊕ cosmic variance); for upper limits errLo = phi = 0. */
  errUp: number;
  errLo: number;
  /** True when n = 0: `phiUpper` is the 1σ upper limit (1.841 / (V̄_eff ΔM)). */
  upperLimit: boolean;
  phiUpper: number;
}

export interface BinnedLfOptions {
  zLo: number;
  zHi: number;
  mEdges: number[];
  cosmo?: Cosmology;
  /** Fractional cosmic variance σ_cv (e.g. 0.2 for 20 % of the counts), added in quadrature. */
  cosmicVariance?: number | ((M: number) => number);
  /** Skip bins with V̄_eff below this fraction of the geometric volume (incompleteness too severe). Default 0.02. */
  minCompleteness?: number;
}

export function binnedLF(cands: LfCandidate[], comp: Completeness, opts: BinnedLfOptions): LfBin[] {
  const cosmo = opts.cosmo ?? defaultCosmology();
  const vGeo = cosmo.comovingVolume(opts.zLo, opts.zHi, totalArea(comp));
  const minC = opts.minCompleteness ?? 0.02;
  const bins: LfBin[] = [];
  const e = opts.mEdges;
  for (let j = 0; j < e.length - 1; j++) {
    const Mlo = e[j];
    const Mhi = e[j + 1];
    let n = 0, nRaw = 0;
    for (const c of cands) {
      if (c.z >= opts.zLo && c.z < opts.zHi && c.M_UV >= Mlo && c.M_UV < Mhi) { n += c.weight ?? 1; nRaw++; }
    }
    const veff = binEffectiveVolume(comp, Mlo, Mhi, opts.zLo, opts.zHi, cosmo);
    if (veff < minC * vGeo) continue;
    const dM = Mhi - Mlo;
    const norm = 1 / (veff * dM);
    // Poisson limits on the raw count (a weighted count is not Poisson), then scaled by the mean weight
    // w̄ = n/nRaw: weights are applied after (issue 15). An empty bin's limit uses weight 1.
    const g = gehrelsLimits(nRaw);
    const wBar = nRaw > 0 ? n / nRaw : 1;
    const M = 0.5 * (Mlo + Mhi);
    const cv = typeof opts.cosmicVariance === 'function' ? opts.cosmicVariance(M) : (opts.cosmicVariance ?? 0);
    const cvN = cv * n;
    const up = Math.hypot((g.upper - nRaw) * wBar, cvN) * norm;
    const lo = Math.hypot((nRaw - g.lower) * wBar, cvN) * norm;
    bins.push({
      M,
      Mlo,
      Mhi,
      n,
      nRaw,
      veff,
      phi: n * norm,
      errUp: up,
      errLo: n > 0 ? Math.min(lo, n * norm) : 0,
      upperLimit: nRaw === 0,
      phiUpper: g.upper * wBar * norm,
    });
  }
  return bins;
}
