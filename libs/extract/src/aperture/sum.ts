// Aperture sums over circles, ellipses and annuli (SEP `sum_circle`, `sum_ellipse`, `sum_circann`,
// `sum_ellipann`; SExtractor FLUX_APER, Photom.rst). Pixel (ix, iy) covers [ix−½, ix+½]×[iy−½, iy+½]
// (0-based, centres on integers).
//
//  subpix = 0  exact geometric overlap (overlap.ts)
//  subpix = n  n×n sub-pixel centre sampling of pixels straddling the boundary
//              (SExtractor APER_OVERSAMP = 5 uses n = 5; n = 1 is "pixel centre inside")
//
// Masked pixels (mask ≠ 0, NaN data, non-finite variance, or belonging to another segment when
// `seg`/`segId` are given) are left out; by default the sum and variance are then scaled by
// total/unmasked area (SEP's default "correct" behaviour), or with maskMode 'ignore' the area is reduced.

import { circleRectOverlap, ellipseRectOverlap } from './overlap.ts';

/** SEP-compatible aperture flags (sep.h). */
export const APER_TRUNC = 0x0010;
export const APER_HASMASKED = 0x0020;
export const APER_ALLMASKED = 0x0040;
export const APER_NONPOSITIVE = 0x0080;

export interface ApertureOptions {
  /** Per-pixel variance of the data (same units²). */
  variance?: Float32Array;
  /** Constant per-pixel σ, used when `variance` is absent. */
  err?: number;
  /** Non-zero = bad pixel. */
  mask?: Uint8Array;
  /** Segmentation map: pixels with seg ≠ 0 and seg ≠ segId are treated as masked. */
  seg?: Int32Array;
  segId?: number;
  /** 0 = exact overlap (default); n ≥ 1 = n×n sub-sampling of boundary pixels. */
  subpix?: number;
  /** Gain (e⁻ per data unit): adds the source Poisson variance sum/gain when sum > 0. */
  gain?: number;
  /** 'correct' (default): rescale by total/unmasked area; 'ignore': just drop masked area. */
  maskMode?: 'correct' | 'ignore';
}

export interface ApertureResult {
  sum: number;
  sumVar: number;
  /** Aperture area (pixels) actually covered inside the image (unmasked only with maskMode 'ignore'). */
  area: number;
  flags: number;
}

interface Shape {
  /** bounding half-extents in pixels */
  hx: number;
  hy: number;
  /** fraction of pixel (ix, iy) centred at offset (dx, dy) inside the aperture */
  frac: (dx: number, dy: number) => number;
}

function accumulate(
  data: Float32Array, width: number, height: number, x: number, y: number,
  shape: Shape, opts: ApertureOptions,
): ApertureResult {
  if (data.length !== width * height) {
    throw new RangeError(`aperture sum: data length ${data.length} ≠ ${width}×${height}`);
  }
  let flags = 0;
  let xmin = Math.floor(x - shape.hx + 0.5);
  let xmax = Math.ceil(x + shape.hx - 0.5);
  let ymin = Math.floor(y - shape.hy + 0.5);
  let ymax = Math.ceil(y + shape.hy - 0.5);
  if (xmin < 0) { xmin = 0; flags |= APER_TRUNC; }
  if (ymin < 0) { ymin = 0; flags |= APER_TRUNC; }
  if (xmax > width - 1) { xmax = width - 1; flags |= APER_TRUNC; }
  if (ymax > height - 1) { ymax = height - 1; flags |= APER_TRUNC; }
  const { variance, mask, seg } = opts;
  const segId = opts.segId ?? 0;
  const err2 = opts.err !== undefined ? opts.err * opts.err : 0;
  let sum = 0;
  let sumVar = 0;
  let area = 0;
  let maskArea = 0;
  for (let iy = ymin; iy <= ymax; iy++) {
    const dy = iy - y;
    const row = iy * width;
    for (let ix = xmin; ix <= xmax; ix++) {
      const f = shape.frac(ix - x, dy);
      if (f <= 0) continue;
      const k = row + ix;
      area += f;
      const v = data[k]!;
      const var_ = variance ? variance[k]! : err2;
      const bad = (mask !== undefined && mask[k] !== 0) ||
        (seg !== undefined && seg[k] !== 0 && seg[k] !== segId) ||
        !(v === v) || !Number.isFinite(var_);
      if (bad) { maskArea += f; continue; }
      sum += f * v;
      sumVar += f * var_;
    }
  }
  if (maskArea > 0) {
    flags |= APER_HASMASKED;
    if (maskArea >= area * (1 - 1e-12)) {
      flags |= APER_ALLMASKED;
      sum = 0;
      sumVar = 0;
      if (opts.maskMode === 'ignore') area = 0;
    } else if (opts.maskMode === 'ignore') {
      area -= maskArea;
    } else {
      const scale = area / (area - maskArea);
      sum *= scale;
      sumVar *= scale;
    }
  }
  if (opts.gain !== undefined && opts.gain > 0 && sum > 0) sumVar += sum / opts.gain;
  if (!(sumVar > 0) && !(flags & APER_ALLMASKED) && (variance || err2 > 0)) flags |= APER_NONPOSITIVE;
  return { sum, sumVar, area, flags };
}

const HALF_DIAG = 0.7072; // a bit more than √2/2: pixels this far from the boundary are fully in or out

function circleShape(r: number, subpix: number): Shape {
  const rin = r - HALF_DIAG;
  const rin2 = rin > 0 ? rin * rin : -1;
  const rout2 = (r + HALF_DIAG) * (r + HALF_DIAG);
  const r2 = r * r;
  const n = subpix;
  const step = n > 0 ? 1 / n : 0;
  const off = n > 0 ? -0.5 + 0.5 * step : 0;
  const inv = n > 0 ? 1 / (n * n) : 0;
  return {
    hx: r,
    hy: r,
    frac(dx, dy) {
      const d2 = dx * dx + dy * dy;
      if (d2 < rin2) return 1;
      if (d2 > rout2) return 0;
      if (n === 0) return circleRectOverlap(dx - 0.5, dy - 0.5, dx + 0.5, dy + 0.5, r);
      let c = 0;
      for (let j = 0; j < n; j++) {
        const sy = dy + off + j * step;
        const sy2 = sy * sy;
        for (let i = 0; i < n; i++) {
          const sx = dx + off + i * step;
          if (sx * sx + sy2 < r2) c++;
        }
      }
      return c * inv;
    },
  };
}

/** Ellipse coefficients cxx·dx² + cyy·dy² + cxy·dx·dy = 1 on the boundary of the (a, b, θ) ellipse. */
export function ellipseCoeffs(a: number, b: number, theta: number): { cxx: number; cyy: number; cxy: number } {
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  const a2 = a * a;
  const b2 = b * b;
  return {
    cxx: (c * c) / a2 + (s * s) / b2,
    cyy: (s * s) / a2 + (c * c) / b2,
    cxy: 2 * c * s * (1 / a2 - 1 / b2),
  };
}

function ellipseShape(a: number, b: number, theta: number, r: number, subpix: number): Shape {
  const A = a * r;
  const B = b * r;
  const { cxx, cyy, cxy } = ellipseCoeffs(A, B, theta);
  // Distance in "ellipse radius" (1 = boundary) changes by at most |δ|/min(A, B) for a pixel offset δ.
  const band = HALF_DIAG / Math.min(A, B);
  const rin = 1 - band;
  const rin2 = rin > 0 ? rin * rin : -1;
  const rout2 = (1 + band) * (1 + band);
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  const hx = Math.sqrt(A * A * c * c + B * B * s * s);
  const hy = Math.sqrt(A * A * s * s + B * B * c * c);
  const n = subpix;
  const step = n > 0 ? 1 / n : 0;
  const off = n > 0 ? -0.5 + 0.5 * step : 0;
  const inv = n > 0 ? 1 / (n * n) : 0;
  return {
    hx,
    hy,
    frac(dx, dy) {
      const q = cxx * dx * dx + cyy * dy * dy + cxy * dx * dy;
      if (q < rin2) return 1;
      if (q > rout2) return 0;
      if (n === 0) return ellipseRectOverlap(dx - 0.5, dy - 0.5, dx + 0.5, dy + 0.5, A, B, theta);
      let cnt = 0;
      for (let j = 0; j < n; j++) {
        const sy = dy + off + j * step;
        for (let i = 0; i < n; i++) {
          const sx = dx + off + i * step;
          if (cxx * sx * sx + cyy * sy * sy + cxy * sx * sy < 1) cnt++;
        }
      }
      return cnt * inv;
    },
  };
}

function validate(name: string, ...vals: number[]): void {
  for (const v of vals) {
    if (!Number.isFinite(v)) throw new RangeError(`${name}: non-finite aperture parameter ${v}`);
  }
}

/** Sum inside a circle of radius r (pixels) centred at (x, y) (0-based). */
export function sumCircle(
  data: Float32Array, width: number, height: number, x: number, y: number, r: number,
  opts: ApertureOptions = {},
): ApertureResult {
  validate('sumCircle', x, y, r);
  if (r < 0) throw new RangeError(`sumCircle: negative radius ${r}`);
  return accumulate(data, width, height, x, y, circleShape(r, opts.subpix ?? 0), opts);
}

/**
 * Sum inside the ellipse with semi-axes r·a, r·b and position angle theta (**degrees**, counter-clockwise
 * from +x, as THETA_IMAGE), centred at (x, y).
 */
export function sumEllipse(
  data: Float32Array, width: number, height: number, x: number, y: number,
  a: number, b: number, theta: number, r: number, opts: ApertureOptions = {},
): ApertureResult {
  validate('sumEllipse', x, y, a, b, theta, r);
  if (!(a > 0 && b > 0) || r < 0) throw new RangeError(`sumEllipse: need a, b > 0 and r ≥ 0 (got ${a}, ${b}, ${r})`);
  if (r === 0) return { sum: 0, sumVar: 0, area: 0, flags: 0 };
  return accumulate(data, width, height, x, y, ellipseShape(a, b, (theta * Math.PI) / 180, r, opts.subpix ?? 0), opts);
}

/** Sum in the circular annulus rin ≤ ρ < rout. */
export function sumCircAnnulus(
  data: Float32Array, width: number, height: number, x: number, y: number, rin: number, rout: number,
  opts: ApertureOptions = {},
): ApertureResult {
  validate('sumCircAnnulus', x, y, rin, rout);
  if (!(rin >= 0 && rout > rin)) throw new RangeError(`sumCircAnnulus: need 0 ≤ rin < rout (got ${rin}, ${rout})`);
  const outer = circleShape(rout, opts.subpix ?? 0);
  const inner = circleShape(rin, opts.subpix ?? 0);
  return accumulate(data, width, height, x, y, {
    hx: rout, hy: rout, frac: (dx, dy) => Math.max(0, outer.frac(dx, dy) - inner.frac(dx, dy)),
  }, opts);
}

/** Sum in the elliptical annulus between scales rin and rout of the (a, b, theta°) ellipse. */
export function sumEllipAnnulus(
  data: Float32Array, width: number, height: number, x: number, y: number,
  a: number, b: number, theta: number, rin: number, rout: number, opts: ApertureOptions = {},
): ApertureResult {
  validate('sumEllipAnnulus', x, y, a, b, theta, rin, rout);
  if (!(a > 0 && b > 0 && rin >= 0 && rout > rin)) throw new RangeError('sumEllipAnnulus: need a, b > 0 and 0 ≤ rin < rout');
  const th = (theta * Math.PI) / 180;
  const outer = ellipseShape(a, b, th, rout, opts.subpix ?? 0);
  const inner = rin > 0 ? ellipseShape(a, b, th, rin, opts.subpix ?? 0) : null;
  return accumulate(data, width, height, x, y, {
    hx: outer.hx, hy: outer.hy,
    frac: (dx, dy) => Math.max(0, outer.frac(dx, dy) - (inner ? inner.frac(dx, dy) : 0)),
  }, opts);
}
