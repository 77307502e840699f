// Test helper: the real PRIMER-UDS cutouts (F115W, F444W sci + wht, LW segmentation) as photometry inputs.
import { readImage, type Image } from '@asteris/fits';
import { UDS } from './psfdata.ts';
import type { DetectionSource } from '../src/index.ts';
import { photometryRng } from '../src/rng.ts';

export function errFromWht(wht: Image): Image {
  const d = new Float32Array(wht.data.length);
  for (let i = 0; i < d.length; i++) d[i] = wht.data[i] > 0 ? 1 / Math.sqrt(wht.data[i]) : NaN;
  return { ...wht, data: d };
}

export function loadUds(): { f115: Image; f115err: Image; f444: Image; f444err: Image; seg: Int32Array } {
  const f115 = readImage(`${UDS}uds-test-f115w_sci.fits`);
  const f444 = readImage(`${UDS}uds-test-f444w_sci.fits`);
  const segImg = readImage(`${UDS}uds-test-LW_seg.fits`);
  return {
    f115, f444,
    f115err: errFromWht(readImage(`${UDS}uds-test-f115w_wht.fits`)),
    f444err: errFromWht(readImage(`${UDS}uds-test-f444w_wht.fits`)),
    seg: Int32Array.from(segImg.data),
  };
}

/**
 * Random blank apertures on UDS F444W for the empty-aperture tests: `perRadius` positions per radius whose
 * (2⌈r+2⌉+1)² box avoids every source (the cutout's segmentation and `extraSeg`) and pixels without an error.
 */
export function blankApertures(u: ReturnType<typeof loadUds>, radii: number[], perRadius: number, seed: number, maxTries: number,
  extraSeg?: ArrayLike<number>): { fake: DetectionSource[]; forRadius: number[] } {
  const W = u.f444.width, H = u.f444.height;
  const rng = photometryRng(seed);
  const fake: DetectionSource[] = [];
  const forRadius: number[] = [];
  radii.forEach((r, j) => {
    const h = Math.ceil(r + 2);
    let got = 0, tries = 0;
    while (got < perRadius && tries++ < maxTries) {
      const x = h + rng.uniform() * (W - 2 * h - 1), y = h + rng.uniform() * (H - 2 * h - 1);
      let ok = true;
      for (let yy = Math.round(y) - h; yy <= Math.round(y) + h && ok; yy++) for (let xx = Math.round(x) - h; xx <= Math.round(x) + h; xx++) {
        const k = yy * W + xx;
        if (u.seg[k] !== 0 || (extraSeg && extraSeg[k] !== 0) || !(u.f444err.data[k] > 0)) { ok = false; break; }
      }
      if (ok) { fake.push({ id: fake.length + 1, x, y, a: 1, b: 1, theta: 0, kronRadius: 3.5, flags: 0, snr: 0 }); forRadius.push(j); got++; }
    }
  });
  return { fake, forRadius };
}
