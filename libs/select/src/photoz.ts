// Template-fitting photometric redshifts (EAZY-style, Brammer, van Dokkum & Coppi 2008, ApJ 686, 1503;
// astro-reference §C.3): at each grid redshift fit a non-negative combination of the galaxy templates
// (Lawson–Hanson NNLS) to the band fluxes with errors σ² = σ_cat² + (sys·f)², then
// P(z) ∝ exp(−χ²(z)/2) (flat prior), z_best = argmin χ², 68 % interval from the CDF, P(z > z_split),
// and Δχ² = χ²_min(z < z_split) − χ²_min(z ≥ z_split). Brown dwarfs are fitted separately (z = 0).
// With keepPz it also keeps P_L(z), the same likelihood under a luminosity prior (EAZY's idea, Brammer+08
// §3.2, there p(z | m) from a mock; here from UV LFs): π(z) ∝ φ(M_UV(z), z) dV_C/dz, with M_UV(z) the
// rest-1500 Å magnitude of the best-fitting combination at z and φ the smooth LF of @asteris/astro
// uvLfPriorLn. Presets use it only where they ask (posterior.luminosityPrior; docs/select.md).
import { uvLfPriorLn } from '@asteris/astro';
import { nnlsNormal } from './nnls.ts';
import { templateGrid, type TemplateGrid, type TemplateFamily } from './templates.ts';

export interface PhotozOptions {
  /** Fractional systematic error floor added in quadrature (default 0.05). */
  sysErr?: number;
  /** Redshift splitting "low" from "high" solutions (default 7). */
  zSplit?: number;
  /** Precomputed grid (default: templateGrid(bands)). */
  grid?: TemplateGrid;
  /** Keep χ²(z) and P(z) arrays in the result (default true). */
  keepPz?: boolean;
}

export interface PhotozResult {
  nBands: number;             // bands used in the fit
  zBest: number;              // min-χ² redshift (EAZY z_a)
  zLo68: number; zHi68: number;
  pHigh: number;              // P(z > zSplit)
  zSplit: number;
  chi2Best: number;
  zLow: number; chi2Low: number;     // best solution at z < zSplit
  zHigh: number; chi2High: number;   // best solution at z ≥ zSplit
  dchi2: number;              // chi2Low − chi2High (> 0 favours high z)
  lowFamily: TemplateFamily | null;  // template family dominating the best low-z fit
  bestFamily: TemplateFamily | null;
  bdChi2: number; bdType: string | null;   // best brown-dwarf template fit
  z?: Float64Array; chi2?: Float64Array; pz?: Float64Array;   // P(z) density on the grid
  /** with keepPz: P_L(z), the density under the luminosity prior (see the file comment), and M_UV(z) it used */
  pzLum?: Float64Array; muvZ?: Float64Array;
}

/** True when a (flux, error) pair is usable: finite flux, 0 < err < 1e5 nJy (CEERS "no data" ≥ 1e5). */
export function validPhot(f: number, e: number): boolean {
  return Number.isFinite(f) && Number.isFinite(e) && e > 0 && e < 1e5;
}

function fitAtZ(grid: TemplateGrid, iz: number, b: Float64Array, ivar: Float64Array, use: number[], G: Float64Array, h: Float64Array): { chi2: number; x: Float64Array } {
  const nt = grid.templates.length, nb = grid.bands.length;
  const base = iz * nt * nb;
  G.fill(0); h.fill(0);
  let ff = 0;
  for (const ib of use) ff += b[ib] * b[ib] * ivar[ib];
  for (let i = 0; i < nt; i++) {
    const oi = base + i * nb;
    for (const ib of use) h[i] += grid.flux[oi + ib] * b[ib] * ivar[ib];
    for (let j = 0; j <= i; j++) {
      const oj = base + j * nb;
      let s = 0;
      for (const ib of use) s += grid.flux[oi + ib] * grid.flux[oj + ib] * ivar[ib];
      G[i * nt + j] = G[j * nt + i] = s;
    }
  }
  const x = nnlsNormal(G, h, nt);
  let chi2 = ff;
  for (let i = 0; i < nt; i++) {
    if (x[i] === 0) continue;
    chi2 -= 2 * x[i] * h[i];
    for (let j = 0; j < nt; j++) chi2 += x[i] * G[i * nt + j] * x[j];
  }
  return { chi2: Math.max(0, chi2), x };
}

function dominantFamily(grid: TemplateGrid, iz: number, x: Float64Array, use: number[]): TemplateFamily | null {
  const nt = grid.templates.length, nb = grid.bands.length;
  let best = -1, bestV = 0;
  for (let i = 0; i < nt; i++) {
    let s = 0;
    for (const ib of use) s += x[i] * grid.flux[(iz * nt + i) * nb + ib];
    if (s > bestV) { bestV = s; best = i; }
  }
  return best < 0 ? null : grid.templates[best].family;
}

/**
 * Photometric redshift of one object. `flux`, `err` in nJy, aligned with `bands`; unusable bands
 * (NaN, err ≤ 0, err ≥ 1e5) are ignored. Needs ≥ 2 usable bands, otherwise returns NaNs.
 */
export function photoz(flux: ArrayLike<number>, err: ArrayLike<number>, bands: string[], opts: PhotozOptions = {}): PhotozResult {
  const grid = opts.grid ?? templateGrid(bands);
  if (grid.bands.join(',') !== bands.join(',')) throw new Error('photoz: grid bands differ from the object bands');
  const sys = opts.sysErr ?? 0.05, zSplit = opts.zSplit ?? 7;
  const nb = bands.length, nt = grid.templates.length, nz = grid.z.length;
  const b = new Float64Array(nb), ivar = new Float64Array(nb);
  const use: number[] = [];
  for (let i = 0; i < nb; i++) {
    if (!validPhot(flux[i], err[i])) continue;
    b[i] = flux[i];
    ivar[i] = 1 / (err[i] * err[i] + (sys * flux[i]) ** 2);
    use.push(i);
  }
  const nan: PhotozResult = {
    nBands: use.length, zBest: NaN, zLo68: NaN, zHi68: NaN, pHigh: NaN, zSplit, chi2Best: NaN, zLow: NaN, chi2Low: NaN,
    zHigh: NaN, chi2High: NaN, dchi2: NaN, lowFamily: null, bestFamily: null, bdChi2: NaN, bdType: null,
  };
  if (use.length < 2) return nan;
  const G = new Float64Array(nt * nt), h = new Float64Array(nt);
  const chi2 = new Float64Array(nz);
  let iBest = 0, iLow = -1, iHigh = -1;
  const keep = opts.keepPz ?? true;
  const muvZ = keep ? new Float64Array(nz) : null;
  for (let iz = 0; iz < nz; iz++) {
    const fz = fitAtZ(grid, iz, b, ivar, use, G, h);
    chi2[iz] = fz.chi2;
    if (muvZ) {
      // observed f_ν at rest 1500 Å (nJy) of the fitted combination → M_UV = m − DM + 2.5 log10(1+z)
      let f = 0;
      for (let i = 0; i < nt; i++) f += fz.x[i] * grid.uv1500[iz * nt + i];
      muvZ[iz] = f > 0 && grid.z[iz] > 0 ? -2.5 * Math.log10(f * 1e-9 / 3631) - grid.dm[iz] + 2.5 * Math.log10(1 + grid.z[iz]) : -10;
    }
    if (chi2[iz] < chi2[iBest]) iBest = iz;
    if (grid.z[iz] < zSplit) { if (iLow < 0 || chi2[iz] < chi2[iLow]) iLow = iz; }
    else if (iHigh < 0 || chi2[iz] < chi2[iHigh]) iHigh = iz;
  }
  // P(z) on the grid, trapezoid-normalised in z
  const pz = new Float64Array(nz);
  const c0 = chi2[iBest];
  for (let iz = 0; iz < nz; iz++) pz[iz] = Math.exp(-0.5 * (chi2[iz] - c0));
  const cdf = new Float64Array(nz);
  for (let iz = 1; iz < nz; iz++) cdf[iz] = cdf[iz - 1] + 0.5 * (pz[iz] + pz[iz - 1]) * (grid.z[iz] - grid.z[iz - 1]);
  const tot = cdf[nz - 1];
  for (let iz = 0; iz < nz; iz++) { pz[iz] /= tot; cdf[iz] /= tot; }
  const quant = (q: number): number => {
    for (let iz = 1; iz < nz; iz++) {
      if (cdf[iz] >= q) {
        const d = cdf[iz] - cdf[iz - 1];
        return grid.z[iz - 1] + (d > 0 ? ((q - cdf[iz - 1]) / d) : 0) * (grid.z[iz] - grid.z[iz - 1]);
      }
    }
    return grid.z[nz - 1];
  };
  // P(z > zSplit) = 1 − CDF(zSplit) (linear interpolation of the CDF)
  let pHigh = 0;
  for (let iz = 1; iz < nz; iz++) {
    if (grid.z[iz] >= zSplit) {
      const u = (zSplit - grid.z[iz - 1]) / (grid.z[iz] - grid.z[iz - 1]);
      pHigh = 1 - (cdf[iz - 1] + u * (cdf[iz] - cdf[iz - 1]));
      break;
    }
  }
  const low = fitAtZ(grid, iLow, b, ivar, use, G, h);
  const lowFamily = dominantFamily(grid, iLow, low.x, use);
  const best = fitAtZ(grid, iBest, b, ivar, use, G, h);
  const bestFamily = dominantFamily(grid, iBest, best.x, use);
  // brown dwarfs: single template, scale ≥ 0
  let bdChi2 = Infinity, bdType: string | null = null;
  for (let it = 0; it < grid.bd.length; it++) {
    let gg = 0, hh = 0, ff = 0;
    for (const ib of use) {
      const t = grid.bdFlux[it * nb + ib];
      gg += t * t * ivar[ib]; hh += t * b[ib] * ivar[ib]; ff += b[ib] * b[ib] * ivar[ib];
    }
    const a = Math.max(0, hh / gg);
    const c = ff - 2 * a * hh + a * a * gg;
    if (c < bdChi2) { bdChi2 = c; bdType = grid.bd[it].name.replace('bd_', ''); }
  }
  const res: PhotozResult = {
    nBands: use.length, zBest: grid.z[iBest], zLo68: quant(0.16), zHi68: quant(0.84), pHigh: Math.min(1, Math.max(0, pHigh)), zSplit,
    chi2Best: c0, zLow: grid.z[iLow], chi2Low: chi2[iLow], zHigh: grid.z[iHigh], chi2High: chi2[iHigh],
    dchi2: chi2[iLow] - chi2[iHigh], lowFamily, bestFamily, bdChi2, bdType,
  };
  if (muvZ) {
    // P_L on the same grid (z = 0 has no volume: weight 0), trapezoid-normalised like P(z)
    const lp = new Float64Array(nz);
    let mx = -Infinity;
    for (let iz = 0; iz < nz; iz++) {
      lp[iz] = grid.z[iz] > 0 ? -0.5 * chi2[iz] + uvLfPriorLn(muvZ[iz], grid.z[iz]) + grid.lnDVdz[iz] : -Infinity;
      if (lp[iz] > mx) mx = lp[iz];
    }
    const pzLum = new Float64Array(nz);
    let norm = 0;
    for (let iz = 0; iz < nz; iz++) pzLum[iz] = Math.exp(lp[iz] - mx);
    for (let iz = 1; iz < nz; iz++) norm += 0.5 * (pzLum[iz] + pzLum[iz - 1]) * (grid.z[iz] - grid.z[iz - 1]);
    for (let iz = 0; iz < nz; iz++) pzLum[iz] /= norm;
    res.z = grid.z; res.chi2 = chi2; res.pz = pz; res.pzLum = pzLum; res.muvZ = muvZ;
  }
  return res;
}

/**
 * ∫P(z > zMin) dz from a result kept with keepPz (trapezoid on the grid, the first interval split at zMin);
 * `prior` 'luminosity': of P_L(z), the posterior under the luminosity prior.
 */
export function pAbove(r: PhotozResult, zMin: number, prior: 'flat' | 'luminosity' = 'flat'): number {
  const z = r.z, pz = prior === 'luminosity' ? r.pzLum : r.pz;
  if (!z || !pz) return NaN;
  let s = 0, tot = 0;
  for (let i = 1; i < z.length; i++) {
    const dz = z[i] - z[i - 1];
    tot += 0.5 * (pz[i - 1] + pz[i]) * dz;
    if (z[i] <= zMin) continue;
    const a = Math.max(z[i - 1], zMin);
    const pa = z[i - 1] >= zMin ? pz[i - 1] : pz[i - 1] + ((pz[i] - pz[i - 1]) * (zMin - z[i - 1])) / dz;
    s += 0.5 * (pa + pz[i]) * (z[i] - a);
  }
  return tot > 0 ? Math.min(1, Math.max(0, s / tot)) : NaN;
}

/** Standard normal CDF Φ(x) (Abramowitz & Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x) / Math.SQRT2);
  const y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(x * x) / 2);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/**
 * Probability that the colour m_a − m_b exceeds c given Gaussian flux errors (fluxes, not magnitudes,
 * are Gaussian, so non-detections need no limit): m_a − m_b > c ⇔ f_a − k f_b < 0 with k = 10^(−0.4c),
 * P = Φ(−(f_a − k f_b) / √(σ_a² + k² σ_b²)).
 */
export function probColourAbove(fa: number, ea: number, fb: number, eb: number, c: number): number {
  const k = Math.pow(10, -0.4 * c);
  const s = Math.sqrt(ea * ea + k * k * eb * eb);
  return normalCdf(-(fa - k * fb) / s);
}
