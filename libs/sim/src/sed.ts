// Spectral recipes (observed-frame f_ν, arbitrary normalisation, λ in Å) for the mock populations.
// Following astro-reference §E: power-law UV continua f_λ ∝ λ^β (f_ν ∝ λ^(β+2)), Balmer/4000 Å
// breaks, Calzetti et al. (2000) dust, Gaussian nebular lines with rest-frame equivalent widths,
// IGM transmission (Inoue+14 via @asteris/astro), and an empirical T/Y-dwarf shape tuned to the
// NIRCam colours of Wang+23 / Hainline+24 (F115W−F277W < −0.8, F277W−F444W > 1.1; §E.4).
import { igmTransmission, type Filter } from '@asteris/astro';

/**
 * Fast photon-weighted band fluxes of a split SED: the continuum on a 400-point grid across the band
 * (trapezoid weights T/λ), the lines exactly as δ-functions weighted by T(λ)/λ — the same ⟨f_ν⟩ =
 * ∫ f_ν T dλ/λ / ∫ T dλ/λ as astro's bandFluxNJy (astro-reference §E.3), checked against it in tests.
 */
export interface BandIntegrator { lambda: Float64Array; weight: Float64Array; tOverLam: (l: number) => number; lo: number; hi: number }
const integrators = new WeakMap<Filter, BandIntegrator>();
export function bandIntegrator(f: Filter, n = 400): BandIntegrator {
  const hit = integrators.get(f);
  if (hit) return hit;
  const { wave, trans } = f;
  let tmax = 0;
  for (const t of trans) tmax = Math.max(tmax, t);
  let i0 = 0, i1 = trans.length - 1;
  while (i0 < i1 && trans[i0] <= 1e-4 * tmax) i0++;
  while (i1 > i0 && trans[i1] <= 1e-4 * tmax) i1--;
  const lo = wave[Math.max(0, i0 - 1)], hi = wave[Math.min(wave.length - 1, i1 + 1)];
  const T = (l: number) => {
    if (l <= wave[0] || l >= wave[wave.length - 1]) return 0;
    let a = 0, b = wave.length - 1;
    while (b - a > 1) { const m = (a + b) >> 1; if (wave[m] <= l) a = m; else b = m; }
    const u = (l - wave[a]) / (wave[b] - wave[a]);
    return Math.max(0, trans[a] * (1 - u) + trans[b] * u);
  };
  const lambda = new Float64Array(n), weight = new Float64Array(n);
  let norm = 0;
  for (let k = 0; k < n; k++) {
    const l = lo + ((hi - lo) * k) / (n - 1);
    const dl = ((hi - lo) / (n - 1)) * (k === 0 || k === n - 1 ? 0.5 : 1);
    lambda[k] = l;
    weight[k] = (T(l) * dl) / l;
    norm += weight[k];
  }
  for (let k = 0; k < n; k++) weight[k] /= norm;
  const res: BandIntegrator = { lambda, weight, tOverLam: (l) => (l > lo && l < hi ? T(l) / l / norm : 0), lo, hi };
  integrators.set(f, res);
  return res;
}

export function splitBandFlux(f: Filter, sed: SplitSed): number {
  const bi = bandIntegrator(f);
  let s = 0;
  for (let k = 0; k < bi.lambda.length; k++) { const w = bi.weight[k]; if (w !== 0) s += w * sed.continuum(bi.lambda[k]); }
  for (const l of sed.lines) s += l.integral * bi.tOverLam(l.lamObsA);
  return s;
}

export type SourceKind = 'lowz' | 'balmer' | 'dusty' | 'eline' | 'browndwarf' | 'highz' | 'point' | 'sersic';

export interface GalaxySedParams {
  z: number;
  beta: number;          // UV slope (f_λ ∝ λ^β) blueward of the break
  breakMag: number;      // Balmer/4000 Å break amplitude, mag (f_ν jump across 3800 Å rest)
  redSlope: number;      // f_ν ∝ λ^redSlope between 4000 Å and 1.6 µm rest
  av: number;            // Calzetti A_V
  ewOiiiHb: number;      // rest EW of [OIII]4959,5007 + Hβ, Å
  ewHa: number;          // rest EW of Hα, Å
  igm?: boolean;         // apply IGM (default true)
}

const LINES: Array<{ lam: number; share: 'oiii' | 'ha' | 'oii'; frac: number }> = [
  { lam: 3727.4, share: 'oii', frac: 1 },
  { lam: 4862.7, share: 'oiii', frac: 0.17 },
  { lam: 4960.3, share: 'oiii', frac: 0.21 },
  { lam: 5008.2, share: 'oiii', frac: 0.62 },
  { lam: 6564.6, share: 'ha', frac: 1 },
];

/** Calzetti et al. (2000) starburst attenuation curve k(λ), λ in µm (R_V = 4.05), extended flatly. */
export function calzettiK(lamUm: number): number {
  const RV = 4.05;
  const l = Math.min(Math.max(lamUm, 0.09), 5);
  let k: number;
  if (l >= 0.63) k = 2.659 * (-1.857 + 1.04 / l) + RV;
  else k = 2.659 * (-2.156 + 1.509 / l - 0.198 / (l * l) + 0.011 / (l * l * l)) + RV;
  return Math.max(0, k);
}

/** Rest-frame continuum f_ν shape (no lines, no dust), λ in Å. */
function continuum(p: GalaxySedParams, lr: number): number {
  if (lr < 912) return 0;
  const bBreak = 3800;
  if (lr < bBreak) return Math.pow(lr / 1500, p.beta + 2);
  const atBreak = Math.pow(bBreak / 1500, p.beta + 2) * Math.pow(10, 0.4 * p.breakMag);
  if (lr < 16000) return atBreak * Math.pow(lr / bBreak, p.redSlope);
  const at16 = atBreak * Math.pow(16000 / bBreak, p.redSlope);
  return at16 * Math.pow(lr / 16000, -1.0); // past the 1.6 µm stellar bump
}

/**
 * A galaxy SED split into a smooth observed-frame continuum (dust and IGM included) and emission lines
 * given as integrated observed-frame f_ν·dλ (nJy·Å per unit continuum normalisation), so band fluxes can
 * be integrated quickly and exactly (see bandFluxes).
 */
export interface SplitSed {
  continuum: (lamObsA: number) => number;
  lines: Array<{ lamObsA: number; integral: number }>;
}

export function galaxySedSplit(p: GalaxySedParams): SplitSed {
  const z1 = 1 + p.z;
  const ebv = p.av / 4.05;
  const useIgm = p.igm ?? true;
  const cont = (lo: number) => {
    const lr = lo / z1;
    let f = continuum(p, lr);
    if (f === 0) return 0;
    if (ebv > 0) f *= Math.pow(10, -0.4 * calzettiK(lr / 1e4) * ebv);
    // redward of Lyα the IGM transmits fully (damping wing ignored), so skip the Inoue+14 sums there
    if (useIgm && p.z > 0 && lr < 1215.67) f *= igmTransmission(lo, p.z);
    return f;
  };
  const lines: SplitSed['lines'] = [];
  LINES.forEach((l) => {
    const ew = l.share === 'oiii' ? p.ewOiiiHb * l.frac : l.share === 'ha' ? p.ewHa : 0.25 * p.ewOiiiHb;
    if (!(ew > 0)) return;
    // ∫ f_ν,line dλ_obs = f_ν,c(λ0)·EW_rest·(1+z), attenuated by dust at λ0
    const att = ebv > 0 ? Math.pow(10, -0.4 * calzettiK(l.lam / 1e4) * ebv) : 1;
    lines.push({ lamObsA: l.lam * z1, integral: continuum(p, l.lam) * ew * z1 * att });
  });
  return { continuum: cont, lines };
}

/** Observed-frame SED f_ν(λ_obs) of a galaxy, arbitrary units (lines as narrow Gaussians). */
export function galaxySed(p: GalaxySedParams): (lamObsA: number) => number {
  const { continuum: cont, lines } = galaxySedSplit(p);
  const z1 = 1 + p.z;
  const sigmaV = 150 / 299792.458; // line σ (≈ 150 km/s), broadened ×4 so fine filter grids resolve it
  return (lo: number) => {
    let f = cont(lo);
    for (const l of lines) {
      const s = l.lamObsA * sigmaV * 4;
      const d = lo - l.lamObsA;
      if (Math.abs(d) > 6 * s) continue;
      f += (l.integral * Math.exp((-0.5 * d * d) / (s * s))) / (Math.sqrt(2 * Math.PI) * s);
    }
    void z1;
    return f;
  };
}

/** Rest-frame 1500 Å f_ν of the same SED (dust included, no IGM), for M_UV. */
export function galaxySedAt1500(p: GalaxySedParams): number {
  const ebv = p.av / 4.05;
  return continuum(p, 1500) * Math.pow(10, -0.4 * calzettiK(0.15) * ebv);
}

/**
 * Empirical T/Y brown-dwarf spectrum (f_ν, arbitrary units, observed λ in Å): Y, J, H, K peaks between
 * the H₂O/CH₄ bands, a deep 2.2–3.8 µm CH₄ trough and the 4–5 µm flux peak that grows as T_eff falls.
 * Only meant to reproduce published broad-band NIRCam colours (astro-reference §E.4), not spectra.
 */
export function brownDwarfSed(teff: number): (lamObsA: number) => number {
  const t = Math.min(1400, Math.max(400, teff)) / 1000;
  const peaks: Array<[number, number, number]> = [
    [1.07, 0.55, 0.035],                // Y
    [1.26, 1.0, 0.05],                  // J
    [1.58, 0.6 * t, 0.06],              // H
    [2.08, 0.5 * t, 0.08],              // K
    [4.25, 0.9 / Math.pow(t, 1.1), 0.3], // 4–5 µm peak, stronger when colder
  ];
  return (lo: number) => {
    const l = lo / 1e4;
    let f = 0.02 + 0.1 * t * Math.exp(-0.5 * ((l - 2.9) / 0.4) ** 2); // CH₄/H₂O trough floor
    for (const [c, a, w] of peaks) f += a * Math.exp(-0.5 * ((l - c) / w) ** 2);
    return f;
  };
}

/** Split form of highzSed (continuum + lines), same normalisation. */
export function highzSedSplit(z: number, beta: number, f1500: number, ewOiiiHb = 0, ewHa = 0): SplitSed {
  const p: GalaxySedParams = { z, beta, breakMag: 0.1, redSlope: beta + 2, av: 0, ewOiiiHb, ewHa };
  const sp = galaxySedSplit(p);
  const norm = f1500 / continuum(p, 1500);
  return { continuum: (lo) => sp.continuum(lo) * norm, lines: sp.lines.map((l) => ({ lamObsA: l.lamObsA, integral: l.integral * norm })) };
}

/** UV-continuum SED of a high-z galaxy, normalised so f_ν(rest 1500 Å) = f1500 (nJy). */
export function highzSed(z: number, beta: number, f1500: number, ewOiiiHb = 0, ewHa = 0): (lamObsA: number) => number {
  const p: GalaxySedParams = { z, beta, breakMag: 0.1, redSlope: beta + 2, av: 0, ewOiiiHb, ewHa };
  const g = galaxySed(p);
  const norm = f1500 / continuum(p, 1500);
  return (lo) => g(lo) * norm;
}
