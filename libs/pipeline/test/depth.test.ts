import { describe, expect, it } from 'vitest';
import { completenessCurve, crossing, m90, makeMatcher, purityCurve, recovered } from '../src/depth.ts';

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
    expect(m90(c, p)).toBeCloseTo(26.7, 10);
    expect(crossing(completenessCurve([25.5], [false], edges))).toBeNull();
  });
});
