// Gaussian noise with a prescribed covariance, written for the tests (independent of libs/sim): white
// N(0,1) noise convolved with a filter g whose autocorrelation g⋆g is the target covariance kernel C
// (g = inverse DFT of √(DFT of C) on a 32×32 grid, truncated to 15×15), or with a drizzle-like separable
// 3-tap filter [e, 1, e] ⊗ [e, 1, e].
import { gaussianRng, mulberry32Uniform } from '../../src/index.ts';
import type { NoiseCovariance } from '../../src/noise.ts';

/** Drizzle-like separable filter: e = 0.1333 gives neighbour correlation 0.257 and ΣC/C(0) = 2.40. */
export function drizzleFilter(e = 0.1333): NoiseCovariance {
  const t = [e, 1, e];
  const d = new Float64Array(9);
  for (let j = 0; j < 3; j++) for (let i = 0; i < 3; i++) d[j * 3 + i] = t[i]! * t[j]!;
  return { size: 3, data: d };
}

/** The covariance g⋆g of a filter g (size (2n−1)²). */
export function autocorrelation(g: NoiseCovariance): NoiseCovariance {
  const n = g.size, m = 2 * n - 1, out = new Float64Array(m * m);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) for (let j2 = 0; j2 < n; j2++) for (let i2 = 0; i2 < n; i2++) {
    out[(j2 - j + n - 1) * m + i2 - i + n - 1]! += g.data[j * n + i]! * g.data[j2 * n + i2]!;
  }
  return { size: m, data: out };
}

/** A filter whose autocorrelation is C (spectral square root on a 32×32 grid). */
export function sqrtFilter(C: NoiseCovariance, out = 15): NoiseCovariance {
  const G = 32, R = (C.size - 1) >> 1;
  const P = new Float64Array(G * G);
  for (let v = 0; v < G; v++) for (let u = 0; u < G; u++) {
    let s = 0;
    for (let dy = -R; dy <= R; dy++) for (let dx = -R; dx <= R; dx++) s += C.data[(dy + R) * C.size + dx + R]! * Math.cos((2 * Math.PI * (u * dx + v * dy)) / G);
    P[v * G + u] = Math.sqrt(Math.max(0, s));
  }
  const h = (out - 1) >> 1, g = new Float64Array(out * out);
  for (let dy = -h; dy <= h; dy++) for (let dx = -h; dx <= h; dx++) {
    let s = 0;
    for (let v = 0; v < G; v++) for (let u = 0; u < G; u++) s += P[v * G + u]! * Math.cos((2 * Math.PI * (u * dx + v * dy)) / G);
    g[(dy + h) * out + dx + h] = s / (G * G);
  }
  return { size: out, data: g };
}

/** w×h noise: white N(0,1) convolved with g, scaled so that each pixel has standard deviation `sigma`. */
export function correlatedNoise(w: number, h: number, g: NoiseCovariance, sigma: number, seed: number): Float32Array {
  const rng = gaussianRng(mulberry32Uniform(seed));
  const n = g.size, R = (n - 1) >> 1, W = w + 2 * R, H = h + 2 * R;
  const white = new Float32Array(W * H);
  for (let i = 0; i < white.length; i++) white[i] = rng();
  let g2 = 0;
  for (const v of g.data) g2 += v * v;
  const scale = sigma / Math.sqrt(g2);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let s = 0;
    for (let j = 0; j < n; j++) { const row = (y + j) * W + x; for (let i = 0; i < n; i++) s += g.data[j * n + i]! * white[row + i]!; }
    out[y * w + x] = s * scale;
  }
  return out;
}
