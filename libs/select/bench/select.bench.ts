// Selection benchmark / validation report: mock fields with truth → completeness and contamination
// per preset (recipes, posterior-led, and the opt-in luminosity-prior variants) vs magnitude (S/N_det > 8), plus
// photo-z throughput. Prints a markdown table.
//   node --import tsx libs/select/bench/select.bench.ts [--seed 1] [--scale 2] [--interlopers 1]
import { mockCatalogue, mockMetrics, loadPreset, selectCandidates, photozCatalogue, templateGrid, ALL_PRESETS, LPRIOR_PRESETS, catalogueBands } from '../src/index.ts';

const arg = (k: string, d: number) => { const i = process.argv.indexOf(`--${k}`); return i > 0 ? Number(process.argv[i + 1]) : d; };
const seed = arg('seed', 1), scale = arg('scale', 2), inter = arg('interlopers', 1);
const k = scale * inter; // --interlopers multiplies the z < 8 populations only
const counts = { highz: 400 * scale, balmer: 200 * k, dusty: 200 * k, 'strong-line': 200 * k, 'lowz-sf': 150 * k, 'brown-dwarf': 60 * k };
let t0 = performance.now();
const { catalogue, truth } = mockCatalogue({ seed, counts });
const tMock = performance.now() - t0;
t0 = performance.now();
templateGrid(catalogueBands(catalogue).map((b) => b.band));
const tGrid = performance.now() - t0;
t0 = performance.now();
const pz = photozCatalogue(catalogue, { keepPz: true });   // posterior presets integrate P(z) (and P_L(z))
const tPz = performance.now() - t0;
console.log(`mock: ${catalogue.rows.length} objects (seed ${seed}) in ${(tMock / 1000).toFixed(1)} s; template grid ${(tGrid / 1000).toFixed(2)} s; photo-z ${(tPz / catalogue.rows.length).toFixed(2)} ms/object`);
// photo-z accuracy on S/N_det(F277W+F356W+F444W) > 8 objects (galaxies only)
{
  const dz: number[] = []; let cover = 0, nHz = 0, outl = 0, n = 0;
  const byKind: Record<string, [number, number]> = {};
  catalogue.rows.forEach((row, i) => {
    const t = truth[i], p = pz.results[i];
    if (!p || t.kind === 'brown-dwarf') return;
    const bands = ['F277W', 'F356W', 'F444W'];
    let a = 0, b = 0;
    for (const bb of bands) { const f = row[`flux_${bb}`] as number, e = row[`fluxerr_${bb}`] as number; a += f / e ** 2; b += 1 / e ** 2; }
    if (a / Math.sqrt(b) <= 8) return;
    const d = (p.zBest - t.z) / (1 + t.z);
    dz.push(d); n++;
    if (Math.abs(d) > 0.15) outl++;
    const k = (byKind[t.kind] ??= [0, 0]); k[0]++; if (Math.abs(d) > 0.15) k[1]++;
    if (t.kind === 'highz') { nHz++; if (t.z >= p.zLo68 && t.z <= p.zHi68) cover++; }
  });
  const med = (v: number[]) => { const s = [...v].sort((x, y) => x - y); return s[s.length >> 1]; };
  const m0 = med(dz);
  const nmad = 1.4826 * med(dz.map((d) => Math.abs(d - m0)));
  console.log(`photo-z (galaxies, S/N > 8, N = ${n}): σ_NMAD = ${nmad.toFixed(3)}, outliers |Δz|/(1+z) > 0.15: ${(100 * outl / n).toFixed(1)} %; z > 8.5 galaxies: 68 % interval covers the truth for ${(100 * cover / nHz).toFixed(0)} % (N = ${nHz})`);
  console.log('outlier fraction by kind: ' + Object.entries(byKind).map(([k, [a, b]]) => `${k} ${(100 * b / a).toFixed(0)} % (N = ${a})`).join(', '));
}
console.log('\n| preset | N true (S/N>8) | recovered | selected | contaminants | completeness | contamination | z<8 objects | z<8 pass rate | contaminant kinds |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
const perMag: string[] = [];
for (const name of [...ALL_PRESETS, ...LPRIOR_PRESETS]) {
  const t1 = performance.now();
  const res = selectCandidates(catalogue, loadPreset(name), { photoz: pz });
  const ms = performance.now() - t1;
  const m = mockMetrics(res, truth, 8);
  console.log(`| ${name} | ${m.nTrue} | ${m.nRecovered} | ${m.nSelected} | ${m.nContaminants} | ${(100 * m.completeness).toFixed(1)} % | ${(100 * m.contamination).toFixed(1)} % | ${m.nInterlopers} | ${(100 * m.interloperPassRate).toFixed(2)} % | ${JSON.stringify(m.contaminantKinds)} |`);
  perMag.push(`\n${name} (cuts ${(ms / catalogue.rows.length).toFixed(3)} ms/object) — by true reference (F277W) magnitude:\n| mag | N true | completeness | N selected | contamination |\n|---|---|---|---|---|`);
  for (const b of m.byMag) {
    perMag.push(`| ${b.lo}–${b.hi} | ${b.nTrue} | ${b.nTrue ? ((100 * b.nRecovered) / b.nTrue).toFixed(0) + ' %' : '–'} | ${b.nSelected} | ${b.nSelected ? ((100 * b.nContaminants) / b.nSelected).toFixed(0) + ' %' : '–'} |`);
  }
  // completeness by true redshift (S/N_det > 8) in four slices of the window up to the mock's z_max = 17,
  // and the selected objects whose true z lies below / above the window (high-z, not contaminants)
  const [z0, z1] = res.preset.zRange, zTop = Math.min(z1, 17);
  const edges = [0, 1, 2, 3, 4].map((i) => z0 + ((zTop - z0) * i) / 4);
  const byZ = edges.slice(0, -1).map((lo, i) => {
    let nT = 0, nR = 0;
    res.all.forEach((c, j) => {
      const t = truth[j];
      if (t.kind !== 'highz' || !(c.snrDet > 8) || t.z < lo || (i < 3 ? t.z >= edges[i + 1] : t.z > z1)) return;
      nT++; if (c.selected) nR++;
    });
    return `${lo.toFixed(2)}–${(i < 3 ? edges[i + 1] : zTop).toFixed(2)}: ${nT ? ((100 * nR) / nT).toFixed(0) : '–'} % (${nR}/${nT})`;
  });
  let below = 0, above = 0;
  res.all.forEach((c, j) => { const t = truth[j]; if (c.selected && c.snrDet > 8 && t.z >= 8) { if (t.z < z0) below++; else if (t.z > z1) above++; } });
  perMag.push(`completeness by true z: ${byZ.join(', ')}; selected with true z ≥ 8 outside [${z0}, ${z1}]: ${below} below, ${above} above`);
}
console.log(perMag.join('\n'));
