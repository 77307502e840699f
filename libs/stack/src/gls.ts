// The whitened (generalised-least-squares) stack (issue 14): the classical detection limit when the
// exposure noise is NOT independent between exposures or not white within them.
//
// Model per sky pixel p: x_t(p) = s(p) + n_t(p), t = 1..N, with the between-exposure covariance
// Σ_st = Cov(n_s, n_t) (the same at every pixel). The minimum-variance unbiased estimate of the static
// sky is the GLS mean ŝ = Σ_t w_t x_t, w = Σ⁻¹1 / (1ᵀΣ⁻¹1), with Var ŝ = 1 / (1ᵀΣ⁻¹1) (Aitken 1935;
// Kay 1993, Estimation Theory §6.5). Independent noise (Σ diagonal) gives the inverse-variance mean;
// a component shared by all exposures equally cannot be averaged away by ANY stack (it is degenerate
// with the sky).
//
// Σ is estimated from the data, with the static sky cancelled: the variogram of exposure pairs
// V_st = Var(x_s − x_t) = Σ_ss + Σ_tt − 2 Σ_st (sky and sources cancel), and each exposure's own
// variance Σ_tt (its ERR, or the rescaled variance of its residual about the robust mean). For point
// sources pass PSF-filtered exposures: the covariance of the matched-filter statistic is what sets the
// detection limit (spatially correlated noise contributes more after filtering than at the pixel).
//
// Within an exposure, noise constant along rows (1/f readout striping) is whitened by projecting out a
// per-row offset (destripeRows): with W pixels per row that costs 1/W of the row's degrees of freedom.
import { coaddArrays, robustSigma, StackError } from './coadd.ts';

const MAD = 1.482602218505602;

function robustVar(a: ArrayLike<number>): number {
  const s = robustSigma(a instanceof Float32Array ? a : Float32Array.from(a));
  return s * s;
}

export interface CovarianceOptions {
  /** each exposure's own noise σ_t (e.g. the median of its ERR map); default: from its residual about the robust mean */
  sigmas?: number[];
}

/**
 * Between-exposure noise covariance Σ (N × N) of an aligned stack, from the pair variograms (robust
 * 1.4826·MAD variances of x_s − x_t, in which the static sky cancels) and the diagonal Σ_tt.
 * Default diagonal: Var(x_t − m̂)·N/(N−1), exact for independent noise of equal variance.
 */
export function exposureCovariance(frames: Float32Array[], opts: CovarianceOptions = {}): number[][] {
  const N = frames.length;
  if (N < 2) throw new StackError(`exposure covariance needs ≥ 2 exposures (got ${N})`);
  const npix = frames[0]!.length;
  frames.forEach((f, t) => { if (f.length !== npix) throw new StackError(`exposure ${t} has ${f.length} pixels, exposure 0 has ${npix}`); });
  if (opts.sigmas && opts.sigmas.length !== N) throw new StackError(`exposure covariance: ${opts.sigmas.length} σ values for ${N} exposures`);
  let diag: number[];
  if (opts.sigmas) diag = opts.sigmas.map((s) => s * s);
  else {
    const m = coaddArrays(frames, frames.map(() => null), 'clipped-mean').data;
    diag = frames.map((f) => robustVar(Float32Array.from(f, (v, p) => v - m[p]!)) * N / (N - 1));
  }
  const C = Array.from({ length: N }, (_, s) => Array.from({ length: N }, (_, t) => (s === t ? diag[s]! : 0)));
  const d = new Float32Array(npix);
  for (let s = 0; s < N; s++) for (let t = s + 1; t < N; t++) {
    const a = frames[s]!, b = frames[t]!;
    for (let p = 0; p < npix; p++) d[p] = a[p]! - b[p]!;
    const v = robustVar(d);
    C[s]![t] = C[t]![s] = (diag[s]! + diag[t]! - v) / 2;
  }
  return C;
}

/** Solves A x = b (Gaussian elimination, partial pivoting); A is N × N. */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((r, i) => [...r, b[i]!]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[piv]![c]!)) piv = r;
    if (!(Math.abs(M[piv]![c]!) > 1e-300)) throw new StackError('GLS: the exposure covariance is singular');
    [M[c], M[piv]] = [M[piv]!, M[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r]![c]! / M[c]![c]!;
      if (f) for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  return M.map((r, i) => r[n]! / r[i]!);
}

/** GLS weights w = Σ⁻¹1/(1ᵀΣ⁻¹1) (they sum to 1) and the variance of the GLS mean, 1/(1ᵀΣ⁻¹1). */
export function glsWeights(cov: number[][]): { weights: number[]; variance: number } {
  const N = cov.length;
  if (N === 0 || cov.some((r) => r.length !== N)) throw new StackError('GLS: the covariance must be a non-empty square matrix');
  const u = solve(cov, new Array<number>(N).fill(1));
  const s = u.reduce((a, b) => a + b, 0);
  if (!(s > 0)) throw new StackError('GLS: the exposure covariance is not positive definite');
  return { weights: u.map((v) => v / s), variance: 1 / s };
}

export interface GlsStackOptions {
  /** GLS weights (glsWeights); default: equal */
  weights?: number[];
  /** outlier rejection about the robust mean in σ_t of each exposure (default 3; Infinity: none) */
  clip?: number;
  /** per-exposure σ_t for the clip (default: robust σ of each residual about the robust mean) */
  sigmas?: number[];
}

/**
 * The GLS mean of an aligned stack: Σ w_t x_t over the exposures kept at each pixel (voxels beyond
 * `clip`·σ_t from the clipped mean — cosmic rays, hot pixels — and non-finite voxels are dropped and
 * the remaining weights renormalised). NaN where no exposure is kept.
 */
export function glsStack(frames: Float32Array[], opts: GlsStackOptions = {}): Float32Array {
  const N = frames.length;
  if (N === 0) throw new StackError('GLS: cannot stack an empty list of exposures');
  const npix = frames[0]!.length;
  frames.forEach((f, t) => { if (f.length !== npix) throw new StackError(`exposure ${t} has ${f.length} pixels, exposure 0 has ${npix}`); });
  const w = opts.weights ?? new Array<number>(N).fill(1 / N);
  if (w.length !== N) throw new StackError(`GLS: ${w.length} weights for ${N} exposures`);
  const clip = opts.clip ?? 3;
  const m = coaddArrays(frames, frames.map(() => null), 'clipped-mean', { sigma: clip === Infinity ? 3 : clip }).data;
  const sig = opts.sigmas ?? frames.map((f) => robustSigma(Float32Array.from(f, (v, p) => v - m[p]!)) * Math.sqrt(N / Math.max(1, N - 1)));
  const out = new Float32Array(npix);
  for (let p = 0; p < npix; p++) {
    let s = 0, sw = 0;
    for (let t = 0; t < N; t++) {
      const v = frames[t]![p]!;
      if (!Number.isFinite(v) || Math.abs(v - m[p]!) > clip * sig[t]!) continue;
      s += w[t]! * v; sw += w[t]!;
    }
    out[p] = sw > 0 ? s / sw : NaN;
  }
  return out;
}

export interface DestripeOptions {
  /** pixels beyond this many σ of the image (and their `dilate` neighbours) are masked as sources (default 2.5) */
  mask?: number;
  /** mask dilation in px (default 2) */
  dilate?: number;
  /** 'rows' (default), 'cols' or 'both' (rows, then columns) */
  axis?: 'rows' | 'cols' | 'both';
}

/**
 * Projects out a per-row (and/or per-column) offset — the whitening of 1/f readout striping: each line's
 * offset is the 3σ-clipped mean of its unmasked pixels. Apply to a background-subtracted image (the
 * offsets are relative to zero). Returns the corrected image (a new array) and the row offsets.
 */
export function destripeRows(data: Float32Array, width: number, height: number, opts: DestripeOptions = {}): { data: Float32Array; rows: Float64Array; cols: Float64Array } {
  if (data.length !== width * height) throw new StackError(`destripe: data length ${data.length} ≠ ${width}×${height}`);
  const axis = opts.axis ?? 'rows';
  const sig = robustSigma(data);
  const k = opts.mask ?? 2.5, r = opts.dilate ?? 2;
  const hot = new Uint8Array(width * height), mask = new Uint8Array(width * height);
  for (let p = 0; p < hot.length; p++) if (!Number.isFinite(data[p]!) || Math.abs(data[p]!) > k * sig) hot[p] = 1;
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    if (!hot[y * width + x]) continue;
    for (let j = Math.max(0, y - r); j <= Math.min(height - 1, y + r); j++) for (let i = Math.max(0, x - r); i <= Math.min(width - 1, x + r); i++) mask[j * width + i] = 1;
  }
  const out = Float32Array.from(data);
  const rows = new Float64Array(height), cols = new Float64Array(width);
  const line = (get: (i: number) => number, n: number, masked: (i: number) => boolean): number => {
    const v: number[] = [];
    for (let i = 0; i < n; i++) if (!masked(i)) v.push(get(i));
    if (v.length < 8) return 0;
    let mu = 0, s = Infinity;
    let keep = v;
    for (let it = 0; it < 3; it++) {
      mu = keep.reduce((a, b) => a + b, 0) / keep.length;
      const sorted = keep.map((q) => Math.abs(q - mu)).sort((a, b) => a - b);
      s = MAD * sorted[sorted.length >> 1]!;
      const nk = v.filter((q) => Math.abs(q - mu) <= 3 * s);
      if (nk.length < 8 || nk.length === keep.length) break;
      keep = nk;
    }
    return mu;
  };
  if (axis !== 'cols') for (let y = 0; y < height; y++) {
    const o = line((i) => out[y * width + i]!, width, (i) => mask[y * width + i] === 1);
    rows[y] = o;
    for (let i = 0; i < width; i++) out[y * width + i] -= o;
  }
  if (axis !== 'rows') for (let x = 0; x < width; x++) {
    const o = line((j) => out[j * width + x]!, height, (j) => mask[j * width + x] === 1);
    cols[x] = o;
    for (let j = 0; j < height; j++) out[j * width + x] -= o;
  }
  return { data: out, rows, cols };
}
