// Greyscale PNG rendering of images for the report: arcsinh or linear stretch between limits that
// can be shared by several images, so that a co-add and its denoised version are shown on the same
// scale (Lupton et al. 2004 for the arcsinh stretch).
import { PNG } from 'pngjs';
import { quantileSorted } from '@asteris/core';

export interface Stretch { lo: number; hi: number; kind: 'asinh' | 'linear'; /** asinh softening as a fraction of (hi − lo) */ soft?: number }

/**
 * Percentile limits (pLo, pHi in per cent) over the finite values of one or more images (sampled for
 * speed), interpolated between samples (@asteris/core quantileSorted, d3-array's).
 */
export function stretchLimits(images: ArrayLike<number>[], pLo = 0.5, pHi = 99.7, maxSamples = 200_000): { lo: number; hi: number } {
  const vals: number[] = [];
  for (const img of images) {
    const step = Math.max(1, Math.floor(img.length / maxSamples));
    for (let i = 0; i < img.length; i += step) {
      const v = img[i]!;
      if (Number.isFinite(v)) vals.push(v);
    }
  }
  if (vals.length === 0) return { lo: 0, hi: 1 };
  vals.sort((a, b) => a - b);
  const lo = quantileSorted(vals, pLo / 100);
  let hi = quantileSorted(vals, pHi / 100);
  if (!(hi > lo)) hi = lo + 1;
  return { lo, hi };
}

/** Maps values to 0..255 with the given stretch; NaN becomes a mid-grey so masked areas are visible. */
export function toGrey(data: ArrayLike<number>, s: Stretch): Uint8Array {
  const out = new Uint8Array(data.length);
  const span = s.hi - s.lo;
  const soft = (s.soft ?? 0.05) * span;
  const norm = s.kind === 'asinh' ? Math.asinh(span / soft) : 1;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) { out[i] = 128; continue; }
    const x = Math.min(Math.max(v - s.lo, 0), span);
    const t = s.kind === 'asinh' ? Math.asinh(x / soft) / norm : x / span;
    out[i] = Math.round(255 * t);
  }
  return out;
}

/** Encodes an image (row-major, y = 0 first) as PNG, flipped so north-up FITS images display up. */
export function imageToPng(data: ArrayLike<number>, width: number, height: number, s: Stretch, opts: { zoom?: number; flipY?: boolean } = {}): Buffer {
  const zoom = Math.max(1, Math.round(opts.zoom ?? 1));
  const flip = opts.flipY ?? true;
  const grey = toGrey(data, s);
  const png = new PNG({ width: width * zoom, height: height * zoom, colorType: 0, inputColorType: 0, bitDepth: 8 });
  const W = width * zoom;
  for (let y = 0; y < height * zoom; y++) {
    const sy = Math.floor(y / zoom);
    const srcRow = flip ? height - 1 - sy : sy;
    for (let x = 0; x < W; x++) {
      png.data[y * W + x] = grey[srcRow * width + Math.floor(x / zoom)]!;
    }
  }
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, bitDepth: 8 });
}

/** A square cut-out (NaN outside the image): @asteris/core's, the one definition. */
export { cutout } from '@asteris/core';
