// Magnitude migration of selected galaxies (Eddington bias and flux boosting): a galaxy selected near the
// survey limit is selected *because* noise and blending pushed its flux up, so its measured M_UV lies bright of
// its true M_UV. V_eff from C(M_true) divides counts binned in *measured* M_UV, which empties the faint bins
// and flattens the recovered faint end. Survey LFs forward-model this with the transfer function of their
// injection–recovery simulations (Bouwens et al. 2015 §3.4; Finkelstein et al. 2015 §4.1):
//   μ_j = Σ_i Φ_i W_ij,   Φ_i = ∫_{true bin i} φ(M) dM,   W_ij = Σ_fields V̄_eff,i · T(i → observed bin j)
// T comes from ΔM = M_obs − M_true of the selected injections, grouped by how far M_true lies from the
// completeness half point (so one transfer serves every redshift and depth tier of a field).

import { type Cosmology, defaultCosmology } from '@asteris/astro';
import { type CompletenessProduct, completenessAt } from './completeness.ts';
import { LumfuncError } from './errors.ts';

/** ΔM = M_obs − M_true of selected injections, in classes of M_true − M_half (the completeness product's `transfer`). */
export interface MagnitudeTransfer {
  /** Inner edges of the classes in M_true − M_half, mag (ascending); the outermost classes are open-ended. */
  offsetEdges: number[];
  /** ΔM samples (mag) per class: offsetEdges.length + 1 arrays. */
  dM: number[][];
  /**
   * Selected injections per class whose photo-z missed the truth by more than LOST_DZ: counted as selected by
   * the completeness, they leave the LF's z bin, so their share of the class carries no volume.
   */
  lost?: number[];
}

/** A selected injection with |z_phot − z_true| > LOST_DZ leaves its (1-wide) LF z bin. */
export const LOST_DZ = 1;

/** Default classes: 0.5 mag steps within ±1.5 mag of the half point. */
export const TRANSFER_OFFSET_EDGES = [-1.5, -1, -0.5, 0, 0.5, 1, 1.5];
/** A class with fewer samples borrows those of the nearest class that has enough. */
export const MIN_TRANSFER_SAMPLES = 8;

/**
 * M_UV where C(M, z) falls to half of its maximum (the brightest such crossing, linear between 0.05-mag
 * samples of completenessAt); NaN when C is 0 everywhere.
 */
export function halfPoint(c: CompletenessProduct, z: number, cosmo: Cosmology = defaultCosmology()): number {
  const Ms: number[] = [];
  for (let M = -25; M <= -12 + 1e-9; M += 0.05) Ms.push(M);
  const C = Ms.map((M) => completenessAt(c, M, z, cosmo));
  const cmax = Math.max(...C);
  if (!(cmax > 0)) return NaN;
  const h = 0.5 * cmax;
  const top = C.indexOf(cmax);
  for (let k = top; k + 1 < C.length; k++) {
    if (C[k + 1] < h) return Ms[k] + ((C[k] - h) / (C[k] - C[k + 1])) * (Ms[k + 1] - Ms[k]);
  }
  return Ms[Ms.length - 1];
}

/**
 * Groups (offset = M_true − M_half, ΔM) samples into classes; a sample with `lost` (photo-z off by more than
 * LOST_DZ) counts in its class without a ΔM. Null with fewer than MIN_TRANSFER_SAMPLES samples.
 */
export function buildTransfer(samples: Array<{ offset: number; dM: number; lost?: boolean }>, offsetEdges = TRANSFER_OFFSET_EDGES): MagnitudeTransfer | null {
  const good = samples.filter((s) => Number.isFinite(s.offset) && (s.lost || Number.isFinite(s.dM)));
  if (good.length < MIN_TRANSFER_SAMPLES) return null;
  const dM: number[][] = Array.from({ length: offsetEdges.length + 1 }, () => []);
  const lost = new Array<number>(offsetEdges.length + 1).fill(0);
  for (const s of good) {
    const k = classOf(offsetEdges, s.offset);
    if (s.lost) lost[k]++;
    else dM[k].push(Math.round(s.dM * 1e4) / 1e4);
  }
  for (const a of dM) a.sort((x, y) => x - y);
  return { offsetEdges: [...offsetEdges], dM, lost };
}

function classOf(edges: number[], x: number): number {
  let k = 0;
  while (k < edges.length && x >= edges[k]) k++;
  return k;
}

/** The class used for class k: itself, or the nearest class (brighter first on ties) with enough samples (lost included). */
function usedClass(t: MagnitudeTransfer, k: number): number {
  const n = (kk: number) => t.dM[kk].length + (t.lost?.[kk] ?? 0);
  for (let d = 0; d < t.dM.length; d++) {
    for (const kk of [k - d, k + d]) if (kk >= 0 && kk < t.dM.length && n(kk) >= MIN_TRANSFER_SAMPLES) return kk;
  }
  return -1;
}

/** The ΔM samples used for class k: its own, or the nearest class's (brighter first on ties) with enough. */
export function classSamples(t: MagnitudeTransfer, k: number): number[] {
  const kk = usedClass(t, k);
  return kk >= 0 ? t.dM[kk] : t.dM.flat();
}

/** The fraction of class k's selected injections that stay in their z bin (1 − lost share), same class choice as classSamples. */
export function keptFraction(t: MagnitudeTransfer, k: number): number {
  const kk = usedClass(t, k);
  const kept = kk >= 0 ? t.dM[kk].length : t.dM.flat().length;
  const lost = kk >= 0 ? (t.lost?.[kk] ?? 0) : (t.lost ?? []).reduce((a, b) => a + b, 0);
  return kept + lost > 0 ? kept / (kept + lost) : 1;
}

/** Checks a product's `transfer` (when present); throws LumfuncError naming the problem. */
export function validateTransfer(v: unknown, file?: string): MagnitudeTransfer {
  const o = v as Record<string, unknown> | null;
  const e = o?.offsetEdges, d = o?.dM;
  if (!Array.isArray(e) || !e.every((x, i) => typeof x === 'number' && Number.isFinite(x) && (i === 0 || x > (e[i - 1] as number)))) {
    throw new LumfuncError('transfer.offsetEdges must be an ascending array of finite numbers', file);
  }
  if (!Array.isArray(d) || d.length !== e.length + 1 || !d.every((a) => Array.isArray(a) && a.every((x) => typeof x === 'number' && Number.isFinite(x)))) {
    throw new LumfuncError(`transfer.dM must hold ${e.length + 1} arrays of finite numbers (one per offset class)`, file);
  }
  const l = o?.lost;
  if (l !== undefined && !(Array.isArray(l) && l.length === e.length + 1 && l.every((x) => Number.isInteger(x) && (x as number) >= 0))) {
    throw new LumfuncError(`transfer.lost must hold ${e.length + 1} non-negative integers (one per offset class)`, file);
  }
  return { offsetEdges: e as number[], dM: (d as number[][]).map((a) => [...a].sort((x, y) => x - y)), ...(l !== undefined ? { lost: l as number[] } : {}) };
}

/**
 * T(i → j): the fraction of galaxies of true bin i (edges trueEdges) measured in observed bin j (obsEdges), for a
 * half point mHalf. Each ΔM sample moves the whole true bin (uniform within it), so T is smooth in the sample set.
 * Rows sum to the fraction that stays inside the observed range and in the z bin (keptFraction).
 */
export function transferMatrix(t: MagnitudeTransfer, trueEdges: number[], obsEdges: number[], mHalf: number): number[][] {
  const nObs = obsEdges.length - 1;
  return trueEdges.slice(0, -1).map((a, i) => {
    const b = trueEdges[i + 1];
    const row = new Array<number>(nObs).fill(0);
    const k = classOf(t.offsetEdges, 0.5 * (a + b) - mHalf);
    const s = classSamples(t, k);
    if (s.length === 0 || !(b > a)) return row;
    const f = keptFraction(t, k);
    for (const dm of s) {
      const lo = a + dm, hi = b + dm;
      for (let j = 0; j < nObs; j++) {
        const ov = Math.min(hi, obsEdges[j + 1]) - Math.max(lo, obsEdges[j]);
        if (ov > 0) row[j] += (f * ov) / (b - a) / s.length;
      }
    }
    return row;
  });
}
