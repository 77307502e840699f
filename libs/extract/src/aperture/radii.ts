// Kron radius and flux radius (SExtractor Photom.rst "FLUX_AUTO", "FLUX_RADIUS"; SEP `kron_radius`,
// `flux_radius`).

import { APER_ALLMASKED, APER_HASMASKED, APER_NONPOSITIVE, APER_TRUNC, ellipseCoeffs } from './sum.ts';

export interface RadiusOptions {
  mask?: Uint8Array;
  seg?: Int32Array;
  segId?: number;
}

function isBad(data: Float32Array, k: number, opts: RadiusOptions): boolean {
  const v = data[k]!;
  if (!(v === v)) return true;
  if (opts.mask && opts.mask[k] !== 0) return true;
  if (opts.seg && opts.seg[k] !== 0 && opts.seg[k] !== (opts.segId ?? 0)) return true;
  return false;
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
  let xmin = Math.floor(x - hx + 0.5);
  let xmax = Math.ceil(x + hx - 0.5);
  let ymin = Math.floor(y - hy + 0.5);
  let ymax = Math.ceil(y + hy - 0.5);
  if (xmin < 0) { xmin = 0; flags |= APER_TRUNC; }
  if (ymin < 0) { ymin = 0; flags |= APER_TRUNC; }
  if (xmax > width - 1) { xmax = width - 1; flags |= APER_TRUNC; }
  if (ymax > height - 1) { ymax = height - 1; flags |= APER_TRUNC; }
  const r2 = r * r;
  let r1 = 0;
  let v1 = 0;
  let n = 0;
  let nbad = 0;
  for (let iy = ymin; iy <= ymax; iy++) {
    const dy = iy - y;
    for (let ix = xmin; ix <= xmax; ix++) {
      const dx = ix - x;
      const q = cxx * dx * dx + cyy * dy * dy + cxy * dx * dy;
      if (q > r2) continue;
      n++;
      const k = iy * width + ix;
      if (isBad(data, k, opts)) { nbad++; continue; }
      const v = data[k]!;
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
 * annuli of width rmax/64 with subpix×subpix sampling (SEP `flux_radius`; SExtractor FLUX_RADIUS).
 */
export function fluxRadius(
  data: Float32Array, width: number, height: number, x: number, y: number, rmax: number,
  fracs: number[], opts: RadiusOptions & { normFlux?: number; subpix?: number } = {},
): { radii: number[]; flags: number } {
  const NB = 64;
  const subpix = Math.max(1, opts.subpix ?? 5);
  if (!(rmax > 0)) return { radii: fracs.map(() => 0), flags: APER_NONPOSITIVE };
  const step = rmax / NB;
  const prof = new Float64Array(NB);
  let flags = 0;
  let xmin = Math.floor(x - rmax + 0.5);
  let xmax = Math.ceil(x + rmax - 0.5);
  let ymin = Math.floor(y - rmax + 0.5);
  let ymax = Math.ceil(y + rmax - 0.5);
  if (xmin < 0) { xmin = 0; flags |= APER_TRUNC; }
  if (ymin < 0) { ymin = 0; flags |= APER_TRUNC; }
  if (xmax > width - 1) { xmax = width - 1; flags |= APER_TRUNC; }
  if (ymax > height - 1) { ymax = height - 1; flags |= APER_TRUNC; }
  const sstep = 1 / subpix;
  const off = -0.5 + 0.5 * sstep;
  const w = sstep * sstep;
  const rmax2 = rmax * rmax;
  const rlim = rmax + 0.7072;
  const inv = 1 / step;
  const sxs = new Float64Array(subpix);
  const sys2 = new Float64Array(subpix);
  // Hot loop: bad-pixel tests inlined (no per-pixel option lookups); the arithmetic and the order of the
  // additions into `prof` are unchanged. A pixel whose nearest sub-sample is already beyond rmax is skipped.
  const mask = opts.mask, seg = opts.seg, segId = opts.segId ?? 0;
  const lastSub = off + (subpix - 1) * sstep;
  for (let iy = ymin; iy <= ymax; iy++) {
    const dy = iy - y;
    if (Math.abs(dy) > rlim) continue;
    const half = Math.sqrt(Math.max(0, rlim * rlim - dy * dy));
    const xa = Math.max(xmin, Math.ceil(x - half)), xb = Math.min(xmax, Math.floor(x + half));
    let sy2min = Infinity, sy2max = 0;
    for (let j = 0; j < subpix; j++) {
      const sy = dy + off + j * sstep;
      const q = sy * sy;
      sys2[j] = q;
      if (q < sy2min) sy2min = q;
      if (q > sy2max) sy2max = q;
    }
    const row = iy * width;
    for (let ix = xa; ix <= xb; ix++) {
      const k = row + ix;
      const dk = data[k]!;
      if (!(dk === dk) || (mask !== undefined && mask[k] !== 0) || (seg !== undefined && seg[k] !== 0 && seg[k] !== segId)) {
        flags |= APER_HASMASKED;
        continue;
      }
      const dx = ix - x;
      // nearest sub-sample column to the centre: skip the pixel when even it is outside rmax
      const lo = dx + off, hi = dx + lastSub;
      const nx = lo > 0 ? lo : hi < 0 ? hi : 0;
      if (nx * nx + sy2min >= rmax2) continue;
      const v = dk * w;
      let sx2max = 0;
      for (let i = 0; i < subpix; i++) { const sx = dx + off + i * sstep; const q = sx * sx; sxs[i] = q; if (q > sx2max) sx2max = q; }
      // All sub-samples in one bin (bin index is monotonic in d²): the same additions without the square roots.
      const dmax2 = sx2max + sy2max;
      if (dmax2 < rmax2) {
        const b0 = (Math.sqrt(nx * nx + sy2min) * inv) | 0;
        const b1 = (Math.sqrt(dmax2) * inv) | 0;
        if (b0 === b1) {
          const bb = b0 < NB ? b0 : NB - 1;
          for (let q = subpix * subpix; q > 0; q--) prof[bb]! += v;
          continue;
        }
      }
      for (let j = 0; j < subpix; j++) {
        const sy2 = sys2[j]!;
        for (let i = 0; i < subpix; i++) {
          const d2 = sxs[i]! + sy2;
          if (d2 >= rmax2) continue;
          const bin = (Math.sqrt(d2) * inv) | 0; // floor, d2 ≥ 0
          prof[bin < NB ? bin : NB - 1]! += v;
        }
      }
    }
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
