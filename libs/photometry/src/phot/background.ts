// Background for forced photometry (docs/photometry.md §1 step 3b, §10).
//
// 1. Mesh background (SExtractor Background.rst, BACK_TYPE AUTO; astro-reference §A.1): the band image,
//    in nJy, on its native grid (before PSF matching), with every segmented pixel of the detection map —
//    grown by `maskGrow` pixels so that the wings of sources do not bias the meshes — and every invalid
//    pixel masked, goes through @asteris/extract's mesh model (per-mesh clipped mode, bad-mesh filling,
//    median filter, bicubic spline) and the map is subtracted. This removes sky gradients and
//    large-scale structure that a constant cannot.
// 2. Optional local annulus (SExtractor BACKPHOTO_TYPE LOCAL, Photom.rst: the background is re-estimated
//    in a ring around each object and subtracted from its apertures). We use a circular ring of width
//    `width` px starting at `inner` px, segmented/invalid pixels left out, and its median. The errors are
//    calibrated with empty apertures measured the same way (aperture − area × ring median), so they
//    include the ring's noise and what the ring removes (calibrateLocalApertures).
import { backgroundMap, makeBackground } from '@asteris/extract';
import { nmad } from '../noise/empty.ts';
import { photometryRng } from '../rng.ts';

export type BackgroundMode = 'mesh' | 'local' | 'empty-median' | 'none';

export interface BackgroundSettings {
  /** 'mesh' (default): subtract the masked mesh background; 'local': mesh + a local annulus per source;
   *  'empty-median': one constant per band (the median empty-aperture flux; kept for compatibility, do not
   *  use on images with gradients); 'none': images are already background-subtracted */
  mode: BackgroundMode;
  /** mesh size in pixels (BACK_SIZE; default 128, not SExtractor's 64: on the background-subtracted PRIMER-UDS
   *  F444W mosaic 64-px meshes follow faint halos and raised the hold-out empty-aperture NMAD at r = 6.25 px
   *  from 1.05 to 1.13; meshes are adjusted to tile the image evenly) */
  meshSize: number;
  /** median filter in meshes (BACK_FILTERSIZE, default 3) */
  filterSize: number;
  /** grow the detection segmentation by this many pixels for the mask (default 3) */
  maskGrow: number;
  /** local annulus inner radius in px (default: 1.5 × the largest aperture radius, at least 16 px: closer rings pick up PSF wings beyond the masked footprint — measured on the independent generator, inner 8 px gave NMAD(z) 1.26 for S/N > 10 sources, 16 px 1.05) */
  localInner?: number;
  /** local annulus width in px (BACKPHOTO_THICK, default 24) */
  localWidth: number;
}

export const DEFAULT_BACKGROUND: BackgroundSettings = { mode: 'mesh', meshSize: 128, filterSize: 3, maskGrow: 3, localWidth: 24 };

/** Mask (1 = excluded) of segmented pixels grown by `grow` px (square dilation, separable) and of invalid pixels. */
export function sourceMask(seg: Int32Array, data: ArrayLike<number>, width: number, height: number, grow: number): Uint8Array {
  const m = new Uint8Array(width * height);
  for (let i = 0; i < m.length; i++) if (seg[i] !== 0) m[i] = 1;
  if (grow > 0) {
    const tmp = new Uint8Array(m.length);
    for (let y = 0; y < height; y++) {
      const o = y * width;
      for (let x = 0; x < width; x++) {
        if (!m[o + x]) continue;
        const x0 = Math.max(0, x - grow), x1 = Math.min(width - 1, x + grow);
        for (let xx = x0; xx <= x1; xx++) tmp[o + xx] = 1;
      }
    }
    m.fill(0);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (!tmp[y * width + x]) continue;
        const y0 = Math.max(0, y - grow), y1 = Math.min(height - 1, y + grow);
        for (let yy = y0; yy <= y1; yy++) m[yy * width + x] = 1;
      }
    }
  }
  for (let i = 0; i < m.length; i++) { const v = data[i]; if (!(v === v)) m[i] = 1; }
  return m;
}

export interface MeshBackgroundResult {
  /** the background map that was subtracted (nJy/px) */
  map: Float32Array;
  globalBack: number;
  globalRms: number;
  nBadMeshes: number;
  min: number;
  max: number;
}

/**
 * Subtracts the masked mesh background from `data` in place (NaN pixels stay NaN) and returns the map.
 */
export function subtractMeshBackground(
  data: Float32Array, width: number, height: number, mask: Uint8Array, s: Pick<BackgroundSettings, 'meshSize' | 'filterSize'>,
): MeshBackgroundResult {
  // the mesh statistics must not see NaN: give masked pixels a finite value (they are excluded anyway)
  const clean = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) clean[i] = mask[i] ? 0 : data[i];
  // meshes of about meshSize that tile the image evenly (no thin partial mesh at the far edges, whose
  // statistics would be poor and which would pull the spline there)
  const bw = Math.ceil(width / Math.max(1, Math.round(width / s.meshSize)));
  const bh = Math.ceil(height / Math.max(1, Math.round(height / s.meshSize)));
  const model = makeBackground(clean, width, height, { meshSize: [bw, bh], filterSize: s.filterSize, mask });
  const map = backgroundMap(model, 'back');
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const b = map[i];
    if (b < min) min = b;
    if (b > max) max = b;
    data[i] -= b;
  }
  return { map, globalBack: model.globalBack, globalRms: model.globalRms, nBadMeshes: model.nBadMeshes, min, max };
}

/**
 * Median of the valid, unmasked pixels in the ring inner ≤ r < inner + width around (x, y), and the
 * number of pixels used. NaN when fewer than 20 pixels are usable.
 */
export function annulusMedian(
  data: Float32Array, width: number, height: number, mask: Uint8Array, x: number, y: number, inner: number, ringWidth: number,
  variance?: Float32Array,
): { median: number; n: number; meanVar: number } {
  const outer = inner + ringWidth;
  const r2i = inner * inner, r2o = outer * outer;
  const x0 = Math.max(0, Math.floor(x - outer)), x1 = Math.min(width - 1, Math.ceil(x + outer));
  const y0 = Math.max(0, Math.floor(y - outer)), y1 = Math.min(height - 1, Math.ceil(y + outer));
  const vals: number[] = [];
  let sv = 0;
  for (let yy = y0; yy <= y1; yy++) {
    const dy = yy - y;
    for (let xx = x0; xx <= x1; xx++) {
      const dx = xx - x;
      const d2 = dx * dx + dy * dy;
      if (d2 < r2i || d2 >= r2o) continue;
      const k = yy * width + xx;
      if (mask[k]) continue;
      const v = data[k];
      if (v === v) { vals.push(v); if (variance) sv += variance[k]; }
    }
  }
  if (vals.length < 20) return { median: NaN, n: vals.length, meanVar: NaN };
  const a = Float64Array.from(vals).sort();
  const h = a.length >> 1;
  return { median: a.length % 2 ? a[h] : 0.5 * (a[h - 1] + a[h]), n: a.length, meanVar: sv / a.length };
}

/**
 * Empty-aperture calibration of the local-annulus photometry (the method of noise/empty.ts applied to the
 * quantity actually measured): at `n` random blank positions (no masked pixel in the (r + 2)-box) the
 * aperture sum minus area × annulus median is divided by √Σvar; the factor is NMAD of that ratio. It
 * includes the annulus noise and what the annulus removes (large-scale correlated noise, striping), so
 * no separate annulus term is added to errors calibrated this way.
 */
export function calibrateLocalApertures(
  data: Float32Array, variance: Float32Array, mask: Uint8Array, width: number, height: number,
  radii: number[], inner: number, ringWidth: number, n: number, seed: number,
  sumCircle: (x: number, y: number, r: number) => { sum: number; sumVar: number; area: number; flags: number },
): number[] {
  const rng = photometryRng(seed ^ 0x5bd1e995);
  return radii.map((r) => {
    const h = Math.ceil(r + 2);
    const z: number[] = [];
    let tries = 0;
    while (z.length < n && tries++ < 50 * n) {
      const x = h + rng.uniform() * (width - 2 * h - 1), y = h + rng.uniform() * (height - 2 * h - 1);
      const cx = Math.round(x), cy = Math.round(y);
      let ok = true;
      for (let yy = cy - h; yy <= cy + h && ok; yy++) for (let xx = cx - h; xx <= cx + h; xx++) if (mask[yy * width + xx]) { ok = false; break; }
      if (!ok) continue;
      const ann = annulusMedian(data, width, height, mask, x, y, inner, ringWidth);
      if (!Number.isFinite(ann.median)) continue;
      const res = sumCircle(x, y, r);
      if (!(res.sumVar > 0)) continue;
      z.push((res.sum - ann.median * res.area) / Math.sqrt(res.sumVar));
    }
    return z.length >= 50 ? nmad(z) : NaN;
  });
}
