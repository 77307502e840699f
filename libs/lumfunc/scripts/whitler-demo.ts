// Example run of the LF stage on real candidates: Whitler+25 JADES z ≳ 9 (test/data/whitler2025_candidates.csv).
// ASSUMPTIONS (the paper's per-field areas and completeness were not available here): A = 125 arcmin² and a
// logistic completeness in F277W with m50 = 29.8, width 0.3 mag. The figure is illustrative, not a reproduction.
//   node --import tsx libs/lumfunc/scripts/whitler-demo.ts OUTDIR
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { absoluteMagnitudeUV } from '@asteris/astro';
import { parseCsv, toCsv } from '@asteris/core';
import { logisticCompleteness, runLuminosityFunction, writeLfProducts } from '../src/index.ts';

const out = process.argv[2] ?? 'out/lf-whitler';
mkdirSync(out, { recursive: true });
const csv = fileURLToPath(new URL('../test/data/whitler2025_candidates.csv', import.meta.url));
const { header, rows } = parseCsv(readFileSync(csv, 'utf8'), { file: csv });
const col = (n: string) => header.indexOf(n);
const cands = rows.flatMap((r) => {
  const z = r[col('zspec')] !== '' ? Number(r[col('zspec')]) : r[col('zphot')] !== '' ? Number(r[col('zphot')]) : NaN;
  if (!(z > 0)) return [];
  const beta = r[col('beta')] !== '' ? Number(r[col('beta')]) : -2;
  return [{ id: r[col('ID')], z, M_UV: absoluteMagnitudeUV(31.4 - 2.5 * Math.log10(Number(r[col('f_F277W')])), z, { pivotA: 27860, beta }) }];
});
writeFileSync(join(out, 'candidates.csv'), toCsv(['id', 'z', 'M_UV'], cands.map((c) => [c.id, c.z, c.M_UV])));
const comp = logisticCompleteness({
  zEdges: [8.5, 9.5, 10.5, 11.5, 12.5, 13.5, 14.5, 16], mEdges: Array.from({ length: 41 }, (_, i) => 26 + i * 0.125),
  m50: 29.8, width: 0.3, areaArcmin2: 125,
});
comp.preset = 'ASSUMED: logistic F277W m50 = 29.8, 125 arcmin²';
comp.band = 'F277W';
writeFileSync(join(out, 'completeness.json'), JSON.stringify(comp, null, 1));
const res = runLuminosityFunction(cands, comp, {
  zBins: [[8.5, 12], [12, 16]], mEdges: [-22.5, -21.5, -21, -20.5, -20, -19.5, -19, -18.5, -18, -17.5, -17], fixed: { dpl: { beta: -4 } }, seed: 1,
});
for (const zb of res.zBins) {
  for (const f of zb.fits) {
    const p = f.posterior;
    console.log(`${zb.label} N=${zb.nCandidates} ${f.model}: α = ${p.alpha.median.toFixed(2)} (+${(p.alpha.hi - p.alpha.median).toFixed(2)}/−${(p.alpha.median - p.alpha.lo).toFixed(2)}), M* = ${p.MStar.median.toFixed(2)}, log ρ_UV(<−17) = ${f.logRhoUV17.median.toFixed(2)} (+${(f.logRhoUV17.hi - f.logRhoUV17.median).toFixed(2)}/−${(f.logRhoUV17.median - f.logRhoUV17.lo).toFixed(2)}), acc ${f.diagnostics.acceptanceFraction.toFixed(2)}, τ max ${Math.max(...Object.values(f.diagnostics.tau)).toFixed(0)}`);
  }
}
writeLfProducts(res, comp, out);
