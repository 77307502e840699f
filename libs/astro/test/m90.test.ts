import { describe, expect, it } from 'vitest';
import { m90, m90FromBins, normalTail } from '../src/index.ts';

const edges = [25, 25.5, 26, 26.5, 27, 27.5, 28];
describe('m90 (one definition)', () => {
  it('interpolates the first downward crossing of min(C, P) between bin centres', () => {
    const r = m90FromBins({ edges, injected: [10, 10, 10, 10, 10, 10], recovered: [10, 10, 9, 7, 2, 0] });
    // centres 26.25 (0.9) and 26.75 (0.7) → crossing at 26.25 exactly (q = 0.9 is not below)
    expect(r.m90).toBeCloseTo(26.25, 12);
    const r2 = m90FromBins({ edges, injected: [10, 10, 10, 10, 10, 10], recovered: [10, 10, 10, 5, 9, 9] });
    // first crossing wins even if later bins recover: between 26.25 (1.0) and 26.75 (0.5) → 26.25 + 0.1/0.5·0.5
    expect(r2.m90).toBeCloseTo(26.35, 12);
  });
  it('is limited by purity, skips empty bins, flags lower limits and unresolved curves', () => {
    const r = m90FromBins({ edges, injected: [10, 0, 10, 10, 10, 10], recovered: [10, 0, 10, 10, 10, 10], detections: [10, 0, 10, 10, 20, 20], falseDetections: [0, 0, 0, 0, 10, 10] });
    // purity 0.5 in the 27.25 bin: crossing between 26.75 (1.0) and 27.25 (0.5)
    expect(r.m90).toBeCloseTo(26.75 + 0.1 / 0.5 * 0.5, 12);
    expect(r.curve[1]!.n).toBe(0);
    const all = m90FromBins({ edges, injected: [5, 5, 5, 5, 5, 5], recovered: [5, 5, 5, 5, 5, 5] });
    expect(all).toMatchObject({ m90: 27.75, lowerLimit: true });
    expect(Number.isNaN(m90FromBins({ edges, injected: [10, 10, 10, 10, 10, 10], recovered: [5, 5, 5, 5, 5, 5] }).m90)).toBe(true);
  });
  it('recovers the m90 of a known erf completeness curve from per-source data', () => {
    // C(m) = Φ((m_lim − m)/0.2): exact m90 = m_lim − 0.2·Φ⁻¹(0.9) = m_lim − 0.2563
    const mags: number[] = [], rec: boolean[] = [];
    let u = 0.5;
    for (let i = 0; i < 40000; i++) {
      u = (u + 0.6180339887) % 1;
      const m = 25 + 3 * ((i * 0.7548776662) % 1);
      mags.push(m);
      rec.push(u < normalTail((m - 27) / 0.2));
    }
    const r = m90(mags, rec, Array.from({ length: 31 }, (_, i) => 25 + i * 0.1));
    expect(r.m90).toBeCloseTo(27 - 0.2 * 1.2816, 1);
    expect(Math.abs(r.m90 - (27 - 0.2563))).toBeLessThan(0.02);
    expect(() => m90([1], [], edges)).toThrow(/recovered flag/);
  });
});
