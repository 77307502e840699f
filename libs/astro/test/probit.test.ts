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
