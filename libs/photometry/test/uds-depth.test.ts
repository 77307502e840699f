// Issue 13 goal on real noise: empty-aperture errors of forced photometry (default mesh background) on the
// PRIMER-UDS F444W cutout, for r = 3, 5, 10 and 16 px, separately in the deep and the shallow half
// (split at the median weight, which the error model never sees: its depth dependence is a power law in
// the aperture's mean per-pixel variance, fitted over 8 depth bins).
// 6000 blank positions per radius (no segmented or invalid pixel in the (r + 2)-box), drawn with their own
// seed, are measured by forcedPhotometry after two calibrations (4000 empty apertures per radius each):
//  (a) calibration anywhere on the cutout: the goal, NMAD(F/σ) 0.9–1.1 for all eight values;
//  (b) hold-out: calibration on the black squares of a 100-px checkerboard, evaluation on the ≈ 3000 white
//      positions per radius. Asserted 0.9–1.1 for r ≤ 10 and 0.8–1.25 at r = 16: on this 1000×820 cutout
//      the two halves of the checkerboard hold only ≈ 100 independent r = 16 apertures per depth half,
//      so their NMADs differ by ≈ 10 % from sky sample variance alone (seed sweep: 1.05–1.22 deep).
// Measured (these seeds): see docs/photometry.md "Empty-aperture errors on real depth variations".
// The NMAD of n apertures has a sampling error ≈ 1.17/√n (3000 → 2 %), the calibration's ≈ 2–4 %.
import { describe, expect, it } from 'vitest';
import { readImage } from '@asteris/fits';
import { forcedPhotometry, nmad, type DetectionSource } from '../src/index.ts';
import { UDS } from './psfdata.ts';
import { blankApertures, loadUds } from './uds.ts';

describe('PRIMER-UDS F444W: empty-aperture errors in the deep and shallow halves', () => {
  const u = loadUds();
  const wht = readImage(`${UDS}uds-test-f444w_wht.fits`).data;
  const W = u.f444.width, H = u.f444.height;
  const radii = [3, 5, 10, 16];
  const pos = Float64Array.from(Array.from(wht).filter((v) => v > 0)).sort();
  const whtMed = pos[pos.length >> 1];
  const black = (x: number, y: number): boolean => ((Math.floor(x / 100) + Math.floor(y / 100)) & 1) === 0;
  const { fake, forRadius } = blankApertures(u, radii, 6000, 77, 2000000);
  const deep = fake.map((s) => wht[Math.round(s.y) * W + Math.round(s.x)] > whtMed);
  const onWhite = fake.map((s) => !black(s.x, s.y));
  const measure = (select?: (x: number, y: number) => boolean) => forcedPhotometry(
    { sources: fake, segmentation: u.seg }, [{ name: 'F444W', image: u.f444, err: u.f444err }],
    { apertureRadii: radii, total: 'psf', noise: { select, nApertures: 4000, seed: 11 } }).apertures!;
  const table = (ap: ReturnType<typeof measure>, use: boolean[]): Map<string, [number, number]> => {
    const res = new Map<string, [number, number]>();
    radii.forEach((r, j) => {
      for (const half of [true, false]) {
        const z: number[] = [];
        fake.forEach((_, i) => { if (use[i] && forRadius[i] === j && deep[i] === half) z.push(ap.flux.F444W[j][i] / ap.fluxErr.F444W[j][i]); });
        res.set(`r=${r} ${half ? 'deep' : 'shallow'}`, [z.length, nmad(z)]);
      }
    });
    return res;
  };
  const show = (title: string, t: Map<string, [number, number]>): void =>
    console.log(`${title}\n${[...t].map(([k, [n, v]]) => `  ${k}: n=${n} NMAD(F/σ)=${v.toFixed(3)}`).join('\n')}`);

  it('calibrated on the whole cutout: NMAD(F/σ) 0.9–1.1 for r = 3, 5, 10, 16 px in both halves (issue goal)', () => {
    expect(fake.length).toBe(24000);
    const t = table(measure(), fake.map(() => true));
    show(`UDS F444W, calibration anywhere (weight median ${whtMed.toPrecision(4)}):`, t);
    for (const [k, [n, v]] of t) {
      expect(n, k).toBeGreaterThan(2000);
      expect(v, k).toBeGreaterThan(0.9);
      expect(v, k).toBeLessThan(1.1);
    }
  });

  it('hold-out (checkerboard): 0.9–1.1 for r ≤ 10, 0.8–1.25 at r = 16 (sky sample variance)', () => {
    const t = table(measure(black), onWhite);
    show('UDS F444W, calibration on black squares, evaluation on white:', t);
    for (const [k, [n, v]] of t) {
      const wide = k.startsWith('r=16 ');
      expect(n, k).toBeGreaterThan(1000);
      expect(v, k).toBeGreaterThan(wide ? 0.8 : 0.9);
      expect(v, k).toBeLessThan(wide ? 1.25 : 1.1);
    }
  });
});
