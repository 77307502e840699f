// PSF matching kernels, homogenisation flux conservation, encircled energy vs published NIRCam tables.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  convolveImage, curveOfGrowth, eeFromTable, eeModel, halfLightRadius, loadEeTable, matchingKernel,
  normalisePsf, psfSum, resamplePsf, photometryRng, cropPsf,
} from '../src/index.ts';
import { readFits, type ImageHdu } from '@asteris/fits';
import { DATA, EE_TABLE, UDS, mosaicF444wPsf, stpsfAt004 } from './psfdata.ts';

const F115 = stpsfAt004('F115W', 51);     // STPSF F115W rebinned to 0.04″ (its 2.03″ field of view)
const F444 = mosaicF444wPsf(0);           // empirical PSF of the drizzled F444W mosaic, 101×101 at 0.04″

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

describe('PSF resampling', () => {
  it('conserves flux and centres the model', () => {
    const p = stpsfAt004('F444W', 101, 0.3, -0.2);
    // OS4 STPSF stores flux per native pixel: it sums to 16 × (fraction in field); rebinning keeps that sum
    expect(psfSum(p) / 15.711).toBeCloseTo(1, 3);
    let sx = 0, sy = 0, s = 0;
    for (let y = 0; y < 101; y++) for (let x = 0; x < 101; x++) { const v = p.data[y * 101 + x]; s += v; sx += v * x; sy += v * y; }
    expect(sx / s - 50).toBeCloseTo(0.3, 2);
    expect(sy / s - 50).toBeCloseTo(-0.2, 2);
  });
});

describe('PSF-matching kernel (regularised Fourier division)', () => {
  const K = matchingKernel(F115, F444);
  it('kernel conserves flux (unit sum)', () => {
    expect(psfSum(K)).toBeCloseTo(1, 12);
  });
  it('PSF_F115W ⊗ kernel ≈ PSF_F444W: max residual < 0.5 % of the peak, EE within 0.002', () => {
    const nn = normalisePsf(cropPsf(F115, 101)); // zero-pad the 51-px F115W stamp to 101 px
    const conv = convolveImage(Float32Array.from(nn.data), 101, 101, K);
    const b = normalisePsf(F444);
    const res = Float64Array.from(conv, (v, i) => v - b.data[i]);
    expect(maxAbs(res) / maxAbs(b.data)).toBeLessThan(0.005);
    const radii = [1, 2, 3, 4, 6, 10, 20];
    const e1 = curveOfGrowth({ data: Float64Array.from(conv), size: 101 }, radii);
    const e2 = curveOfGrowth(b, radii);
    for (let i = 0; i < radii.length; i++) expect(Math.abs(e1[i] - e2[i])).toBeLessThan(0.002);
    // and the unmatched PSFs really differ (the test can fail)
    const e0 = curveOfGrowth(nn, radii);
    expect(Math.abs(e0[1] - e2[1])).toBeGreaterThan(0.2);
  });
  it('homogenising an image conserves total flux (< 1e-4)', () => {
    const rng = photometryRng(5);
    const w = 400, h = 300;
    const img = new Float32Array(w * h);
    for (let s = 0; s < 30; s++) {
      const x0 = 80 + Math.floor(rng.uniform() * 240), y0 = 80 + Math.floor(rng.uniform() * 140);
      const f = 10 + 100 * rng.uniform();
      for (let y = 0; y < 51; y++) for (let x = 0; x < 51; x++) img[(y0 - 25 + y) * w + x0 - 25 + x] += f * F115.data[y * 51 + x];
    }
    const out = convolveImage(img, w, h, K);
    const s0 = img.reduce((a, v) => a + v, 0), s1 = out.reduce((a, v) => a + v, 0);
    expect(Math.abs(s1 / s0 - 1)).toBeLessThan(1e-4);
  });
  it('the broadest PSF has the largest half-light radius', () => {
    expect(halfLightRadius(F444)).toBeGreaterThan(2 * halfLightRadius(F115));
  });
});

describe('encircled energy and aperture corrections vs NIRCam tables', () => {
  const table = loadEeTable(EE_TABLE);
  it('parses the ETC v2 table (F444W EE(0.1″) = 0.557, F115W EE(1.0″) = 0.969)', () => {
    expect(eeFromTable(table, 'F444W', 0.1)).toBeCloseTo(0.557, 6);
    expect(eeFromTable(table, 'F115W', 1.0)).toBeCloseTo(0.969, 6);
    // the bundled tables load by name; the SW file's columns equal the LW file's
    expect(eeFromTable(loadEeTable('LW'), 'F444W', 0.1)).toBe(eeFromTable(table, 'F444W', 0.1));
    expect(eeFromTable(loadEeTable('SW'), 'F115W', 0.35)).toBeCloseTo(eeFromTable(table, 'F115W', 0.35), 12);
    expect(() => loadEeTable('/nonexistent/ee.txt')).toThrow(/nonexistent\/ee.txt: cannot read/);
  });
  it('PSF curve of growth × outside-stamp EE agrees with the ETC table within 0.02 for r ≥ 0.2″', () => {
    for (const [band, psf] of [['F115W', F115], ['F444W', F444], ['F444W', mosaicF444wPsf(10)], ['F444W', stpsfAt004('F444W')]] as const) {
      const m = eeModel({ psf, table, band, pixelScale: 0.04 });
      for (const r of [0.2, 0.25, 0.3, 0.5, 1.0]) {
        expect(Math.abs(m.circle(r / 0.04) - eeFromTable(table, band, r)), `${band} r=${r}`).toBeLessThan(0.02);
      }
    }
  });
  it('aperture corrections match galfind NIRCam_aper_corr.txt within its stated 0.1 mag systematic', () => {
    const lines = readFileSync(`${DATA}galfind_nircam_ee/NIRCam_aper_corr.txt`, 'utf8').split('\n');
    const diams = [0.2, 0.32, 0.5, 1.0, 1.5, 2.0];
    const corr = new Map(lines.filter((l) => /^F\d/.test(l)).map((l) => { const p = l.trim().split(/\s+/); return [p[0], p.slice(1).map(Number)] as const; }));
    for (const [band, psf] of [['F115W', F115], ['F444W', F444]] as const) {
      const m = eeModel({ psf, table, band, pixelScale: 0.04 });
      for (const D of [0.32, 0.5, 1.0]) {
        const ours = -2.5 * Math.log10(m.circle(D / 2 / 0.04));
        const theirs = corr.get(band)![diams.indexOf(D)];
        expect(Math.abs(ours - theirs), `${band} D=${D}`).toBeLessThan(0.1);
      }
    }
  });
  it('resampled PSF reproduces the OS4 model curve of growth', () => {
    // the same STPSF rebinned to 0.04″ and to its native 0.031″ grid agree in EE at equal angular radius
    const p04 = stpsfAt004('F115W', 51);
    const e04 = curveOfGrowth(p04, [0.3 / 0.04])[0];
    const e = curveOfGrowth(resampleNative(), [0.3 / 0.0312])[0];
    expect(Math.abs(e04 - e)).toBeLessThan(0.005);
  });
});

function resampleNative() {
  // the F115W OS4 model rebinned to its native 0.0312″ grid with the same code path
  const hdu = readFits(`${UDS}psf/UDS_NRCA1_F115W_DET_GRID1_OS4.fits`)[0] as ImageHdu;
  const scale = (hdu.header.getNumber('FOV') as number) / 260;
  return resamplePsf(Float32Array.from(hdu.data!), 260, 260, scale, 65, 0.0312);
}
