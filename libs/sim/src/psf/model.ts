// Analytic NIRCam PSF model for bands without a real PSF file: a Gaussian core plus a Moffat (1969)
// halo, P(r) = w·G(r; σ) + (1 − w)·M(r; α, β), each normalised in 2-D, fitted (Nelder–Mead) to the
// published encircled energy (STScI ETC v2 / JDox tables in data/external/galfind_nircam_ee) and the
// empirical FWHM (JDox "NIRCam PSF" page, astro-reference §B.1 column FWHM_emp).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nelderMead } from '@asteris/core';

/** Empirical FWHM in arcsec (JDox, astro-reference §B.1, FWHM_emp). */
export const NIRCAM_FWHM_ARCSEC: Readonly<Record<string, number>> = Object.freeze({
  F070W: 0.030, F090W: 0.034, F115W: 0.040, F140M: 0.048, F150W: 0.050, F162M: 0.055, F182M: 0.062,
  F200W: 0.066, F210M: 0.071, F250M: 0.084, F277W: 0.091, F300M: 0.100, F335M: 0.111, F356W: 0.115,
  F360M: 0.120, F410M: 0.137, F430M: 0.145, F444W: 0.145, F460M: 0.155, F480M: 0.162,
});

export interface PsfModelParams {
  band: string;
  sigma: number;     // Gaussian core σ, arcsec
  alpha: number;     // Moffat core width, arcsec
  beta: number;      // Moffat power index (> 1)
  w: number;         // core weight
  fwhm: number;      // FWHM of the fitted model, arcsec
  fwhmTarget: number;
  eeRms: number;     // rms EE residual of the fit
}

let eeCache: { radii: number[]; cols: Record<string, number[]> } | undefined;
export const EE_TABLE_PATH = fileURLToPath(new URL('../../../../data/external/galfind_nircam_ee/Encircled_Energy_LW_ETCv2.txt', import.meta.url));

/** Encircled-energy table (radius arcsec → EE) from the ETC v2 file (all NIRCam filters). */
export function encircledEnergyTable(): { radii: number[]; cols: Record<string, number[]> } {
  if (eeCache) return eeCache;
  const lines = readFileSync(EE_TABLE_PATH, 'utf8').split(/\r?\n/).filter((l) => l.trim() && !l.startsWith('#'));
  const head = lines[0].trim().split(/\s+/);
  const cols: Record<string, number[]> = {};
  for (const h of head.slice(1)) cols[h] = [];
  const radii: number[] = [];
  for (const l of lines.slice(1)) {
    const v = l.trim().split(/\s+/).map(Number);
    radii.push(v[0]);
    head.slice(1).forEach((h, i) => cols[h].push(v[i + 1]));
  }
  eeCache = { radii, cols };
  return eeCache;
}

export function modelProfile(p: Pick<PsfModelParams, 'sigma' | 'alpha' | 'beta' | 'w'>, r: number): number {
  const g = Math.exp(-(r * r) / (2 * p.sigma * p.sigma)) / (2 * Math.PI * p.sigma * p.sigma);
  const m = ((p.beta - 1) / (Math.PI * p.alpha * p.alpha)) * Math.pow(1 + (r * r) / (p.alpha * p.alpha), -p.beta);
  return p.w * g + (1 - p.w) * m;
}

export function modelEE(p: Pick<PsfModelParams, 'sigma' | 'alpha' | 'beta' | 'w'>, r: number): number {
  return p.w * (1 - Math.exp(-(r * r) / (2 * p.sigma * p.sigma))) + (1 - p.w) * (1 - Math.pow(1 + (r * r) / (p.alpha * p.alpha), 1 - p.beta));
}

/** FWHM of a monotonic radial profile (bisection on P(r) = P(0)/2). */
export function profileFwhm(prof: (r: number) => number): number {
  const half = prof(0) / 2;
  let lo = 0, hi = 1e-3;
  while (prof(hi) > half && hi < 100) hi *= 2;
  for (let i = 0; i < 60; i++) { const m = (lo + hi) / 2; if (prof(m) > half) lo = m; else hi = m; }
  return lo + hi;
}

const fitCache = new Map<string, PsfModelParams>();

/**
 * [σ, α, β, w] produced by `refitPsfModel` (this file's fit, run once and stored so simulations do not
 * re-fit in every worker); test/psf.test.ts checks that a fresh fit reproduces them.
 */
export const FITTED_PSF_PARAMS: Readonly<Record<string, readonly [number, number, number, number]>> = Object.freeze({
  F070W: [0.0123647, 0.0653000, 1.51529, 0.510614],
  F090W: [0.0139883, 0.0623890, 1.47193, 0.549192],
  F115W: [0.0165466, 0.0805961, 1.46996, 0.626867],
  F140M: [0.0198487, 0.103753, 1.49930, 0.649320],
  F150W: [0.0207249, 0.103968, 1.50044, 0.633198],
  F162M: [0.0227602, 0.138870, 1.55609, 0.663525],
  F182M: [0.0256123, 0.156417, 1.57388, 0.667269],
  F200W: [0.0272421, 0.152460, 1.55427, 0.664694],
  F210M: [0.0292445, 0.153754, 1.53969, 0.669873],
  F250M: [0.0346696, 0.157312, 1.47613, 0.695241],
  F277W: [0.0376129, 0.151993, 1.45117, 0.693426],
  F300M: [0.0414832, 0.163095, 1.43930, 0.705191],
  F335M: [0.0462287, 0.198201, 1.46280, 0.706638],
  F356W: [0.0478648, 0.200348, 1.46674, 0.695790],
  F360M: [0.0499775, 0.233292, 1.48676, 0.712672],
  F410M: [0.0568413, 0.278016, 1.49913, 0.723295],
  F430M: [0.0600562, 0.296522, 1.49810, 0.728278],
  F444W: [0.0600889, 0.281823, 1.49328, 0.716863],
  F460M: [0.0641569, 0.295057, 1.49098, 0.717017],
  F480M: [0.0670086, 0.311761, 1.49722, 0.717540],
});

/** Gauss+Moffat parameters of a band (stored fit; see FITTED_PSF_PARAMS). */
export function fitPsfModel(band: string): PsfModelParams {
  const b = band.toUpperCase();
  const hit = fitCache.get(b);
  if (hit) return hit;
  const t = FITTED_PSF_PARAMS[b];
  if (!t) return refitPsfModel(b);
  const p = { sigma: t[0], alpha: t[1], beta: t[2], w: t[3] };
  const ee = encircledEnergyTable();
  let rms = 0;
  ee.radii.forEach((r, i) => { rms += (modelEE(p, r) - ee.cols[b][i]) ** 2; });
  const res: PsfModelParams = { band: b, ...p, fwhm: profileFwhm((r) => modelProfile(p, r)), fwhmTarget: NIRCAM_FWHM_ARCSEC[b], eeRms: Math.sqrt(rms / ee.radii.length) };
  fitCache.set(b, res);
  return res;
}

/** Fit the Gauss+Moffat model of one band to its EE curve (ETC v2) and FWHM (JDox) with Nelder–Mead. */
export function refitPsfModel(band: string): PsfModelParams {
  const b = band.toUpperCase();
  const fwhmT = NIRCAM_FWHM_ARCSEC[b];
  const ee = encircledEnergyTable();
  const col = ee.cols[b];
  if (fwhmT === undefined || !col) throw new RangeError(`no PSF model data for band ${band} (known: ${Object.keys(NIRCAM_FWHM_ARCSEC).join(', ')})`);
  const unpack = (q: number[]) => ({ sigma: Math.exp(q[0]), alpha: Math.exp(q[1]), beta: 1 + Math.exp(q[2]), w: 1 / (1 + Math.exp(-q[3])) });
  const cost = (q: number[]) => {
    const p = unpack(q);
    let s = 0;
    for (let i = 0; i < ee.radii.length; i++) {
      const d = modelEE(p, ee.radii[i]) - col[i];
      s += d * d * (ee.radii[i] <= 0.3 ? 2 : 1);
    }
    const f = profileFwhm((r) => modelProfile(p, r));
    s += 0.05 * ((f / fwhmT - 1) ** 2) * 100;
    return s;
  };
  const x0 = [Math.log(fwhmT / 2.355), Math.log(fwhmT * 1.5), Math.log(1.2), 0.5];
  // (tol 1e-10, no minimum iteration count: the settings this fit was tuned with)
  let best = nelderMead(cost, x0, { step: 0.4, maxIter: 3000, tol: 1e-10, minIter: 0 });
  best = nelderMead(cost, best.x, { step: 0.1, maxIter: 3000, tol: 1e-10, minIter: 0 });
  const p = unpack(best.x);
  let rms = 0;
  for (let i = 0; i < ee.radii.length; i++) rms += (modelEE(p, ee.radii[i]) - col[i]) ** 2;
  return { band: b, ...p, fwhm: profileFwhm((r) => modelProfile(p, r)), fwhmTarget: fwhmT, eeRms: Math.sqrt(rms / ee.radii.length) };
}
