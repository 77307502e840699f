// Empty-aperture noise calibration against exact expectations for synthetic correlated noise.
import { describe, expect, it } from 'vitest';
import { circleRectOverlap } from '@asteris/extract';
import { calibrateEmptyApertures, convolveImage, photometryRng, fitPowerLaw, nmad, noiseFactor, type Psf } from '../src/index.ts';
import { median, selectMedian } from '../src/noise/empty.ts';

function gaussKernel(sigma: number, size: number): Psf {
  const c = (size - 1) / 2;
  const d = new Float64Array(size * size);
  let s = 0;
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) { d[y * size + x] = Math.exp(-((x - c) ** 2 + (y - c) ** 2) / (2 * sigma * sigma)); s += d[y * size + x]; }
  for (let i = 0; i < d.length; i++) d[i] /= s;
  return { data: d, size };
}

/** Exact expected f for aperture radius r: √(Σ_u (A⊗g)²) / √(Σ A · Σ g²), averaged over sub-pixel centres. */
function expectedFactor(r: number, g: Psf | null): number {
  let vTrue = 0, vPix = 0;
  const offs = [[0, 0], [0.5, 0], [0, 0.5], [0.5, 0.5], [0.25, 0.25], [0.25, 0.75]];
  for (const [ox, oy] of offs) {
    const R = Math.ceil(r) + 2;
    const n = 2 * R + 1;
    const A = new Float32Array(n * n);
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) {
      const dx = x - R - ox, dy = y - R - oy;
      A[y * n + x] = circleRectOverlap(dx - 0.5, dy - 0.5, dx + 0.5, dy + 0.5, r);
    }
    const sumA = A.reduce((p, v) => p + v, 0);
    if (!g) {
      vTrue += A.reduce((p, v) => p + v * v, 0);
      vPix += sumA;
      continue;
    }
    // (A ⊗ g) on a padded grid; its squared sum is the variance of Σ A·(noise ⊗ g) for unit white noise
    const pad = n + g.size;
    const big = new Float32Array(pad * pad);
    const o = (g.size - 1) / 2 + 0;
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) big[(y + o) * pad + x + o] = A[y * n + x];
    const c = convolveImage(big, pad, pad, g, { tile: 64 });
    vTrue += c.reduce((p, v) => p + v * v, 0);
    vPix += sumA * Array.from(g.data).reduce((p, v) => p + v * v, 0);
  }
  return Math.sqrt(vTrue / vPix);
}

describe('empty-aperture calibration', () => {
  const W = 1024, H = 1024;
  const rng = photometryRng(11);
  const white = Float32Array.from({ length: W * H }, () => rng.normal());
  const seg = new Int32Array(W * H);
  // a block of "sources" that must be avoided: bright, would blow the scatter up if used
  for (let y = 100; y < 300; y++) for (let x = 100; x < 300; x++) { seg[y * W + x] = 1; white[y * W + x] += 50; }
  const radii = [1.5, 2.5, 4, 6, 10];

  it('white noise: f matches the exact partial-pixel expectation (≈ 1), β ≈ 1', () => {
    const v = new Float32Array(W * H).fill(1);
    const cal = calibrateEmptyApertures(white, v, seg, W, H, { radii, nApertures: 3000, seed: 3 });
    radii.forEach((r, i) => {
      expect(cal.count[i]).toBe(3000);
      expect(Math.abs(cal.factor[i] / expectedFactor(r, null) - 1), `r=${r}`).toBeLessThan(0.07);
    });
    expect(Math.abs(cal.beta - 1)).toBeLessThan(0.1);
  });

  it('Gaussian-correlated noise: f(r) matches the exact expectation within 7 % and grows with r', () => {
    const g = gaussKernel(1.5, 13);
    const corr = convolveImage(white, W, H, g);
    const pixVar = Array.from(g.data).reduce((p, x) => p + x * x, 0);
    const v = new Float32Array(W * H).fill(pixVar);
    const cal = calibrateEmptyApertures(corr, v, seg, W, H, { radii, nApertures: 3000, seed: 4 });
    radii.forEach((r, i) => {
      const e = expectedFactor(r, g);
      expect(Math.abs(cal.factor[i] / e - 1), `r=${r}: ${cal.factor[i]} vs ${e}`).toBeLessThan(0.07);
    });
    expect(cal.factor[4]).toBeGreaterThan(2 * cal.factor[0]);
    expect(cal.beta).toBeGreaterThan(1.3);
    // same seed → same calibration; different seed → different apertures
    const again = calibrateEmptyApertures(corr, v, seg, W, H, { radii, nApertures: 3000, seed: 4 });
    expect(again.factor).toEqual(cal.factor);
  });

  it('power-law fit recovers α and β exactly from a noiseless power law', () => {
    const N = [3, 10, 30, 100, 300];
    const f = N.map((n) => 1.3 * n ** ((1.6 - 1) / 2));
    const fit = fitPowerLaw(N, f);
    expect(fit.alpha).toBeCloseTo(1.3, 10);
    expect(fit.beta).toBeCloseTo(1.6, 10);
    expect(noiseFactor({ ...fit, radii: [], npix: [], factor: [], sigmaEmpty: [], median: [], count: [], depthLogVar: [], depthRatio: [] }, 50)).toBeCloseTo(1.3 * 50 ** 0.3, 10);
  });

  it('nmad of a normal sample ≈ σ', () => {
    const r = photometryRng(9);
    expect(nmad(Float64Array.from({ length: 20000 }, () => 3 * r.normal()))).toBeCloseTo(3, 1);
  });

  it('quickselect median = median of the sorted values (odd/even sizes, ties)', () => {
    const r = photometryRng(10);
    for (let t = 0; t < 3000; t++) {
      const n = 1 + Math.floor(r.uniform() * 40);
      const ties = t % 2 === 0;
      const a = Float64Array.from({ length: n }, () => (ties ? Math.floor(r.uniform() * 4) : r.normal()));
      expect(selectMedian(a.slice())).toBe(median(a.slice().sort()));
    }
  });
});
