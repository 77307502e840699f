// PSF stamps: square, odd-sized, centred on the central pixel, on the image's pixel grid.
import { PhotometryError } from '../errors.ts';

export interface Psf {
  /** Row-major size × size stamp; values are the fraction of the source flux in each pixel. */
  data: Float64Array | Float32Array;
  size: number;
}

export function psfSum(psf: Psf): number {
  let s = 0;
  for (let i = 0; i < psf.data.length; i++) s += psf.data[i];
  return s;
}

/** Copy scaled so the stamp sums to `to` (default 1). */
export function normalisePsf(psf: Psf, to = 1): Psf {
  const s = psfSum(psf);
  if (!(s > 0) || !Number.isFinite(s)) throw new PhotometryError('PSF stamp has non-positive or non-finite sum');
  const out = new Float64Array(psf.data.length);
  for (let i = 0; i < out.length; i++) out[i] = (psf.data[i] * to) / s;
  return { data: out, size: psf.size };
}

export function checkPsf(psf: Psf, what = 'PSF'): void {
  if (!Number.isInteger(psf.size) || psf.size < 3 || psf.size % 2 === 0) {
    throw new PhotometryError(`${what} stamp must be square with an odd size ≥ 3 (got ${psf.size})`);
  }
  if (psf.data.length !== psf.size * psf.size) {
    throw new PhotometryError(`${what} stamp has ${psf.data.length} values, expected ${psf.size}×${psf.size}`);
  }
  for (let i = 0; i < psf.data.length; i++) {
    if (!Number.isFinite(psf.data[i])) throw new PhotometryError(`${what} stamp contains non-finite values`);
  }
}

/** Flux-weighted centroid (0-based pixel coordinates) of a w × h array. */
export function centroid(data: ArrayLike<number>, w: number, h: number): [number, number] {
  let s = 0, sx = 0, sy = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = data[y * w + x];
      if (!(v > 0)) continue;
      s += v; sx += v * x; sy += v * y;
    }
  }
  return s > 0 ? [sx / s, sy / s] : [(w - 1) / 2, (h - 1) / 2];
}

/** Fraction of [a0, a1] covered by [b0, b1] divided by the length of [a0, a1]. */
function overlapWeights(nIn: number, scaleIn: number, cIn: number, nOut: number, scaleOut: number, cOut: number): Float64Array[] {
  // W[j] has length nIn: fraction of input pixel i falling inside output pixel j.
  const rows: Float64Array[] = [];
  for (let j = 0; j < nOut; j++) {
    const o0 = (j - cOut - 0.5) * scaleOut;
    const o1 = (j - cOut + 0.5) * scaleOut;
    const wrow = new Float64Array(nIn);
    const iLo = Math.max(0, Math.floor(o0 / scaleIn + cIn - 1));
    const iHi = Math.min(nIn - 1, Math.ceil(o1 / scaleIn + cIn + 1));
    for (let i = iLo; i <= iHi; i++) {
      const a0 = (i - cIn - 0.5) * scaleIn;
      const a1 = (i - cIn + 0.5) * scaleIn;
      const ov = Math.min(a1, o1) - Math.max(a0, o0);
      if (ov > 0) wrow[i] = ov / scaleIn;
    }
    rows.push(wrow);
  }
  return rows;
}

/**
 * Flux-conserving rebinning of a finely sampled PSF model (pixel scale `scaleIn`, any size, e.g. a
 * 4× oversampled STPSF) onto an odd `sizeOut` grid with pixel scale `scaleOut` (same angular unit).
 * The model's flux-weighted centroid lands on the centre of the output stamp plus (dx, dy) output
 * pixels, so this also renders point sources at sub-pixel offsets. Each output pixel is the exact
 * area-weighted sum of the input pixels it overlaps (separable 1-D overlap matrices).
 * The result is NOT renormalised: it sums to the input sum.
 */
export function resamplePsf(
  data: ArrayLike<number>, wIn: number, hIn: number, scaleIn: number,
  sizeOut: number, scaleOut: number, dx = 0, dy = 0,
): Psf {
  if (sizeOut % 2 === 0) throw new PhotometryError(`resamplePsf: output size must be odd (got ${sizeOut})`);
  const [cx, cy] = centroid(data, wIn, hIn);
  const c = (sizeOut - 1) / 2;
  const wx = overlapWeights(wIn, scaleIn, cx, sizeOut, scaleOut, c + dx);
  const wy = overlapWeights(hIn, scaleIn, cy, sizeOut, scaleOut, c + dy);
  // pass 1: rows → tmp[hIn][sizeOut]
  const tmp = new Float64Array(hIn * sizeOut);
  for (let y = 0; y < hIn; y++) {
    for (let j = 0; j < sizeOut; j++) {
      const wr = wx[j];
      let s = 0;
      for (let x = 0; x < wIn; x++) if (wr[x] !== 0) s += wr[x] * data[y * wIn + x];
      tmp[y * sizeOut + j] = s;
    }
  }
  const out = new Float64Array(sizeOut * sizeOut);
  for (let k = 0; k < sizeOut; k++) {
    const wr = wy[k];
    for (let y = 0; y < hIn; y++) {
      if (wr[y] === 0) continue;
      for (let j = 0; j < sizeOut; j++) out[k * sizeOut + j] += wr[y] * tmp[y * sizeOut + j];
    }
  }
  return { data: out, size: sizeOut };
}

/** Crop (or zero-pad) a stamp to an odd `size`, keeping the central pixel central. */
export function cropPsf(psf: Psf, size: number): Psf {
  if (size % 2 === 0) throw new PhotometryError(`cropPsf: size must be odd (got ${size})`);
  const out = new Float64Array(size * size);
  const off = (psf.size - size) / 2;
  for (let y = 0; y < size; y++) {
    const sy = y + off;
    if (sy < 0 || sy >= psf.size) continue;
    for (let x = 0; x < size; x++) {
      const sx = x + off;
      if (sx < 0 || sx >= psf.size) continue;
      out[y * size + x] = psf.data[sy * psf.size + sx];
    }
  }
  return { data: out, size };
}
