// Seeded mock photometric catalogues with truth, for completeness/contamination validation.
// Galaxies and contaminants are drawn from the @asteris/astro SED recipes with CONTINUOUS parameters
// (the photo-z fits a discrete template set), Inoue+14 IGM, Gaussian noise at given 5σ depths and a
// 2 % per-band calibration scatter.
import {
  loadFilter, nJyFromAbMag, lymanBreakSed, balmerBreakSed, dustySed, strongLineSed, brownDwarfSed,
  observedSed, abMagFromNJy, type Sed, type BrownDwarfType,
} from '@asteris/astro';
import { Rng } from '@asteris/core';
import { coarseWeights } from './templates.ts';
import type { Catalogue, Row } from './catalogue.ts';
import type { SelectionResult } from './select.ts';

export type MockKind = 'highz' | 'balmer' | 'dusty' | 'strong-line' | 'lowz-sf' | 'brown-dwarf';
export interface MockTruth { id: string; kind: MockKind; z: number; refMag: number }

/** 5σ point-source depths (AB) resembling JADES-Medium (astro-reference §B.4, ≈). */
export const MOCK_DEPTHS: Record<string, number> = {
  F090W: 29.4, F115W: 29.6, F150W: 29.7, F200W: 29.8, F277W: 30.0, F356W: 30.0, F410M: 29.4, F444W: 29.7,
};

export interface MockOptions {
  seed: number;
  counts?: Partial<Record<MockKind, number>>;
  depths?: Record<string, number>;
  calibScatter?: number;
}

const DEFAULT_COUNTS: Record<MockKind, number> = { highz: 300, balmer: 150, dusty: 150, 'strong-line': 150, 'lowz-sf': 200, 'brown-dwarf': 60 };

function bandFluxes(sed: Sed, bands: string[]): number[] {
  return bands.map((b) => {
    const { lambda, weight } = coarseWeights(loadFilter(b));
    let s = 0;
    for (let k = 0; k < lambda.length; k++) s += weight[k] * sed(lambda[k]);
    return s;
  });
}

/** Generate a mock catalogue (columns id, ra, dec, flux_radius, flux_/fluxerr_<BAND>) and its truth. */
export function mockCatalogue(opts: MockOptions): { catalogue: Catalogue; truth: MockTruth[] } {
  const rng = new Rng(opts.seed);
  const depths = opts.depths ?? MOCK_DEPTHS;
  const bands = Object.keys(depths);
  const counts = { ...DEFAULT_COUNTS, ...(opts.counts ?? {}) };
  const calib = opts.calibScatter ?? 0.02;
  const rows: Row[] = [];
  const truth: MockTruth[] = [];
  const refIdx = bands.indexOf('F277W') >= 0 ? bands.indexOf('F277W') : bands.length - 1;
  let n = 0;
  for (const kind of Object.keys(DEFAULT_COUNTS) as MockKind[]) {
    for (let i = 0; i < counts[kind]; i++) {
      let rest: Sed, z: number, normBand: string, normMag: number, size: number;
      switch (kind) {
        case 'highz': {
          z = rng.uniform(8.5, 17);
          rest = lymanBreakSed({ beta: -2.3 + 0.3 * rng.normal(), oiiiHbEwA: rng.uniform(0, 800), haEwA: 0 });
          normBand = z < 15 ? 'F277W' : 'F356W'; normMag = rng.uniform(26, 30); size = rng.uniform(1.3, 3); break;
        }
        case 'balmer': {
          z = rng.uniform(2, 6);
          rest = balmerBreakSed({ breakRatio: rng.uniform(1.5, 3.5), uvBeta: rng.uniform(-0.5, 2), optBeta: rng.uniform(-1.5, -0.5) });
          normBand = 'F277W'; normMag = rng.uniform(25.5, 29.5); size = rng.uniform(1.5, 5); break;
        }
        case 'dusty': {
          z = rng.uniform(2, 7);
          rest = dustySed({ av: rng.uniform(1, 4.5), beta0: rng.uniform(-2.4, -1.6), oldFraction: rng.uniform(0, 0.6) });
          normBand = 'F444W'; normMag = rng.uniform(25, 29); size = rng.uniform(1.5, 5); break;
        }
        case 'strong-line': {
          z = rng.uniform(3, 8);
          const o3 = rng.uniform(800, 3000);
          rest = strongLineSed({ beta: rng.uniform(-2.5, -1.8), oiiiHbEwA: o3, haEwA: o3 * rng.uniform(0.5, 1), av: rng.uniform(0, 0.6) });
          normBand = 'F277W'; normMag = rng.uniform(26, 29.5); size = rng.uniform(1.3, 4); break;
        }
        case 'lowz-sf': {
          z = rng.uniform(0.2, 7);
          rest = lymanBreakSed({ beta: rng.uniform(-2.4, -1.2) });
          normBand = 'F277W'; normMag = rng.uniform(25, 29.5); size = rng.uniform(1.5, 5); break;
        }
        default: {
          z = 0;
          rest = brownDwarfSed(rng.pick(['L', 'T', 'T', 'Y'] as BrownDwarfType[]));
          normBand = 'F444W'; normMag = rng.uniform(24.5, 28.5); size = rng.uniform(1.1, 1.8);
        }
      }
      const sed = z > 0 ? observedSed(rest, z) : rest;
      const raw = bandFluxes(sed, bands);
      const s = nJyFromAbMag(normMag) / raw[bands.indexOf(normBand)];
      const id = `m${String(++n).padStart(5, '0')}`;
      const row: Row = { id, ra: 53.1 + rng.uniform(0, 0.05), dec: -27.8 + rng.uniform(0, 0.05), flux_radius: size };
      bands.forEach((b, k) => {
        const sigma = nJyFromAbMag(depths[b]) / 5;
        row[`flux_${b}`] = raw[k] * s * (1 + calib * rng.normal()) + sigma * rng.normal();
        row[`fluxerr_${b}`] = sigma;
      });
      rows.push(row);
      truth.push({ id, kind, z, refMag: abMagFromNJy(raw[refIdx] * s) });
    }
  }
  const columns = ['id', 'ra', 'dec', 'flux_radius', ...bands.flatMap((b) => [`flux_${b}`, `fluxerr_${b}`])];
  return { catalogue: { columns, rows, file: `mock(seed=${opts.seed})` }, truth };
}

export interface MockMetrics {
  preset: string; snrDetMin: number;
  nTrue: number; nRecovered: number; nSelected: number; nContaminants: number;
  completeness: number; contamination: number;
  /** z < 8 objects (interlopers + brown dwarfs) with S/N_det > min, and the fraction of them selected. */
  nInterlopers: number; interloperPassRate: number;
  byMag: { lo: number; hi: number; nTrue: number; nRecovered: number; nSelected: number; nContaminants: number }[];
  contaminantKinds: Record<string, number>;
}

/**
 * Completeness = selected ∩ (true z in the preset zRange, S/N_det > snrDetMin) / (true z in zRange, S/N_det > min);
 * contamination = selected with true z < 8 / selected with S/N_det > min. Binned in reference-band true magnitude.
 */
export function mockMetrics(res: SelectionResult, truth: MockTruth[], snrDetMin = 8, magEdges = [25, 27, 28, 28.5, 29, 29.5, 30.5]): MockMetrics {
  const [z0, z1] = res.preset.zRange;
  const byId = new Map(truth.map((t) => [t.id, t]));
  const bins = magEdges.slice(0, -1).map((lo, i) => ({ lo, hi: magEdges[i + 1], nTrue: 0, nRecovered: 0, nSelected: 0, nContaminants: 0 }));
  const binOf = (m: number) => bins.find((b) => m >= b.lo && m < b.hi);
  let nTrue = 0, nRec = 0, nSel = 0, nCon = 0, nInt = 0;
  const kinds: Record<string, number> = {};
  for (const c of res.all) {
    const t = byId.get(c.id);
    if (!t || !(c.snrDet > snrDetMin)) continue;
    const bin = binOf(t.refMag);
    const inRange = t.kind === 'highz' && t.z >= z0 && t.z <= z1;
    if (t.z < 8) nInt++;
    if (inRange) { nTrue++; if (bin) bin.nTrue++; if (c.selected) { nRec++; if (bin) bin.nRecovered++; } }
    if (c.selected) {
      nSel++; if (bin) bin.nSelected++;
      if (t.z < 8) { nCon++; if (bin) bin.nContaminants++; kinds[t.kind] = (kinds[t.kind] ?? 0) + 1; }
    }
  }
  return {
    preset: res.preset.name, snrDetMin, nTrue, nRecovered: nRec, nSelected: nSel, nContaminants: nCon,
    completeness: nTrue ? nRec / nTrue : NaN, contamination: nSel ? nCon / nSel : 0,
    nInterlopers: nInt, interloperPassRate: nInt ? nCon / nInt : 0, byMag: bins, contaminantKinds: kinds,
  };
}
