// Figure percentiles interpolate between samples (@asteris/core quantileSorted = d3-array's), never the nearest sample (issue #16).
import { describe, expect, it } from 'vitest';
import { stretchLimits } from '../src/index.ts';

describe('stretchLimits', () => {
  it('interpolates: the 25th/75th percentiles of 0..10 are 2.5 and 7.5 (nearest-sample gave 3 and 8); non-finite values ignored', () => {
    const v = Float32Array.from([10, 0, NaN, 9, 1, 8, 2, 7, 3, 6, 4, 5, Infinity]);
    expect(stretchLimits([v], 25, 75)).toEqual({ lo: 2.5, hi: 7.5 });
    expect(stretchLimits([v.subarray(0, 6), v.subarray(6)], 0, 100)).toEqual({ lo: 0, hi: 10 });
  });
});
