// A mock survey for the closure test (issue 15): several pointings at different depths (tiers), each
// with a known completeness C_true(m) = c_max / (1 + exp((m − m50)/w)) in apparent magnitude. For each
// tier: injection–recovery lists drawn from C_true → the fitted completeness model
// (completenessFromInjections), and galaxies drawn from a known UV LF per z slice, kept with C_true.
// The recovered LF (runLuminosityFunction over the tiers' products) can then be compared with the input.

import { Cosmology, type LfParams, apparentMagnitude, defaultCosmology, drawFromLF } from '@asteris/astro';
import { createRng } from '@asteris/core';
import type { LfCandidate } from './binned.ts';
import { type CompletenessModelProduct, type Injection, completenessFromInjections } from './completeness-model.ts';

export interface SurveyTier { name: string; areaArcmin2: number; m50: number; width: number; cMax: number }
export interface SurveySlice { zLo: number; zHi: number; lf: LfParams }

export interface MockSurvey {
  candidates: LfCandidate[];
  /** One fitted completeness product per tier (V_eff sums over them). */
  completeness: CompletenessModelProduct[];
  /** Galaxies drawn (before completeness) and kept, per tier. */
  nDrawn: number[]; nKept: number[];
}

export function mockSurvey(opts: {
  tiers: SurveyTier[]; slices: SurveySlice[]; seed: number; cosmo?: Cosmology;
  Mbright?: number; Mfaint?: number; nInjections?: number; mEdges?: number[];
  /** z bins of each tier's completeness fit (default: the slices' edges) */
  completenessZEdges?: number[];
  /** apparent-magnitude range of the injections (default: mEdges' span) */
  injectionMagRange?: [number, number];
}): MockSurvey {
  const cosmo = opts.cosmo ?? defaultCosmology();
  const rng = createRng(opts.seed);
  const Mb = opts.Mbright ?? -23.5, Mf = opts.Mfaint ?? -16;
  const zLo = Math.min(...opts.slices.map((s) => s.zLo)), zHi = Math.max(...opts.slices.map((s) => s.zHi));
  const zEdges = opts.completenessZEdges ?? [...new Set(opts.slices.flatMap((s) => [s.zLo, s.zHi]))].sort((a, b) => a - b);
  const mEdges = opts.mEdges ?? Array.from({ length: 29 }, (_, i) => 25 + 0.25 * i);
  const [mInj0, mInj1] = opts.injectionMagRange ?? [mEdges[0], mEdges[mEdges.length - 1]];
  const candidates: LfCandidate[] = [];
  const completeness: CompletenessModelProduct[] = [];
  const nDrawn: number[] = [], nKept: number[] = [];
  opts.tiers.forEach((t) => {
    const cTrue = (m: number) => t.cMax / (1 + Math.exp((m - t.m50) / t.width));
    // injection–recovery: uniform in apparent magnitude and z
    const inj: Injection[] = [];
    for (let i = 0; i < (opts.nInjections ?? 3000); i++) {
      const m = mInj0 + (mInj1 - mInj0) * rng.next();
      const z = zLo + (zHi - zLo) * rng.next();
      inj.push({ mag: m, z, selected: rng.next() < cTrue(m) });
    }
    completeness.push(completenessFromInjections(inj, {
      zEdges, mEdges, axis: 'mag', areaArcmin2: t.areaArcmin2, preset: `mock tier ${t.name}`, cosmology: { H0: cosmo.H0, Om: cosmo.Om },
    }));
    let nd = 0, nk = 0;
    for (const s of opts.slices) {
      const { galaxies } = drawFromLF(s.lf, { Mbright: Mb, Mfaint: Mf, z1: s.zLo, z2: s.zHi, areaArcmin2: t.areaArcmin2, cosmo }, () => rng.next());
      for (const g of galaxies) {
        nd++;
        if (rng.next() < cTrue(apparentMagnitude(g.M, g.z, cosmo))) { nk++; candidates.push({ id: `${t.name}-${nk}`, z: g.z, M_UV: g.M }); }
      }
    }
    nDrawn.push(nd); nKept.push(nk);
  });
  return { candidates, completeness, nDrawn, nKept };
}
