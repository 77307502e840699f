// Shared set-up of test/whitler.test.ts and bench/whitler.bench.ts: the Whitler+25 JADES candidates
// (test/data/whitler2025_candidates.csv, from data/external/whitler2025_jades_z9_uvlf) through binnedLF
// with a depth-tier completeness model, compared per published bin with Donnan+24 and Finkelstein+24.
//
// Inputs and why (docs/lumfunc.md § Whitler+25; data/external/whitler2025_jades_z9_uvlf/README.md):
// - Sample: the F115W dropouts (the paper's z ≈ 8.5–12 sample); z = zspec when given, else zphot.
// - M_UV from f_F277W (nJy) and β (K-correction to 1500 Å), then put on the catalogue's MUV scale: the
//   catalogue MUV is rounded to whole magnitudes, so the offset is the median of (ours − MUV) over all
//   rows (0.36 mag: f_F277W is an aperture flux, MUV is total). Measured here, not typed in.
// - Tiers: JADES Deep 45 arcmin² and Medium 175 arcmin² (Eisenstein+23, arXiv:2306.02465). Their 5σ
//   F277W depths are measured from the catalogue's own f_F277W_err (median 1σ of the candidates with
//   err < 0.5 nJy, resp. ≥ 0.5 nJy), on the aperture scale of f_F277W (hence magOffset).
// - C(m) = Φ(S/N(m) − 5) per tier (depthTierCompleteness), optional F115W-dropout z window.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCsv } from '@asteris/core';
import { Cosmology } from '@asteris/astro';
import {
  type DepthTier, type LfBin, type LfCandidate, type PointComparison,
  binnedLF, candidatesFromTable, compareWithPublished, depthTierCompleteness, dropoutWindow, readCoreconPoints, selectPoints,
} from '../src/index.ts';

export const WHITLER_CSV = fileURLToPath(new URL('./data/whitler2025_candidates.csv', import.meta.url));

export interface WhitlerSample {
  rows: string[][];
  header: string[];
  /** F115W dropouts with a valid flux and z, M_UV on the catalogue's scale. */
  cands: Array<LfCandidate & { MUVcat: number }>;
  skipped: Array<{ row: number; reason: string }>;
  magOffset: number;
  tiers: DepthTier[];
}

const median = (v: number[]) => { const s = [...v].sort((a, b) => a - b); const n = s.length; return n % 2 ? s[(n - 1) / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]); };

export function loadWhitler(): WhitlerSample {
  const { header, rows } = parseCsv(readFileSync(WHITLER_CSV, 'utf8'), { file: WHITLER_CSV });
  const col = (n: string) => header.indexOf(n);
  const sample = rows.filter((r) => r[col('Sample')] === 'F115W dropouts');
  const table = sample.map((r) => [r[col('ID')], r[col('zspec')] !== '' ? r[col('zspec')] : r[col('zphot')], r[col('f_F277W')], r[col('beta')], r[col('MUV')]]);
  const skipped: Array<{ row: number; reason: string }> = [];
  const raw = candidatesFromTable(['id', 'z', 'flux_F277W', 'beta', 'muv_catalogue'], table, WHITLER_CSV, { skipInvalid: true, skipped });
  const muvCat = new Map(table.map((r) => [r[0], Number(r[4])]));
  const magOffset = median(raw.map((c) => c.M_UV - muvCat.get(c.id!)!));
  const cands = raw.map((c) => ({ ...c, M_UV: c.M_UV - magOffset, MUVcat: muvCat.get(c.id!)! }));
  const errs = rows.map((r) => Number(r[col('f_F277W_err')])).filter((e) => e > 0);
  const m5 = (sig: number) => 31.4 - 2.5 * Math.log10(5 * sig);
  const tiers: DepthTier[] = [
    { name: 'JADES Deep', areaArcmin2: 45, m5sigma: m5(median(errs.filter((e) => e < 0.5))) },
    { name: 'JADES Medium', areaArcmin2: 175, m5sigma: m5(median(errs.filter((e) => e >= 0.5))) },
  ];
  return { rows, header, cands, skipped, magOffset, tiers };
}

/** The published z bins at z ≈ 9–10: Donnan+24 z = 9 and 10 (8.5–9.5, 9.5–10.5), Finkelstein+24 z ≈ 9 (8.5–9.7, their §3.4). */
export const Z_SLICES: Array<{ zLo: number; zHi: number; source: string; zPub: number }> = [
  { zLo: 8.5, zHi: 9.5, source: 'Donnan et al. 2024', zPub: 9 },
  { zLo: 9.5, zHi: 10.5, source: 'Donnan et al. 2024', zPub: 10 },
  { zLo: 8.5, zHi: 9.7, source: 'Finkelstein et al. 2023', zPub: 9 },
];

/** Bins of width 0.5 mag centred on each published point of the slice (Donnan's −18.55 bin is 0.5 wide too). */
function binsFor(cands: LfCandidate[], comp: ReturnType<typeof depthTierCompleteness>, zLo: number, zHi: number, centres: number[], cosmo: Cosmology): LfBin[] {
  return centres.flatMap((M) => binnedLF(cands, comp, { zLo, zHi, mEdges: [M - 0.25, M + 0.25], cosmo }));
}

export function whitlerComparison(opts: { zWindow?: boolean; minBreak?: number } = {}): WhitlerSample & { comparisons: Array<PointComparison & { zLo: number; zHi: number }> } {
  const s = loadWhitler();
  const cosmo = new Cosmology();
  const comp = depthTierCompleteness(s.tiers, {
    zEdges: Array.from({ length: 41 }, (_, i) => 8 + 0.1 * i),
    mEdges: Array.from({ length: 81 }, (_, i) => 24 + 0.1 * i),
    magOffset: s.magOffset, band: 'F277W', zWindow: opts.zWindow ? dropoutWindow('F115W', opts.minBreak) : undefined,
  });
  const all = readCoreconPoints();
  const comparisons: Array<PointComparison & { zLo: number; zHi: number }> = [];
  for (const sl of Z_SLICES) {
    const pts = selectPoints(all, sl.source, sl.zPub).filter((p) => !p.upperLimit);
    const bins = binsFor(s.cands, comp, sl.zLo, sl.zHi, pts.map((p) => p.M), cosmo);
    for (const c of compareWithPublished(bins, pts)) comparisons.push({ ...c, zLo: sl.zLo, zHi: sl.zHi });
  }
  return { ...s, comparisons };
}
