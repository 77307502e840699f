// The noise model of one image (issue 13): per-pixel σ from a weight map with SExtractor's WEIGHT_TYPE
// semantics (Weighting.rst; astro-reference §A.2), and a noise covariance kernel for correlated noise
// (drizzled or denoised mosaics; astro-reference §A.10, §B "correlated noise after drizzling").
//
//   'rms'    σ map (e.g. a JWST ERR extension)           → var = σ²          (SExtractor MAP_RMS)
//   'var'    variance map                                  → var               (MAP_VAR)
//   'weight' inverse-variance weight (e.g. drizzle WHT)   → var = 1/w         (MAP_WEIGHT)
// Pixels with σ, var ≤ 0 or w ≤ 0 (or non-finite) get var = +∞ and are treated as bad.
// MAP_VAR / MAP_WEIGHT are *relative* in SExtractor: rescaled by sigfac² where sigfac is the median over
// background meshes of σ_mesh(image) / √(mode of the variance map in the mesh) (SExtractor back.c).
//
// Covariance kernel C(d) (odd size n×n, d = lag): the covariance of pixel values at lag d in units of the
// product of their map σ's: Cov(I_i, I_j) = C(i − j)·σ_i·σ_j. For white noise with a correct σ map C = δ.
// It is either measured from the image's own source-masked sky (`measureCovariance`), given by the user
// (`parseCovariance`, validated), or known from a drizzle/denoise step. Everything that needs the noise of
// a sum uses it: Var(Σ_S a_i I_i) = Σ_{i,j∈S} a_i a_j C(i−j) σ_i σ_j.
import { medianSorted } from '@asteris/core';
import { ExtractError } from './errors.ts';

export type WeightType = 'rms' | 'var' | 'weight';
/** SExtractor's WEIGHT_TYPE names for the maps (BACKGROUND: the interpolated mesh RMS; NONE: global σ). */
export type SexWeightType = 'MAP_RMS' | 'MAP_VAR' | 'MAP_WEIGHT';

/** SExtractor name → internal type and whether the map is relative (rescaled to the background σ). */
export function weightTypeFromSextractor(t: string): { type: WeightType; relative: boolean } {
  const u = t.toUpperCase();
  if (u === 'MAP_RMS') return { type: 'rms', relative: false };
  if (u === 'MAP_VAR') return { type: 'var', relative: true };
  if (u === 'MAP_WEIGHT') return { type: 'weight', relative: true };
  throw new ExtractError(`WEIGHT_TYPE must be MAP_RMS, MAP_VAR or MAP_WEIGHT (got '${t}')`);
}

export function varianceFromWeight(type: WeightType, data: Float32Array): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    let r: number;
    if (type === 'rms') r = v > 0 && v < Infinity ? v * v : Infinity;
    else if (type === 'var') r = v > 0 && v < Infinity ? v : Infinity;
    else r = v > 0 && v < Infinity ? 1 / v : Infinity;
    out[i] = r;
  }
  return out;
}

/** Median of the finite entries (sampled on a stride for large maps). */
export function finiteMedian(a: ArrayLike<number>, maxSamples = 1 << 20): number {
  const stride = Math.max(1, Math.floor(a.length / maxSamples));
  const s: number[] = [];
  for (let i = 0; i < a.length; i += stride) { const v = a[i]!; if (Number.isFinite(v)) s.push(v); }
  return medianSorted(s.sort((p, q) => p - q));
}

/**
 * SExtractor's sigfac (back.c): median over meshes of σ_mesh(image)/√(back_mesh(variance map)), both mesh
 * grids after SExtractor's filling and median filtering. The relative variance map times sigfac² is absolute.
 */
export function sextractorSigfac(imageSigma: Float32Array, varBack: Float32Array): number {
  const r: number[] = [];
  for (let i = 0; i < imageSigma.length; i++) {
    const v = varBack[i]!;
    if (v > 0 && v < Infinity) { const s = imageSigma[i]! / Math.sqrt(v); if (s > 0) r.push(s); }
  }
  const m = finiteMedian(r);
  return m > 0 ? m : 1;
}

/** A noise covariance kernel: n×n (odd), C[(dy + h)·n + dx + h] = C(dx, dy), h = (n − 1)/2. */
export interface NoiseCovariance { size: number; data: Float64Array }

/** What the noise model of one image is: per-pixel variance (or one global σ²) and its covariance kernel. */
export interface NoiseModel {
  /** per-pixel variance (absolute), or null for one global value `var0` */
  variance: Float32Array | null;
  var0: number;
  /** covariance in units of σ_i·σ_j (null = white: C = δ) */
  covariance: NoiseCovariance | null;
  /** where the kernel came from */
  kernelSource: 'none' | 'measured' | 'user' | 'known';
  /**
   * Depth-dependent noise (measured kernels only): one kernel per depth class of the variance map, and each
   * class's large-scale excess over its kernel. When present, errors use the class at the centre of the
   * aperture/object; `covariance` stays the pooled kernel. Absent/null: one kernel everywhere.
   */
  depth?: DepthNoise | null;
}

/**
 * Depth classes of an image (issue 13): drizzle correlation depends on the number and dither of the
 * exposures, so a mosaic's deep and shallow parts have different kernels, and the sky has power beyond any
 * small kernel (faint sources, background residuals) that matters most where the pixel noise is low.
 * Class c holds pixels with edges[c−1] < variance ≤ edges[c] (quantiles of the variance map; no edges:
 * one class). `kernels[c]` is measured on class c's sky; `excess[c][i]` = Var(box sum of side
 * `scales[i]`) on the source-masked sky / the value `kernels[c]` predicts, the factor that large apertures
 * need on top of the kernel (Skelton+14-style empty-box calibration).
 */
export interface DepthNoise {
  edges: number[];
  kernels: NoiseCovariance[];
  scales: number[];
  excess: number[][];
}

/** Depth class of a pixel with variance v (0 when there are no classes or v is not finite). */
export function depthClass(d: DepthNoise, v: number): number {
  const e = d.edges;
  let c = 0;
  while (c < e.length && v > e[c]!) c++;
  return c;
}

/**
 * Excess factor of class c for a pixel set of `area` pixels (equivalent box side √area), interpolated in
 * log side through the measured scales (held below the first and beyond the last).
 */
export function excessAt(d: DepthNoise | null | undefined, c: number, area: number): number {
  if (!d || !d.scales.length) return 1;
  const ex = d.excess[c] ?? d.excess[0]!;
  const s = Math.sqrt(Math.max(area, 0));
  const sc = d.scales;
  if (s <= sc[0]!) return ex[0]!;
  for (let i = 1; i < sc.length; i++) {
    if (s <= sc[i]!) { const t = Math.log(s / sc[i - 1]!) / Math.log(sc[i]! / sc[i - 1]!); return ex[i - 1]! + t * (ex[i]! - ex[i - 1]!); }
  }
  return ex[ex.length - 1]!;
}

/**
 * Depth-class edges. A mosaic's depth is a few plateaus (numbers of overlapping exposures), so the
 * classes follow its natural break: Otsu's split of log variance (the threshold that maximises the
 * between-class variance of the two sides), used when the two sides' medians differ by ≥ 2× and each side
 * holds ≥ 10 % of the valid pixels; otherwise one class ([]).
 */
export function depthEdges(variance: Float32Array): number[] {
  const stride = Math.max(1, Math.floor(variance.length / 50_000));
  const t = new Float32Array(Math.ceil(variance.length / stride));
  let m = 0;
  for (let i = 0; i < variance.length; i += stride) { const v = variance[i]!; if (v > 0 && v < Infinity) t[m++] = Math.log(v); }
  if (m < 1000) return [];
  const s = t.subarray(0, m).sort(); // typed-array sort: numeric
  let tot = 0;
  for (let i = 0; i < m; i++) tot += s[i]!;
  let left = 0, best = -1, bi = -1;
  for (let i = 0; i < m - 1; i++) {
    left += s[i]!;
    if (s[i + 1]! === s[i]!) continue;
    const n0 = i + 1, n1 = m - n0;
    const d = left / n0 - (tot - left) / n1;
    const between = n0 * n1 * d * d;
    if (between > best) { best = between; bi = i; }
  }
  if (bi < 0) return [];
  const n0 = bi + 1;
  if (n0 < 0.1 * m || m - n0 < 0.1 * m) return [];
  if (s[(m + n0) >> 1]! - s[n0 >> 1]! < Math.LN2) return [];
  return [Math.exp(0.5 * (s[bi]! + s[bi + 1]!))];
}

/** Per-pixel depth class (depthClass of the variance) for measureCovariances. */
export function depthClassMap(variance: Float32Array, edges: number[]): Uint8Array {
  const d: DepthNoise = { edges, kernels: [], scales: [], excess: [] };
  const out = new Uint8Array(variance.length);
  if (edges.length) for (let k = 0; k < variance.length; k++) out[k] = depthClass(d, variance[k]!);
  return out;
}

/** Box sides (px) at which measureExcess compares the sky with the kernel (apertures of 1–54 px diameter). */
export const EXCESS_SCALES = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48];

/** Sky of one tile (1 = no source pixel within `grow` px, Chebyshev), looking `grow` px beyond its edges. */
function tileSky(src: Uint8Array, w: number, h: number, x0: number, y0: number, tw: number, th: number, grow: number): Uint8Array {
  const ax = Math.max(0, x0 - grow), ay = Math.max(0, y0 - grow), bx = Math.min(w, x0 + tw + grow), by = Math.min(h, y0 + th + grow);
  const ew = bx - ax, eh = by - ay;
  const tmp = new Uint8Array(ew * eh);
  for (let y = 0; y < eh; y++) {
    const o = (ay + y) * w + ax, r = y * ew;
    let last = -1e9;
    for (let x = 0; x < ew; x++) { if (src[o + x]) last = x; if (x - last <= grow) tmp[r + x] = 1; }
    last = 1e9;
    for (let x = ew - 1; x >= 0; x--) { if (src[o + x]) last = x; if (last - x <= grow) tmp[r + x] = 1; }
  }
  const out = new Uint8Array(tw * th).fill(1);
  for (let x = 0; x < tw; x++) {
    const ex = x0 + x - ax;
    let last = -1e9;
    for (let y = 0; y < eh; y++) {
      if (tmp[y * ew + ex]) last = y;
      const ty = ay + y - y0;
      if (ty >= 0 && ty < th && y - last <= grow) out[ty * tw + x] = 0;
    }
    last = 1e9;
    for (let y = eh - 1; y >= 0; y--) {
      if (tmp[y * ew + ex]) last = y;
      const ty = ay + y - y0;
      if (ty >= 0 && ty < th && last - y <= grow) out[ty * tw + x] = 0;
    }
  }
  return out;
}

/** Σ_{i,j∈box} C(i−j) for an s×s box: Σ_d C(d)·(s − |dx|)(s − |dy|). */
export function boxVariance(C: NoiseCovariance, s: number): number {
  const n = C.size, R = (n - 1) >> 1;
  let v = 0;
  for (let dy = -R; dy <= R; dy++) for (let dx = -R; dx <= R; dx++) {
    const a = s - Math.abs(dx), b = s - Math.abs(dy);
    if (a > 0 && b > 0) v += C.data[(dy + R) * n + dx + R]! * a * b;
  }
  return v;
}

/**
 * The large-scale excess per depth class (see DepthNoise): robust variance (NMAD²) of the sums of
 * u = sub/σ over square boxes of side s lying entirely on sky (more than `grow` px from any pixel with
 * `sources` = 1; boxes on a grid of step
 * max(s/2, √(w·h/20 000)); images above `maxPixels` in 256² tiles, ≈ maxPixels/2.5 px of them, spread over the image),
 * divided by Σ_{i,j∈box} C_c(i−j). A class with fewer than `minBoxes` boxes at a scale keeps its
 * previous value from there on.
 */
export function measureExcess(
  sub: Float32Array, w: number, h: number, variance: Float32Array | null, var0: number, sources: Uint8Array, grow: number,
  edges: number[], kernels: NoiseCovariance[], scales = EXCESS_SCALES, minBoxes = 60, maxPixels = 1_500_000,
): number[][] {
  const d: DepthNoise = { edges, kernels, scales: [], excess: [] };
  const nc = edges.length + 1;
  const vals = scales.map(() => Array.from({ length: nc }, () => [] as number[]));
  const s0 = Math.sqrt(var0);
  // large images: 256² tiles spread over the image (memory: two Float64 summed-area tables per tile)
  const tiles: [number, number, number, number][] = [];
  if (w * h <= maxPixels) tiles.push([0, 0, w, h]);
  else {
    const T = 256, tx = Math.floor(w / T), ty = Math.floor(h / T);
    const want = Math.max(1, Math.floor(maxPixels / 2.5 / (T * T))); // ≈ 600 000 px of tiles
    const every = Math.max(1, (tx * ty) / want);
    for (let q = 0; q < tx * ty && tiles.length < want; q++) {
      const t = Math.floor(q * every);
      if (t >= tx * ty) break;
      tiles.push([(t % tx) * T, Math.floor(t / tx) * T, T, T]);
    }
  }
  for (const [x0, y0, tw, th] of tiles) {
    const sky = tileSky(sources, w, h, x0, y0, tw, th, grow);
    const W1 = tw + 1;
    const Su = new Float64Array(W1 * (th + 1)), Sm = new Float64Array(W1 * (th + 1));
    for (let y = 0; y < th; y++) {
      let ru = 0, rm = 0;
      for (let x = 0; x < tw; x++) {
        const k = (y0 + y) * w + x0 + x;
        const v = variance ? variance[k]! : var0, z = sub[k]!;
        if (sky[y * tw + x] && z === z && v > 0 && v < Infinity) { ru += z / (variance ? Math.sqrt(v) : s0); rm++; }
        Su[(y + 1) * W1 + x + 1] = Su[y * W1 + x + 1]! + ru;
        Sm[(y + 1) * W1 + x + 1] = Sm[y * W1 + x + 1]! + rm;
      }
    }
    const box = (S: Float64Array, x: number, y: number, q: number) => S[(y + q) * W1 + x + q]! - S[y * W1 + x + q]! - S[(y + q) * W1 + x]! + S[y * W1 + x]!;
    scales.forEach((q, si) => {
      const st = Math.max(q >> 1, Math.floor(Math.sqrt((w * h) / 20_000)), 1); // ≲ 20 000 boxes per scale
      for (let y = 0; y + q <= th; y += st) for (let x = 0; x + q <= tw; x += st) {
        if (box(Sm, x, y, q) < q * q) continue;
        const kc = (y0 + y + (q >> 1)) * w + x0 + x + (q >> 1);
        vals[si]![variance ? depthClass(d, variance[kc]!) : 0]!.push(box(Su, x, y, q));
      }
    });
  }
  const out = Array.from({ length: nc }, () => [] as number[]);
  const done = new Uint8Array(nc);
  scales.forEach((q, si) => {
    for (let c = 0; c < nc; c++) {
      const prev = out[c]!.length ? out[c]![out[c]!.length - 1]! : 1;
      const v = vals[si]![c]!;
      if (done[c] || v.length < minBoxes) { done[c] = 1; out[c]!.push(prev); continue; }
      const f = Float64Array.from(v).sort();
      const med = f[f.length >> 1]!;
      const dev = f.map((z) => Math.abs(z - med)).sort();
      const nm = 1.4826 * dev[dev.length >> 1]!;
      const pred = boxVariance(kernels[c] ?? kernels[0]!, q);
      out[c]!.push(pred > 0 ? Math.min(10, Math.max(0.5, (nm * nm) / pred)) : 1);
    }
  });
  return out;
}

const WHITE: NoiseCovariance = { size: 1, data: Float64Array.of(1) };

/** The identity (white-noise) kernel. */
export function whiteCovariance(): NoiseCovariance { return { size: 1, data: Float64Array.of(1) }; }

/**
 * Refuses a kernel that is not a valid covariance: odd square size, finite values, C(0) > 0, symmetric
 * (C(d) = C(−d)), |C(d)| ≤ C(0), and positive semi-definite (its Fourier transform, the noise power
 * spectrum, is ≥ 0 on a fine frequency grid, within 10⁻⁶·ΣC).
 */
export function validateCovariance(k: NoiseCovariance, what = 'noise kernel'): void {
  const n = k.size;
  if (!(Number.isInteger(n) && n >= 1 && n % 2 === 1) || k.data.length !== n * n) {
    throw new ExtractError(`${what}: must be a square kernel of odd size (got ${n}×${Math.round(k.data.length / Math.max(1, n))})`);
  }
  if (k.data.some((v) => !Number.isFinite(v))) throw new ExtractError(`${what}: has non-finite values`);
  const h = (n - 1) >> 1;
  const c0 = k.data[h * n + h]!;
  if (!(c0 > 0)) throw new ExtractError(`${what}: not a covariance: the zero-lag variance is ${c0} (must be > 0)`);
  let tot = 0;
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) {
    const v = k.data[j * n + i]!, m = k.data[(n - 1 - j) * n + (n - 1 - i)]!;
    tot += Math.abs(v);
    if (Math.abs(v - m) > 1e-6 * c0) throw new ExtractError(`${what}: not a covariance: not symmetric (C(${i - h},${j - h}) = ${v} but C(${h - i},${h - j}) = ${m})`);
    if (Math.abs(v) > c0 * (1 + 1e-9)) throw new ExtractError(`${what}: not a covariance: |C(${i - h},${j - h})| = ${Math.abs(v)} exceeds the variance C(0,0) = ${c0}`);
  }
  // power spectrum P(u,v) = Σ C(d) cos(2π(u·dx + v·dy)) on a 64×64 grid
  const G = 48;
  let pmin = Infinity;
  for (let a = 0; a < G; a++) for (let b = 0; b <= G / 2; b++) {
    let p = 0;
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) {
      const v = k.data[j * n + i]!;
      if (v !== 0) p += v * Math.cos((2 * Math.PI * (a * (i - h) + b * (j - h))) / G);
    }
    if (p < pmin) pmin = p;
  }
  if (pmin < -1e-6 * tot) throw new ExtractError(`${what}: not a covariance: not positive semi-definite (its power spectrum reaches ${pmin.toPrecision(3)} < 0)`);
}

/**
 * Parses a user kernel: JSON (an array of rows, or {"kernel": rows}) or the values of a FITS image given
 * as {size, data}. Values are a covariance or a correlation (only the shape matters for a correlation: it
 * is scaled so that C(0) = 1, i.e. the σ map is taken as the true pixel σ). Validated.
 */
export function parseCovariance(text: string, what = 'noise kernel'): NoiseCovariance {
  let rows: unknown;
  try { rows = JSON.parse(text); } catch { throw new ExtractError(`${what}: not valid JSON (expected an array of rows of numbers)`); }
  if (rows && typeof rows === 'object' && !Array.isArray(rows) && 'kernel' in (rows as object)) rows = (rows as { kernel: unknown }).kernel;
  if (!Array.isArray(rows) || !rows.length || !rows.every((r) => Array.isArray(r) && r.length === rows.length && r.every((v) => typeof v === 'number'))) {
    throw new ExtractError(`${what}: expected a square array of rows of numbers`);
  }
  const k = { size: rows.length, data: Float64Array.from((rows as number[][]).flat()) };
  return normalisedCovariance(k, what);
}

/** Validates a kernel and scales it to C(0) = 1 (a correlation kernel). */
export function normalisedCovariance(k: NoiseCovariance, what = 'noise kernel'): NoiseCovariance {
  validateCovariance(k, what);
  const h = (k.size - 1) >> 1;
  const c0 = k.data[h * k.size + h]!;
  return { size: k.size, data: k.data.map((v) => v / c0) };
}

/** ΣC: the variance of a large aperture's sum relative to white noise with the same σ map. */
export function covarianceSum(k: NoiseCovariance | null): number {
  if (!k) return 1;
  let s = 0;
  for (const v of k.data) s += v;
  return s;
}

export function measureCovariance(
  sub: Float32Array, w: number, h: number, variance: Float32Array | null, var0: number,
  opts: { size?: number; clip?: number; grow?: number; maxPixels?: number; exclude?: Uint8Array | null } = {},
): NoiseCovariance {
  return measureCovariances(sub, w, h, variance, var0, null, 1, opts).pooled;
}

/**
 * measureCovariance per class: `classOf[k]` in 0..nc−1 assigns each pixel to a class (null: one class), and
 * each class's kernel uses the pairs of sky pixels that both lie in it (lags and their counts accumulated
 * in one pass over the same tiles, each class about its own mean). `pooled` sums all classes' pairs (the
 * image's kernel; for one class exactly measureCovariance's). A class with fewer than 100 sky pixels gets
 * the pooled kernel.
 */
export function measureCovariances(
  sub: Float32Array, w: number, h: number, variance: Float32Array | null, var0: number, classOf: Uint8Array | null, nc: number,
  opts: { size?: number; clip?: number; grow?: number; maxPixels?: number; exclude?: Uint8Array | null } = {},
): { pooled: NoiseCovariance; kernels: NoiseCovariance[] } {
  const n = opts.size ?? 13;
  const R = (n - 1) >> 1;
  const maxPix = opts.maxPixels ?? 250_000;
  const sums = Array.from({ length: nc }, () => new Float64Array(n * n)), cnts = Array.from({ length: nc }, () => new Float64Array(n * n));
  const acc = { s1: new Float64Array(nc), n1: new Float64Array(nc) };
  const tiles: [number, number, number, number][] = [];
  if (w * h <= maxPix) tiles.push([0, 0, w, h]);
  else {
    const T = 128, tx = Math.floor(w / T), ty = Math.floor(h / T);
    const want = Math.max(1, Math.floor(maxPix / (T * T)));
    const every = Math.max(1, (tx * ty) / want);
    for (let q = 0; q < tx * ty && tiles.length < want; q++) {
      const t = Math.floor(q * every);
      if (t >= tx * ty) break;
      const j = Math.floor(t / tx), i = t % tx;
      tiles.push([i * T, j * T, T, T]);
    }
  }
  // pass 1 (per tile): sky pixels and their mean per class; pass 2: the lag products
  const prepared = tiles.map(([x0, y0, tw, th]) => skyTile(sub, w, variance, var0, x0, y0, tw, th, opts.clip ?? 3, opts.grow ?? 5, opts.exclude ?? null, classOf, acc));
  let ntot = 0;
  for (let c = 0; c < nc; c++) ntot += acc.n1[c]!;
  if (ntot < 100) { const white = { size: 1, data: Float64Array.of(1) }; return { pooled: white, kernels: Array.from({ length: nc }, () => white) }; }
  const mu = Array.from(acc.s1, (v, c) => (acc.n1[c]! > 0 ? v / acc.n1[c]! : 0));
  for (const { u, bad, tw, th, x0: tx0, y0: ty0 } of prepared) {
    for (let c = 0; c < nc; c++) {
      if (!acc.n1[c]) continue;
      // branch-free products: z = (u − μ_c)·[sky ∧ class c], m = [sky ∧ class c], so Σ z_i z_j and Σ m_i m_j
      const z = new Float64Array(tw * th), m = new Float64Array(tw * th);
      let any = false;
      for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) {
        const k = y * tw + x;
        if (!bad[k] && (!classOf || classOf[(ty0 + y) * w + tx0 + x] === c)) { z[k] = u[k]! - mu[c]!; m[k] = 1; any = true; }
      }
      if (!any) continue;
      const sum = sums[c]!, cnt = cnts[c]!;
      for (let dy = 0; dy <= R; dy++) for (let dx = -R; dx <= R; dx++) {
        if (dy === 0 && dx < 0) continue;
        const x0 = Math.max(0, -dx), x1 = Math.min(tw, tw - dx);
        let s = 0, cc = 0;
        for (let y = 0; y + dy < th; y++) {
          const o = y * tw, o2 = (y + dy) * tw + dx;
          for (let x = x0; x < x1; x++) { s += z[o + x]! * z[o2 + x]!; cc += m[o + x]! * m[o2 + x]!; }
        }
        const i = (dy + R) * n + dx + R;
        sum[i]! += s; cnt[i]! += cc;
      }
    }
  }
  const kernelOf = (sum: Float64Array, cnt: Float64Array): NoiseCovariance => {
    const data = new Float64Array(n * n);
    for (let dy = 0; dy <= R; dy++) for (let dx = -R; dx <= R; dx++) {
      if (dy === 0 && dx < 0) continue;
      const i = (dy + R) * n + dx + R;
      const v = cnt[i]! > 0 ? sum[i]! / cnt[i]! : 0;
      data[i] = v; data[(R - dy) * n + (R - dx)] = v;
    }
    return makePsd({ size: n, data });
  };
  const ps = new Float64Array(n * n), pc = new Float64Array(n * n);
  for (let c = 0; c < nc; c++) for (let i = 0; i < n * n; i++) { ps[i]! += sums[c]![i]!; pc[i]! += cnts[c]![i]!; }
  const pooled = kernelOf(ps, pc);
  if (nc === 1) return { pooled, kernels: [pooled] };
  return { pooled, kernels: sums.map((s, c) => (acc.n1[c]! >= 100 ? kernelOf(s, cnts[c]!) : pooled)) };
}

/** One tile of measureCovariance: u = sub/σ and the mask of non-sky pixels; adds the sky sum and count. */
function skyTile(
  sub: Float32Array, w: number, variance: Float32Array | null, var0: number, x0: number, y0: number, tw: number, th: number,
  clip: number, grow: number, exclude: Uint8Array | null, classOf: Uint8Array | null, acc: { s1: Float64Array; n1: Float64Array },
): { u: Float32Array; bad: Uint8Array; tw: number; th: number; x0: number; y0: number } {
  const M = tw * th;
  const u = new Float32Array(M);
  const s0 = Math.sqrt(var0);
  for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) {
    const k = (y0 + y) * w + x0 + x;
    const v = sub[k]!;
    const s = variance ? Math.sqrt(variance[k]!) : s0;
    u[y * tw + x] = v === v && s > 0 && s < Infinity && !(exclude && exclude[k]) ? v / s : NaN;
  }
  const sm = new Float32Array(M);
  for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) {
    let s = 0, c = 0;
    for (let dy = -1; dy <= 1; dy++) {
      const yy = y + dy; if (yy < 0 || yy >= th) continue;
      for (let dx = -1; dx <= 1; dx++) { const xx = x + dx; if (xx < 0 || xx >= tw) continue; const v = u[yy * tw + xx]!; if (v === v) { s += v; c++; } }
    }
    sm[y * tw + x] = c ? s / c : NaN;
  }
  const samp = new Float32Array(Math.ceil(M / 3));
  let ns = 0;
  for (let k = 0; k < M; k += 3) { const v = sm[k]!; if (v === v) samp[ns++] = v; }
  const sv = samp.subarray(0, ns).sort(); // typed-array sort: numeric, no comparator calls
  const med = ns ? sv[ns >> 1]! : 0;
  for (let i = 0; i < ns; i++) sv[i] = Math.abs(sv[i]! - med);
  sv.sort();
  const mad = ns ? sv[ns >> 1]! : 1;
  const cut = med + clip * 1.4826 * mad;
  const hot = new Uint8Array(M);
  for (let k = 0; k < M; k++) if (!(sm[k]! <= cut) || !(u[k]! === u[k]!)) hot[k] = 1;
  // grow by `grow` px (separable max filter: rows, then columns)
  const tmp = new Uint8Array(M), bad = new Uint8Array(M);
  for (let y = 0; y < th; y++) {
    let last = -1e9;
    for (let x = 0; x < tw; x++) { if (hot[y * tw + x]) last = x; if (x - last <= grow) tmp[y * tw + x] = 1; }
    last = 1e9;
    for (let x = tw - 1; x >= 0; x--) { if (hot[y * tw + x]) last = x; if (last - x <= grow) tmp[y * tw + x] = 1; }
  }
  for (let x = 0; x < tw; x++) {
    let last = -1e9;
    for (let y = 0; y < th; y++) { if (tmp[y * tw + x]) last = y; if (y - last <= grow) bad[y * tw + x] = 1; }
    last = 1e9;
    for (let y = th - 1; y >= 0; y--) { if (tmp[y * tw + x]) last = y; if (last - y <= grow) bad[y * tw + x] = 1; }
  }
  for (let k = 0; k < M; k++) if (!bad[k]) {
    const c = classOf ? classOf[(y0 + Math.floor(k / tw)) * w + x0 + (k % tw)]! : 0;
    acc.s1[c]! += u[k]!; acc.n1[c]!++;
  }
  return { u, bad, tw, th, x0, y0 };
}

/** Removes negative power (noise in the measured tail) so that the kernel is positive semi-definite. */
function makePsd(k: NoiseCovariance): NoiseCovariance {
  try { validateCovariance(k); return k; } catch { /* fall through */ }
  // taper the lags with a triangular (Bartlett) window: its transform is ≥ 0, so the product is PSD
  // whenever the estimate is a valid sample autocovariance; repeat with stronger taper if needed
  const n = k.size, R = (n - 1) >> 1;
  for (let extra = 1; extra < 8; extra++) {
    const L = R + extra;
    const d = k.data.map((v, i) => { const dx = (i % n) - R, dy = Math.floor(i / n) - R; return v * (1 - Math.abs(dx) / L) * (1 - Math.abs(dy) / L); });
    const t = { size: n, data: d };
    try { validateCovariance(t); return t; } catch { /* stronger */ }
  }
  const h = R * n + R;
  return { size: 1, data: Float64Array.of(k.data[h]!) };
}

/** Value of C at lag (dx, dy) (0 outside the kernel). */
export function covAt(k: NoiseCovariance, dx: number, dy: number): number {
  const R = (k.size - 1) >> 1;
  if (dx < -R || dx > R || dy < -R || dy > R) return 0;
  return k.data[(dy + R) * k.size + dx + R]!;
}

/**
 * Noise of a linear filter f (weights, not normalised) on noise with covariance C, relative to white noise
 * with unit variance: √(Σ_ij f_i f_j C(i−j)) / √(Σ f_i²). Detection thresholds are multiplied by it so
 * that they stay in units of the filtered image's true σ.
 */
export function filterNoiseFactor(kernel: { size: [number, number]; data: ArrayLike<number> }, C: NoiseCovariance | null): number {
  const c = C ?? WHITE;
  const [kw, kh] = kernel.size;
  let num = 0, den = 0;
  for (let j = 0; j < kh; j++) for (let i = 0; i < kw; i++) {
    const a = kernel.data[j * kw + i]!;
    if (a === 0) continue;
    den += a * a;
    for (let j2 = 0; j2 < kh; j2++) for (let i2 = 0; i2 < kw; i2++) {
      const b = kernel.data[j2 * kw + i2]!;
      if (b !== 0) num += a * b * covAt(c, i2 - i, j2 - j);
    }
  }
  return den > 0 && num > 0 ? Math.sqrt(num / den) : 1;
}

/**
 * Σ_{i,j∈S} C(i−j) / |S| for a pixel set S given by a membership test over its bounding box: the factor by
 * which correlated noise multiplies the white-noise variance Σσ² of an unweighted sum (FLUX_ISO, FLUX_AUTO).
 */
export function pixelSetFactor(
  C: NoiseCovariance | null, x0: number, y0: number, x1: number, y1: number, inSet: (x: number, y: number) => boolean,
): number {
  if (!C || C.size === 1) return C ? C.data[0]! : 1;
  const R = (C.size - 1) >> 1, n = C.size;
  const bw = x1 - x0 + 1 + 2 * R, bh = y1 - y0 + 1 + 2 * R;
  if (!(bw > 0 && bh > 0)) return 1;
  const m = new Uint8Array(bw * bh);
  let cnt = 0;
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) if (inSet(x, y)) { m[(y - y0 + R) * bw + x - x0 + R] = 1; cnt++; }
  if (!cnt) return 1;
  let s = 0;
  for (let y = R; y < bh - R; y++) for (let x = R; x < bw - R; x++) {
    if (!m[y * bw + x]) continue;
    for (let dy = -R; dy <= R; dy++) {
      const ro = (y + dy) * bw + x, co = (dy + R) * n + R;
      for (let dx = -R; dx <= R; dx++) if (m[ro + dx]) s += C.data[co + dx]!;
    }
  }
  return s / cnt;
}

/**
 * Σ_ij a_i a_j C(i−j) / Σ a_i for a circular aperture of radius r with exact pixel overlaps a_i, averaged
 * over sub-pixel centres: the factor on FLUX_APER's white-noise variance Σ a_i σ_i². One number per radius.
 */
export function apertureFactor(C: NoiseCovariance | null, r: number, overlap: (px: number, py: number, cx: number, cy: number, r: number) => number): number {
  if (!C || C.size === 1) return C ? C.data[0]! : 1;
  const R = (C.size - 1) >> 1, n = C.size;
  const span = Math.ceil(r) + 1;
  const bw = 2 * span + 1;
  let tot = 0, nc = 0;
  for (const fx of [0, 0.25, 0.5]) for (const fy of [0, 0.25, 0.5]) {
    const a = new Float64Array(bw * bw);
    let sa = 0;
    for (let y = 0; y < bw; y++) for (let x = 0; x < bw; x++) { const v = overlap(x - span, y - span, fx, fy, r); a[y * bw + x] = v; sa += v; }
    let s = 0;
    for (let y = 0; y < bw; y++) for (let x = 0; x < bw; x++) {
      const v = a[y * bw + x]!;
      if (!v) continue;
      for (let dy = -R; dy <= R; dy++) {
        const yy = y + dy; if (yy < 0 || yy >= bw) continue;
        for (let dx = -R; dx <= R; dx++) {
          const xx = x + dx; if (xx < 0 || xx >= bw) continue;
          const b = a[yy * bw + xx]!;
          if (b) s += v * b * C.data[(dy + R) * n + dx + R]!;
        }
      }
    }
    if (sa > 0) { tot += s / sa; nc++; }
  }
  return nc ? tot / nc : 1;
}
