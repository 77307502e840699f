// Filter transmission curves and synthetic photometry for a photon-counting detector.
// Curves: data/external/sedpy_filter_curves (bd-j/sedpy; NIRCam post-flight PCE curves of May 2024,
// HST ACS/WFC and WFC3/IR), wavelengths in Å. Band flux convention (astro-reference §E.3):
//   ⟨f_ν⟩ = ∫ f_ν T dλ/λ / ∫ T dλ/λ,   λ_p = sqrt(∫ T λ dλ / ∫ T dλ/λ).
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export interface Filter {
  name: string;          // canonical upper-case band name, e.g. 'F115W'
  wave: Float64Array;    // Å, increasing
  trans: Float64Array;   // throughput (PCE); only the shape matters
  pivot: number;         // Å
}

export class FilterError extends Error {
  override name = 'FilterError';
}

/** The NIRCam bands shipped in data/external/sedpy_filter_curves. */
export const NIRCAM_BANDS: readonly string[] = Object.freeze([
  'F070W', 'F090W', 'F115W', 'F140M', 'F150W', 'F150W2', 'F162M', 'F182M', 'F200W', 'F210M',
  'F250M', 'F277W', 'F300M', 'F322W2', 'F335M', 'F356W', 'F360M', 'F410M', 'F430M', 'F444W',
  'F460M', 'F480M',
]);
const ACS = new Set(['F435W', 'F606W', 'F775W', 'F814W', 'F850LP']);
const WFC3IR = new Set(['F105W', 'F125W', 'F140W', 'F160W']);
/** HST bands shipped alongside (ACS/WFC and WFC3/IR). */
export const HST_BANDS: readonly string[] = Object.freeze([...ACS, ...WFC3IR]);

/**
 * NIRCam half-power edges λ⁻, λ⁺ in µm (JDox "NIRCam Filters" table, astro-reference §B.1),
 * used for the top-hat approximation.
 */
export const NIRCAM_HALF_POWER_UM: Readonly<Record<string, readonly [number, number]>> = Object.freeze({
  F070W: [0.624, 0.781], F090W: [0.795, 1.005], F115W: [1.013, 1.282], F140M: [1.331, 1.479],
  F150W: [1.331, 1.668], F162M: [1.542, 1.713], F182M: [1.722, 1.968], F200W: [1.755, 2.227],
  F210M: [1.992, 2.201], F250M: [2.412, 2.595], F277W: [2.423, 3.132], F300M: [2.831, 3.157],
  F335M: [3.177, 3.537], F356W: [3.135, 3.981], F360M: [3.426, 3.814], F410M: [3.866, 4.302],
  F430M: [4.167, 4.398], F444W: [3.881, 4.982], F460M: [4.515, 4.747], F480M: [4.662, 4.973],
});

let filterDir: string = fileURLToPath(new URL('../../../data/external/sedpy_filter_curves/', import.meta.url));
/** Override the directory the curves are read from (tests, relocated installs). */
export function setFilterDirectory(dir: string): void { filterDir = dir; cache.clear(); }

const cache = new Map<string, Filter>();

function fileFor(name: string): string {
  const n = name.toUpperCase();
  if (ACS.has(n)) return `acs_wfc_${n.toLowerCase()}.par`;
  if (WFC3IR.has(n)) return `wfc3_ir_${n.toLowerCase()}.par`;
  return `jwst_${n.toLowerCase()}.par`;
}

/** The curve file loadFilter reads for a band (it may not exist: then the band is unknown). */
export function filterFile(name: string): string {
  return join(filterDir, fileFor(name.trim().toUpperCase().replace(/^JWST_/, '')));
}

/** Pivot wavelength λ_p = sqrt(∫Tλdλ / ∫T/λ dλ) (trapezoid rule on the curve's own grid). */
export function pivotWavelength(wave: ArrayLike<number>, trans: ArrayLike<number>): number {
  let a = 0, b = 0;
  for (let i = 1; i < wave.length; i++) {
    const dl = wave[i] - wave[i - 1];
    a += 0.5 * dl * (trans[i] * wave[i] + trans[i - 1] * wave[i - 1]);
    b += 0.5 * dl * (trans[i] / wave[i] + trans[i - 1] / wave[i - 1]);
  }
  return Math.sqrt(a / b);
}

/** Build a Filter from arrays (validates monotonic wavelengths and non-negative throughput). */
export function makeFilter(name: string, wave: ArrayLike<number>, trans: ArrayLike<number>): Filter {
  if (wave.length !== trans.length || wave.length < 2) throw new FilterError(`filter ${name}: need ≥ 2 (wave, trans) pairs`);
  const w = Float64Array.from(wave), t = Float64Array.from(trans);
  for (let i = 0; i < w.length; i++) {
    if (!Number.isFinite(w[i]) || !Number.isFinite(t[i])) throw new FilterError(`filter ${name}: non-finite value at row ${i}`);
    if (i > 0 && !(w[i] > w[i - 1])) throw new FilterError(`filter ${name}: wavelengths not increasing at row ${i}`);
    if (t[i] < 0) t[i] = 0;
  }
  return { name, wave: w, trans: t, pivot: pivotWavelength(w, t) };
}

/** Top-hat filter with T = 1 on [loA, hiA] (Å) — the approximation used for the §C.1 colour tables. */
export function topHatFilter(name: string, loA: number, hiA: number, n = 2001): Filter {
  if (!(hiA > loA && loA > 0)) throw new FilterError(`top-hat ${name}: need 0 < lo < hi`);
  const wave = new Float64Array(n + 2), trans = new Float64Array(n + 2);
  wave[0] = loA * (1 - 1e-9); trans[0] = 0;
  for (let i = 0; i < n; i++) { wave[i + 1] = loA + ((hiA - loA) * i) / (n - 1); trans[i + 1] = 1; }
  wave[n + 1] = hiA * (1 + 1e-9); trans[n + 1] = 0;
  return makeFilter(name, wave, trans);
}

/** NIRCam top-hat between the JDox half-power edges. */
export function topHatNircam(name: string): Filter {
  const e = NIRCAM_HALF_POWER_UM[name.toUpperCase()];
  if (!e) throw new FilterError(`no half-power edges tabulated for ${name}`);
  return topHatFilter(name.toUpperCase(), e[0] * 1e4, e[1] * 1e4);
}

/**
 * Load a filter by band name ('F115W', 'f444w', HST 'F606W', 'F160W', …) from
 * data/external/sedpy_filter_curves. Throws FilterError naming the file when it is missing or bad.
 */
export function loadFilter(name: string): Filter {
  const key = name.trim().toUpperCase().replace(/^JWST_/, '');
  const hit = cache.get(key);
  if (hit) return hit;
  const path = join(filterDir, fileFor(key));
  if (!existsSync(path)) {
    throw new FilterError(`unknown filter '${name}': no curve file ${path} (known: ${[...NIRCAM_BANDS, ...HST_BANDS].join(', ')})`);
  }
  const wave: number[] = [], trans: number[] = [];
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const s = lines[i].trim();
    if (!s || s.startsWith('#')) continue;
    const parts = s.split(/\s+/);
    const l = Number(parts[0]), t = Number(parts[1]);
    if (parts.length < 2 || !Number.isFinite(l) || !Number.isFinite(t)) throw new FilterError(`${path}: line ${i + 1} is not 'wavelength transmission'`);
    wave.push(l); trans.push(t);
  }
  const f = makeFilter(key, wave, trans);
  cache.set(key, f);
  return f;
}

/** Integration weights so that ⟨f_ν⟩ = Σ_k weight_k · f_ν(lambda_k) (photon-counting, §E.3). */
export interface FilterWeights { lambda: Float64Array; weight: Float64Array }
const weightCache = new WeakMap<Filter, FilterWeights>();

/**
 * Resample the curve onto a uniform grid (step ≈ span/1500, 2–10 Å) over the range where
 * T > 1e-4·max, and return trapezoid weights for ∫ f T dλ/λ / ∫ T dλ/λ.
 */
export function filterWeights(filter: Filter): FilterWeights {
  const hit = weightCache.get(filter);
  if (hit) return hit;
  const { wave, trans } = filter;
  let tmax = 0;
  for (let i = 0; i < trans.length; i++) tmax = Math.max(tmax, trans[i]);
  let i0 = 0, i1 = trans.length - 1;
  while (i0 < i1 && trans[i0] <= 1e-4 * tmax) i0++;
  while (i1 > i0 && trans[i1] <= 1e-4 * tmax) i1--;
  const lo = wave[Math.max(0, i0 - 1)], hi = wave[Math.min(wave.length - 1, i1 + 1)];
  const step = Math.min(10, Math.max(2, (hi - lo) / 1500));
  const n = Math.max(3, Math.ceil((hi - lo) / step) + 1);
  const lambda = new Float64Array(n), weight = new Float64Array(n);
  let j = 0, norm = 0;
  for (let k = 0; k < n; k++) {
    const l = lo + ((hi - lo) * k) / (n - 1);
    while (j < wave.length - 2 && wave[j + 1] < l) j++;
    const t0 = wave[j], t1 = wave[j + 1];
    const u = Math.min(1, Math.max(0, (l - t0) / (t1 - t0)));
    const T = trans[j] * (1 - u) + trans[j + 1] * u;
    const dl = ((hi - lo) / (n - 1)) * (k === 0 || k === n - 1 ? 0.5 : 1);
    lambda[k] = l;
    weight[k] = (T * dl) / l;
    norm += weight[k];
  }
  for (let k = 0; k < n; k++) weight[k] /= norm;
  const res = { lambda, weight };
  weightCache.set(filter, res);
  return res;
}

/**
 * Photon-weighted mean flux density in the band (nJy if the SED is in nJy):
 * ⟨f_ν⟩ = ∫ f_ν(λ) T(λ) dλ/λ / ∫ T(λ) dλ/λ  (astro-reference §E.3). `sed` takes observed Å.
 */
export function bandFluxNJy(filter: Filter, sed: (lambdaA: number) => number): number {
  const { lambda, weight } = filterWeights(filter);
  let s = 0;
  for (let k = 0; k < lambda.length; k++) {
    const w = weight[k];
    if (w !== 0) s += w * sed(lambda[k]);
  }
  return s;
}
