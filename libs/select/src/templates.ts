// Photo-z template set built from the @asteris/astro SED recipes (docs/astro.md says where each
// recipe comes from) and their band fluxes precomputed on the redshift grid with Inoue+14 IGM.
import {
  defaultCosmology, loadFilter, lymanBreakSed, strongLineSed, balmerBreakSed, dustySed, brownDwarfSed, igmTransmission,
  type Sed, type Filter,
} from '@asteris/astro';

export type TemplateFamily = 'star-forming' | 'strong-line' | 'balmer-break' | 'dusty' | 'brown-dwarf';
export interface Template { name: string; family: TemplateFamily; rest: Sed }

/**
 * Galaxy templates (non-negative combinations are fitted, as in EAZY, Brammer+08):
 * young star-forming continua with β = −2.7 … −1.0 (astro-reference §E.1), strong [OIII]+Hβ/Hα
 * emitters (EW 1000 and 3000 Å, §C.4), Balmer-break post-starburst and quiescent (§E.4), dusty
 * (Calzetti A_V = 2 and 4).
 */
export function galaxyTemplates(): Template[] {
  return [
    { name: 'sf_beta-2.7', family: 'star-forming', rest: lymanBreakSed({ beta: -2.7 }) },
    { name: 'sf_beta-2.2', family: 'star-forming', rest: lymanBreakSed({ beta: -2.2 }) },
    { name: 'sf_beta-1.6', family: 'star-forming', rest: lymanBreakSed({ beta: -1.6 }) },
    { name: 'sf_beta-1.0', family: 'star-forming', rest: lymanBreakSed({ beta: -1.0 }) },
    { name: 'line_oiii1000', family: 'strong-line', rest: strongLineSed({ beta: -2.2, oiiiHbEwA: 1000, haEwA: 600 }) },
    { name: 'line_oiii3000', family: 'strong-line', rest: strongLineSed({ beta: -2.3, oiiiHbEwA: 3000, haEwA: 1500 }) },
    { name: 'balmer_psb', family: 'balmer-break', rest: balmerBreakSed({ breakRatio: 1.8, uvBeta: 0, optBeta: -1.5 }) },
    { name: 'balmer_quiescent', family: 'balmer-break', rest: balmerBreakSed({ breakRatio: 3, uvBeta: 1.5, optBeta: -1 }) },
    { name: 'dusty_av2', family: 'dusty', rest: dustySed({ av: 2 }) },
    { name: 'dusty_av4', family: 'dusty', rest: dustySed({ av: 4 }) },
  ];
}

/** Brown-dwarf templates (z = 0, fitted one at a time): L, T, Y recipes of @asteris/astro. */
export function brownDwarfTemplates(): Template[] {
  return (['L', 'T', 'Y'] as const).map((t) => ({ name: `bd_${t}`, family: 'brown-dwarf' as const, rest: brownDwarfSed(t) }));
}

/** Redshift grid z = 0 … zMax, uniform in ln(1+z) with step dlnz (default 0.01 → 305 points to 20). */
export function redshiftGrid(zMax = 20, dlnz = 0.01): Float64Array {
  const n = Math.floor(Math.log(1 + zMax) / dlnz) + 1;
  const out = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) out[i] = Math.exp(i * dlnz) - 1;
  out[n] = zMax;
  return out.filter((v, i) => i === 0 || v > out[i - 1]);
}

/** Coarse photon-weighting grid for one filter (≈ nPts samples over the T > 1e-3·max support). */
export function coarseWeights(f: Filter, nPts = 240): { lambda: Float64Array; weight: Float64Array } {
  let tmax = 0;
  for (const t of f.trans) tmax = Math.max(tmax, t);
  let i0 = 0, i1 = f.trans.length - 1;
  while (i0 < i1 && f.trans[i0] <= 1e-3 * tmax) i0++;
  while (i1 > i0 && f.trans[i1] <= 1e-3 * tmax) i1--;
  const lo = f.wave[Math.max(0, i0 - 1)], hi = f.wave[Math.min(f.wave.length - 1, i1 + 1)];
  const lambda = new Float64Array(nPts), weight = new Float64Array(nPts);
  let j = 0, norm = 0;
  for (let k = 0; k < nPts; k++) {
    const l = lo + ((hi - lo) * k) / (nPts - 1);
    while (j < f.wave.length - 2 && f.wave[j + 1] < l) j++;
    const u = Math.min(1, Math.max(0, (l - f.wave[j]) / (f.wave[j + 1] - f.wave[j])));
    const T = f.trans[j] * (1 - u) + f.trans[j + 1] * u;
    lambda[k] = l;
    weight[k] = ((k === 0 || k === nPts - 1 ? 0.5 : 1) * T) / l;
    norm += weight[k];
  }
  for (let k = 0; k < nPts; k++) weight[k] /= norm;
  return { lambda, weight };
}

/** Precomputed template band fluxes: flux[(iz * nTemplates + it) * nBands + ib]. */
export interface TemplateGrid {
  bands: string[];
  z: Float64Array;
  templates: Template[];
  flux: Float64Array;
  /** rest-frame 1500 Å f_ν of each (z, template) in the units of `flux` (same normalisation): [iz * nTemplates + it] */
  uv1500: Float64Array;
  /** per grid z (0 where z = 0): distance modulus and ln dV_C/dz/dΩ (default cosmology), for the luminosity prior */
  dm: Float64Array; lnDVdz: Float64Array;
  bd: Template[];
  bdFlux: Float64Array;     // [it * nBands + ib], z = 0
}

const gridCache = new Map<string, TemplateGrid>();

/**
 * Band fluxes of every template at every grid redshift (Inoue+14 IGM), normalised per (z, template)
 * to unit mean over bands (conditioning only; χ² is scale-free). Cached per band list.
 */
export function templateGrid(bands: string[], opts: { zMax?: number; dlnz?: number } = {}): TemplateGrid {
  const key = `${bands.join(',')}|${opts.zMax ?? 20}|${opts.dlnz ?? 0.01}`;
  const hit = gridCache.get(key);
  if (hit) return hit;
  const z = redshiftGrid(opts.zMax ?? 20, opts.dlnz ?? 0.01);
  const templates = galaxyTemplates();
  const nb = bands.length, nt = templates.length;
  const w = bands.map((b) => coarseWeights(loadFilter(b)));
  const flux = new Float64Array(z.length * nt * nb);
  const uv1500 = new Float64Array(z.length * nt);
  // rest-frame templates tabulated once on a log-λ grid (Δlnλ = 5e-4, 150 Å – 6 µm), then
  // linearly interpolated: ~50× faster than evaluating the recipes at every (band, z, λ)
  const L0 = Math.log(150), DL = 5e-4, NL = Math.ceil((Math.log(60000) - L0) / DL) + 2;
  const tab = templates.map((t) => {
    const a = new Float64Array(NL);
    for (let i = 0; i < NL; i++) a[i] = t.rest(Math.exp(L0 + i * DL));
    return a;
  });
  const igm = new Float64Array(400), idx = new Int32Array(400), frac = new Float64Array(400);
  for (let iz = 0; iz < z.length; iz++) {
    const lz = Math.log(1 + z[iz]);
    for (let ib = 0; ib < nb; ib++) {
      const { lambda, weight } = w[ib];
      for (let k = 0; k < lambda.length; k++) {
        igm[k] = weight[k] * igmTransmission(lambda[k], z[iz]);
        const u = (Math.log(lambda[k]) - lz - L0) / DL;
        const i = Math.min(NL - 2, Math.max(0, Math.floor(u)));
        idx[k] = i; frac[k] = Math.min(1, Math.max(0, u - i));
      }
      for (let it = 0; it < nt; it++) {
        const a = tab[it];
        let s = 0;
        for (let k = 0; k < lambda.length; k++) {
          if (igm[k] > 0) s += igm[k] * (a[idx[k]] * (1 - frac[k]) + a[idx[k] + 1] * frac[k]);
        }
        flux[(iz * nt + it) * nb + ib] = s;
      }
    }
    for (let it = 0; it < nt; it++) {
      let m = 0;
      for (let ib = 0; ib < nb; ib++) m += Math.abs(flux[(iz * nt + it) * nb + ib]);
      m /= nb;
      if (m > 0) for (let ib = 0; ib < nb; ib++) flux[(iz * nt + it) * nb + ib] /= m;
      if (m > 0) uv1500[iz * nt + it] = templates[it].rest(1500) / m;
    }
  }
  const bd = brownDwarfTemplates();
  const bdFlux = new Float64Array(bd.length * nb);
  for (let it = 0; it < bd.length; it++) {
    for (let ib = 0; ib < nb; ib++) {
      const { lambda, weight } = w[ib];
      let s = 0;
      for (let k = 0; k < lambda.length; k++) s += weight[k] * bd[it].rest(lambda[k]);
      bdFlux[it * nb + ib] = s;
    }
  }
  const cosmo = defaultCosmology();
  const dm = z.map((v) => (v > 0 ? cosmo.distanceModulus(v) : 0));
  const lnDVdz = z.map((v) => (v > 0 ? Math.log(cosmo.differentialComovingVolume(v)) : 0));
  const g = { bands: [...bands], z, templates, flux, uv1500, dm, lnDVdz, bd, bdFlux };
  gridCache.set(key, g);
  return g;
}
