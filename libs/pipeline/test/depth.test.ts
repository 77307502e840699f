import { describe, expect, it } from 'vitest';
import { completenessCurve, crossing, logisticCrossing, m90, makeMatcher, purityCurve, recovered, successes } from '../src/depth.ts';

describe('injection–recovery statistics', () => {
  it('matches nearest points within the radius only', () => {
    const m = makeMatcher([{ x: 10, y: 10 }, { x: 12, y: 10 }, { x: 50, y: 50 }], 2);
    expect(m(11.8, 10)).toBe(1);
    expect(m(10.2, 10.1)).toBe(0);
    expect(m(30, 30)).toBe(-1);
  });

  it('does not credit an injected source with a pre-existing detection', () => {
    const injected = [{ x: 100, y: 100 }, { x: 200, y: 200 }];
    const before = [{ x: 100.5, y: 100 }];
    const after = [{ x: 100.4, y: 100.1 }, { x: 200.3, y: 199.9 }];
    expect(recovered(injected, after, before)).toEqual([false, true]);
  });

  it('completeness and purity per bin, crossing interpolated', () => {
    const edges = [25, 26, 27, 28, 29];
    const mags = [25.5, 25.5, 26.5, 26.5, 27.5, 27.5, 28.5, 28.5];
    const found = [true, true, true, true, true, false, false, false];
    const c = completenessCurve(mags, found, edges);
    expect(c.values).toEqual([1, 1, 0.5, 0]);
    // between 26.5 (1.0) and 27.5 (0.5): 0.9 reached at 26.5 + 0.1/0.5 = 26.7
    expect(crossing(c)).toBeCloseTo(26.7, 10);
    const p = purityCurve([25.5, 26.5, 26.5, 27.5, 27.5, 28.5], [27.5, 28.5, 28.5], edges);
    expect(p.values).toEqual([1, 1, 0.5, 0]);
    expect(m90(c, p)).toBeGreaterThan(26.2);
    expect(m90(c, p)).toBeLessThan(27.6);
    expect(crossing(completenessCurve([25.5], [false], edges))).toBeNull();
  });

  it('the logistic m90 recovers a known 90 % point from noisy injections', () => {
    // true C(m) = 1/(1+exp((m − 28.5)/0.3)) → m90 = 28.5 − 0.3 ln 9 = 27.84
    const edges = Array.from({ length: 13 }, (_, i) => 25.5 + 0.5 * i);
    let seed = 1;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const mags: number[] = [];
    const found: boolean[] = [];
    for (let i = 0; i < 3000; i++) {
      const m = 25.5 + 6 * rand();
      mags.push(m);
      found.push(rand() < 1 / (1 + Math.exp((m - 28.5) / 0.3)));
    }
    const c = completenessCurve(mags, found, edges);
    const fit = logisticCrossing(c, successes(c))!;
    expect(Math.abs(fit.m - (28.5 - 0.3 * Math.log(9)))).toBeLessThan(0.08);
    const pure = purityCurve([26, 27, 28], [], edges);
    expect(m90(c, pure)).toBeCloseTo(fit.m, 10);
  });
});
