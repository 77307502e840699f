// Detection filtering (SExtractor FILTER/FILTER_NAME; SEP docs/filter.rst; astro-reference §A.3).
//  * 'conv': normalised convolution, threshold compared with the convolved image;
//  * 'matched': SNR = Σ S·D/σ² / √(Σ S²/σ²) with per-pixel variance σ² (threshold in S/N units).
// Pixels outside the image (and NaN pixels) contribute zero, as in SExtractor's background-subtracted
// scan buffer.

export interface Kernel { size: [number, number]; data: Float64Array }

/** SExtractor's default.conv: 3×3 pyramidal [[1,2,1],[2,4,2],[1,2,1]]. */
export const DEFAULT_KERNEL: Kernel = { size: [3, 3], data: Float64Array.from([1, 2, 1, 2, 4, 2, 1, 2, 1]) };

/** Circular Gaussian kernel of the given FWHM (px) in a size×size box (odd), unnormalised peak 1. */
export function gaussianKernel(fwhm: number, size = 2 * Math.ceil(fwhm) + 1): Kernel {
  if (!(fwhm > 0)) throw new RangeError(`gaussianKernel: FWHM must be > 0 (got ${fwhm})`);
  const n = size % 2 ? size : size + 1;
  const s = fwhm / Math.sqrt(8 * Math.LN2);
  const h = (n - 1) / 2;
  const data = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) {
    data[j * n + i] = Math.exp(-((i - h) ** 2 + (j - h) ** 2) / (2 * s * s));
  }
  return { size: [n, n], data };
}

/** Parses a SExtractor .conv file (CONV NORM / CONV NONORM header, rows of numbers). */
export function parseConv(text: string): Kernel {
  const rows: number[][] = [];
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (!t || t.startsWith('#') || /^CONV/i.test(t)) continue;
    rows.push(t.split(/\s+/).map(Number));
  }
  const h = rows.length;
  const w = rows[0]?.length ?? 0;
  if (!h || !w || rows.some((r) => r.length !== w || r.some((v) => !Number.isFinite(v)))) {
    throw new RangeError('convolution kernel: expected rows of equal length of finite numbers');
  }
  return { size: [w, h], data: Float64Array.from(rows.flat()) };
}

/** Kernel divided by the sum of its values (or of |values| if that sum is 0). */
export function normaliseKernel(k: Kernel): Kernel {
  let s = 0;
  for (const v of k.data) s += v;
  if (s === 0) for (const v of k.data) s += Math.abs(v);
  if (s === 0) throw new RangeError('convolution kernel is all zeros');
  return { size: k.size, data: k.data.map((v) => v / s) };
}

/**
 * Convolves rows [y0, y1) of `data` with normalised kernel `k` into out[(y − y0)·w + x].
 * NaN pixels count as 0.
 */
export function convolveRows(
  data: Float32Array, w: number, h: number, k: Kernel, y0: number, y1: number, out: Float32Array,
): void {
  const [kw, kh] = k.size;
  const hw = (kw - 1) >> 1;
  const hh = (kh - 1) >> 1;
  const kd = k.data;
  if (kw === 3 && kh === 3 && w >= 2) { convolve3x3(data, w, h, kd, y0, y1, out); return; }
  const acc = new Float64Array(w);
  for (let y = y0; y < y1; y++) {
    acc.fill(0);
    for (let j = 0; j < kh; j++) {
      const yy = y + j - hh;
      if (yy < 0 || yy >= h) continue;
      const row = yy * w;
      for (let i = 0; i < kw; i++) {
        const c = kd[j * kw + i]!;
        if (c === 0) continue;
        const dx = i - hw;
        const xs = Math.max(0, -dx);
        const xe = Math.min(w, w - dx);
        for (let x = xs; x < xe; x++) {
          const v = data[row + x + dx]!;
          if (v === v) acc[x]! += c * v;
        }
      }
    }
    const o = (y - y0) * w;
    for (let x = 0; x < w; x++) out[o + x] = acc[x]!;
  }
}

/** Fast path for 3×3 kernels (the SExtractor default); same result as the general loop. */
function convolve3x3(data: Float32Array, w: number, h: number, kd: Float64Array, y0: number, y1: number, out: Float32Array): void {
  const k00 = kd[0]!, k01 = kd[1]!, k02 = kd[2]!, k10 = kd[3]!, k11 = kd[4]!, k12 = kd[5]!, k20 = kd[6]!, k21 = kd[7]!, k22 = kd[8]!;
  const v = (p: number) => { const x = data[p]!; return x === x ? x : 0; };
  for (let y = y0; y < y1; y++) {
    const o = (y - y0) * w;
    const hasUp = y > 0, hasDn = y < h - 1;
    const ru = (y - 1) * w, rc = y * w, rd = (y + 1) * w;
    for (let x = 0; x < w; x++) {
      const hasL = x > 0, hasR = x < w - 1;
      let s = k11 * v(rc + x);
      if (hasL) s += k10 * v(rc + x - 1);
      if (hasR) s += k12 * v(rc + x + 1);
      if (hasUp) {
        s += k01 * v(ru + x);
        if (hasL) s += k00 * v(ru + x - 1);
        if (hasR) s += k02 * v(ru + x + 1);
      }
      if (hasDn) {
        s += k21 * v(rd + x);
        if (hasL) s += k20 * v(rd + x - 1);
        if (hasR) s += k22 * v(rd + x + 1);
      }
      out[o + x] = s;
    }
  }
}

/**
 * Matched-filter S/N for rows [y0, y1): Σ S·D/σ² / √(Σ S²/σ²) with per-pixel variance `variance`
 * (or the constant `var0`). Pixels with NaN data or non-positive/non-finite variance are skipped.
 */
export function matchedFilterRows(
  data: Float32Array, w: number, h: number, k: Kernel, variance: Float32Array | null, var0: number,
  y0: number, y1: number, out: Float32Array,
): void {
  const [kw, kh] = k.size;
  const hw = (kw - 1) >> 1;
  const hh = (kh - 1) >> 1;
  const kd = k.data;
  const num = new Float64Array(w);
  const den = new Float64Array(w);
  for (let y = y0; y < y1; y++) {
    num.fill(0);
    den.fill(0);
    for (let j = 0; j < kh; j++) {
      const yy = y + j - hh;
      if (yy < 0 || yy >= h) continue;
      const row = yy * w;
      for (let i = 0; i < kw; i++) {
        const c = kd[j * kw + i]!;
        if (c === 0) continue;
        const dx = i - hw;
        const xs = Math.max(0, -dx);
        const xe = Math.min(w, w - dx);
        for (let x = xs; x < xe; x++) {
          const p = row + x + dx;
          const v = data[p]!;
          const s2 = variance ? variance[p]! : var0;
          if (!(v === v) || !(s2 > 0) || s2 === Infinity) continue;
          num[x]! += (c * v) / s2;
          den[x]! += (c * c) / s2;
        }
      }
    }
    const o = (y - y0) * w;
    for (let x = 0; x < w; x++) out[o + x] = den[x]! > 0 ? num[x]! / Math.sqrt(den[x]!) : 0;
  }
}
