// Real-noise validation on PRIMER-UDS (F115W + F444W, grizli drizzled mosaics, correlated noise):
// errors calibrated with empty apertures on the "black" squares of a 100-px checkerboard reproduce the
// empty-aperture scatter measured on the "white" squares, through the full forced-photometry path (PSF
// matching F115W → F444W included). Calibration and validation apertures never share a position.
import { describe, expect, it } from 'vitest';
import { eeModel, forcedPhotometry, loadEeTable, nmad, type DetectionSource } from '../src/index.ts';
import { detectionsFromSeg } from './helpers.ts';
import { photometryRng } from '../src/rng.ts';
import { EE_TABLE, mosaicF444wPsf, stpsfAt004 } from './psfdata.ts';
import { loadUds } from './uds.ts';

describe('PRIMER-UDS real noise', () => {
  const u = loadUds();
  const W = u.f444.width, H = u.f444.height;
  const radii = [2.5, 4, 6.25];
  const black = (x: number, y: number): boolean => ((Math.floor(x / 100) + Math.floor(y / 100)) & 1) === 0;
  // blank positions on white squares: a (r_max + 3)-box free of segmented and NaN pixels in both bands
  const rng = photometryRng(2024);
  const fake: DetectionSource[] = [];
  const h = Math.ceil(radii[radii.length - 1] + 3);
  while (fake.length < 1500) {
    const x = h + rng.uniform() * (W - 2 * h - 1);
    const y = h + rng.uniform() * (H - 2 * h - 1);
    let ok = true;
    for (let yy = Math.round(y) - h; yy <= Math.round(y) + h && ok; yy++) for (let xx = Math.round(x) - h; xx <= Math.round(x) + h; xx++) {
      const k = yy * W + xx;
      if (u.seg[k] !== 0 || !(u.f115err.data[k] > 0) || !(u.f444err.data[k] > 0)) { ok = false; break; }
    }
    if (ok && !black(x, y)) fake.push({ id: fake.length + 1, x, y, a: 1, b: 1, theta: 0, kronRadius: 3.5, flags: 0, snr: 0 });
  }
  const bands = [
    { name: 'F115W', image: u.f115, err: u.f115err, psf: stpsfAt004('F115W', 51) },
    { name: 'F444W', image: u.f444, err: u.f444err, psf: mosaicF444wPsf(0) },
  ];
  const cat = forcedPhotometry({ sources: fake, segmentation: u.seg }, bands, {
    apertureRadii: radii, total: 'psf', eeTable: loadEeTable(EE_TABLE), pixelScale: 0.04,
    noise: { select: black, nApertures: 3000, seed: 7, extraRadii: [2, 8] },
  });

  const meta = cat.meta as { bands: { name: string; noise: { radii: number[]; factor: number[] } }[] };
  const fac = (b: string, r: number): number => {
    const n = meta.bands.find((x) => x.name === b)!.noise;
    return n.factor[n.radii.indexOf(r)];
  };

  it('calibrated errors match the hold-out empty-aperture scatter within 10 % (every band, every radius)', () => {
    const report: string[] = [];
    for (const b of ['F115W', 'F444W']) {
      radii.forEach((r, j) => {
        const f = cat.apertures!.flux[b][j], e = cat.apertures!.fluxErr[b][j];
        // depth varies ×2 across the cutout, so compare normalised residuals: NMAD(F/σ_cal) must be 1
        const z = nmad(Float64Array.from(f, (v, i) => v / e[i]));
        const zRaw = nmad(Float64Array.from(f, (v, i) => v / (e[i] / fac(b, r))));
        report.push(`${b} r=${r}: NMAD(F/σ_cal) = ${z.toFixed(3)}  NMAD(F/σ_pix) = ${zRaw.toFixed(3)}`);
      });
      for (const line of report) expect(Math.abs(Number(line.split('= ')[1].split(' ')[0]) - 1), line).toBeLessThan(0.1);
      // total-flux columns carry the same calibration (both scale by 1/EE)
      const zt = nmad(cat.rows.map((r) => r[`flux_${b}`] / r[`fluxerr_${b}`]));
      expect(Math.abs(zt - 1)).toBeLessThan(0.1);
    }
    console.log(report.join('\n'));
  });

  it('power-law f(N) for uncalibrated sizes: Kron-ellipse errors (r = 3.5 px) match the hold-out scatter within 10 %', () => {
    for (const b of ['F115W', 'F444W']) {
      const k = cat.apertures!.kron[b], e = cat.apertures!.kronErr[b];
      const z = nmad(Float64Array.from(k, (v, i) => v / e[i]));
      console.log(`${b} Kron r=3.5 (power law): NMAD(F/σ_cal) = ${z.toFixed(3)}`);
      expect(Math.abs(z - 1), b).toBeLessThan(0.1);
    }
  });

  it('the uncalibrated per-pixel errors would fail: F115W after PSF matching is off by > 2×', () => {
    expect(fac('F115W', 4)).toBeGreaterThan(2);
  });

  it('real galaxies: Kron totals capture extended light that a PSF-corrected small aperture misses', () => {
    const det = detectionsFromSeg(u.f444.data, u.seg, W, H, u.f444err.data);
    const psf = mosaicF444wPsf(0);
    const table = loadEeTable(EE_TABLE);
    const real = forcedPhotometry(det, [{ name: 'F444W', image: u.f444, err: u.f444err, psf }],
      { eeTable: table, pixelScale: 0.04, apertureRadii: [4, 12.5], noise: { nApertures: 300, extraRadii: [] } });
    const m = eeModel({ psf, table, band: 'F444W', pixelScale: 0.04 });
    const bright = real.rows.map((r, i) => ({ r, small: real.apertures!.flux.F444W[0][i], big: real.apertures!.flux.F444W[1][i] }))
      .filter(({ r }) => r.flux_F444W / r.fluxerr_F444W > 30 && !(r.flags & (256 | 512 | 2048)));
    expect(bright.length).toBeGreaterThan(20);
    // reference: the 1″-diameter aperture corrected to total as if the source were a point source
    const kronOverBig = bright.map(({ r, big }) => r.flux_F444W / (big / m.circle(12.5))).sort((p, q) => p - q);
    const smallOverBig = bright.map(({ small, big }) => (small / m.circle(4)) / (big / m.circle(12.5))).sort((p, q) => p - q);
    // Kron totals are never much below the large-aperture total (≤ 5 % for 90 % of sources) …
    expect(kronOverBig[Math.floor(0.1 * kronOverBig.length)]).toBeGreaterThan(0.95);
    // … whereas treating these resolved galaxies as point sources loses a third or more of the light
    expect(smallOverBig[smallOverBig.length >> 1]).toBeLessThan(0.75);
  });
});
