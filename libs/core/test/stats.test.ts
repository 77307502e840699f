import { describe, expect, it } from 'vitest';
import { MAD_TO_SIGMA, binIndex, mad, median, medianInPlace, medianSorted, quantile, quantileSorted, selectKth } from '../src/index.ts';

describe('stats (NaN ignored, numpy conventions)', () => {
  it('median: mean of the middle pair, NaN ignored, typed arrays and number[]', () => {
    expect(median([5, NaN, 1, 4, 2])).toBe(3);
    expect(median(Float32Array.of(3, 1, 2))).toBe(2);
    expect(median([NaN])).toBeNaN();
    expect(median([-Infinity, 1, Infinity])).toBe(1);
  });
  it('quantile: linear between order statistics at q(n−1) (numpy percentile)', () => {
    // numpy.percentile([1, 2, 4, 8, nan] without nan, 25) = 1.75
    expect(quantile([8, 1, NaN, 4, 2], 0.25)).toBe(1.75);
    expect(quantile([8, 1, 4, 2], 1)).toBe(8);
    expect(quantileSorted([1, 2, 4, 8], 0.5)).toBe(3);
  });
  it('mad: median |x − median| of the non-NaN values', () => {
    // median 3; deviations 2,1,0,1,6 → 1
    expect(mad([1, 2, 3, 4, 9, NaN])).toBe(1);
    expect(MAD_TO_SIGMA).toBe(1.4826);
  });
  it('selectKth / medianInPlace / medianSorted agree with a full sort', () => {
    const a = Float64Array.from({ length: 101 }, (_, i) => (i * 37) % 101);
    expect(selectKth(a.slice(), 101, 10)).toBe(10);
    expect(medianInPlace(a.slice(0, 100))).toBe(medianSorted(a.slice(0, 100).sort()));
    expect(medianInPlace(new Float32Array(0))).toBeNaN();
    expect(medianSorted([1, 2, 4, 8], 'upper')).toBe(4);
  });
});

describe('binIndex', () => {
  it('finds [edges[k], edges[k+1]) by bisection; −1 outside or NaN; equals a linear scan', () => {
    const edges = [-23, -22.5, -22, -21, -20];
    expect(binIndex(edges, -23)).toBe(0);
    expect(binIndex(edges, -22.5)).toBe(1);
    expect(binIndex(edges, -20.0001)).toBe(3);
    expect(binIndex(edges, -20)).toBe(-1);
    expect(binIndex(edges, -23.1)).toBe(-1);
    expect(binIndex(edges, NaN)).toBe(-1);
    const linear = (v: number) => { for (let i = 0; i < edges.length - 1; i++) if (v >= edges[i]! && v < edges[i + 1]!) return i; return -1; };
    for (let v = -23.5; v < -19.5; v += 0.01) expect(binIndex(edges, v)).toBe(linear(v));
  });
});
