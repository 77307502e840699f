// Inputs for `asteris lf` on real candidates: Whitler+25 JADES z ≳ 9 (test/data/whitler2025_candidates.csv).
//   node --import tsx libs/lumfunc/scripts/whitler-demo.ts OUTDIR
// writes OUTDIR/candidates.csv (id, z, M_UV on the catalogue's MUV scale; both dropout samples) and one
// completeness product per JADES tier (OUTDIR/completeness-deep.json, -medium.json: areas from
// Eisenstein+23, 5σ depths measured from the catalogue's F277W errors, C = Φ(S/N − 5); see
// test/whitler-setup.ts and docs/lumfunc.md § Whitler+25), then prints the `asteris lf` command.
// The tiers model depth only, not the sample's dropout/photo-z selection: φ at z < 9.5 comes out low.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toCsv } from '@asteris/core';
import { candidatesFromTable, depthTierCompleteness } from '../src/index.ts';
import { loadWhitler } from '../test/whitler-setup.ts';

const out = process.argv[2] ?? 'out/lf-whitler';
mkdirSync(out, { recursive: true });
const s = loadWhitler();
// both samples (F115W and F150W dropouts), on the catalogue's MUV scale (the F115W-measured offset)
const col = (n: string) => s.header.indexOf(n);
const table = s.rows.map((r) => [r[col('ID')], r[col('zspec')] !== '' ? r[col('zspec')] : r[col('zphot')], r[col('f_F277W')], r[col('beta')]]);
const cands = candidatesFromTable(['id', 'z', 'flux_F277W', 'beta'], table, 'whitler2025_candidates.csv', { skipInvalid: true, skipped: [] });
writeFileSync(join(out, 'candidates.csv'), toCsv(['id', 'z', 'M_UV'], cands.map((c) => [c.id!, c.z.toFixed(3), (c.M_UV - s.magOffset).toFixed(3)])));
const comp = depthTierCompleteness(s.tiers, {
  zEdges: Array.from({ length: 17 }, (_, i) => 8 + 0.5 * i), mEdges: Array.from({ length: 81 }, (_, i) => 24 + 0.1 * i),
  magOffset: s.magOffset, band: 'F277W',
});
const files = comp.map((c, i) => {
  const f = join(out, `completeness-${i === 0 ? 'deep' : 'medium'}.json`);
  writeFileSync(f, JSON.stringify(c));
  return f;
});
console.log(`${cands.length} candidates (M_UV shifted by −${s.magOffset.toFixed(3)} mag); tiers ${s.tiers.map((t) => `${t.name} ${t.areaArcmin2} arcmin² @ 5σ ${t.m5sigma.toFixed(2)}`).join(', ')}`);
console.log(`asteris lf ${join(out, 'candidates.csv')} --completeness ${files.join(',')} --out ${join(out, 'lf')} --z-bins 8.5:9.5,9.5:10.5,10.5:12,12:16 --fix-beta -4`);
