// The stamp stretch's 99.5th percentile interpolates between samples (@asteris/core quantileSorted, issue #16).
import { describe, expect, it } from 'vitest';
import { stampStretch } from '../src/stamps.ts';

describe('stampStretch', () => {
  it('hi is the interpolated 99.5th percentile of all panels (104.005 here; the nearest sample gave 105)', () => {
    // 990 faint values (σ ≈ 0.37) and 10 bright ones 100..109: the percentile, not lo + 10σ, sets hi
    const data = Float32Array.from({ length: 1000 }, (_, i) => (i < 990 ? i / 1000 : 100 + (i - 990)));
    const s = stampStretch([{ band: 'F200W', kind: 'coadd', data, width: 1000, height: 1 }]);
    expect(s.lo + 10 * s.soft).toBeLessThan(10);
    expect(s.hi).toBeCloseTo(104.005, 9);
  });
});
