import { describe, expect, it } from 'vitest';
import { cutout, fft1d, fft2d, lnGamma, nelderMead } from '../src/index.ts';

describe('fft / nelderMead / lnGamma', () => {
  it('fft1d of [1, 2, 3, 4] is [10, −2+2i, −2, −2−2i]; fft2d inverse restores the input', () => {
    const re = Float64Array.of(1, 2, 3, 4), im = new Float64Array(4);
    fft1d(re, im, 4);
    [10, -2, -2, -2].forEach((v, k) => expect(re[k]).toBeCloseTo(v, 14));
    [0, 2, 0, -2].forEach((v, k) => expect(im[k]).toBeCloseTo(v, 14));
    const r2 = Float64Array.from({ length: 32 }, (_, i) => i % 5), i2 = new Float64Array(32);
    fft2d(r2, i2, 8, 4);
    fft2d(r2, i2, 8, 4, true);
    r2.forEach((v, i) => expect(v).toBeCloseTo(i % 5, 12));
  });
  it('nelderMead finds the minimum of a shifted quadratic', () => {
    const r = nelderMead(([x, y]) => (x! - 1) ** 2 + 3 * (y! + 2) ** 2, [0, 0], { tol: 1e-14 });
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(-2, 6);
  });
  it('lnGamma matches Γ(5) = 24 and Γ(½) = √π', () => {
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
  });
});

describe('cutout', () => {
  it('centres a size×size box on the rounded pixel and pads with NaN', () => {
    const c = cutout(Float32Array.of(1, 2, 3, 4), 2, 2, 0, 0, 3);
    expect([...c]).toEqual([NaN, NaN, NaN, NaN, 1, 2, NaN, 3, 4]);
  });
});
