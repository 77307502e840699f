// Seeded mock images for tests and the benchmark: circular/elliptical Gaussian sources on a flat
// background with Gaussian noise. Same seed → same bytes.
import { mulberry32 as coreMulberry32 } from '@asteris/core';

/** @asteris/core's mulberry32 stream as a bare uniform [0, 1) function (not core's SimpleRng object; hence the distinct name). */
export function mulberry32Uniform(seed: number): () => number {
  return coreMulberry32(seed).uniform;
}

/** Standard normal deviates (Box–Muller) from a uniform generator. */
export function gaussianRng(u: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) { const s = spare; spare = null; return s; }
    let r = 0, v = 0;
    do { r = u(); } while (r <= 1e-300);
    v = u();
    const m = Math.sqrt(-2 * Math.log(r));
    spare = m * Math.sin(2 * Math.PI * v);
    return m * Math.cos(2 * Math.PI * v);
  };
}

export interface MockSource { x: number; y: number; flux: number; sigma: number; q?: number; thetaDeg?: number }

export interface MockField { width: number; height: number; data: Float32Array; sources: MockSource[]; noise: number; background: number }

/**
 * Renders sources (integrated flux `flux`, Gaussian σ along the major axis, axis ratio q) by sampling the
 * profile on a 3×3 sub-grid per pixel, adds `background` and N(0, noise²).
 */
export function mockField(opts: {
  width: number; height: number; nSources: number; seed: number; noise?: number; background?: number;
  fluxRange?: [number, number]; sigmaRange?: [number, number]; margin?: number; sources?: MockSource[];
}): MockField {
  const { width: w, height: h, seed } = opts;
  const noise = opts.noise ?? 1;
  const background = opts.background ?? 0;
  const u = mulberry32Uniform(seed);
  const g = gaussianRng(mulberry32Uniform(seed ^ 0x9e3779b9));
  const [f0, f1] = opts.fluxRange ?? [20, 5000];
  const [s0, s1] = opts.sigmaRange ?? [1.0, 2.5];
  const margin = opts.margin ?? 8;
  const sources: MockSource[] = opts.sources ? [...opts.sources] : [];
  for (let i = 0; i < opts.nSources; i++) {
    sources.push({
      x: margin + u() * (w - 2 * margin), y: margin + u() * (h - 2 * margin),
      flux: f0 * Math.pow(f1 / f0, u()), // log-uniform
      sigma: s0 + (s1 - s0) * u(), q: 0.5 + 0.5 * u(), thetaDeg: 180 * u() - 90,
    });
  }
  const data = new Float32Array(w * h);
  const sub = [-1 / 3, 0, 1 / 3];
  for (const s of sources) {
    const q = s.q ?? 1;
    const th = ((s.thetaDeg ?? 0) * Math.PI) / 180;
    const c = Math.cos(th), sn = Math.sin(th);
    const sa = s.sigma, sb = s.sigma * q;
    const amp = s.flux / (2 * Math.PI * sa * sb);
    const R = Math.ceil(6 * sa);
    const x0 = Math.max(0, Math.floor(s.x - R)), x1 = Math.min(w - 1, Math.ceil(s.x + R));
    const y0 = Math.max(0, Math.floor(s.y - R)), y1 = Math.min(h - 1, Math.ceil(s.y + R));
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) {
      let acc = 0;
      for (const oy of sub) for (const ox of sub) {
        const dx = x + ox - s.x, dy = y + oy - s.y;
        const u1 = c * dx + sn * dy, v1 = -sn * dx + c * dy;
        acc += Math.exp(-0.5 * ((u1 * u1) / (sa * sa) + (v1 * v1) / (sb * sb)));
      }
      data[y * w + x]! += (amp * acc) / 9;
    }
  }
  for (let i = 0; i < data.length; i++) data[i] = data[i]! + background + noise * g();
  return { width: w, height: h, data, sources, noise, background };
}
