// Image convolution by tiled FFT (overlap–save). Memory is bounded by the tile size, not the image, so
// an 8192² mosaic convolves with two FFT tiles in flight. Two real tiles are packed into one complex FFT
// (tile A in the real part, tile B in the imaginary part): since the kernel is real, the real and
// imaginary parts of the product are A⊗K and B⊗K (Numerical Recipes §12.3 "two real FFTs at once").
//
// NaN pixels are treated as 0 for their neighbours and stay NaN in the output.
import { PhotometryError } from '../errors.ts';
import { fft2d, nextPow2 } from './fft.ts';
import type { Psf } from './psf.ts';

export interface ConvolveOptions {
  /** FFT tile size (power of two ≥ 2·kernel). Default max(256, nextPow2(4·kernel)). */
  tile?: number;
}

/** Returns image ⊗ kernel (same size, "same" mode, zero padding outside the image). */
export function convolveImage(
  data: Float32Array | Float64Array, width: number, height: number, kernel: Psf, opts: ConvolveOptions = {},
): Float32Array {
  const k = kernel.size;
  if (data.length !== width * height) throw new PhotometryError(`convolveImage: data length ${data.length} ≠ ${width}×${height}`);
  const F = opts.tile ?? Math.max(256, nextPow2(4 * k));
  if (F < 2 * k) throw new PhotometryError(`convolveImage: tile ${F} too small for a ${k}-pixel kernel`);
  const c = (k - 1) / 2;
  const S = F - (k - 1); // valid outputs per tile
  // kernel transfer function, kernel centre at index 0
  const kr = new Float64Array(F * F);
  const ki = new Float64Array(F * F);
  for (let y = 0; y < k; y++) {
    const ty = (((y - c) % F) + F) % F;
    for (let x = 0; x < k; x++) {
      const tx = (((x - c) % F) + F) % F;
      kr[ty * F + tx] = kernel.data[y * k + x];
    }
  }
  fft2d(kr, ki, F, F);
  const out = new Float32Array(width * height);
  const tiles: Array<[number, number]> = [];
  for (let ty = 0; ty < height; ty += S) for (let tx = 0; tx < width; tx += S) tiles.push([tx, ty]);
  const re = new Float64Array(F * F);
  const im = new Float64Array(F * F);
  const load = (buf: Float64Array, tx: number, ty: number): void => {
    buf.fill(0);
    // buffer index i ↔ image coordinate t − c + i (so output i ∈ [c, c+S) is valid)
    for (let i = 0; i < F; i++) {
      const y = ty - c + i;
      if (y < 0 || y >= height) continue;
      const x0 = Math.max(0, tx - c);
      const x1 = Math.min(width, tx - c + F);
      const row = y * width;
      for (let x = x0; x < x1; x++) {
        const v = data[row + x];
        if (v === v) buf[i * F + (x - tx + c)] = v;
      }
    }
  };
  const store = (buf: Float64Array, tx: number, ty: number): void => {
    for (let i = c; i < c + S; i++) {
      const y = ty + i - c;
      if (y >= height) break;
      for (let j = c; j < c + S; j++) {
        const x = tx + j - c;
        if (x >= width) break;
        const v = data[y * width + x];
        out[y * width + x] = v === v ? buf[i * F + j] : NaN;
      }
    }
  };
  for (let t = 0; t < tiles.length; t += 2) {
    const [ax, ay] = tiles[t];
    load(re, ax, ay);
    const hasB = t + 1 < tiles.length;
    if (hasB) load(im, tiles[t + 1][0], tiles[t + 1][1]);
    else im.fill(0);
    fft2d(re, im, F, F);
    for (let i = 0; i < F * F; i++) {
      const a = re[i], b = im[i];
      re[i] = a * kr[i] - b * ki[i];
      im[i] = a * ki[i] + b * kr[i];
    }
    fft2d(re, im, F, F, true);
    store(re, ax, ay);
    if (hasB) store(im, tiles[t + 1][0], tiles[t + 1][1]);
  }
  return out;
}

/** Element-wise square of a kernel (for propagating independent per-pixel variances: var ⊗ K²). */
export function squaredKernel(kernel: Psf): Psf {
  const d = new Float64Array(kernel.data.length);
  for (let i = 0; i < d.length; i++) d[i] = kernel.data[i] * kernel.data[i];
  return { data: d, size: kernel.size };
}
