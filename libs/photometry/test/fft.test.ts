import { describe, expect, it } from 'vitest';
import { fft1d, fft2d } from '../src/psf/fft.ts';
import { convolveImage, convolveImagePair } from '../src/psf/convolve.ts';
import { photometryRng } from '../src/rng.ts';

describe('fft', () => {
  it('matches a direct DFT (n = 16) and inverts', () => {
    const rng = photometryRng(1);
    const n = 16;
    const re = Float64Array.from({ length: n }, () => rng.normal());
    const im = Float64Array.from({ length: n }, () => rng.normal());
    const r0 = re.slice(), i0 = im.slice();
    fft1d(re, im, n);
    for (let k = 0; k < n; k++) {
      let sr = 0, si = 0;
      for (let j = 0; j < n; j++) {
        const a = (-2 * Math.PI * j * k) / n;
        sr += r0[j] * Math.cos(a) - i0[j] * Math.sin(a);
        si += r0[j] * Math.sin(a) + i0[j] * Math.cos(a);
      }
      expect(re[k]).toBeCloseTo(sr, 10);
      expect(im[k]).toBeCloseTo(si, 10);
    }
    fft1d(re, im, n, true);
    for (let j = 0; j < n; j++) expect(re[j] / n).toBeCloseTo(r0[j], 12);
  });

  it('2-D round trip on a non-square array', () => {
    const rng = photometryRng(2);
    const nx = 32, ny = 8;
    const re = Float64Array.from({ length: nx * ny }, () => rng.normal());
    const im = new Float64Array(nx * ny);
    const r0 = re.slice();
    fft2d(re, im, nx, ny);
    expect(re[0]).toBeCloseTo(r0.reduce((a, b) => a + b, 0), 10);
    fft2d(re, im, nx, ny, true);
    let maxErr = 0;
    for (let i = 0; i < re.length; i++) maxErr = Math.max(maxErr, Math.abs(re[i] - r0[i]), Math.abs(im[i]));
    expect(maxErr).toBeLessThan(1e-12);
  });

  it('is deterministic for a seed', () => {
    const a = photometryRng(7), b = photometryRng(7), c = photometryRng(8);
    const xa = [a.normal(), a.uniform()], xb = [b.normal(), b.uniform()];
    expect(xa).toEqual(xb);
    expect(c.normal()).not.toEqual(xa[0]);
  });
});

describe('tiled FFT convolution', () => {
  it('equals direct convolution (asymmetric kernel, several tiles, NaN kept)', () => {
    const rng = photometryRng(3);
    const w = 300, h = 170;
    const data = Float32Array.from({ length: w * h }, () => rng.normal());
    data[50 * w + 60] = NaN;
    const k = 7;
    const kd = Float64Array.from({ length: k * k }, () => rng.uniform());
    const out = convolveImage(data, w, h, { data: kd, size: k }, { tile: 64 });
    const c = (k - 1) / 2;
    let maxErr = 0;
    for (const [x, y] of [[0, 0], [299, 169], [63, 64], [150, 100], [61, 50], [5, 168]]) {
      let s = 0;
      for (let v = 0; v < k; v++) for (let u = 0; u < k; u++) {
        const xx = x - (u - c), yy = y - (v - c);
        if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
        const d = data[yy * w + xx];
        if (d === d) s += kd[v * k + u] * d;
      }
      maxErr = Math.max(maxErr, Math.abs(out[y * w + x] - s));
    }
    expect(maxErr).toBeLessThan(1e-4);
    expect(Number.isNaN(out[50 * w + 60])).toBe(true);
  });

  it('pair convolution (a ⊗ kA, b ⊗ kB in one complex FFT per tile) equals direct convolution of each', () => {
    const rng = photometryRng(5);
    const w = 230, h = 190, k = 9, c = (k - 1) / 2;
    const a = Float32Array.from({ length: w * h }, () => rng.normal());
    const b = Float32Array.from({ length: w * h }, () => 1 + rng.uniform());
    a[40 * w + 70] = NaN; b[40 * w + 70] = NaN;
    const ka = Float64Array.from({ length: k * k }, () => rng.uniform() - 0.3);
    const kb = Float64Array.from({ length: k * k }, () => rng.uniform());
    const [oa, ob] = convolveImagePair(a, b, w, h, { data: ka, size: k }, { data: kb, size: k }, { tile: 64 });
    const direct = (d: Float32Array, kd: Float64Array, x: number, y: number): number => {
      let s = 0;
      for (let v = 0; v < k; v++) for (let u = 0; u < k; u++) {
        const xx = x - (u - c), yy = y - (v - c);
        if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
        const q = d[yy * w + xx];
        if (q === q) s += kd[v * k + u] * q;
      }
      return s;
    };
    let maxErr = 0;
    for (const [x, y] of [[0, 0], [229, 189], [55, 56], [56, 112], [120, 100], [71, 40], [3, 187], [228, 2]]) {
      maxErr = Math.max(maxErr, Math.abs(oa[y * w + x] - direct(a, ka, x, y)), Math.abs(ob[y * w + x] - direct(b, kb, x, y)));
    }
    expect(maxErr).toBeLessThan(1e-4);
    expect(Number.isNaN(oa[40 * w + 70]) && Number.isNaN(ob[40 * w + 70])).toBe(true);
    // and the same as two separate tiled convolutions over the whole image
    const ra = convolveImage(a, w, h, { data: ka, size: k }, { tile: 64 });
    let maxAll = 0;
    for (let i = 0; i < w * h; i++) if (ra[i] === ra[i]) maxAll = Math.max(maxAll, Math.abs(ra[i] - oa[i]));
    expect(maxAll).toBeLessThan(1e-5);
  });
});
