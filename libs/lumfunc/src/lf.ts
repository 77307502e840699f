// The LF stage: candidates + completeness → binned φ per z bin, Schechter/DPL posteriors, ρ_UV, products.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Cosmology } from '@asteris/astro';
import { type LfBin, type LfCandidate, binnedLF } from './binned.ts';
import type { CompletenessProduct } from './completeness.ts';
import { type Completeness, asFields, totalArea } from './veff.ts';
import { type PublishedPoint, readCoreconPoints } from './corecon.ts';
import { toCsv, writeFileAtomic } from '@asteris/core';
import { type LfFitResult, type LfModel, type ParamName, countsData, fitLF } from './fit.ts';
import { cornerSvg, completenessMapSvg, completenessSvg, lfFigureSvg, svgToPng } from './plot.ts';
import { binEffectiveVolume } from './veff.ts';
import { halfPoint, transferMatrix } from './transfer.ts';

export interface LfRunOptions {
  /** Redshift bins [zLo, zHi); default 8.5–9.5, 9.5–10.5, 10.5–12, 12–16 clipped to the completeness z range. */
  zBins?: Array<[number, number]>;
  /** Magnitude bin edges for the binned φ (default −23 … −16 in 0.5 mag). */
  mEdges?: number[];
  /** Fine bin width for the likelihood, mag (default 0.1). */
  fineDM?: number;
  models?: LfModel[];
  /** Fixed parameters per model, e.g. { dpl: { beta: -4 } }. */
  fixed?: Partial<Record<LfModel, Partial<Record<ParamName, number>>>>;
  priors?: Partial<Record<ParamName, [number, number]>>;
  cosmicVariance?: number;
  cosmology?: { H0: number; Om: number };
  seed?: number;
  nWalkers?: number;
  nSteps?: number;
  /** Minimum effective number of candidates (Σw)²/Σw² in a z bin to attempt fits (default 5). */
  minForFit?: number;
  /** The completeness is an assumption (C = 1), not a measurement: recorded as a warning in every product. */
  assumeComplete?: boolean;
  /**
   * Forward-model magnitude migration in the fits with the completeness products' `transfer` (transfer.ts;
   * default true; fields without a transfer enter unmigrated). The binned φ are N / V̄_eff either way.
   */
  migration?: boolean;
  /**
   * Fit only magnitudes where V̄_eff(M) ≥ minCompleteness × its maximum in the z bin (default 0.2): fainter, the
   * expected counts are φ × the completeness model's tail — an extrapolation a steep faint end amplifies.
   */
  minCompleteness?: number;
}

export interface LfZBinResult {
  zLo: number;
  zHi: number;
  label: string;
  /** Σ weights of the candidates in the z bin (= their number when unweighted). */
  nCandidates: number;
  /** Number of candidates in the z bin. */
  nRaw?: number;
  bins: LfBin[];
  fits: LfFitResult[];
  /** Why no fit was made in this z bin (null when fits were attempted). */
  fitSkipped: string | null;
  /** How the fits treated magnitude migration (M_obs − M_true of selected galaxies), null when no fit was made. */
  migration?: string | null;
  /** M_UV range of the fits' likelihood [bright, faint] (faint end set by minCompleteness), null when no fit was made. */
  fitRange?: [number, number] | null;
}

export interface LfResult {
  version: 1;
  cosmology: { H0: number; Om: number };
  areaArcmin2: number;
  completenessPreset?: string;
  zBins: LfZBinResult[];
  priors: string;
  /** Caveats that travel with the result (assumed completeness, fits at prior bounds, skipped fits). */
  warnings: string[];
}

export const DEFAULT_Z_BINS: Array<[number, number]> = [[8.5, 9.5], [9.5, 10.5], [10.5, 12], [12, 16]];

export function defaultMagnitudeEdges(Mbright = -23, Mfaint = -16, dM = 0.5): number[] {
  const e: number[] = [];
  for (let M = Mbright; M <= Mfaint + 1e-9; M += dM) e.push(Math.round(M * 1000) / 1000);
  return e;
}

export function runLuminosityFunction(cands: LfCandidate[], comp: Completeness, opts: LfRunOptions = {}): LfResult {
  const fields = asFields(comp);
  if (fields.length === 0) throw new RangeError('runLuminosityFunction: need at least one completeness product');
  const cosmoP = opts.cosmology ?? fields[0].cosmology ?? { H0: 70, Om: 0.3 };
  const cosmo = new Cosmology(cosmoP);
  const zMin = Math.min(...fields.map((c) => c.zEdges[0]));
  const zMax = Math.max(...fields.map((c) => c.zEdges[c.zEdges.length - 1]));
  const zBins = (opts.zBins ?? DEFAULT_Z_BINS)
    .map(([a, b]) => [Math.max(a, zMin), Math.min(b, zMax)] as [number, number])
    .filter(([a, b]) => b - a > 1e-6);
  const mEdges = opts.mEdges ?? defaultMagnitudeEdges();
  const models = opts.models ?? ['schechter', 'dpl'];
  const out: LfZBinResult[] = [];
  zBins.forEach(([zLo, zHi], k) => {
    const inBin = cands.filter((c) => c.z >= zLo && c.z < zHi);
    const nCand = inBin.reduce((s, c) => s + (c.weight ?? 1), 0);
    const bins = binnedLF(inBin, comp, { zLo, zHi, mEdges, cosmo, cosmicVariance: opts.cosmicVariance });
    const fits: LfFitResult[] = [];
    const minFit = opts.minForFit ?? 5;
    let fitSkipped: string | null = null;
    let migration: string | null = null;
    let fitRange: [number, number] | null = null;
    // the effective number of candidates (Σw)²/Σw² (Kish): the raw count for equal weights (an oversampled
    // simulated field), fewer for unequal ones (p(z) weights) — the counts the fit's likelihood sees (fit.ts)
    const sw2 = inBin.reduce((s, c) => s + (c.weight ?? 1) ** 2, 0);
    const nEff = sw2 > 0 ? (nCand * nCand) / sw2 : 0;
    if (nEff < minFit - 1e-9) fitSkipped = `no fit: ${+nEff.toFixed(2)} effective candidates (N = ${inBin.length}) < ${minFit} in ${zLo} ≤ z < ${zHi}`;
    else {
      const withT = fields.filter((f) => f.transfer).length;
      const migrate = opts.migration !== false && withT > 0;
      migration = !migrate
        ? (withT > 0 ? 'not modelled (migration: false)' : 'not modelled: the completeness has no transfer (M_obs − M_true of selected injections)')
        : `forward-modelled with the transfer of ${withT} of ${fields.length} field(s) (${fields.reduce((s, f) => s + (f.transfer?.dM.flat().length ?? 0), 0)} selected injections in their z bin, ${fields.reduce((s, f) => s + (f.transfer?.lost ?? []).reduce((a, b) => a + b, 0), 0)} lost to another)`;
      const Mfaint = fitFaintLimit(comp, mEdges[0], mEdges[mEdges.length - 1], zLo, zHi, cosmo, opts.minCompleteness ?? 0.2, opts.fineDM ?? 0.1);
      fitRange = [mEdges[0], Mfaint];
      const data = countsData(inBin, (a, b) => binEffectiveVolume(comp, a, b, zLo, zHi, cosmo, 2), {
        zLo, zHi, Mbright: mEdges[0], Mfaint, dM: opts.fineDM ?? 0.1,
        ...(migrate ? { migration: { w: (te: number[], oe: number[]) => migrationVolumes(fields, te, oe, zLo, zHi, cosmo) } } : {}),
      });
      for (const model of models) {
        fits.push(fitLF(data, model, {
          fixed: opts.fixed?.[model], priors: opts.priors, seed: (opts.seed ?? 1) + 1000 * k + (model === 'dpl' ? 1 : 0),
          nWalkers: opts.nWalkers, nSteps: opts.nSteps,
        }));
      }
    }
    out.push({ zLo, zHi, label: `${zLo} ≤ z < ${zHi}`, nCandidates: nCand, nRaw: inBin.length, bins, fits, fitSkipped, migration, fitRange });
  });
  const warnings: string[] = [];
  if (opts.assumeComplete) warnings.push('completeness ASSUMED to be 1 (--assume-complete): φ is a lower limit wherever the survey is incomplete');
  for (const zb of out) {
    if (zb.fitSkipped) warnings.push(`${zb.label}: ${zb.fitSkipped}`);
    for (const f of zb.fits) {
      for (const b of f.diagnostics.atPriorBound) warnings.push(`${zb.label}: ${f.model} ${b.param} at its prior ${b.bound} bound ${b.value} (not constrained by the data)`);
      if (f.diagnostics.status === 'not-converged') warnings.push(`${zb.label}: ${f.model} chain not converged`);
      const pd = f.diagnostics.priorDominated ?? [];
      if (pd.length) {
        const pr = f.logRhoUV17Profile;
        warnings.push(`${zb.label}: ${f.model} ${pd.join(', ')} set by the prior more than by the data (68 % interval over half the prior's range): the posterior ρ_UV interval carries the prior's volume${pr ? `; profile likelihood ρ_UV(<−17) ${pr.lo.toFixed(2)}–${pr.hi.toFixed(2)}` : ''}${pd.includes('beta') ? '; consider fixing β (--fix-beta)' : ''}`);
      }
    }
  }
  return {
    version: 1,
    cosmology: cosmoP,
    areaArcmin2: totalArea(comp),
    completenessPreset: fields.map((c) => c.preset ?? '').join(' + ') || undefined,
    zBins: out,
    priors: 'uniform: log10 φ* ∈ [−7, −2], M* ∈ [−23, −17], α ∈ [−3.5, −1], β ∈ [−6, −2.5] (astro-reference §D.4) unless overridden',
    warnings,
  };
}

/**
 * The faint end of the fit range: the faintest M (on the fine grid from Mbright) with V̄_eff ≥ frac × the largest V̄_eff
 * brighter than Mfaint. Fainter magnitudes rest on the completeness model's tail, which injections constrain
 * least (issue 15 closure, seed 4: the logistic tail predicted ≈ 20 selected z > 8.5 galaxies fainter than
 * M_UV = −18.5 where the truth had 5; docs/census-real.md).
 */
export function fitFaintLimit(comp: Completeness, Mbright: number, Mfaint: number, zLo: number, zHi: number, cosmo: Cosmology, frac: number, dM: number): number {
  if (!(frac > 0)) return Mfaint;
  const nb = Math.max(1, Math.round((Mfaint - Mbright) / dM));
  const v = Array.from({ length: nb }, (_, j) => binEffectiveVolume(comp, Mbright + (j * (Mfaint - Mbright)) / nb, Mbright + ((j + 1) * (Mfaint - Mbright)) / nb, zLo, zHi, cosmo, 2));
  const vmax = Math.max(...v);
  if (!(vmax > 0)) return Mfaint;
  let last = 0;
  v.forEach((x, j) => { if (x >= frac * vmax) last = j; });
  return Mbright + ((last + 1) * (Mfaint - Mbright)) / nb;
}

/**
 * W_ij = Σ_fields Σ_z-slices V̄_eff,i · T(i → j) (transfer.ts): the volume that carries true bin i into observed bin j.
 * The z bin is cut into slices ≤ 0.5 wide, each with the completeness half point at its centre; a field
 * without a transfer carries each true bin into the same observed bin.
 */
export function migrationVolumes(fields: readonly CompletenessProduct[], trueEdges: number[], obsEdges: number[], zLo: number, zHi: number, cosmo: Cosmology): number[][] {
  const nT = trueEdges.length - 1, nO = obsEdges.length - 1;
  const w = Array.from({ length: nT }, () => new Array<number>(nO).fill(0));
  const nSlice = Math.max(1, Math.ceil((zHi - zLo) / 0.5 - 1e-9));
  for (const f of fields) {
    for (let s = 0; s < nSlice; s++) {
      const z1 = zLo + (s * (zHi - zLo)) / nSlice, z2 = zLo + ((s + 1) * (zHi - zLo)) / nSlice;
      const v = trueEdges.slice(0, -1).map((a, i) => binEffectiveVolume(f, a, trueEdges[i + 1], z1, z2, cosmo, 2));
      const half = f.transfer ? halfPoint(f, 0.5 * (z1 + z2), cosmo) : NaN;
      if (f.transfer && Number.isFinite(half)) {
        const t = transferMatrix(f.transfer, trueEdges, obsEdges, half);
        for (let i = 0; i < nT; i++) if (v[i] > 0) for (let j = 0; j < nO; j++) w[i][j] += v[i] * t[i][j];
      } else {
        for (let i = 0; i < Math.min(nT, nO); i++) w[i][i] += v[i];
      }
    }
  }
  return w;
}

/** "N = n" (objects), with the weighted count when the candidates carry weights (an oversampled simulated field, p(z)). */
function panelCount(zb: LfZBinResult): string {
  const raw = zb.nRaw ?? zb.nCandidates;
  return Math.abs(raw - zb.nCandidates) < 1e-9 ? `N = ${raw}` : `N = ${raw}, weighted ${+zb.nCandidates.toPrecision(2)}`;
}

/** JWST sources plotted by default under our points. */
export const DEFAULT_PUBLISHED_SOURCES = [
  'Donnan et al. 2024', 'McLeod et al. 2024', 'Finkelstein et al. 2023', 'Harikane et al. 2023', 'Perez-Gonzalez et al. 2023',
];

/** Published points to draw in a z bin: listed sources whose z lies in [zLo − 0.5, zHi + 0.5) and closest to the bin centre. */
export function publishedForBin(all: PublishedPoint[], zLo: number, zHi: number, sources = DEFAULT_PUBLISHED_SOURCES): PublishedPoint[] {
  const zc = 0.5 * (zLo + zHi);
  const out: PublishedPoint[] = [];
  for (const src of sources) {
    const cand = all.filter((p) => p.source === src && p.z >= zLo - 0.25 && p.z < zHi + 0.25);
    if (cand.length === 0) continue;
    const zs = [...new Set(cand.map((p) => p.z))].sort((a, b) => Math.abs(a - zc) - Math.abs(b - zc));
    out.push(...cand.filter((p) => p.z === zs[0]));
  }
  return out;
}

/** Compact JSON form of the result (samples dropped; posterior summaries kept). */
export function resultToJson(res: LfResult): unknown {
  return {
    ...res,
    zBins: res.zBins.map((b) => ({
      ...b,
      fits: b.fits.map(({ samples: _s, ...f }) => f),
    })),
  };
}

export function resultToCsv(res: LfResult): string {
  const rows: unknown[][] = [];
  for (const zb of res.zBins) {
    for (const b of zb.bins) {
      rows.push([zb.zLo, zb.zHi, b.M, b.Mlo, b.Mhi, b.n, b.nRaw, b.veff, b.phi, b.errUp, b.errLo, b.upperLimit, b.phiUpper,
        b.phi > 0 ? Math.log10(b.phi) : '', b.upperLimit ? Math.log10(b.phiUpper) : '']);
    }
  }
  return toCsv(['z_lo', 'z_hi', 'M_UV', 'M_lo', 'M_hi', 'n', 'n_raw', 'veff_mpc3', 'phi', 'phi_err_up', 'phi_err_lo', 'upper_limit', 'phi_upper_1sigma', 'log10_phi', 'log10_phi_upper'], rows);
}

/** Writes lf.json, lf.csv, lf.svg/png, corner_<z>_<model>.svg/png and completeness.svg/png into outDir. */
export function writeLfProducts(res: LfResult, comp: Completeness, outDir: string, opts: { png?: boolean; published?: PublishedPoint[] } = {}): string[] {
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  const put = (name: string, data: string | Buffer) => {
    const p = join(outDir, name);
    writeFileAtomic(p, data);
    written.push(p);
  };
  const png = opts.png ?? true;
  put('lf.json', JSON.stringify(resultToJson(res), null, 2) + '\n');
  put('lf.csv', resultToCsv(res));
  const pub = opts.published ?? readCoreconPoints();
  const svg = lfFigureSvg(res.zBins.map((zb) => ({
    label: `${zb.zLo} ≤ z < ${zb.zHi}  (${panelCount(zb)})`, zLo: zb.zLo, zHi: zb.zHi, bins: zb.bins, fits: zb.fits,
    published: publishedForBin(pub, zb.zLo, zb.zHi), fitRange: zb.fitRange ?? null,
  })), {
    title: `UV luminosity function (${res.areaArcmin2.toFixed(1)} arcmin²)`,
    warning: res.warnings.some((w) => w.startsWith('completeness ASSUMED')) ? 'WARNING: completeness assumed = 1 (not measured); φ are lower limits' : undefined,
  });
  put('lf.svg', svg);
  if (png) put('lf.png', svgToPng(svg));
  for (const zb of res.zBins) {
    for (const f of zb.fits) {
      const name = `corner_z${zb.zLo}-${zb.zHi}_${f.model}`;
      const fixedTxt = Object.entries(f.fixed).map(([k, v]) => `${k === 'beta' ? 'β' : k === 'alpha' ? 'α' : k === 'MStar' ? 'M*' : k} = ${v} fixed`).join(', ');
      const c = cornerSvg(f, `${f.model === 'dpl' ? 'Double power law' : 'Schechter'}, ${zb.zLo} ≤ z < ${zb.zHi}${fixedTxt ? ` (${fixedTxt})` : ''}`);
      put(`${name}.svg`, c);
      if (png) put(`${name}.png`, svgToPng(c));
    }
  }
  const fields = asFields(comp);
  fields.forEach((c: CompletenessProduct, k: number) => {
    const name = fields.length === 1 ? 'completeness' : `completeness_${k + 1}`;
    const cs = completenessSvg(c, { title: `Completeness (${c.preset ?? 'injection–recovery'}, ${c.areaArcmin2} arcmin²)` });
    put(`${name}.svg`, cs);
    if (png) put(`${name}.png`, svgToPng(cs));
    const map = completenessMapSvg(c, { title: `Completeness map (${c.preset ?? 'injection–recovery'})` });
    put(`${name}_map.svg`, map);
    if (png) put(`${name}_map.png`, svgToPng(map));
  });
  return written;
}
