// An independent artefact-rich mock exposure stack (issue 14), deliberately unlike libs/sim's defaults:
// sky gradient, per-exposure 1/f row striping (optionally shared by consecutive exposures), cosmic rays,
// hot pixels and a detector-fixed pattern (flat-field residual with ~1.5 px correlation + amplifier
// offsets) that live in DETECTOR coordinates and so move with the integer dithers in sky coordinates,
// persistence of the previous exposure's bright pixels, exposure-to-exposure depth changes; point sources
// and exponential discs. The noise (everything but the sources) is drawn from its own seeded stream, so
// `noSources: true` with the same seed gives the identical noise field — the truth for false rates.
import { mulberry32 } from '@asteris/stack';

export interface ArtefactOptions {
  seed: number; width: number; height: number; nExp: number;
  /** white noise per exposure (nJy/px) */
  sigma: number;
  /** PSF Gaussian σ in px */
  psfSigma: number;
  /** rms of the per-exposure 1/f row striping in units of σ (default 0.3) */
  stripe?: number;
  /** correlation of the striping between consecutive exposures (default 0) */
  stripeShare?: number;
  /** cosmic-ray hits per px per exposure (default 3e-4) */
  crRate?: number;
  /** hot-pixel fraction (detector-fixed, default 5e-4) */
  hotFrac?: number;
  /** detector-fixed correlated pattern rms in σ (default 0.15; 1.5 px Gaussian correlation) */
  pattern?: number;
  /** amplifier offsets rms in σ (4 vertical amplifier strips, detector-fixed, default 0.1) */
  amp?: number;
  /** persistence fraction of the previous exposure's pixels above 20σ (default 0.02) */
  persistence?: number;
  /** dither amplitude in px (integer shifts in [−d, d], default 4) */
  dither?: number;
  /** relative rms of the exposure-to-exposure depth change (default 0.15) */
  depthJitter?: number;
  /** sky pedestal and gradient per px (default 30σ, 0.01σ/px) */
  sky?: number; gradient?: number;
  noSources?: boolean;
  /** sources per 100² px (default 8), magnitudes (default [25.5, 30.5]), fraction extended (default 0.4) */
  density?: number; magRange?: [number, number]; extendedFrac?: number;
  /** magnitude offset of the discs (their range is magRange + offset; default 0) */
  discMagOffset?: number;
  /** pixel scale (default 0.04″) for r_e of the discs (0.05–0.2″) */
  pixScale?: number;
}

export interface ArtefactSource { x: number; y: number; mag: number; flux: number; reArcsec: number }
export interface ArtefactStack { width: number; height: number; frames: Float32Array[]; truth: Float32Array; sources: ArtefactSource[]; sky: Float32Array; sigmaExp: number[]; /** each exposure's row-striping offsets (nJy, per sky row) — for oracle whitening */ stripes: Float64Array[]; /** the detector-fixed pattern (+ amplifier offsets, hot pixels), (w + 2·pad) × (h + 2·pad); exposure t's pixel (x, y) sees detector[(y + dy + pad)·(w + 2·pad) + x + dx + pad] */ detector: Float32Array; pad: number; /** integer dither of each exposure: sky (x, y) was detector (x + dx, y + dy) */ dithers: [number, number][] }

export const ZP = 31.4; // nJy → AB
const fluxOf = (m: number) => 10 ** ((ZP - m) / 2.5);

/** Gaussian-correlated (σ_c px) zero-mean field of unit rms on w × h. */
function correlated(w: number, h: number, sc: number, rng: { normal(): number }): Float32Array {
  const a = Float32Array.from({ length: w * h }, () => rng.normal());
  const r = Math.ceil(3 * sc), k = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sc * sc)));
  const t = new Float32Array(w * h), o = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) { let s = 0; for (let i = -r; i <= r; i++) s += k[i + r]! * a[y * w + ((x + i + w) % w)]!; t[y * w + x] = s; }
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) { let s = 0; for (let i = -r; i <= r; i++) s += k[i + r]! * t[((y + i + h) % h) * w + x]!; o[y * w + x] = s; }
  let v = 0;
  for (const q of o) v += q * q;
  const n = Math.sqrt(v / o.length);
  return o.map((q) => q / n);
}

/** 1/f row offsets of unit rms (64 cosine modes, amplitude ∝ k^−1/2). */
function oneOverF(h: number, rng: { uniform(): number; normal(): number }): Float64Array {
  const o = new Float64Array(h);
  for (let k = 1; k <= 64; k++) {
    const a = rng.normal() / Math.sqrt(k), ph = 2 * Math.PI * rng.uniform();
    for (let y = 0; y < h; y++) o[y] += a * Math.cos((2 * Math.PI * k * y) / h + ph);
  }
  // plus white row-to-row jitter (half the variance), then unit rms
  for (let y = 0; y < h; y++) o[y] += 0.7 * rng.normal();
  let v = 0;
  for (const q of o) v += q * q;
  const n = Math.sqrt(v / h);
  return o.map((q) => q / n);
}

export function artefactStack(o: ArtefactOptions): ArtefactStack {
  const { width: w, height: h, nExp: N, sigma } = o;
  const nz = mulberry32(o.seed * 7919 + 13); // noise stream (independent of the sources)
  const src = mulberry32(o.seed * 104729 + 7);
  const D = o.dither ?? 4, W2 = w + 2 * D, H2 = h + 2 * D;
  const ps = o.pixScale ?? 0.04;
  // detector-fixed: pattern + amplifier offsets + hot pixels on a (w+2D)×(h+2D) detector
  const det = correlated(W2, H2, 1.5, nz).map((v) => v * (o.pattern ?? 0.15) * sigma);
  const amps = Array.from({ length: 4 }, () => nz.normal() * (o.amp ?? 0.1) * sigma);
  for (let y = 0; y < H2; y++) for (let x = 0; x < W2; x++) det[y * W2 + x] += amps[Math.min(3, Math.floor((4 * x) / W2))]!;
  const hf = o.hotFrac ?? 5e-4;
  for (let i = 0; i < det.length; i++) if (nz.uniform() < hf) det[i] += sigma * (3 + 27 * nz.uniform() ** 2);
  const dithers: [number, number][] = Array.from({ length: N }, (_, t): [number, number] => (t === 0 ? [0, 0] : [Math.round((2 * nz.uniform() - 1) * D), Math.round((2 * nz.uniform() - 1) * D)]));
  const sky = new Float32Array(w * h);
  const s0 = (o.sky ?? 30) * sigma, g = (o.gradient ?? 0.01) * sigma;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) sky[y * w + x] = s0 + g * (x + 0.6 * y);
  const sigmaExp = Array.from({ length: N }, () => sigma * Math.max(0.5, 1 + (o.depthJitter ?? 0.15) * nz.normal()));
  const share = o.stripeShare ?? 0;
  let stripe: Float64Array | null = null;
  const frames: Float32Array[] = [];
  const stripes: Float64Array[] = [];
  // sources (own stream): points and exponential discs, PSF-convolved by 5×5 sub-sampling of the PSF-smoothed disc
  const truth = new Float32Array(w * h);
  const sources: ArtefactSource[] = [];
  if (!o.noSources) {
    const nSrc = Math.round(((o.density ?? 8) * w * h) / 1e4);
    const [m0, m1] = o.magRange ?? [25.5, 30.5];
    for (let i = 0; i < nSrc; i++) {
      const x = 6 + src.uniform() * (w - 12), y = 6 + src.uniform() * (h - 12);
      let mag = m0 + (m1 - m0) * src.uniform();
      const re = src.uniform() < (o.extendedFrac ?? 0.4) ? 0.05 + 0.15 * src.uniform() : 0;
      if (re > 0) mag += o.discMagOffset ?? 0;
      sources.push({ x, y, mag, flux: fluxOf(mag), reArcsec: re });
      render(truth, w, h, x, y, fluxOf(mag), o.psfSigma, re / ps);
    }
  }
  let prevFrame: Float32Array | null = null;
  for (let t = 0; t < N; t++) {
    const [dx, dy] = dithers[t]!;
    const fresh = oneOverF(h, nz);
    stripe = stripe ? fresh.map((v, y) => share * stripe![y]! + Math.sqrt(1 - share * share) * v) : fresh;
    const f = new Float32Array(w * h);
    const st = (o.stripe ?? 0.3) * sigma;
    stripes.push(stripe.map((v) => st * v));
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const p = y * w + x;
      f[p] = sky[p]! + truth[p]! + sigmaExp[t]! * nz.normal() + st * stripe[y]! + det[(y + dy! + D) * W2 + (x + dx! + D)]!;
    }
    // cosmic rays: 1–3 px tracks of 5–50σ
    const nCR = Math.round((o.crRate ?? 3e-4) * w * h);
    for (let c = 0; c < nCR; c++) {
      let x = Math.floor(nz.uniform() * w), y = Math.floor(nz.uniform() * h);
      const len = 1 + Math.floor(3 * nz.uniform()), amp = sigma * (5 + 45 * nz.uniform());
      const sx = nz.uniform() < 0.5 ? 1 : 0, sy = 1 - sx;
      for (let k = 0; k < len && x < w && y < h; k++, x += sx, y += sy) f[y * w + x] += amp;
    }
    if (prevFrame) {
      const pf = o.persistence ?? 0.02, lim = 20 * sigma;
      for (let p = 0; p < f.length; p++) { const e = prevFrame[p]! - sky[p]!; if (e > lim) f[p] += pf * e; }
    }
    prevFrame = f;
    frames.push(f);
  }
  return { width: w, height: h, frames, truth, sources, sky, sigmaExp, dithers, stripes, detector: det, pad: D };
}

/** Adds a PSF-convolved exponential disc (rePx = 0: point source) of total flux at (x, y). */
export function render(img: Float32Array, w: number, h: number, x: number, y: number, flux: number, psfSigma: number, rePx: number): void {
  const R = Math.ceil(4 * psfSigma + 3 * rePx) + 1;
  const s2 = psfSigma * psfSigma;
  const x0 = Math.max(0, Math.floor(x) - R), x1 = Math.min(w - 1, Math.floor(x) + R), y0 = Math.max(0, Math.floor(y) - R), y1 = Math.min(h - 1, Math.floor(y) + R);
  const stamp: number[] = [];
  let sum = 0;
  // disc samples (5×5 per px within R) convolved analytically by summing Gaussians: approximate the
  // disc by its sub-pixel samples, each spread by the PSF evaluated at pixel centres (sub-sampled 3×3)
  const pts: Array<[number, number, number]> = [];
  if (rePx > 0) {
    const st = Math.max(0.34, rePx / 3);
    for (let v = -3 * rePx; v <= 3 * rePx; v += st) for (let u = -3 * rePx; u <= 3 * rePx; u += st) {
      const r = Math.hypot(u, v);
      if (r <= 3 * rePx) pts.push([x + u, y + v, Math.exp(-1.678 * r / rePx)]);
    }
  } else pts.push([x, y, 1]);
  for (let j = y0; j <= y1; j++) for (let i = x0; i <= x1; i++) {
    let v = 0;
    for (const [px, py, wt] of pts) {
      const sub = rePx > 0 ? 0 : 1; // sub-sample the pixel 3×3 for points only (discs are already spread)
      for (let b = -sub; b <= sub; b++) for (let a = -sub; a <= sub; a++) {
        const dx = i + a / 3 - px, dy = j + b / 3 - py;
        v += wt * Math.exp(-(dx * dx + dy * dy) / (2 * s2));
      }
    }
    stamp.push(v);
    sum += v;
  }
  if (!(sum > 0)) return;
  let k = 0;
  for (let j = y0; j <= y1; j++) for (let i = x0; i <= x1; i++) img[j * w + i] += (flux * stamp[k++]!) / sum;
}

/**
 * The exposures with the row striping removed at its TRUE value and, with `detector`, also the
 * detector-fixed pattern, amplifier offsets and hot pixels (white noise, cosmic rays and persistence
 * remain): the inputs of the oracle ceilings.
 */
export function oracleFrames(F: ArtefactStack, detector = false): Float32Array[] {
  const { width: w, pad: D } = F, W2 = w + 2 * D;
  return F.frames.map((f, t) => {
    const [dx, dy] = F.dithers[t]!, st = F.stripes[t]!;
    return Float32Array.from(f, (v, p) => { const x = p % w, y = (p - x) / w; return v - st[y]! - (detector ? F.detector[(y + dy + D) * W2 + (x + dx + D)]! : 0); });
  });
}
