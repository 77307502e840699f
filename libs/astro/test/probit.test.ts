// probitLimit (issue 14): the unbinned completeness limit and its error bar recover a known detector.
import { describe, expect, it } from 'vitest';
import { normalTail, probitLimit } from '../src/index.ts';

function lcg(seed: number): () => number { let s = seed >>> 0; return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32); }

describe('probitLimit', () => {
  it('recovers the 90 % flux of an ideal detector C = Φ(F/σ − t) within its own error bar, and the error is honest', () => {
    const t = 4, sigma = 2, truth = (t + 1.2815515655) * sigma; // flux at P = 0.9
    const pulls: number[] = [];
    for (let rep = 0; rep < 20; rep++) {
      const u = lcg(100 + rep);
      const F: number[] = [], d: boolean[] = [];
      for (let i = 0; i < 300; i++) { const f = 2 + 14 * u(); F.push(f); d.push(u() < 1 - normalTail(f / sigma - t)); }
      const r = probitLimit(F, d);
      pulls.push((r.flux - truth) / r.err);
      expect(r.err).toBeGreaterThan(0.05);
      expect(r.err).toBeLessThan(0.6);
    }
    const mean = pulls.reduce((a, b) => a + b, 0) / pulls.length;
    const sd = Math.sqrt(pulls.reduce((a, b) => a + (b - mean) ** 2, 0) / (pulls.length - 1));
    expect(Math.abs(mean)).toBeLessThan(0.6);
    expect(sd).toBeGreaterThan(0.6);
    expect(sd).toBeLessThan(1.5);
    expect(() => probitLimit([1, 2, 3, 4], [true, true, true, true])).toThrow(/misses/);
  });
});

describe('probitLimit with a plateau (crowded fields)', () => {
  it('recovers the 90 % flux when the bright end saturates at A = 0.95; the plateau-free fit is biased bright', () => {
    const t = 4, sigma = 2, A = 0.95;
    const truth = (t + 1.2815515655 * 0 + 1.6164) * sigma; // Φ⁻¹(0.9/0.95) = 1.6164
    const u = lcg(7);
    const F: number[] = [], d: boolean[] = [];
    for (let i = 0; i < 1500; i++) { const f = 2 + 14 * u(); F.push(f); d.push(u() < A * (1 - normalTail(f / sigma - t))); }
    const r = probitLimit(F, d, { plateau: true });
    expect(Math.abs(r.A - A)).toBeLessThan(0.02);
    expect(Math.abs(r.flux - truth)).toBeLessThan(3 * r.err + 0.05);
    expect(r.err).toBeLessThan(0.3);
    const r2 = probitLimit(F, d);
    expect(r2.flux).toBeGreaterThan(truth + 0.3); // 2-parameter fit: wrong shape
  });
});
