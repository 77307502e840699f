// Per-pixel noise from weight maps (SExtractor Weighting.rst; astro-reference §A.2).
//   'rms'    σ map (e.g. a JWST ERR extension)           → var = σ²
//   'var'    variance map                                  → var
//   'weight' inverse-variance weight (e.g. drizzle WHT)   → var = 1/w
// Pixels with σ, var ≤ 0 or w ≤ 0 (or non-finite) get var = +∞ and are treated as bad.
// With `scaleToBackground`, the map is taken as relative (SExtractor MAP_VAR / MAP_WEIGHT) and rescaled
// so that its median variance equals the background mesh variance.

export type WeightType = 'rms' | 'var' | 'weight';

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
export function finiteMedian(a: Float32Array, maxSamples = 1 << 20): number {
  const stride = Math.max(1, Math.floor(a.length / maxSamples));
  const s: number[] = [];
  for (let i = 0; i < a.length; i += stride) { const v = a[i]!; if (Number.isFinite(v)) s.push(v); }
  if (!s.length) return NaN;
  s.sort((p, q) => p - q);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : 0.5 * (s[h - 1]! + s[h]!);
}
