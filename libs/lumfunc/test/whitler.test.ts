// Whitler+25 JADES z ≳ 9 candidates (data/external/whitler2025_jades_z9_uvlf; CSV conversion committed in
// test/data by scripts/whitler_to_csv.py). M_UV is recomputed from the F277W flux, z (spec-z when present)
// and β, and binned into φ. The paper's per-field areas and completeness were not available to this
// project (docs/lumfunc.md): we use A = 125 arcmin² and C = 1 for M_UV ≤ −19, so the φ comparison
// with the published points is a loose (±0.6 dex) consistency check, not a reproduction.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { absoluteMagnitudeUV } from '@asteris/astro';
import { parseCsv } from '@asteris/core';
import { binnedLF, readCoreconPoints, selectPoints, unitCompleteness } from '../src/index.ts';

const CSV = fileURLToPath(new URL('./data/whitler2025_candidates.csv', import.meta.url));
const { header, rows } = parseCsv(readFileSync(CSV, 'utf8'), { file: CSV });
const col = (n: string) => header.indexOf(n);
const cands = rows.flatMap((r) => {
  const z = r[col('zspec')] !== '' ? Number(r[col('zspec')]) : r[col('zphot')] !== '' ? Number(r[col('zphot')]) : NaN;
  if (!(z > 0)) return [];
  const f = Number(r[col('f_F277W')]);
  const beta = r[col('beta')] !== '' ? Number(r[col('beta')]) : -2;
  const M = absoluteMagnitudeUV(31.4 - 2.5 * Math.log10(f), z, { pivotA: 27860, beta });
  return [{ id: r[col('ID')], z, M_UV: M, MUVcat: Number(r[col('MUV')]), sample: r[col('Sample')] }];
});

describe('Whitler+25 JADES candidates', () => {
  it('has the README sample sizes (372 rows; one without any redshift; 308 F115W dropouts with z)', () => {
    expect(rows.length).toBe(372);
    expect(cands.length).toBe(371);
    expect(cands.filter((c) => c.sample === 'F115W dropouts').length).toBe(308);
  });

  it('M_UV from F277W (β K-correction to 1500 Å) matches the catalogue MUV (rounded to whole mag) within rounding + a small systematic', () => {
    const d = cands.map((c) => c.M_UV - c.MUVcat).sort((a, b) => a - b);
    const q = (f: number) => d[Math.floor(f * (d.length - 1))];
    // The catalogue MUV is rounded to 1 mag (±0.5). Our values are ≈0.4 mag fainter at the median —
    // consistent with f_F277W being an aperture rather than a total flux (see docs/lumfunc.md).
    expect(q(0.5)).toBeGreaterThan(-0.1);
    expect(q(0.5)).toBeLessThan(0.6);
    expect(q(0.05)).toBeGreaterThan(-0.6);
    expect(q(0.95)).toBeLessThan(1.6);
  });

  it('binned φ of the F115W dropouts (z ≈ 8.5–12) is consistent with Donnan+24 at M_UV ≈ −19.75 … −19.25', () => {
    const f115 = cands.filter((c) => c.sample === 'F115W dropouts');
    const bins = binnedLF(f115, unitCompleteness([8.5, 12.1], [-25, -15], 125), {
      zLo: 8.5, zHi: 12.1, mEdges: [-22, -21, -20.5, -20, -19.5, -19, -18.5, -18, -17.5],
    });
    const all = readCoreconPoints();
    for (const M of [-19.75, -19.25]) {
      const ours = bins.find((b) => b.M === M)!;
      expect(ours.n).toBeGreaterThan(5);
      const donnan = [9, 10, 11].map((z) => selectPoints(all, 'Donnan et al. 2024', z).find((p) => p.M === M)!.logPhi);
      const mean = donnan.reduce((a, b) => a + b, 0) / donnan.length;
      expect(Math.abs(Math.log10(ours.phi) - mean)).toBeLessThan(0.6);
    }
    // Gehrels errors: the brightest non-empty bins have n of 1–2 and asymmetric errors
    const bright = bins.find((b) => b.n === 1)!;
    expect(bright.errUp / bright.phi).toBeCloseTo(2.3, 1);
    expect(bright.errLo / bright.phi).toBeCloseTo(0.827, 2);
  });
});
