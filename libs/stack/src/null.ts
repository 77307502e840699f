// Null stacks from the data itself (issue 14): noise-only exposure stacks that keep each exposure's
// noise and artefacts and cancel the static sky, to be run through the SAME co-add / denoise / detect
// chain as the real stack. Their detections set the detection threshold and measure the false-detection
// rate per arcmin² of every path, on real data where no truth exists.
//
// Construction (the jackknife / sign-flip nulls of CMB and pulsar-timing analyses, e.g. Ade et al. 2014
// ApJ 792 62 §6.3; permutation tests, Nichols & Holmes 2002 Hum. Brain Mapp. 15 1):
//   m̂(p)  = robust (sigma-clipped) mean over exposures — the static sky and its sources;
//   r_t   = x_t − m̂                      — exposure t's own noise and artefacts, no static sky;
//   null_t = s_t · c · r_t, s_t = ±1 per exposure (seeded), c = N / √(N² − S²), S = Σ s_t.
// For noise independent between exposures with equal variance σ², Var(Σ s_t r_t) = (N² − S²) σ² / N
// (r_t share −m̂), so c makes the null co-add's variance σ²/N = the co-add's exactly for each draw;
// each residual alone has variance (N−1)σ²/N (the classical rescaling √(N/(N−1)) is c's mean effect).
//   mode 'signflip': balanced signs (S = 0, or ±1 for odd N; c = 1 for even N) — the jackknife;
//   mode 'residual': independent random signs (|S| < N), the rescaled residuals.
// Exposures of unequal depth (issue 14): with noise σ_t, m̂ is the clipped inverse-variance mean
// (w_t = σ_t⁻²/Σσ_u⁻²) and c = 1/√(1 − W²), W = Σ w_t s_t: the inverse-variance co-add of the null then has
// Var = σ_w²(1 − W²)·c² = σ_w² = 1/Σσ_u⁻², the weighted co-add's exactly (Cov(n_t, n̂_w) = w_t σ_t² = σ_w²);
// equal σ_t gives w_t = 1/N, W = S/N and the c above. The σ_t are coadd.ts exposureSigmas (residuals about
// the stack's mean, so a sky gradient does not inflate them), and among
// up to 64 balanced sign draws the one with the smallest |W| is kept (with equal weights every balanced
// draw has the same |W|, so the first is kept and the signs are those of the unweighted construction).
// Outliers of r_t beyond `keepSign`·σ_t (cosmic rays, hot pixels, snowballs: one-signed artefacts) keep
// their native sign, so a one-sided artefact does not become a negative one in half the exposures.
import { mulberry32 } from '@asteris/core';
import { coaddArrays, exposureSigmas, robustSigma, StackError } from './coadd.ts';

export type NullMode = 'signflip' | 'residual';

export interface NullStackOptions {
  /** number of null stacks K (default 8) */
  count?: number;
  /** seed of the sign draws (default 1) */
  seed?: number;
  /** 'signflip' (balanced ±1, default) or 'residual' (independent ±1) */
  mode?: NullMode;
  /** residual outliers beyond this many σ of the exposure keep their sign (default 5; Infinity: flip all) */
  keepSign?: number;
  /** clip threshold of the robust mean (default 3σ) */
  clipSigma?: number;
  /** weigh exposures by their depth (default true): see the header comment; false: equal weights */
  weighted?: boolean;
  /**
   * added to every null exposure: a constant, or a function of the robust mean m̂ returning a smooth sky
   * model (e.g. its mesh background). A chain whose normalisation sees the sky (ASTERIS: the global std
   * of the stack includes a sky gradient) needs the same sky under its nulls.
   */
  pedestal?: number | ((mean: Float32Array) => Float32Array);
}

export interface NullStacks {
  /** K stacks of N exposures each (zero-mean: add a pedestal before a chain that needs sky) */
  stacks: Float32Array[][];
  /** the signs used, K × N */
  signs: number[][];
  /** the rescaling c per stack */
  scale: number[];
  /** the robust mean m̂ that was removed */
  mean: Float32Array;
  /** the exposures' weights w_t in m̂ and in c (equal: 1/N) */
  weights: number[];
}

/** Per-pixel sigma-clipped mean over exposures (the static sky estimate m̂). */
export function robustMean(frames: Float32Array[], clipSigma = 3): Float32Array {
  return coaddArrays(frames, frames.map(() => null), 'clipped-mean', { sigma: clipSigma }).data;
}

/** Seeded ±1 signs for N exposures: balanced (a random half +1) or independent with |Σ s| < N. */
export function drawSigns(n: number, mode: NullMode, rng: { uniform(): number }): number[] {
  if (mode === 'signflip') {
    const idx = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) { const j = Math.floor(rng.uniform() * (i + 1)); [idx[i], idx[j]] = [idx[j]!, idx[i]!]; }
    const s = new Array<number>(n).fill(-1);
    const plus = rng.uniform() < 0.5 ? Math.floor(n / 2) : Math.ceil(n / 2);
    for (let k = 0; k < plus; k++) s[idx[k]!] = 1;
    return s;
  }
  for (;;) {
    const s = Array.from({ length: n }, () => (rng.uniform() < 0.5 ? -1 : 1));
    if (Math.abs(s.reduce((a, b) => a + b, 0)) < n) return s;
  }
}

/**
 * K noise-only stacks from an aligned exposure stack (see the header comment). NaN voxels stay NaN.
 * Deterministic for a given seed.
 */
export function nullStacks(frames: Float32Array[], opts: NullStackOptions = {}): NullStacks {
  const n = frames.length;
  if (n < 2) throw new StackError(`null stacks need at least 2 exposures (got ${n})`);
  const npix = frames[0]!.length;
  frames.forEach((f, t) => { if (f.length !== npix) throw new StackError(`exposure ${t} has ${f.length} pixels, exposure 0 has ${npix}`); });
  const K = opts.count ?? 8;
  const mode = opts.mode ?? 'signflip';
  const keep = opts.keepSign ?? 5;
  const rng = mulberry32(opts.seed ?? 1);
  const weighted = opts.weighted ?? true;
  const sig = weighted ? exposureSigmas(frames) : frames.map(() => 1);
  const iv = sig.map((q) => 1 / (q * q)), ivs = iv.reduce((a, b) => a + b, 0), w = iv.map((q) => q / ivs);
  const mean = weighted
    ? coaddArrays(frames, frames.map(() => null), 'clipped-ivw', { sigma: opts.clipSigma ?? 3, sigmas: sig }).data
    : robustMean(frames, opts.clipSigma ?? 3);
  const resid = frames.map((f) => Float32Array.from(f, (v, p) => v - mean[p]!));
  const lim = resid.map((r) => keep * robustSigma(r));
  const ped = typeof opts.pedestal === 'function' ? opts.pedestal(mean) : opts.pedestal ?? 0;
  if (typeof ped !== 'number' && ped.length !== npix) throw new StackError(`null pedestal has ${ped.length} pixels, expected ${npix}`);
  const pedAt = typeof ped === 'number' ? () => ped : (p: number) => ped[p]!;
  const stacks: Float32Array[][] = [], signs: number[][] = [], scale: number[] = [];
  const Wof = (q: number[]) => q.reduce((a, v, t) => a + v * w[t]!, 0);
  // |W| that no balanced draw can beat: 0 for even N, the smallest weight for odd N (up to rounding)
  const wMin = Math.min(...w), good = wMin * 1e-9 + (n % 2 ? wMin : 0);
  for (let k = 0; k < K; k++) {
    // the balanced draw with the smallest |W| (ties: the first); 'residual' mode: one draw
    let s = drawSigns(n, mode, rng);
    if (mode === 'signflip') {
      for (let j = 1; j < 64 && Math.abs(Wof(s)) > good; j++) {
        const q = drawSigns(n, mode, rng);
        if (Math.abs(Wof(q)) < Math.abs(Wof(s)) - 1e-12) s = q;
      }
    }
    const W = Wof(s);
    const c = 1 / Math.sqrt(1 - W * W);
    stacks.push(resid.map((r, t) => {
      const st = s[t]!, L = lim[t]!;
      const out = new Float32Array(npix);
      for (let p = 0; p < npix; p++) {
        const v = r[p]!;
        out[p] = (Math.abs(v) > L ? c * v : c * st * v) + pedAt(p);
      }
      return out;
    }));
    signs.push(s);
    scale.push(c);
  }
  return { stacks, signs, scale, mean, weights: w };
}

// ---------------------------------------------------------------------------------------------------
// Threshold calibration from detections on the null stacks.

/** Detection scores (e.g. peak S/N) found on each of K null images of `areaArcmin2` each. */
export interface NullDetections { scores: number[][]; areaArcmin2: number }

export interface FalseRate {
  /** false detections per arcmin² */
  rate: number;
  /** Poisson 1σ error of the rate (√max(n,1) / area: an upper-ish error when n = 0) */
  err: number;
  /** detections counted over all nulls */
  n: number;
  /** total null area, arcmin² */
  area: number;
  /**
   * sample std of the per-null rates (NaN for K < 2): the scatter of ONE field's false rate, which
   * exceeds Poisson when the noise level itself fluctuates between realisations (wide kernels, low
   * thresholds); the error to use when comparing a single field's count with the null rate
   */
  scatter: number;
}

/** False-detection rate above `threshold` (score > threshold) over all null images, with its Poisson error. */
export function nullFalseRate(nulls: NullDetections, threshold: number): FalseRate {
  const area = nulls.areaArcmin2 * nulls.scores.length;
  if (!(area > 0)) throw new StackError('null false rate: no null area (need ≥ 1 null image of positive area)');
  let n = 0;
  const per = nulls.scores.map((s) => { let k = 0; for (const v of s) if (v > threshold) k++; n += k; return k / nulls.areaArcmin2; });
  const K = per.length, mu = n / area;
  const scatter = K > 1 ? Math.sqrt(per.reduce((a, r) => a + (r - mu) ** 2, 0) / (K - 1)) : NaN;
  return { rate: mu, err: Math.sqrt(Math.max(n, 1)) / area, n, area, scatter };
}

/**
 * The lowest threshold whose null false rate is ≤ `targetPerArcmin2`: the (⌊target·area⌋+1)-th highest
 * null score (ties broken upwards), never below `floor`. Detections must have been made at a base
 * threshold below the returned one (the calibration cannot see scores that were never detected): if
 * the null lists hold too few scores the result is `floor` and `resolved` is false.
 */
export function calibrateNullThreshold(nulls: NullDetections, targetPerArcmin2: number, floor = 0): { threshold: number; resolved: boolean } & FalseRate {
  if (!(targetPerArcmin2 >= 0)) throw new StackError(`target false rate must be ≥ 0 per arcmin² (got ${targetPerArcmin2})`);
  const all = nulls.scores.flat().sort((a, b) => b - a);
  const area = nulls.areaArcmin2 * nulls.scores.length;
  const allowed = Math.floor(targetPerArcmin2 * area);
  let threshold: number, resolved = true;
  if (allowed >= all.length) { threshold = floor; resolved = false; } else threshold = Math.max(floor, all[allowed]!);
  return { threshold, resolved, ...nullFalseRate(nulls, threshold) };
}
