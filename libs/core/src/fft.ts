// The project's one FFT (issue 16): complex radix-2 Cooley–Tukey (Numerical Recipes §12.2 ordering), iterative,
// in place on split re/im Float64Arrays, and its 2-D row–column extension. Sizes must be powers of two; callers
// zero-pad. Used for PSF convolution in `sim` (image rendering) and `photometry` (PSF matching, convolution).

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
  // Radix-2 stages fused in pairs ("radix-2²"): the two stages that build blocks of 2m and 4m from blocks
  // of m are done in registers on the four values a0…a3 = s+k, s+k+m, s+k+2m, s+k+3m, with exactly the
  // radix-2 arithmetic (same results bit for bit) and half the passes over memory.
  let m = 1;
  if (rev.length > 1 && (Math.round(Math.log2(n)) & 1)) {
    for (let a = 0; a < n; a += 2) {
      const xr = re[a + 1], xi = im[a + 1];
      re[a + 1] = re[a] - xr; im[a + 1] = im[a] - xi;
      re[a] += xr; im[a] += xi;
    }
    m = 2;
  }
  for (; 4 * m <= n; m *= 4) {
    const s1 = n / (2 * m), s2 = n / (4 * m);
    for (let start = 0; start < n; start += 4 * m) {
      for (let k = 0; k < m; k++) {
        const a0 = start + k, a1 = a0 + m, a2 = a1 + m, a3 = a2 + m;
        // stage 2m: (a0, a1) and (a2, a3) with w = exp(∓2πi k/2m)
        let wr = cos[k * s1], wi = sgn * sin[k * s1];
        let xr = re[a1] * wr - im[a1] * wi, xi = re[a1] * wi + im[a1] * wr;
        const b1r = re[a0] - xr, b1i = im[a0] - xi, b0r = re[a0] + xr, b0i = im[a0] + xi;
        xr = re[a3] * wr - im[a3] * wi; xi = re[a3] * wi + im[a3] * wr;
        const b3r = re[a2] - xr, b3i = im[a2] - xi, b2r = re[a2] + xr, b2i = im[a2] + xi;
        // stage 4m: (a0, a2) with exp(∓2πi k/4m), (a1, a3) with exp(∓2πi (k+m)/4m)
        wr = cos[k * s2]; wi = sgn * sin[k * s2];
        xr = b2r * wr - b2i * wi; xi = b2r * wi + b2i * wr;
        re[a2] = b0r - xr; im[a2] = b0i - xi; re[a0] = b0r + xr; im[a0] = b0i + xi;
        wr = cos[(k + m) * s2]; wi = sgn * sin[(k + m) * s2];
        xr = b3r * wr - b3i * wi; xi = b3r * wi + b3i * wr;
        re[a3] = b1r - xr; im[a3] = b1i - xi; re[a1] = b1r + xr; im[a1] = b1i + xi;
      }
    }
  }
}

/**
 * In-place 2-D FFT of an nx × ny row-major complex array (index y*nx + x). The inverse is normalised
 * (divides by nx·ny) so ifft2(fft2(x)) = x.
 */
export function fft2d(re: Float64Array, im: Float64Array, nx: number, ny: number, inverse = false): void {
  fftRows(re, im, nx, 0, ny, inverse);
  fftColumns(re, im, nx, ny, inverse);
  if (inverse) {
    const s = 1 / (nx * ny);
    for (let i = 0; i < re.length; i++) { re[i] *= s; im[i] *= s; }
  }
}

/** 1-D FFTs (unnormalised) of rows y0 ≤ y < y1 of an nx-wide row-major complex array, in place. */
export function fftRows(re: Float64Array, im: Float64Array, nx: number, y0: number, y1: number, inverse = false): void {
  for (let y = y0; y < y1; y++) {
    fft1d(re.subarray(y * nx, (y + 1) * nx), im.subarray(y * nx, (y + 1) * nx), nx, inverse);
  }
}

/** 1-D FFTs (unnormalised) of all nx columns of an nx × ny row-major complex array, in place. */
export function fftColumns(re: Float64Array, im: Float64Array, nx: number, ny: number, inverse = false): void {
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
}
