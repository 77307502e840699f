// Inference preprocessing of one exposure stack (asteris-method.md §1.4, steps 5–9):
// global iterative 3σ winsorisation, z-score with the clipped stack's median/std, x/4 + 1,
// bright clipped excess R (temporal median), and binning of N exposures into T super-frames.
import { medianInPlace } from '@asteris/core';
import { AsterisError } from '../errors.ts';
import type { Cube } from './cube.ts';
import { nanMedian, nanMedianSelect, nanStd, sigmaClipLimits } from './stats.ts';

export const SCALE_FACTOR = 4;

export interface Normalisation {
  /** median of the winsorised stack ("mean_val" in the reference) */
  mu: number;
  /** population std of the winsorised stack ("std_val") */
  sigma: number;
  /** winsorisation limits, physical units */
  lo: number;
  hi: number;
  clipIters: number;
}

/**
 * Winsorises the cube in place to [lo, hi] from the iterative global k·σ clip (§1.3.4) and returns
 * the clipped excess P = X − clip(X) (0 where missing or not clipped).
 */
export function winsorise(c: Cube, k = 3): { lo: number; hi: number; iters: number; excess: Float32Array } {
  const { lo, hi, iters, count } = sigmaClipLimits(c.data, k);
  if (count === 0) throw new AsterisError('exposure stack has no valid pixels');
  const excess = new Float32Array(c.data.length);
  const d = c.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (Number.isNaN(v)) continue;
    if (v > hi) { excess[i] = v - hi; d[i] = hi; }
    else if (v < lo) { excess[i] = v - lo; d[i] = lo; }
  }
  return { lo, hi, iters, excess };
}

/**
 * Bright-excess image R (§1.4.9): per pixel, if at most one exposure has a non-zero clipped excess
 * the pixel's excess is zeroed in all exposures (single-frame hits, e.g. cosmic rays, are dropped);
 * otherwise R = temporal median over ALL N exposures (numpy median, even N averages the middle two).
 * Missing voxels carry excess 0, as after the reference's NaN → 0.
 * mode 'mean' (an option, not the reference) takes the mean excess instead: flux-conserving for
 * pixels that cross the ceiling in only some exposures, where the median returns 0 (docs/asteris.md).
 */
export function clipPartImage(excess: Float32Array, n: number, npix: number, mode: 'median' | 'mean' = 'median'): Float32Array {
  const R = new Float32Array(npix);
  const buf = new Float64Array(n);
  for (let p = 0; p < npix; p++) {
    let nz = 0;
    for (let t = 0; t < n; t++) { const e = excess[t * npix + p]!; buf[t] = e; if (e !== 0) nz++; }
    R[p] = pixelClipPart(buf, n, nz, mode);
  }
  return R;
}

/** The R rule for one pixel's N excesses in buf (nz of them non-zero); 'mean' is the flux-conserving variant (not the reference). */
function pixelClipPart(buf: Float64Array, n: number, nz: number, mode: 'median' | 'mean'): number {
  if (nz <= 1) return 0;
  if (mode === 'median') return medianInPlace(buf, n);
  let s = 0;
  for (let t = 0; t < n; t++) s += buf[t]!;
  return s / n;
}

/** z-score and map to x/4 + 1 in place (§1.3.6): μ = median, σ = population std of the finite voxels. */
export function normaliseInPlace(c: Cube): { mu: number; sigma: number } {
  const mu = nanMedianSelect(c.data);
  const sigma = nanStd(c.data);
  if (!(sigma > 0)) throw new AsterisError(`exposure stack has zero variance after clipping (σ = ${sigma}); cannot normalise`);
  const d = c.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (!Number.isNaN(v)) d[i] = (v - mu) / sigma / SCALE_FACTOR + 1;
  }
  return { mu, sigma };
}

/** Frames T of the built-in models (lite and asteris8: 8, asteris4: 4). */
export const MODEL_FRAMES: Readonly<Record<'lite' | 'asteris4' | 'asteris8', number>> = { lite: 8, asteris4: 4, asteris8: 8 };

/** What works with `n` exposures: the built-in models whose T ≤ n, else the co-add (`--denoiser none`). */
export function framesAdvice(n: number): string {
  const ok = (Object.keys(MODEL_FRAMES) as (keyof typeof MODEL_FRAMES)[]).filter((k) => MODEL_FRAMES[k] <= n);
  return ok.length
    ? `With ${n} exposures use ${ok.map((k) => `${k} (T = ${MODEL_FRAMES[k]})`).join(' or ')}, or a model with T ≤ ${n}.`
    : `No built-in model works with ${n} exposure(s) (the smallest, asteris4, needs 4): use --denoiser none (the co-add) or add exposures.`;
}

/**
 * Super-frame sizes (§1.4.8, `process_nmean`): q = ⌊N/T⌋, r = N mod T; frame j gets q exposures plus
 * one more when j is in the centred block [⌊(T−r)/2⌋, ⌊(T−r)/2⌋ + r). N = 12, T = 8 → 1,1,2,2,2,2,1,1.
 */
export function superFrameSizes(n: number, T: number): number[] {
  if (n < T) {
    throw new AsterisError(
      `stack has ${n} exposure(s) but the model needs T = ${T} frames; the reference silently passes ${n} frames and fails. ` +
        framesAdvice(n),
    );
  }
  const q = Math.floor(n / T), r = n % T;
  const s = Math.floor((T - r) / 2);
  return Array.from({ length: T }, (_, j) => q + (j >= s && j < s + r ? 1 : 0));
}

/**
 * Contiguous nanmean binning of N frames into T super-frames (file order). All-missing → NaN.
 * inPlace: super-frame j is written over exposure j of the cube (safe: it only reads exposures ≥ j),
 * and the result is a view of the cube's buffer, so no second stack is allocated.
 */
export function binSuperFrames(c: Cube, T: number, inPlace = false): Cube {
  const sizes = superFrameSizes(c.n, T);
  const npix = c.width * c.height;
  const out = inPlace ? c.data.subarray(0, T * npix) : new Float32Array(T * npix);
  const sum = new Float64Array(npix);
  const cnt = new Uint16Array(npix);
  let t0 = 0;
  for (let j = 0; j < T; j++) {
    sum.fill(0);
    cnt.fill(0);
    for (let t = t0; t < t0 + sizes[j]!; t++) {
      const off = t * npix;
      for (let p = 0; p < npix; p++) {
        const v = c.data[off + p]!;
        if (!Number.isNaN(v)) { sum[p] += v; cnt[p]!++; }
      }
    }
    const o = j * npix;
    for (let p = 0; p < npix; p++) out[o + p] = cnt[p]! > 0 ? sum[p]! / cnt[p]! : NaN;
    t0 += sizes[j]!;
  }
  return { n: T, width: c.width, height: c.height, data: out };
}

export interface PreprocessResult {
  /** T normalised super-frames (NaN = missing) */
  frames: Cube;
  /** bright clipped excess R (physical units) */
  clipPart: Float32Array;
  norm: Normalisation;
}

/**
 * §1.4 steps 5–9 on an (already cropped) cube: NO per-pixel temporal clip at inference (as the
 * reference), global 3σ winsorisation, z-score + x/4 + 1, R, super-frame binning. The input cube is
 * modified in place (it becomes the normalised exposure cube).
 */
export function preprocessCube(c: Cube, T: number, opts: { clipSigma?: number; clipPartMode?: 'median' | 'mean' } = {}): PreprocessResult {
  superFrameSizes(c.n, T); // fail early on N < T
  // the same steps as winsorise + clipPartImage + binSuperFrames, without their full-stack buffers:
  // beyond the cube itself only a few single images are allocated (docs/asteris.md, memory)
  const { lo, hi, iters, count } = sigmaClipLimits(c.data, opts.clipSigma ?? 3);
  if (count === 0) throw new AsterisError('exposure stack has no valid pixels');
  const npix = c.width * c.height;
  const clipPart = clipPartFromLimits(c, lo, hi, opts.clipPartMode ?? 'median');
  const d = c.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v > hi) d[i] = hi; else if (v < lo) d[i] = lo; // NaN compares false and stays NaN
  }
  const { mu, sigma } = normaliseInPlace(c);
  const frames = binSuperFrames(c, T, true);
  return { frames, clipPart, norm: { mu, sigma, lo, hi, clipIters: iters } };
}

/**
 * clipPartImage of the excesses over [lo, hi], computed pixel by pixel from the unclipped cube
 * (so the N×H×W excess stack is never stored).
 */
export function clipPartFromLimits(c: Cube, lo: number, hi: number, mode: 'median' | 'mean' = 'median'): Float32Array {
  const n = c.n, npix = c.width * c.height, d = c.data;
  const R = new Float32Array(npix);
  const buf = new Float64Array(n);
  for (let p = 0; p < npix; p++) {
    let nz = 0;
    for (let t = 0; t < n; t++) {
      const v = d[t * npix + p]!;
      // the excess is computed in float32, as the stored excess of winsorise is
      const e = v > hi ? Math.fround(v - hi) : v < lo ? Math.fround(v - lo) : 0;
      buf[t] = e;
      if (e !== 0) nz++;
    }
    R[p] = pixelClipPart(buf, n, nz, mode);
  }
  return R;
}

/** Temporal nanmean image of a cube (NaN where no frame is valid). */
export function temporalMean(c: Cube): Float32Array {
  const npix = c.width * c.height;
  const out = new Float32Array(npix);
  for (let p = 0; p < npix; p++) {
    let s = 0, n = 0;
    for (let t = 0; t < c.n; t++) {
      const v = c.data[t * npix + p]!;
      if (!Number.isNaN(v)) { s += v; n++; }
    }
    out[p] = n ? s / n : NaN;
  }
  return out;
}

/** Whole-stack debias value g (§4.1.2): nanmedian over (y,x) of the temporal nanmean. */
export function stackBias(c: Cube): number {
  const g = nanMedian(temporalMean(c));
  return Number.isNaN(g) ? 0 : g;
}
