import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@asteris/core';
import { m90, m90Bootstrap, m90DiffInterval, m90FromBins, normalTail, replicateInterval } from '../src/index.ts';

const normalCdf = (x: number) => 1 - normalTail(x);

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

describe('m90Bootstrap (statistical error of m90, paired between paths)', () => {
  // C(m) = Φ((27.5 − m)/0.3), 400 injections uniform in 25–29 (≈ 50 per 0.5 mag bin, like a pipeline run)
  const E = [25, 25.5, 26, 26.5, 27, 27.5, 28, 28.5, 29];
  const sample = (seed: number, shift = 0) => {
    const rng = mulberry32(seed), mags: number[] = [], rec: boolean[] = [];
    for (let i = 0; i < 400; i++) { const m = 25 + 4 * rng.uniform(); mags.push(m); rec.push(rng.uniform() < normalCdf((27.5 + shift - m) / 0.3)); }
    return { mags, rec };
  };
  it('is deterministic for a seed; identical paths differ by exactly 0', () => {
    const { mags, rec } = sample(1);
    const a = m90Bootstrap(mags, [{ recovered: rec }, { recovered: rec }], E, { n: 200, seed: 5 });
    const b = m90Bootstrap(mags, [{ recovered: rec }, { recovered: rec }], E, { n: 200, seed: 5 });
    expect(a.samples).toEqual(b.samples);
    expect(a.m90[0]).toBe(m90(mags, rec, E).m90);
    expect(m90DiffInterval(a, 0, 1)).toEqual([0, 0]);
  });
  it('its 68 % width matches the scatter of m90 over independent injection sets (within 35 %)', () => {
    const truth = Array.from({ length: 300 }, (_, s) => { const { mags, rec } = sample(1000 + s); return m90(mags, rec, E).m90; });
    const sd = (v: number[]) => { const f = v.filter(Number.isFinite), mu = f.reduce((x, y) => x + y, 0) / f.length; return Math.sqrt(f.reduce((x, y) => x + (y - mu) ** 2, 0) / (f.length - 1)); };
    const mc = sd(truth);
    // the bootstrap of single sets, averaged over a few sets
    const widths = [1, 2, 3, 4, 5, 6].map((s) => { const { mags, rec } = sample(s); const iv = replicateInterval(m90Bootstrap(mags, [{ recovered: rec }], E, { n: 300, seed: s }).samples[0]!)!; return (iv[1] - iv[0]) / 2; });
    const boot = widths.reduce((a, b) => a + b, 0) / widths.length;
    expect(mc).toBeGreaterThan(0.03);
    expect(boot / mc).toBeGreaterThan(0.65);
    expect(boot / mc).toBeLessThan(1.35);
  });
  it('pairing: two paths scoring the same injections have a tighter difference than independent errors suggest', () => {
    const { mags, rec } = sample(9);
    // path 2 recovers everything path 1 does plus 30 % of what it misses between 27 and 28 (a small real gain)
    const rng = mulberry32(4);
    const rec2 = rec.map((r, i) => r || (mags[i]! > 27 && mags[i]! < 28 && rng.uniform() < 0.3));
    const b = m90Bootstrap(mags, [{ recovered: rec }, { recovered: rec2 }], E, { n: 400, seed: 2 });
    const d = m90DiffInterval(b, 1, 0)!, i1 = replicateInterval(b.samples[0]!)!, i2 = replicateInterval(b.samples[1]!)!;
    expect(d[0]).toBeGreaterThanOrEqual(0); // path 2 is never shallower in any replicate
    expect(d[1] - d[0]).toBeLessThan(Math.hypot(i1[1] - i1[0], i2[1] - i2[0]));
  });
});
