import { describe, expect, it } from 'vitest';
import { m90 as astroM90, m90FromBins } from '@asteris/astro';
import { completenessCurve, crossing, m90, M90_DEFINITION, makeMatcher, purityCurve, recovered, recoveredIndex } from '../src/depth.ts';

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
    expect(recoveredIndex(injected, after, before)).toEqual([-1, 1]);
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
    // min(C, P) = 1, 1, 0.5, 0: the first crossing, between 26.5 and 27.5, at 26.7
    expect(m90(c, p)).toBeCloseTo(26.7, 10);
    expect(crossing(completenessCurve([25.5], [false], edges))).toBeNull();
    // a bin with negative-image detections but no positive one has purity 1 (astro's definition)
    expect(purityCurve([], [25.5], edges).values).toEqual([1, 1, 1, 1]);
  });

  it('m90 is @asteris/astro\'s m90 (one definition): same number from per-source data, purity-limited too', () => {
    // true C(m) = 1/(1+exp((m − 28.5)/0.3)); false detections rising towards the faint end
    const edges = Array.from({ length: 13 }, (_, i) => 25.5 + 0.5 * i);
    let seed = 1;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const mags: number[] = [], found: boolean[] = [], pos: number[] = [], neg: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const m = 25.5 + 6 * rand();
      mags.push(m);
      found.push(rand() < 1 / (1 + Math.exp((m - 28.5) / 0.3)));
    }
    for (let i = 0; i < 800; i++) pos.push(25.5 + 6 * rand());
    for (let i = 0; i < 300; i++) neg.push(27 + 4.5 * rand());
    const c = completenessCurve(mags, found, edges);
    const p = purityCurve(pos, neg, edges);
    // astro's m90 on counts binned here: the negative-image detections are the false ones among the positives
    const count = (xs: number[], keep: (i: number) => boolean = () => true) => {
      const n = new Array<number>(12).fill(0);
      xs.forEach((m, i) => { const k = Math.floor((m - 25.5) / 0.5); if (k >= 0 && k < 12 && keep(i)) n[k]!++; });
      return n;
    };
    const ref = m90FromBins({ edges, injected: count(mags), recovered: count(mags, (i) => found[i]!), detections: count(pos), falseDetections: count(neg) });
    expect(ref.lowerLimit).toBe(false);
    expect(m90(c, p)).toBeCloseTo(ref.m90, 12);
    // completeness alone: astro with no detections
    const refC = astroM90(mags, found, edges);
    expect(crossing(c)).toBeCloseTo(refC.m90, 12);
    expect(refC.m90).toBeGreaterThan(ref.m90); // purity limited this one
    expect(Math.abs(refC.m90 - (28.5 - 0.3 * Math.log(9)))).toBeLessThan(0.25);
    expect(M90_DEFINITION).toMatch(/@asteris\/astro/);
  });
});
