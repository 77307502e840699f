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

/** data[p] with NaN counted as 0 (pixels outside the detection contribute nothing). */
function nz(data: Float32Array, p: number): number { const x = data[p]!; return x === x ? x : 0; }

/** Fast path for 3×3 kernels (the SExtractor default); same result as the general loop. */
function convolve3x3(data: Float32Array, w: number, h: number, kd: Float64Array, y0: number, y1: number, out: Float32Array): void {
  const k00 = kd[0]!, k01 = kd[1]!, k02 = kd[2]!, k10 = kd[3]!, k11 = kd[4]!, k12 = kd[5]!, k20 = kd[6]!, k21 = kd[7]!, k22 = kd[8]!;
  for (let y = y0; y < y1; y++) {
    const o = (y - y0) * w;
    const hasUp = y > 0, hasDn = y < h - 1;
    const ru = (y - 1) * w, rc = y * w, rd = (y + 1) * w;
    if (hasUp && hasDn) {
      // Interior of an interior row: the same additions in the same order without the NaN tests; a NaN
      // input makes the sum NaN, and only those pixels are redone with NaN counted as 0.
      for (let x = 1; x < w - 1; x++) {
        let s = k11 * data[rc + x]!;
        s += k10 * data[rc + x - 1]!;
        s += k12 * data[rc + x + 1]!;
        s += k01 * data[ru + x]!;
        s += k00 * data[ru + x - 1]!;
        s += k02 * data[ru + x + 1]!;
        s += k21 * data[rd + x]!;
        s += k20 * data[rd + x - 1]!;
        s += k22 * data[rd + x + 1]!;
        if (s !== s) {
          s = k11 * nz(data, rc + x) + k10 * nz(data, rc + x - 1);
          s += k12 * nz(data, rc + x + 1);
          s += k01 * nz(data, ru + x);
          s += k00 * nz(data, ru + x - 1);
          s += k02 * nz(data, ru + x + 1);
          s += k21 * nz(data, rd + x);
          s += k20 * nz(data, rd + x - 1);
          s += k22 * nz(data, rd + x + 1);
        }
        out[o + x] = s;
      }
    }
    for (let x = 0; x < w; x++) {
      if (hasUp && hasDn && x > 0 && x < w - 1) { x = w - 2; continue; } // done above
      const hasL = x > 0, hasR = x < w - 1;
      let s = k11 * nz(data, rc + x);
      if (hasL) s += k10 * nz(data, rc + x - 1);
      if (hasR) s += k12 * nz(data, rc + x + 1);
      if (hasUp) {
        s += k01 * nz(data, ru + x);
        if (hasL) s += k00 * nz(data, ru + x - 1);
        if (hasR) s += k02 * nz(data, ru + x + 1);
      }
      if (hasDn) {
        s += k21 * nz(data, rd + x);
        if (hasL) s += k20 * nz(data, rd + x - 1);
        if (hasR) s += k22 * nz(data, rd + x + 1);
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

/** Everything needed to compute detection rows (plain data: it can be sent to worker threads). */
export interface DetectionSpec {
  w: number; h: number;
  /** background-subtracted detection image (NaN = bad) */ sub: Float32Array;
  /** 'conv' and 'none' use `kernel` (normalised; 1×1 for 'none'); 'matched' is the matched-filter S/N */
  filter: 'conv' | 'matched' | 'none';
  kernel: Kernel;
  /** divide the convolved value by the pixel's σ (relative threshold with a weight map) */
  snr: boolean;
  variance: Float32Array | null; var0: number;
}

/**
 * Row function of the detection image (astro-reference §A.3): the filtered value (or S/N), with NaN and
 * masked pixels set to −∞ so that they are never detected.
 */
export function detectionRowFn(spec: DetectionSpec): (y: number, out: Float32Array) => void {
  return (y, out) => detectionRow(spec, y, out);
}

let varScratch = new Float32Array(0);

/**
 * Row y of the detection image (see detectionRowFn) into out[0..w). With `spec.snr`, `flux` (if given)
 * receives the filtered values and `sig` the filtered σ √(f ⊛ σ²) (∞ where bad), as SExtractor keeps them.
 */
export function detectionRow(spec: DetectionSpec, y: number, out: Float32Array, flux?: Float32Array, sig?: Float32Array): void {
  const { w, h, sub, kernel, variance, var0 } = spec;
  if (spec.filter === 'matched') matchedFilterRows(sub, w, h, kernel, variance, var0, y, y + 1, out);
  else {
    convolveRows(sub, w, h, kernel, y, y + 1, out);
    if (spec.snr) {
      // SExtractor scan.c: the threshold with a weight map is DETECT_THRESH·√(variance map filtered with the
      // same normalised kernel); dividing by that σ puts the values in its units. Bad (∞) variance in the
      // kernel's reach gives 0.
      let fv = varScratch;
      if (fv.length < w) fv = varScratch = new Float32Array(w);
      convolveRows(variance!, w, h, kernel, y, y + 1, fv);
      if (flux) flux.set(out.subarray(0, w));
      for (let x = 0; x < w; x++) {
        const v = fv[x]!;
        const ok = v > 0 && v < Infinity;
        if (sig) sig[x] = ok ? Math.sqrt(v) : Infinity;
        out[x] = ok ? out[x]! / Math.sqrt(v) : 0;
      }
    }
  }
  const o = y * w;
  for (let x = 0; x < w; x++) if (!(sub[o + x]! === sub[o + x]!)) out[x] = -Infinity;
}
