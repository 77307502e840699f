// Mock candidate catalogues drawn from a known LF through a completeness function: galaxies are drawn
// with @asteris/astro's drawFromLF over the survey volume and kept with probability C(M, z). Used by the
// recovery tests and the coverage benchmark.

import { Cosmology, type LfParams, defaultCosmology, drawFromLF } from '@asteris/astro';
import type { LfCandidate } from './binned.ts';
import { type CompletenessProduct, completenessAt } from './completeness.ts';
import { createRng } from '@asteris/core';

export function mockCandidates(
  truth: LfParams,
  comp: CompletenessProduct,
  opts: { z1: number; z2: number; Mbright?: number; Mfaint?: number; seed: number; cosmo?: Cosmology },
): LfCandidate[] {
  const cosmo = opts.cosmo ?? defaultCosmology();
  const rng = createRng(opts.seed);
  const { galaxies } = drawFromLF(truth, {
    Mbright: opts.Mbright ?? -24, Mfaint: opts.Mfaint ?? -15.5, z1: opts.z1, z2: opts.z2, areaArcmin2: comp.areaArcmin2, cosmo,
  }, () => rng.next());
  const out: LfCandidate[] = [];
  galaxies.forEach((g, i) => {
    if (rng.next() < completenessAt(comp, g.M, g.z, cosmo)) out.push({ id: `mock${i}`, z: g.z, M_UV: g.M });
  });
  return out;
}
