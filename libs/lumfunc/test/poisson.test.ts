import { describe, expect, it } from 'vitest';
import { gammaP, gehrelsLimits, lnGamma } from '../src/poisson.ts';

describe('Gehrels (1986) Poisson limits (astro-reference §D.3)', () => {
  it.each([
    [0, 0, 1.841],
    [1, 0.173, 3.3],
    [2, 0.708, 4.638],
    [3, 1.367, 5.918],
  ])('n = %s → [%s, %s] (Gehrels Tables 1–2, S = 1)', (n, lo, up) => {
    const g = gehrelsLimits(n);
    expect(g.upper).toBeCloseTo(up, 3);
    expect(g.lower).toBeCloseTo(lo, 3);
  });
  it('approaches n ± √n for large n', () => {
    const g = gehrelsLimits(400);
    expect(g.upper - 400).toBeGreaterThan(19.5);
    expect(g.upper - 400).toBeLessThan(21.5);
    expect(400 - g.lower).toBeGreaterThan(19);
    expect(400 - g.lower).toBeLessThan(20.5);
  });
  it('is monotonic for fractional (p(z)-weighted) counts', () => {
    const a = gehrelsLimits(2.3);
    expect(a.upper).toBeGreaterThan(gehrelsLimits(2).upper);
    expect(a.upper).toBeLessThan(gehrelsLimits(3).upper);
    expect(a.lower).toBeGreaterThan(gehrelsLimits(2).lower);
  });
  it('lnGamma and gammaP agree with closed forms', () => {
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(gammaP(1, 2)).toBeCloseTo(1 - Math.exp(-2), 12);
    expect(gammaP(3, 30)).toBeCloseTo(1, 10);
  });
  it('rejects negative counts', () => {
    expect(() => gehrelsLimits(-1)).toThrow(/n must be >= 0/);
  });
});
