import { describe, expect, it } from 'vitest';
import { addSersic, autoOversample, blockSum, convolve2d, renderScene, sersicB, type RenderSource } from '../src/render.ts';
import { modelKernel, psfKernel } from '../src/psf/kernel.ts';
import { fitPsfModel, modelProfile, NIRCAM_FWHM_ARCSEC } from '../src/psf/model.ts';
import { Rng } from '@asteris/core';

describe('Sérsic b_n', () => {
  it('gives half the light inside r_e (numerical integral of the 1-D profile)', () => {
    for (const n of [0.5, 1, 2, 4]) {
      const b = sersicB(n);
      const f = (r: number) => Math.exp(-b * (Math.pow(r, 1 / n) - 1)) * r;
      const integ = (a: number, c: number) => { let s = 0; const N = 20000; for (let i = 0; i < N; i++) { const r = a + ((i + 0.5) * (c - a)) / N; s += f(r); } return (s * (c - a)) / N; };
      expect(integ(0, 1) / integ(0, 200)).toBeCloseTo(0.5, 3);
    }
  });
});

describe('FFT convolution', () => {
  it('matches direct convolution (zero boundary) to 1e-5', () => {
    const rng = new Rng(5);
    const w = 70, h = 53, ks = 9;
    const src = new Float32Array(w * h).map(() => rng.normal());
    const k = new Float64Array(ks * ks).map(() => rng.random());
    const out = convolve2d(src, w, h, k, ks);
    const r = (ks - 1) / 2;
    for (const [x, y] of [[0, 0], [35, 20], [69, 52], [3, 50], [60, 1]]) {
      let s = 0;
      for (let j = -r; j <= r; j++) for (let i = -r; i <= r; i++) {
        const xx = x - i, yy = y - j;
        if (xx >= 0 && yy >= 0 && xx < w && yy < h) s += src[yy * w + xx] * k[(j + r) * ks + (i + r)];
      }
      expect(out[y * w + x]).toBeCloseTo(s, 4);
    }
  });
});

describe('flux-conserving rendering', () => {
  const W = 160, H = 160;
  const cases: Array<[string, RenderSource]> = [
    ['point', { x: 80.3, y: 79.6, flux: 100, point: true, n: NaN, re: 0, q: 1, pa: 0 }],
    ['exponential disc', { x: 80.1, y: 80.45, flux: 100, point: false, n: 1, re: 4, q: 0.5, pa: 30 }],
    ['de Vaucouleurs', { x: 79.7, y: 80.2, flux: 100, point: false, n: 4, re: 2.5, q: 0.8, pa: 100 }],
    ['compact (r_e = 0.3 px)', { x: 80, y: 80, flux: 100, point: false, n: 1, re: 0.3, q: 0.6, pa: 10 }],
  ];
  for (const band of ['F090W', 'F444W']) {
    for (const os of [1, 2, 3]) {
      it.each(cases)(`${band} os=${os} %s: image sum = catalogue flux within 0.5 %%`, (_name, s) => {
        const psf = psfKernel(band, 0.04 / os, { radiusArcsec: 1.5 });
        const img = renderScene([s], W, H, os, psf);
        let sum = 0;
        for (const v of img) sum += v;
        expect(Math.abs(sum / s.flux - 1)).toBeLessThan(0.005);
      });
    }
  }

  it('centroid of a rendered point source is at its catalogue position (F444W, os = 2)', () => {
    const psf = modelKernel('F444W', 0.02, 1.5);
    const s: RenderSource = { x: 40.37, y: 41.81, flux: 50, point: true, n: NaN, re: 0, q: 1, pa: 0 };
    const img = renderScene([s], 82, 84, 2, psf);
    let t = 0, sx = 0, sy = 0;
    for (let y = 0; y < 84; y++) for (let x = 0; x < 82; x++) { const v = img[y * 82 + x]; t += v; sx += v * x; sy += v * y; }
    expect(sx / t).toBeCloseTo(40.37, 2);
    expect(sy / t).toBeCloseTo(41.81, 2);
  });

  it('rendered point source equals the PSF model integrated over pixels (F356W: pixels within 1 % of peak, FWHM within 3 %)', () => {
    const os = 2, band = 'F356W', W = 41;
    const img = renderScene([{ x: 20, y: 20, flux: 1, point: true, n: NaN, re: 0, q: 1, pa: 0 }], W, W, os, modelKernel(band, 0.04 / os, 1.0));
    // direct integration of the analytic profile over each 0.04" pixel (16×16 sub-samples), normalised over the same ±1.005" kernel square
    const p = fitPsfModel(band);
    const direct = new Float64Array(W * W);
    let tot = 0;
    for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) {
      let s = 0;
      for (let b = 0; b < 16; b++) for (let a = 0; a < 16; a++) {
        const dx = (x - 20 - 0.5 + (a + 0.5) / 16) * 0.04, dy = (y - 20 - 0.5 + (b + 0.5) / 16) * 0.04;
        if (Math.abs(dx) <= 1.005 && Math.abs(dy) <= 1.005) s += modelProfile(p, Math.hypot(dx, dy));
      }
      direct[y * W + x] = s; tot += s;
    }
    // compare shapes: both normalised to their sums inside the 41×41 image
    let peak = 0, isum = 0;
    for (let i = 0; i < W * W; i++) isum += img[i];
    for (let i = 0; i < W * W; i++) { direct[i] /= tot; img[i] /= isum; peak = Math.max(peak, direct[i]); }
    for (let i = 0; i < W * W; i++) expect(Math.abs(img[i] - direct[i])).toBeLessThan(0.01 * peak);
    const fw = (a: ArrayLike<number>) => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, a[i]); let n = 0; for (let i = 0; i < a.length; i++) if (a[i] >= m / 2) n++; return n; };
    expect(Math.abs(fw(img) / fw(direct) - 1)).toBeLessThan(0.03 * 2);
    // and the analytic FWHM is the published one
    expect(Math.abs(p.fwhm / NIRCAM_FWHM_ARCSEC[band] - 1)).toBeLessThan(0.03);
  });

  it.each(['F090W', 'F150W', 'F200W', 'F277W', 'F444W'])('%s: compact galaxies at the auto oversampling match a 6× oversampled reference (pixels within 3 % of peak)', (band) => {
    const os = autoOversample(NIRCAM_FWHM_ARCSEC[band], 0.04);
    expect(os).toBe(band === 'F444W' || band === 'F277W' ? 1 : 2);
    const src: RenderSource[] = [
      { x: 30.3, y: 29.8, flux: 10, point: false, n: 1, re: 0.8, q: 0.6, pa: 30 },
      { x: 40.6, y: 41.1, flux: 10, point: false, n: 2.5, re: 1.5, q: 0.9, pa: 0 },
    ];
    const a = renderScene(src, 64, 64, os, modelKernel(band, 0.04 / os, 1.0));
    const b = renderScene(src, 64, 64, 6, modelKernel(band, 0.04 / 6, 1.0));
    let peak = 0;
    for (const v of b) peak = Math.max(peak, v);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(0.03 * peak);
  });

  it('blockSum conserves the total', () => {
    const fine = new Float32Array(12 * 12).map((_, i) => (i % 7) * 0.5);
    const c = blockSum(fine, 4, 4, 3);
    let a = 0, b = 0;
    for (const v of fine) a += v;
    for (const v of c) b += v;
    expect(b).toBeCloseTo(a, 4);
  });

  it('a Sérsic stamp partly off the canvas only loses the off-canvas light', () => {
    const cw = 40, ch = 40;
    const canvas = new Float32Array(cw * ch);
    addSersic(canvas, cw, ch, 1, { x: 0, y: 20, flux: 10, point: false, n: 1, re: 3, q: 1, pa: 0 });
    let s = 0;
    for (const v of canvas) s += v;
    expect(s).toBeGreaterThan(4.5);
    expect(s).toBeLessThan(6.5); // a bit more than half: the canvas starts at x = −0.5
  });
});
