// Prints the figures quoted in docs/photometry.md:
//   node --import tsx libs/photometry/bench/figures.ts
// (1) aperture corrections vs the ETC table and galfind, (2) PRIMER-UDS noise calibration and timing.
import { readFileSync } from 'node:fs';
import { eeFromTable, eeModel, forcedPhotometry, loadEeTable, matchingKernel, convolveImage, cropPsf, normalisePsf, curveOfGrowth } from '../src/index.ts';
import { DATA, EE_TABLE, mosaicF444wPsf, stpsfAt004 } from '../test/psfdata.ts';
import { loadUds } from '../test/uds.ts';
import { detectionsFromSeg } from '../test/helpers.ts';

const table = loadEeTable(EE_TABLE);
const gal = new Map(readFileSync(`${DATA}galfind_nircam_ee/NIRCam_aper_corr.txt`, 'utf8').split('\n')
  .filter((l) => /^F\d/.test(l)).map((l) => { const p = l.trim().split(/\s+/); return [p[0], p.slice(1).map(Number)] as const; }));
const diams = [0.2, 0.32, 0.5, 1.0, 1.5, 2.0];
console.log('aperture correction (mag) for diameter D: ours | ETC table | galfind');
for (const [band, label, psf] of [['F115W', 'STPSF→0.04″', stpsfAt004('F115W', 51)], ['F444W', 'mosaic PSF', mosaicF444wPsf(0)], ['F444W', 'STPSF→0.04″', stpsfAt004('F444W')]] as const) {
  const m = eeModel({ psf, table, band, pixelScale: 0.04 });
  const cells = [0.2, 0.32, 0.5, 1.0].map((D) => {
    const ours = -2.5 * Math.log10(m.circle(D / 2 / 0.04));
    const etc = -2.5 * Math.log10(eeFromTable(table, band, D / 2));
    return `D=${D}″ ${ours.toFixed(3)} | ${etc.toFixed(3)} | ${gal.get(band)![diams.indexOf(D)].toFixed(3)}`;
  });
  console.log(`${band} (${label}): ${cells.join('   ')}`);
}

const n = stpsfAt004('F115W', 51), b = mosaicF444wPsf(0);
let t = performance.now();
const K = matchingKernel(n, b);
const kt = performance.now() - t;
const conv = convolveImage(Float32Array.from(normalisePsf(cropPsf(n, 101)).data), 101, 101, K);
const bb = normalisePsf(b);
let maxr = 0, peak = 0;
for (let i = 0; i < conv.length; i++) { maxr = Math.max(maxr, Math.abs(conv[i] - bb.data[i])); peak = Math.max(peak, bb.data[i]); }
const radii = [1, 2, 4, 8, 20];
const e1 = curveOfGrowth({ data: Float64Array.from(conv), size: 101 }, radii), e2 = curveOfGrowth(bb, radii);
console.log(`\nF115W→F444W kernel (${K.size}², ${kt.toFixed(0)} ms): max|N⊗K − B|/peak = ${(maxr / peak).toExponential(2)}, max ΔEE = ${Math.max(...e1.map((v, i) => Math.abs(v - e2[i]))).toExponential(2)}`);

const u = loadUds();
const det = detectionsFromSeg(u.f444.data, u.seg, u.f444.width, u.f444.height, u.f444err.data);
t = performance.now();
const cat = forcedPhotometry(det, [
  { name: 'F115W', image: u.f115, err: u.f115err, psf: n },
  { name: 'F444W', image: u.f444, err: u.f444err, psf: b },
], { eeTable: table, pixelScale: 0.04 });
const dt = performance.now() - t;
console.log(`\nPRIMER-UDS 1000×820, ${cat.rows.length} sources (LW segmentation), 2 bands: ${(dt / 1000).toFixed(2)} s`);
for (const bm of (cat.meta as { bands: { name: string; noise: { radii: number[]; factor: number[]; alpha: number; beta: number }; skyPerPixel: number }[] }).bands) {
  const f = [2.5, 4, 6.25, 12.5].map((r) => `r=${r}: ${bm.noise.factor[bm.noise.radii.indexOf(r)].toFixed(2)}`);
  console.log(`  ${bm.name}: f ${f.join(', ')}; power law α=${bm.noise.alpha.toFixed(3)} β=${bm.noise.beta.toFixed(3)}; sky ${bm.skyPerPixel.toFixed(4)} nJy/px`);
}
