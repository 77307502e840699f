import { describe, expect, it } from 'vitest';
import { backgroundMap, histogramMode, makeBackground, meshStats, sigmaClipMode, mockField, mulberry32Uniform } from '../src/index.ts';
import { medianWalk, medianWalkLoop } from '../src/background/stats.ts';

describe('mesh mode estimator (astro-reference §A.11 test vectors)', () => {
  it('arange(100) → 49.5', () => {
    const v = Array.from({ length: 100 }, (_, i) => i);
    expect(sigmaClipMode(v).back).toBeCloseTo(49.5, 10);
    // The histogram estimator on the same values lands within one histogram bin of it.
    const st = meshStats(Float32Array.from(v), 100, 0, 0, 100, 1);
    expect(Math.abs(histogramMode(st).back - 49.5)).toBeLessThan(st.qscale);
  });

  it('skewed vector: five 1000s clipped (n = 125), median 41, mean 44.4, σ 28.50, mode 2.5·41 − 1.5·44.4 = 35.9', () => {
    const v = [...Array.from({ length: 100 }, (_, i) => i), ...Array.from({ length: 25 }, (_, i) => 2 * i), 1000, 1000, 1000, 1000, 1000];
    const r = sigmaClipMode(v);
    expect(r.n).toBe(125);
    expect(r.median).toBeCloseTo(41.0, 6);
    expect(r.mean).toBeCloseTo(44.4, 6);
    expect(r.sigma).toBeCloseTo(28.50, 2);
    expect(r.back).toBeCloseTo(35.9, 6);
  });

  it('falls back to the median when |mean − median|/σ ≥ 0.3 (crowded mesh)', () => {
    // half the values at 0, a long tail: mean far from median
    const v = [...Array(60).fill(0), ...Array.from({ length: 40 }, (_, i) => 10 + i * 2)];
    const r = sigmaClipMode(v);
    expect(Math.abs(r.mean - r.median) / r.sigma).toBeGreaterThanOrEqual(0.3);
    expect(r.back).toBe(r.median);
  });
});

describe('background maps', () => {
  it('recovers a flat background and noise σ on a mock field with sources', () => {
    const f = mockField({ width: 256, height: 256, nSources: 60, seed: 3, noise: 2, background: 100 });
    const m = makeBackground(f.data, 256, 256, { meshSize: 64 });
    expect(Math.abs(m.globalBack - 100)).toBeLessThan(0.2);
    expect(Math.abs(m.globalRms / 2 - 1)).toBeLessThan(0.05);
  });

  it('a linear gradient is reproduced exactly between the mesh nodes (spline of linear data is linear)', () => {
    const w = 256, h = 192;
    const data = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = 10 + 0.01 * x + 0.02 * y;
    const m = makeBackground(data, w, h, { meshSize: 64, filterSize: 1 });
    const map = backgroundMap(m);
    // mesh means of a linear ramp equal the ramp at the mesh centre; interpolation is then exact
    for (const [x, y] of [[70, 70], [120, 100], [180, 130]] as const) {
      expect(map[y * w + x]!).toBeCloseTo(10 + 0.01 * (x - 0.5 + 0.5) + 0.02 * (y - 0.5), 1);
    }
  });

  it('meshes with < 50 % valid pixels are filled from the nearest valid meshes', () => {
    const f = mockField({ width: 192, height: 192, nSources: 0, seed: 5, noise: 1, background: 7 });
    for (let y = 64; y < 128; y++) for (let x = 64; x < 128; x++) f.data[y * 192 + x] = NaN; // central mesh
    const m = makeBackground(f.data, 192, 192, { meshSize: 64 });
    expect(m.nBadMeshes).toBe(1);
    const map = backgroundMap(m);
    expect(Number.isFinite(map[96 * 192 + 96]!)).toBe(true);
    expect(Math.abs(map[96 * 192 + 96]! - 7)).toBeLessThan(0.1);
  });

  it('all meshes bad → back 0 and σ 1 (SExtractor rule); images smaller than a mesh use one mesh', () => {
    const m = makeBackground(new Float32Array(100).fill(NaN), 10, 10);
    expect(m.globalBack).toBe(0);
    expect(m.globalRms).toBe(1);
    const small = mockField({ width: 20, height: 12, nSources: 0, seed: 1, noise: 1, background: 3 });
    const ms = makeBackground(small.data, 20, 12, { meshSize: 64 });
    expect(ms.nx).toBe(1);
    expect(ms.ny).toBe(1);
    expect(Math.abs(ms.globalBack - 3)).toBeLessThan(0.5);
  });
});

describe('histogram median walk (backguess) by ranks', () => {
  it('medianWalk equals the literal two-cursor walk on 3000 seeded histograms, ties and empty levels included', () => {
    const rnd = mulberry32Uniform(11);
    for (let t = 0; t < 3000; t++) {
      const n = 1 + Math.floor(rnd() * 60);
      const h = new Int32Array(n);
      const kind = t % 3; // sparse, small counts with many ties, peaked
      for (let i = 0; i < n; i++) {
        h[i] = kind === 0 ? (rnd() < 0.3 ? Math.floor(rnd() * 5) : 0)
          : kind === 1 ? Math.floor(rnd() * 3)
          : Math.round(50 * Math.exp(-(((i - n / 2) / (1 + n / 6)) ** 2)) * rnd());
      }
      const c0 = new Float64Array(n + 1);
      for (let i = 0; i < n; i++) c0[i + 1] = c0[i]! + h[i]!;
      const lcut = Math.floor(rnd() * n), hcut = lcut + Math.floor(rnd() * (n - lcut));
      expect(medianWalk(c0, lcut, hcut)).toEqual(medianWalkLoop(h, lcut, hcut));
    }
  });
});
