// Whitler+25 JADES candidates through the LF with a completeness model from stated JADES depths/areas.
// `node --import tsx libs/lumfunc/bench/whitler.bench.ts` prints binned φ at z 8.5–9.5 and 9.5–10.5 vs
// Donnan+24 and Finkelstein+24 (CoReCon 'Finkelstein et al. 2023' = arXiv:2311.04279).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCsv } from '@asteris/core';
import { Cosmology } from '@asteris/astro';
import { binnedLF, readCoreconPoints, selectPoints, candidatesFromTable, logisticCompleteness } from '../src/index.ts';

const CSV = fileURLToPath(new URL('../test/data/whitler2025_candidates.csv', import.meta.url));
const { header, rows } = parseCsv(readFileSync(CSV, 'utf8'), { file: CSV });
const col = (n: string) => header.indexOf(n);
const rows2 = rows.map((r) => [r[col('ID')], r[col('zspec')] !== '' ? r[col('zspec')] : r[col('zphot')], r[col('f_F277W')], r[col('beta')]]);
const skipped: Array<{ row: number; reason: string }> = [];
const cands = candidatesFromTable(['id', 'z', 'flux_F277W', 'beta'], rows2, CSV, { skipInvalid: true, skipped });
const tiers = JSON.parse(process.argv[2] ?? '[{"area":45,"m50":30.0,"w":0.3},{"area":175,"m50":29.3,"w":0.3}]');
const comp = tiers.map((t: { area: number; m50: number; w: number }) => logisticCompleteness({ zEdges: [8, 16], mEdges: Array.from({ length: 33 }, (_, i) => 25 + 0.2 * i), m50: t.m50, width: t.w, areaArcmin2: t.area }));
const all = readCoreconPoints();
const cosmo = new Cosmology();
for (const [zLo, zHi, zp] of [[8.5, 9.5, 9], [9.5, 10.5, 10]]) {
  const bins = binnedLF(cands, comp, { zLo, zHi, mEdges: [-22, -21, -20.5, -20, -19.5, -19, -18.5, -18, -17.5], cosmo });
  for (const b of bins) {
    const refs = ['Donnan et al. 2024', 'Finkelstein et al. 2023'].map((s) => {
      const p = selectPoints(all, s, zp === 10 && s.startsWith('F') ? 9 : zp).find((q) => Math.abs(q.M - b.M) <= 0.26 && !q.upperLimit);
      if (!p || !(b.phi > 0)) return `${s.slice(0, 4)}: –`;
      const d = Math.log10(b.phi) - p.logPhi;
      const ours = d > 0 ? Math.log10(b.phi / Math.max(1e-30, b.phi - b.errLo)) : Math.log10((b.phi + b.errUp) / b.phi);
      const sig = Math.hypot(ours, d > 0 ? p.errDown : p.errUp);
      return `${s.slice(0, 4)}@${p.M}: Δ=${d.toFixed(2)} (${(d / sig).toFixed(1)}σ)`;
    });
    console.log(`z ${zLo}-${zHi} M ${b.M} n=${b.nRaw} log φ=${b.phi > 0 ? Math.log10(b.phi).toFixed(2) : 'UL'} Veff=${b.veff.toFixed(0)} | ${refs.join(' | ')}`);
  }
}
console.log(`skipped ${skipped.length}: ${skipped.map((s) => s.reason).join('; ')}`);
