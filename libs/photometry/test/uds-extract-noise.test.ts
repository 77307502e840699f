// Issue 13 cross-check: photometry's empty-aperture errors (forcedPhotometry, calibrated per radius with the
// power-law depth model) against @asteris/extract's analytic correlated-noise errors (ExtractResult.noise:
// per-pixel variance from the weight map rescaled to the sky, covariance kernel measured on the
// source-masked sky; apertureFlux → Σa_iσ_i² × the aperture's covariance factor) on PRIMER-UDS F444W, at the
// same blank positions and radii (extract's apertureFlux takes the diameter 2r).
// Measured (seed 78, 2000 positions per radius, halves split at the median weight), median σ_phot/σ_extract
// deep / shallow: r = 3: 0.98 / 0.94, r = 5: 0.95 / 0.98, r = 10: 1.00 / 0.96, r = 16: 0.85 / 0.90.
// NMAD(F/σ) photometry 0.94–1.08 in all eight; extract (depth-dependent noise model: a kernel per depth
// class and each class's large-scale excess) 0.86–1.05: its shallow half at r = 3, 5 px gives 0.89 / 0.86.
// These positions avoid the survey's deeper LW segmentation (uds-test-LW_seg.fits), a cleaner sky than the
// one extract measures its excess on (outside its own 1.5σ F444W segmentation, grown 6 px), where the same
// model gives 0.90–1.07 in both halves at r = 3–16 (libs/extract/test/noise.test.ts); the wedge's faint
// sources, undetected in F444W but in the LW stack, make the difference. (Before the depth model: extract
// 0.81–1.19.)
// Asserted: photometry NMAD 0.9–1.1 in all eight; where extract's NMAD is also within 0.9–1.1 ("both
// valid", 6 of 8), the median ratio within 0.8–1.2 and within 10 % in at least half of them (4 of 6).
import { describe, expect, it } from 'vitest';
import { nJyPerPixelScale, readImage } from '@asteris/fits';
import { apertureFlux, extractSources } from '@asteris/extract';
import { forcedPhotometry, nmad, type DetectionSource } from '../src/index.ts';
import { UDS } from './psfdata.ts';
import { blankApertures, loadUds } from './uds.ts';

describe('PRIMER-UDS F444W: empty-aperture errors (photometry) vs the analytic noise model (extract)', () => {
  const u = loadUds();
  const wht = readImage(`${UDS}uds-test-f444w_wht.fits`).data;
  const W = u.f444.width, H = u.f444.height;
  const radii = [3, 5, 10, 16];
  const pos = Float64Array.from(Array.from(wht).filter((v) => v > 0)).sort();
  const whtMed = pos[pos.length >> 1];
  const ex = extractSources({ ...u.f444, data: Float32Array.from(u.f444.data) }, { weight: { type: 'weight', data: wht }, noiseKernel: 'auto', apertures: [6] });
  const sub = Float32Array.from(u.f444.data, (v, i) => v - ex.background[i]);
  const s = nJyPerPixelScale(u.f444.header);
  const { fake, forRadius } = blankApertures(u, radii, 2000, 78, 1000000, ex.segmentation);
  const ap = forcedPhotometry({ sources: fake, segmentation: u.seg }, [{ name: 'F444W', image: u.f444, err: u.f444err }], {
    apertureRadii: radii, total: 'psf', noise: { nApertures: 4000, seed: 11 } }).apertures!;
  const deep = fake.map((q) => wht[Math.round(q.y) * W + Math.round(q.x)] > whtMed);

  it('photometry NMAD(F/σ) 0.9–1.1 in all eight; σ_phot/σ_extract within 0.8–1.2 where extract is valid, within 10 % in at least half', () => {
    const rows: string[] = [];
    const checks: [string, number, number, number, number][] = [];
    radii.forEach((r, j) => {
      for (const half of [true, false]) {
        const ratio: number[] = [], zp: number[] = [], ze: number[] = [];
        fake.forEach((q, i) => {
          if (forRadius[i] !== j || deep[i] !== half) return;
          const e = apertureFlux(sub, W, H, ex.noise, q.x, q.y, 2 * r);
          const ep = ap.fluxErr.F444W[j][i];
          if (!(e.err > 0) || !(ep > 0)) return;
          ratio.push(ep / (e.err * s));
          zp.push(ap.flux.F444W[j][i] / ep);
          ze.push(e.flux / e.err);
        });
        const med = [...ratio].sort((a, b) => a - b)[ratio.length >> 1];
        const k = `r=${r} ${half ? 'deep' : 'shallow'}`;
        rows.push(`  ${k}: n=${ratio.length} median σ_phot/σ_extract=${med.toFixed(3)}  NMAD(F/σ) phot ${nmad(zp).toFixed(3)} extract ${nmad(ze).toFixed(3)}`);
        checks.push([k, ratio.length, med, nmad(zp), nmad(ze)]);
      }
    });
    console.log(`UDS F444W, photometry vs extract noise model (kernel ${ex.noise.covariance?.size ?? 1}²):\n${rows.join('\n')}`);
    let valid = 0, within10 = 0;
    for (const [k, n, med, np, ne] of checks) {
      expect(n, k).toBeGreaterThan(600);
      // photometry's calibrated errors hold on these fresh positions (issue 13 goal, independent draw)
      expect(np, k).toBeGreaterThan(0.9);
      expect(np, k).toBeLessThan(1.1);
      // where extract's analytic model also holds (its NMAD within 0.9–1.1) the two error scales agree
      if (ne > 0.9 && ne < 1.1) {
        valid++;
        if (Math.abs(med - 1) < 0.1) within10++;
        expect(med, k).toBeGreaterThan(0.8);
        expect(med, k).toBeLessThan(1.2);
      }
    }
    console.log(`  both valid: ${valid} of 8; median ratio within 10 %: ${within10} of ${valid}`);
    expect(valid).toBeGreaterThanOrEqual(5);
    expect(within10).toBeGreaterThanOrEqual(Math.ceil(valid / 2));
  });
});
