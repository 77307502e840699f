// PSF-matching kernels by regularised Fourier division.
//
// Given a narrow PSF N and a broad target PSF B (same pixel grid, both normalised to unit sum), the kernel
// K with N ⊗ K = B satisfies K̂ = B̂ / N̂. Plain division amplifies noise and ringing where |N̂| → 0, so we
// use the Tikhonov (Wiener-type, constant noise-to-signal) form
//     K̂ = B̂ · conj(N̂) / (|N̂|² + λ²)          (λ relative to N̂(0) = 1)
// and optionally taper K̂ with a cosine bell in |k| above the frequency where |B̂| falls below
// `windowThreshold` (the same idea as the low-pass windows of photutils.psf.matching and Aniano et al.
// 2011, PASP 123, 1218, §3). The kernel is cropped to `size` and renormalised to unit sum, so convolving an
// image with it conserves total flux exactly (up to float rounding).
import { PhotometryError } from '../errors.ts';
import { fft2d, nextPow2 } from '@asteris/core';
import { checkPsf, normalisePsf, type Psf } from './psf.ts';

export interface MatchingKernelOptions {
  /** Tikhonov regularisation λ (fraction of the zero-frequency amplitude). Default 1e-3. */
  regularisation?: number;
  /** Apply a cosine-bell taper where |B̂| < windowThreshold·B̂(0). Default 1e-3; 0 disables. */
  windowThreshold?: number;
  /** Kernel stamp size (odd). Default: the target PSF size. */
  size?: number;
}

/** Place a stamp in an n × n array with its central pixel at index (0, 0) (wrap-around). */
function embedCentred(psf: Psf, n: number): { re: Float64Array; im: Float64Array } {
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  const c = (psf.size - 1) / 2;
  for (let y = 0; y < psf.size; y++) {
    const ty = (((y - c) % n) + n) % n;
    for (let x = 0; x < psf.size; x++) {
      const tx = (((x - c) % n) + n) % n;
      re[ty * n + tx] += psf.data[y * psf.size + x];
    }
  }
  return { re, im };
}

export function matchingKernel(narrow: Psf, broad: Psf, opts: MatchingKernelOptions = {}): Psf {
  checkPsf(narrow, 'narrow PSF');
  checkPsf(broad, 'target PSF');
  const lambda = opts.regularisation ?? 1e-3;
  const wthr = opts.windowThreshold ?? 1e-3;
  const size = opts.size ?? broad.size;
  if (size % 2 === 0 || size < 3) throw new PhotometryError(`matching kernel size must be odd ≥ 3 (got ${size})`);
  if (!(lambda >= 0)) throw new PhotometryError(`regularisation must be ≥ 0 (got ${lambda})`);
  const n = nextPow2(2 * Math.max(narrow.size, broad.size, size));
  const N = embedCentred(normalisePsf(narrow), n);
  const B = embedCentred(normalisePsf(broad), n);
  fft2d(N.re, N.im, n, n);
  fft2d(B.re, B.im, n, n);
  const l2 = lambda * lambda;
  // radial frequency where the target transfer function first drops below the threshold
  let kCut = Infinity;
  if (wthr > 0) {
    const nb = Math.floor(n / 2) + 1;
    const maxAmp = new Float64Array(nb);
    for (let v = 0; v < n; v++) {
      const fy = v <= n / 2 ? v : v - n;
      for (let u = 0; u < n; u++) {
        const fx = u <= n / 2 ? u : u - n;
        const r = Math.round(Math.hypot(fx, fy));
        if (r >= nb) continue;
        const a = Math.hypot(B.re[v * n + u], B.im[v * n + u]);
        if (a > maxAmp[r]) maxAmp[r] = a;
      }
    }
    for (let r = 0; r < nb; r++) if (maxAmp[r] < wthr) { kCut = r; break; }
  }
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  for (let v = 0; v < n; v++) {
    const fy = v <= n / 2 ? v : v - n;
    for (let u = 0; u < n; u++) {
      const fx = u <= n / 2 ? u : u - n;
      const i = v * n + u;
      const nr = N.re[i], ni = N.im[i], br = B.re[i], bi = B.im[i];
      const den = nr * nr + ni * ni + l2;
      // B · conj(N) / den
      let kr = (br * nr + bi * ni) / den;
      let ki = (bi * nr - br * ni) / den;
      if (Number.isFinite(kCut)) {
        const k = Math.hypot(fx, fy);
        // cosine bell from 0.7·kCut (weight 1) to kCut (weight 0)
        const k0 = 0.7 * kCut;
        const w = k <= k0 ? 1 : k >= kCut ? 0 : 0.5 * (1 + Math.cos((Math.PI * (k - k0)) / (kCut - k0)));
        kr *= w; ki *= w;
      }
      re[i] = kr; im[i] = ki;
    }
  }
  fft2d(re, im, n, n, true);
  const c = (size - 1) / 2;
  const out = new Float64Array(size * size);
  for (let y = 0; y < size; y++) {
    const sy = (((y - c) % n) + n) % n;
    for (let x = 0; x < size; x++) {
      const sx = (((x - c) % n) + n) % n;
      out[y * size + x] = re[sy * n + sx];
    }
  }
  return normalisePsf({ data: out, size });
}
