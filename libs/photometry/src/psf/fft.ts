// Minimal complex FFT (iterative radix-2 Cooley–Tukey, Numerical Recipes §12.2 ordering) and its 2-D
// row–column extension. Sizes must be powers of two; callers zero-pad. Data are split re/im Float64Arrays.

export function isPow2(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}

interface Plan {
  n: number;
  rev: Uint32Array;
  cos: Float64Array;
  sin: Float64Array;
}
const plans = new Map<number, Plan>();

function plan(n: number): Plan {
  let p = plans.get(n);
  if (p) return p;
  if (!isPow2(n)) throw new RangeError(`FFT length ${n} is not a power of two`);
  const bits = Math.round(Math.log2(n));
  const rev = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0, v = i; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
    rev[i] = r;
  }
  const cos = new Float64Array(n / 2);
  const sin = new Float64Array(n / 2);
  for (let k = 0; k < n / 2; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / n);
    sin[k] = Math.sin((2 * Math.PI * k) / n);
  }
  p = { n, rev, cos, sin };
  plans.set(n, p);
  return p;
}

/**
 * In-place 1-D FFT of (re, im)[offset + i*stride], i < n. inverse=true computes the unnormalised
 * inverse (caller divides by n). Forward sign convention: X_k = Σ x_j exp(−2πi jk/n).
 */
export function fft1d(re: Float64Array, im: Float64Array, n: number, inverse = false): void {
  if (n <= 1) return;
  const { rev, cos, sin } = plan(n);
  for (let i = 0; i < n; i++) {
    const j = rev[i];
    if (j > i) {
      let t = re[i]; re[i] = re[j]; re[j] = t;
      t = im[i]; im[i] = im[j]; im[j] = t;
    }
  }
  const sgn = inverse ? 1 : -1;
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step];
        const wi = sgn * sin[k * step];
        const a = start + k;
        const b = a + half;
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr; im[b] = im[a] - xi;
        re[a] += xr; im[a] += xi;
      }
    }
  }
}

/**
 * In-place 2-D FFT of an nx × ny row-major complex array (index y*nx + x). The inverse is normalised
 * (divides by nx·ny) so ifft2(fft2(x)) = x.
 */
export function fft2d(re: Float64Array, im: Float64Array, nx: number, ny: number, inverse = false): void {
  const rowRe = new Float64Array(nx);
  const rowIm = new Float64Array(nx);
  for (let y = 0; y < ny; y++) {
    const o = y * nx;
    for (let x = 0; x < nx; x++) { rowRe[x] = re[o + x]; rowIm[x] = im[o + x]; }
    fft1d(rowRe, rowIm, nx, inverse);
    for (let x = 0; x < nx; x++) { re[o + x] = rowRe[x]; im[o + x] = rowIm[x]; }
  }
  // columns in blocks of B: gathering B adjacent values per row keeps the reads cache-friendly
  const B = Math.min(16, nx);
  const colRe = new Float64Array(B * ny);
  const colIm = new Float64Array(B * ny);
  for (let x0 = 0; x0 < nx; x0 += B) {
    const nb = Math.min(B, nx - x0);
    for (let y = 0; y < ny; y++) {
      const o = y * nx + x0;
      for (let b = 0; b < nb; b++) { colRe[b * ny + y] = re[o + b]; colIm[b * ny + y] = im[o + b]; }
    }
    for (let b = 0; b < nb; b++) {
      fft1d(colRe.subarray(b * ny, (b + 1) * ny), colIm.subarray(b * ny, (b + 1) * ny), ny, inverse);
    }
    for (let y = 0; y < ny; y++) {
      const o = y * nx + x0;
      for (let b = 0; b < nb; b++) { re[o + b] = colRe[b * ny + y]; im[o + b] = colIm[b * ny + y]; }
    }
  }
  if (inverse) {
    const s = 1 / (nx * ny);
    for (let i = 0; i < re.length; i++) { re[i] *= s; im[i] *= s; }
  }
}
