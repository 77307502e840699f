// Kron radius and flux radius (SExtractor Photom.rst "FLUX_AUTO", "FLUX_RADIUS"; SEP `kron_radius`,
// `flux_radius`).

import { fullStamp, type SegStamp } from '../detect/segmap.ts';
import { APER_ALLMASKED, APER_HASMASKED, APER_NONPOSITIVE, APER_TRUNC, ellipseCoeffs } from './sum.ts';

export interface RadiusOptions {
  mask?: Uint8Array;
  /** full-size segmentation map: pixels with seg ≠ 0 and seg ≠ segId are left out */
  seg?: Int32Array;
  /** or a window of it that covers the measurement window (detect/segmap.ts segStamp) */
  segStamp?: SegStamp;
  segId?: number;
}

/** The segmentation as a stamp (the full map is a stamp at the origin), or undefined. */
function stampOf(opts: RadiusOptions, width: number, height: number): SegStamp | undefined {
  return opts.segStamp ?? (opts.seg ? fullStamp(opts.seg, width, height) : undefined);
}

/**
 * First-moment radius r₁ = Σ ρ·I / Σ I over pixel centres with ρ ≤ r, where ρ is the elliptical radius in
 * units of (a, b) (Kron 1980). This is SEP's `kron_radius`: SExtractor's KRON_RADIUS is
 * max(k·r₁, rmin) with k = 2.5 (PHOT_AUTOPARAMS). Returns 0 with APER_NONPOSITIVE when Σ I ≤ 0 or Σ ρI ≤ 0.
 * theta in degrees.
 */
export function kronRadius(
  data: Float32Array, width: number, height: number, x: number, y: number,
  a: number, b: number, theta: number, r = 6, opts: RadiusOptions = {},
): { kronRadius: number; flags: number } {
  if (!(a > 0 && b > 0)) return { kronRadius: 0, flags: APER_NONPOSITIVE };
  const { cxx, cyy, cxy } = ellipseCoeffs(a, b, (theta * Math.PI) / 180);
  const th = (theta * Math.PI) / 180;
  const c = Math.cos(th);
  const s = Math.sin(th);
  const hx = r * Math.sqrt(a * a * c * c + b * b * s * s);
  const hy = r * Math.sqrt(a * a * s * s + b * b * c * c);
  let flags = 0;
  const { xmin, xmax, ymin, ymax, trunc } = radiusWindow(x, y, hx, hy, width, height);
  flags |= trunc;
  const r2 = r * r;
  let r1 = 0;
  let v1 = 0;
  let n = 0;
  let nbad = 0;
  const mask = opts.mask, st = stampOf(opts, width, height), segId = opts.segId ?? 0;
  const sd = st?.data;
  for (let iy = ymin; iy <= ymax; iy++) {
    const dy = iy - y;
    const srow = st ? (iy - st.y0) * st.sw - st.x0 : 0;
    for (let ix = xmin; ix <= xmax; ix++) {
      const dx = ix - x;
      const q = cxx * dx * dx + cyy * dy * dy + cxy * dx * dy;
      if (q > r2) continue;
      n++;
      const k = iy * width + ix;
      const v = data[k]!;
      if (!(v === v) || (mask !== undefined && mask[k] !== 0)) { nbad++; continue; }
      if (sd !== undefined) { const sv = sd[srow + ix]!; if (sv !== 0 && sv !== segId) { nbad++; continue; } }
      r1 += Math.sqrt(q) * v;
      v1 += v;
    }
  }
  if (nbad > 0) flags |= APER_HASMASKED;
  if (n > 0 && nbad === n) flags |= APER_ALLMASKED;
  if (!(r1 > 0 && v1 > 0)) return { kronRadius: 0, flags: flags | APER_NONPOSITIVE };
  return { kronRadius: r1 / v1, flags };
}

/**
 * Radii enclosing the given fractions of `normFlux` (default: the flux within rmax), measured in circular
 * annuli of width rmax/64 with subpix×subpix sampling (SEP `flux_radius`; SExtractor FLUX_RADIUS, growth.c:
 * 64 steps, 5×5 sub-pixels). The radius is interpolated linearly within the first annulus whose cumulative
 * flux reaches the target.
 *
 * With `normFlux` the pixels are taken in order of the first annulus any of their sub-samples falls in: once
 * every pixel that reaches annulus i has been sampled, the cumulative flux up to i is final, and sampling
 * stops at the last annulus needed. Pixels farther out (most of the 6a disc) are never sub-sampled. The sums
 * are the same as a full pass up to the order of the additions.
 */
export function fluxRadius(
  data: Float32Array, width: number, height: number, x: number, y: number, rmax: number,
  fracs: number[], opts: RadiusOptions & { normFlux?: number; subpix?: number } = {},
): { radii: number[]; flags: number } {
  if (!(rmax > 0)) return { radii: fracs.map(() => 0), flags: APER_NONPOSITIVE };
  if (opts.normFlux === undefined) return fluxRadiusFull(data, width, height, x, y, rmax, fracs, opts);
  const NB = 64;
  const subpix = Math.max(1, opts.subpix ?? 5);
  const step = rmax / NB;
  const prof = growProf(NB);
  const sstep = 1 / subpix;
  const off = -0.5 + 0.5 * sstep;
  const rmax2 = rmax * rmax;
  const inv = 1 / step;
  const { np, flags, ks, keys } = usablePixels(data, width, height, x, y, rmax, subpix, NB, opts);
  // pixels ordered by their first annulus (counting sort)
  const { order, count } = growPix(np, NB);
  count.fill(0, 0, NB + 1);
  for (let i = 0; i < np; i++) count[keys[i]! + 1]!++;
  for (let b = 0; b < NB; b++) count[b + 1]! += count[b]!;
  const fill = growFill(NB);
  for (let b = 0; b < NB; b++) fill[b] = count[b]!;
  for (let i = 0; i < np; i++) order[fill[keys[i]!]!++] = i;
  // Pass 2: annulus by annulus, sub-sample the pixels that first reach it, then test the fractions.
  const w = sstep * sstep;
  const radii = fracs.map(() => NaN);
  let left = fracs.length;
  const targets = fracs.map((f) => f * opts.normFlux!);
  let cum = 0, prev = 0;
  for (let b = 0; b < NB && left > 0; b++) {
    for (let q = count[b]!; q < count[b + 1]!; q++) {
      const k = ks[order[q]!]!;
      const ix = k % width, iy = (k - ix) / width;
      sampleInto(prof, data[k]! * w, ix - x, iy - y, subpix, off, sstep, rmax2, inv, NB);
    }
    prev = cum;
    cum += prof[b]!;
    for (let j = 0; j < fracs.length; j++) {
      if (!Number.isNaN(radii[j]!)) continue; // found at an earlier annulus
      const target = targets[j]!;
      if (cum >= target) {
        const dv = cum - prev;
        const t = dv > 0 ? (target - prev) / dv : 0;
        radii[j] = step * (b + t);
        left--;
      }
    }
  }
  for (let j = 0; j < fracs.length; j++) if (Number.isNaN(radii[j]!)) radii[j] = rmax;
  return { radii, flags };
}

/**
 * The pixels FLUX_RADIUS samples, in raster order: within rmax (+ half a pixel diagonal) of (x, y), finite,
 * not masked, not a neighbour's, and with their nearest sub-sample inside rmax (a pixel whose nearest
 * sub-sample is outside adds nothing). With each, the first annulus that sub-sample falls in. Fills the
 * per-thread scratch `ks` (pixel indices) and `keys` (annuli); flags: APER_TRUNC, APER_HASMASKED.
 */
function usablePixels(
  data: Float32Array, width: number, height: number, x: number, y: number, rmax: number, subpix: number, NB: number,
  opts: RadiusOptions,
): { np: number; flags: number; ks: Int32Array; keys: Int32Array } {
  const { xmin, xmax, ymin, ymax, trunc } = radiusWindow(x, y, rmax, rmax, width, height);
  let flags = trunc;
  const sstep = 1 / subpix;
  const off = -0.5 + 0.5 * sstep;
  const lastSub = off + (subpix - 1) * sstep;
  const rmax2 = rmax * rmax;
  const rlim = rmax + 0.7072;
  const inv = 1 / (rmax / NB); // as the callers compute it (1 / step): the same annulus edges
  const mask = opts.mask, st = stampOf(opts, width, height), segId = opts.segId ?? 0;
  const sd = st?.data;
  const { keys, ks } = growPix((xmax - xmin + 1) * (ymax - ymin + 1), NB);
  let np = 0;
  for (let iy = ymin; iy <= ymax; iy++) {
    const dy = iy - y;
    if (Math.abs(dy) > rlim) continue;
    const half = Math.sqrt(Math.max(0, rlim * rlim - dy * dy));
    const xa = Math.max(xmin, Math.ceil(x - half)), xb = Math.min(xmax, Math.floor(x + half));
    const lo = dy + off, hi = dy + lastSub;
    const ny = lo > 0 ? lo : hi < 0 ? hi : 0;
    const sy2min = ny * ny;
    const row = iy * width;
    const srow = st ? (iy - st.y0) * st.sw - st.x0 : 0;
    for (let ix = xa; ix <= xb; ix++) {
      const k = row + ix;
      const dk = data[k]!;
      if (!(dk === dk) || (mask !== undefined && mask[k] !== 0) || (sd !== undefined && sd[srow + ix] !== 0 && sd[srow + ix] !== segId)) {
        flags |= APER_HASMASKED;
        continue;
      }
      const dx = ix - x;
      const lx = dx + off, hx = dx + lastSub;
      const nx = lx > 0 ? lx : hx < 0 ? hx : 0;
      const d2 = nx * nx + sy2min;
      if (d2 >= rmax2) continue;
      let b0 = (Math.sqrt(d2) * inv) | 0;
      if (b0 > NB - 1) b0 = NB - 1;
      ks[np] = k; keys[np++] = b0;
    }
  }
  return { np, flags, ks, keys };
}

/** Adds the sub-samples of one pixel (offset dx, dy from the centre, value v per sample) to the annuli. */
function sampleInto(prof: Float64Array, v: number, dx: number, dy: number, subpix: number, off: number, sstep: number, rmax2: number, inv: number, NB: number): void {
  for (let j = 0; j < subpix; j++) {
    const sy = dy + off + j * sstep;
    const sy2 = sy * sy;
    for (let i = 0; i < subpix; i++) {
      const sx = dx + off + i * sstep;
      const d2 = sx * sx + sy2;
      if (d2 >= rmax2) continue;
      const bin = (Math.sqrt(d2) * inv) | 0; // floor, d2 ≥ 0
      prof[bin < NB ? bin : NB - 1]! += v;
    }
  }
}

// per-thread scratch for fluxRadius
let sProf = new Float64Array(64);
let sKeys = new Int32Array(1024), sKs = new Int32Array(1024), sOrder = new Int32Array(1024), sCount = new Int32Array(65), sFill = new Int32Array(64);
function growProf(nb: number): Float64Array { if (sProf.length < nb) sProf = new Float64Array(nb); sProf.fill(0, 0, nb); return sProf; }
function growFill(nb: number): Int32Array { if (sFill.length < nb) sFill = new Int32Array(nb); return sFill; }
function growPix(n: number, nb: number) {
  if (sKeys.length < n) { sKeys = new Int32Array(2 * n); sKs = new Int32Array(2 * n); sOrder = new Int32Array(2 * n); }
  if (sCount.length < nb + 1) sCount = new Int32Array(nb + 1);
  return { keys: sKeys, ks: sKs, order: sOrder, count: sCount };
}

/** fluxRadius without a normalising flux: the full profile within rmax (its total is the norm). */
function fluxRadiusFull(
  data: Float32Array, width: number, height: number, x: number, y: number, rmax: number,
  fracs: number[], opts: RadiusOptions & { normFlux?: number; subpix?: number } = {},
): { radii: number[]; flags: number } {
  const NB = 64;
  const subpix = Math.max(1, opts.subpix ?? 5);
  const step = rmax / NB;
  const prof = new Float64Array(NB);
  const sstep = 1 / subpix;
  const off = -0.5 + 0.5 * sstep;
  const w = sstep * sstep;
  const rmax2 = rmax * rmax;
  const inv = 1 / step;
  const { np, flags, ks } = usablePixels(data, width, height, x, y, rmax, subpix, NB, opts);
  for (let i = 0; i < np; i++) { // raster order
    const k = ks[i]!;
    const ix = k % width, iy = (k - ix) / width;
    sampleInto(prof, data[k]! * w, ix - x, iy - y, subpix, off, sstep, rmax2, inv, NB);
  }
  let tot = 0;
  for (let i = 0; i < NB; i++) { tot += prof[i]!; prof[i] = tot; }
  const norm = opts.normFlux ?? tot;
  const radii = fracs.map((f) => {
    const target = f * norm;
    let prev = 0;
    for (let i = 0; i < NB; i++) {
      const cur = prof[i]!;
      if (cur >= target) {
        const dv = cur - prev;
        const t = dv > 0 ? (target - prev) / dv : 0;
        return step * (i + t);
      }
      prev = cur;
    }
    return rmax;
  });
  return { radii, flags };
}

/** Pixel window of half-widths (hx, hy) about (x, y), clipped to the image; trunc = APER_TRUNC when clipped (SExtractor kron_radius / flux_radius). */
function radiusWindow(x: number, y: number, hx: number, hy: number, width: number, height: number): { xmin: number; xmax: number; ymin: number; ymax: number; trunc: number } {
  let trunc = 0;
  let xmin = Math.floor(x - hx + 0.5);
  let xmax = Math.ceil(x + hx - 0.5);
  let ymin = Math.floor(y - hy + 0.5);
  let ymax = Math.ceil(y + hy - 0.5);
  if (xmin < 0) { xmin = 0; trunc = APER_TRUNC; }
  if (ymin < 0) { ymin = 0; trunc = APER_TRUNC; }
  if (xmax > width - 1) { xmax = width - 1; trunc = APER_TRUNC; }
  if (ymax > height - 1) { ymax = height - 1; trunc = APER_TRUNC; }
  return { xmin, xmax, ymin, ymax, trunc };
}
