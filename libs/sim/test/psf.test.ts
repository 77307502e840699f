import { describe, expect, it } from 'vitest';
import { encircledEnergyTable, fitPsfModel, refitPsfModel, modelEE, NIRCAM_FWHM_ARCSEC, profileFwhm, modelProfile } from '../src/psf/model.ts';
import { kernelFwhm, modelKernel, psfKernel, realPsfPath, rebinPsf } from '../src/psf/kernel.ts';

const BANDS = ['F090W', 'F115W', 'F150W', 'F200W', 'F277W', 'F356W', 'F410M', 'F444W'];

/** Encircled energy of a sampled kernel within radius r (arcsec), with 4×4 sub-pixel area weighting. */
function kernelEE(k: { data: Float64Array; size: number; pitch: number }, r: number): number {
  const c = (k.size - 1) / 2, sub = 4;
  let s = 0;
  for (let j = 0; j < k.size; j++) for (let i = 0; i < k.size; i++) {
    let f = 0;
    for (let b = 0; b < sub; b++) for (let a = 0; a < sub; a++) {
      const dx = (i - c - 0.5 + (a + 0.5) / sub) * k.pitch, dy = (j - c - 0.5 + (b + 0.5) / sub) * k.pitch;
      if (dx * dx + dy * dy <= r * r) f++;
    }
    s += (k.data[j * k.size + i] * f) / (sub * sub);
  }
  return s;
}

describe('PSF model (Gauss core + Moffat halo)', () => {
  it.each(BANDS)('%s: FWHM within 3 % of the JDox empirical FWHM and EE within 0.07 of the ETC table', (b) => {
    const p = fitPsfModel(b);
    expect(Math.abs(p.fwhm / NIRCAM_FWHM_ARCSEC[b] - 1)).toBeLessThan(0.03);
    const ee = encircledEnergyTable();
    ee.radii.forEach((r, i) => expect(Math.abs(modelEE(p, r) - ee.cols[b][i])).toBeLessThan(0.07));
    expect(p.eeRms).toBeLessThan(0.025);
  });

  it('the stored parameters are what the fit produces (F150W, F444W re-fitted)', () => {
    for (const b of ['F150W', 'F444W']) {
      const a = fitPsfModel(b), r = refitPsfModel(b);
      expect(Math.abs(r.fwhm / a.fwhm - 1)).toBeLessThan(2e-3);
      expect(Math.abs(r.eeRms - a.eeRms)).toBeLessThan(2e-3);
    }
  });

  it('sampled model kernel keeps the model FWHM (fine pitch) and sums to 1', () => {
    for (const b of ['F150W', 'F444W']) {
      const p = fitPsfModel(b);
      const k = modelKernel(b, 0.004, 0.6);
      let s = 0;
      for (const v of k.data) s += v;
      expect(s).toBeCloseTo(1, 10);
      expect(Math.abs(kernelFwhm(k) / p.fwhm - 1)).toBeLessThan(0.05);
      expect(profileFwhm((r) => modelProfile(p, r))).toBeCloseTo(p.fwhm, 10);
    }
  });
});

describe('real STPSF PSFs resampled to the render grid', () => {
  it('both real PSF files ship with the repo', () => {
    expect(realPsfPath('F115W')).toBeDefined();
    expect(realPsfPath('F444W')).toBeDefined();
  });

  it('F115W STPSF rebinned to 0.01" matches the ETC encircled energy within 0.02 (normalised at r = 1")', () => {
    const k = psfKernel('F115W', 0.01, { prefer: 'real', radiusArcsec: 1.0 });
    expect(k.source).toMatch(/^file:data\/external\/mophongo_primer_uds_cutouts\/psf\/UDS_NRCA1_F115W/);
    const ee = encircledEnergyTable();
    const at1 = ee.cols.F115W[ee.radii.indexOf(1.0)];
    for (const r of [0.05, 0.1, 0.2, 0.3, 0.5]) {
      expect(Math.abs(kernelEE(k, r) - ee.cols.F115W[ee.radii.indexOf(r)] / at1)).toBeLessThan(0.02);
    }
  });

  it('F444W STPSF (detector-sampled, includes IPC/charge diffusion) has FWHM within 15 % of JDox and EE(0.2") within 0.03', () => {
    const k = psfKernel('F444W', 0.01, { prefer: 'real', radiusArcsec: 1.0 });
    expect(Math.abs(kernelFwhm(k) / NIRCAM_FWHM_ARCSEC.F444W - 1)).toBeLessThan(0.15);
    const ee = encircledEnergyTable();
    const at1 = ee.cols.F444W[ee.radii.indexOf(1.0)];
    expect(Math.abs(kernelEE(k, 0.2) - ee.cols.F444W[ee.radii.indexOf(0.2)] / at1)).toBeLessThan(0.03);
  });

  it('area-overlap rebinning conserves flux and keeps the centroid', () => {
    // a Gaussian with σ = 3 input pixels centred at (20.3, 19.6) on a 41×41 grid, pitch 0.01"
    const w = 41, img = new Float64Array(w * w);
    for (let y = 0; y < w; y++) for (let x = 0; x < w; x++) img[y * w + x] = Math.exp(-((x - 20.3) ** 2 + (y - 19.6) ** 2) / 18);
    const out = rebinPsf(img, w, w, 0.01, 0.025, 0.15);
    let s = 0, sx = 0, sy = 0;
    const c = (out.size - 1) / 2;
    for (let j = 0; j < out.size; j++) for (let i = 0; i < out.size; i++) { const v = out.data[j * out.size + i]; s += v; sx += v * (i - c); sy += v * (j - c); }
    expect(s).toBeCloseTo(1, 10);
    expect(Math.abs(sx)).toBeLessThan(0.02);
    expect(Math.abs(sy)).toBeLessThan(0.02);
  });
});
