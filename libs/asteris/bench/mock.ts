// Seeded mock exposure stacks for the depth benchmark: point sources with a Gaussian PSF
// (pixel-integrated exactly with erf), a flat sky pedestal and white Gaussian noise per exposure.
// Units nJy per pixel, so m_AB = 31.4 − 2.5 log10(flux / nJy).
import { mulberry32 } from '@asteris/stack';

export interface MockSource { x: number; y: number; mag: number; flux: number }
export interface MockStack {
  width: number; height: number;
  frames: Float32Array[];
  /** noiseless scene (sky pedestal excluded) */
  truth: Float32Array;
  sources: MockSource[];
  sigmaExp: number;
  sky: number;
}

export const ZP_NJY = 31.4;
export const fluxFromMag = (m: number): number => 10 ** ((ZP_NJY - m) / 2.5);
export const magFromFlux = (f: number): number => ZP_NJY - 2.5 * Math.log10(f);

function erf(x: number): number {
  // Abramowitz & Stegun 7.1.26 is too coarse for flux conservation; use a high-precision series/continued fraction split
  const s = Math.sign(x), a = Math.abs(x);
  if (a < 2.5) {
    let sum = a, term = a;
    for (let n = 1; n < 60; n++) {
      term *= -a * a / n;
      const c = term / (2 * n + 1);
      sum += c;
      if (Math.abs(c) < 1e-16 * Math.abs(sum)) break;
    }
    return s * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc continued fraction (Lentz)
  let f = a, C = a, D = 0;
  for (let n = 1; n < 200; n++) {
    const an = n / 2;
    D = a + an * D; D = 1 / D;
    C = a + an / C;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
  return s * (1 - erfc);
}

/** Adds a pixel-integrated circular Gaussian of total `flux` centred at (x, y) (pixel centres on integers). */
export function addGaussian(img: Float32Array, w: number, h: number, x: number, y: number, flux: number, sigma: number): void {
  const r = Math.ceil(6 * sigma) + 1;
  const x0 = Math.max(0, Math.floor(x) - r), x1 = Math.min(w - 1, Math.floor(x) + r);
  const y0 = Math.max(0, Math.floor(y) - r), y1 = Math.min(h - 1, Math.floor(y) + r);
  const k = 1 / (Math.SQRT2 * sigma);
  const fx: number[] = [], fy: number[] = [];
  for (let i = x0; i <= x1; i++) fx.push(0.5 * (erf((i + 0.5 - x) * k) - erf((i - 0.5 - x) * k)));
  for (let j = y0; j <= y1; j++) fy.push(0.5 * (erf((j + 0.5 - y) * k) - erf((j - 0.5 - y) * k)));
  for (let j = y0; j <= y1; j++) for (let i = x0; i <= x1; i++) img[j * w + i] += flux * fy[j - y0]! * fx[i - x0]!;
}

export function mockStack(opts: {
  seed: number; width: number; height: number; nExp: number; sigmaExp: number; psfSigma: number;
  magRange?: [number, number]; spacing?: number; sky?: number; noSources?: boolean;
}): MockStack {
  const rng = mulberry32(opts.seed);
  const { width: w, height: h } = opts;
  const truth = new Float32Array(w * h);
  const sources: MockSource[] = [];
  if (!opts.noSources) {
    const sp = opts.spacing ?? 24;
    const [m0, m1] = opts.magRange ?? [25.5, 30.5];
    for (let cy = sp / 2; cy + sp / 2 <= h; cy += sp) {
      for (let cx = sp / 2; cx + sp / 2 <= w; cx += sp) {
        const x = cx + (rng.uniform() - 0.5) * (sp / 3), y = cy + (rng.uniform() - 0.5) * (sp / 3);
        const mag = m0 + (m1 - m0) * rng.uniform();
        const flux = fluxFromMag(mag);
        addGaussian(truth, w, h, x, y, flux, opts.psfSigma);
        sources.push({ x, y, mag, flux });
      }
    }
  }
  const sky = opts.sky ?? 10 * opts.sigmaExp;
  const frames = Array.from({ length: opts.nExp }, () => {
    const f = new Float32Array(w * h);
    for (let i = 0; i < f.length; i++) f[i] = sky + truth[i]! + opts.sigmaExp * rng.normal();
    return f;
  });
  return { width: w, height: h, frames, truth, sources, sigmaExp: opts.sigmaExp, sky };
}
