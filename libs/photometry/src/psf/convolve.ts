// Image convolution by tiled FFT (overlap–save). Memory is bounded by the tile size, not the image, so
// an 8192² mosaic convolves with two FFT tiles in flight. Two real tiles are packed into one complex FFT
// (tile A in the real part, tile B in the imaginary part): since the kernel is real, the real and
// imaginary parts of the product are A⊗K and B⊗K (Numerical Recipes §12.3 "two real FFTs at once").
//
// NaN pixels are treated as 0 for their neighbours and stay NaN in the output.
import { PhotometryError } from '../errors.ts';
import { fft2d, fftColumns, fftRows, nextPow2 } from '@asteris/core';
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

/**
 * Two images convolved with two kernels of the same size in one pass: returns [a ⊗ kA, b ⊗ kB]
 * (e.g. data ⊗ K and variance ⊗ K²). Each overlap–save tile of a goes in the real and the same tile of b
 * in the imaginary part of one complex FFT; the spectra are separated by Hermitian symmetry,
 * Â(k) = ½[Z(k) + Z*(−k)], B̂(k) = [Z(k) − Z*(−k)]/2i (Numerical Recipes §12.3), and
 * Â·K̂A + i·B̂·K̂B transforms back to (a⊗kA) + i(b⊗kB). Both kernels are transformed together the same way.
 * Zero rows of edge tiles are skipped in the forward row pass, and the inverse row pass only computes
 * the rows that are kept. NaN pixels count as 0 for their neighbours and stay NaN.
 */
export function convolveImagePair(
  a: Float32Array, b: Float32Array, width: number, height: number, kA: Psf, kB: Psf, opts: ConvolveOptions = {},
): [Float32Array, Float32Array] {
  const k = kA.size;
  if (kB.size !== k) throw new PhotometryError(`convolveImagePair: kernels are ${k} and ${kB.size} pixels`);
  if (a.length !== width * height || b.length !== a.length) throw new PhotometryError(`convolveImagePair: data length ≠ ${width}×${height}`);
  const F = opts.tile ?? Math.max(256, nextPow2(4 * k));
  if (F < 2 * k) throw new PhotometryError(`convolveImagePair: tile ${F} too small for a ${k}-pixel kernel`);
  const c = (k - 1) / 2;
  const S = F - (k - 1);
  const FF = F * F;
  // kernel spectra (centre at index 0), scaled by 1/F² for the unnormalised inverse transform and by
  // the ½ of the image-spectrum separation below
  const zr = new Float64Array(FF);
  const zi = new Float64Array(FF);
  for (let y = 0; y < k; y++) {
    const ty = (((y - c) % F) + F) % F;
    for (let x = 0; x < k; x++) {
      const tx = (((x - c) % F) + F) % F;
      zr[ty * F + tx] = kA.data[y * k + x];
      zi[ty * F + tx] = kB.data[y * k + x];
    }
  }
  fft2d(zr, zi, F, F);
  const kar = new Float64Array(FF), kai = new Float64Array(FF), kbr = new Float64Array(FF), kbi = new Float64Array(FF);
  const h = 0.25 / FF; // ½ (kernel separation) × ½ (image separation) / F²
  for (let y = 0; y < F; y++) {
    const my = ((F - y) % F) * F;
    for (let x = 0; x < F; x++) {
      const i = y * F + x, m = my + ((F - x) % F);
      const r = zr[i], q = zi[i], mr = zr[m], mq = zi[m];
      kar[i] = (r + mr) * h; kai[i] = (q - mq) * h;
      kbr[i] = (q + mq) * h; kbi[i] = (mr - r) * h;
    }
  }
  const outA = new Float32Array(width * height);
  const outB = new Float32Array(width * height);
  const re = zr, im = zi; // reused as tile buffers
  const pr = new Float64Array(FF), pi = new Float64Array(FF);
  for (let ty = 0; ty < height; ty += S) {
    // buffer row i ↔ image row ty − c + i; rows outside the image are zero
    const r0 = Math.max(0, c - ty), r1 = Math.min(F, height - ty + c);
    // rows kept: buffer rows c … c+S−1 inside the image
    const o0 = c, o1 = Math.min(c + S, height - ty + c);
    for (let tx = 0; tx < width; tx += S) {
      re.fill(0); im.fill(0);
      const x0 = Math.max(0, tx - c), x1 = Math.min(width, tx - c + F);
      for (let i = r0; i < r1; i++) {
        const row = (ty - c + i) * width, o = i * F - tx + c;
        for (let x = x0; x < x1; x++) {
          const u = a[row + x], v = b[row + x];
          if (u === u) re[o + x] = u;
          if (v === v) im[o + x] = v;
        }
      }
      fftRows(re, im, F, r0, r1);
      fftColumns(re, im, F, F);
      for (let y = 0; y < F; y++) {
        const my = ((F - y) % F) * F, row = y * F;
        for (let x = 0; x < F; x++) {
          const i = row + x, m = x === 0 ? my : my + F - x;
          const r = re[i], q = im[i], mr = re[m], mq = im[m];
          // Â = ½(Z + Z*(−k)) and B̂ = (Z − Z*(−k))/2i, without their ½ (folded into the kernel spectra)
          const ar = r + mr, ai = q - mq, br = q + mq, bi = mr - r;
          pr[i] = ar * kar[i] - ai * kai[i] - (br * kbi[i] + bi * kbr[i]);
          pi[i] = ar * kai[i] + ai * kar[i] + (br * kbr[i] - bi * kbi[i]);
        }
      }
      fftColumns(pr, pi, F, F, true);
      fftRows(pr, pi, F, o0, o1, true);
      for (let i = o0; i < o1; i++) {
        const y = ty + i - c;
        for (let j = c; j < c + S; j++) {
          const x = tx + j - c;
          if (x >= width) break;
          const p = y * width + x;
          outA[p] = a[p] === a[p] ? pr[i * F + j] : NaN;
          outB[p] = b[p] === b[p] ? pi[i * F + j] : NaN;
        }
      }
    }
  }
  return [outA, outB];
}

/** Element-wise square of a kernel (for propagating independent per-pixel variances: var ⊗ K²). */
export function squaredKernel(kernel: Psf): Psf {
  const d = new Float64Array(kernel.data.length);
  for (let i = 0; i < d.length; i++) d[i] = kernel.data[i] * kernel.data[i];
  return { data: d, size: kernel.size };
}
