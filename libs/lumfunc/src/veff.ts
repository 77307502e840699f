// Effective volume (Steidel+99 style; astro-reference §D.3):
//   V_eff(M; z1, z2) = A · ∫_{z1}^{z2} C(M, z) dV_C/dz/dΩ dz      [Mpc³]
// and its average over a magnitude bin, V̄_eff = (1/ΔM) ∫_bin V_eff(M) dM, used for φ = N/(V̄_eff ΔM).

import { ARCMIN2_SR, Cosmology, defaultCosmology, gaussLegendre } from '@asteris/astro';
import { type CompletenessProduct, completenessAt } from './completeness.ts';

/** One completeness product, or several (one per field): V_eff is then the sum over fields (§D.3). */
export type Completeness = CompletenessProduct | readonly CompletenessProduct[];

export function asFields(comp: Completeness): readonly CompletenessProduct[] {
  return Array.isArray(comp) ? comp : [comp as CompletenessProduct];
}

/** Total area of all fields, arcmin². */
export function totalArea(comp: Completeness): number {
  return asFields(comp).reduce((s, c) => s + c.areaArcmin2, 0);
}

export function effectiveVolume(
  comp: Completeness,
  M: number,
  z1: number,
  z2: number,
  cosmo: Cosmology = defaultCosmology(),
): number {
  let v = 0;
  for (const c of asFields(comp)) {
    const omega = c.areaArcmin2 * ARCMIN2_SR;
    v += omega * gaussLegendre((z) => completenessAt(c, M, z, cosmo) * cosmo.differentialComovingVolume(z), z1, z2, 0.1);
  }
  return v;
}

/** Bin-averaged effective volume over [Mlo, Mhi] (Mpc³), using `nSub` magnitude sub-samples. */
export function binEffectiveVolume(
  comp: Completeness,
  Mlo: number,
  Mhi: number,
  z1: number,
  z2: number,
  cosmo: Cosmology = defaultCosmology(),
  nSub = 8,
): number {
  let s = 0;
  for (let k = 0; k < nSub; k++) s += effectiveVolume(comp, Mlo + ((k + 0.5) * (Mhi - Mlo)) / nSub, z1, z2, cosmo);
  return s / nSub;
}

/** V_eff on a fine magnitude grid (for the likelihood): values at the centres of `edges`. */
export function effectiveVolumeGrid(
  comp: Completeness,
  edges: number[],
  z1: number,
  z2: number,
  cosmo: Cosmology = defaultCosmology(),
): Float64Array {
  const out = new Float64Array(edges.length - 1);
  for (let i = 0; i < out.length; i++) out[i] = binEffectiveVolume(comp, edges[i], edges[i + 1], z1, z2, cosmo, 2);
  return out;
}
