// PSF kernels on the render grid (pitch = pixelScale / oversample), normalised to unit sum.
// The kernel is POINT-SAMPLED at the fine-pixel centres: the render canvas already holds area
// integrals of the sources over fine pixels, so conv(canvas, point-sampled PSF) summed over a pixel's
// fine cells is the midpoint rule for ∫_pixel (source ⊗ PSF) — no extra box blur. Aliasing of the
// sampled core is ∝ exp(−2π²σ²/h²) (< 1e-3 for pitch h ≤ FWHM/1.68, see autoOversample).
//  - 'model': the Gauss+Moffat fit (model.ts);
//  - 'file':  a real PSF image (e.g. STPSF WebbPSF 2.1 oversampled detector PSFs in
//             data/external/mophongo_primer_uds_cutouts/psf), re-centred on its core centroid and
//             interpolated bilinearly on its own (finer) grid.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readFits } from '@asteris/fits';
import { fitPsfModel, modelProfile } from './model.ts';

export interface PsfKernel {
  band: string;
  /** Kernel values, size×size, row-major, centred on (size−1)/2, sum 1. */
  data: Float64Array;
  size: number;
  /** Sampling pitch, arcsec. */
  pitch: number;
  /** 'model:gauss+moffat' or 'file:<path>'. */
  source: string;
  description: string;
  /** Continuous PSF surface density at offset (dx, dy) arcsec (unnormalised); used for exact point sources. */
  evaluate: (dx: number, dy: number) => number;
  /** FWHM (arcsec) of the underlying PSF, for choosing sub-sampling. */
  fwhm: number;
}

/** Real PSFs shipped with the repo (relative to the repo root). */
export const REAL_PSF_FILES: Readonly<Record<string, { path: string; description: string }>> = Object.freeze({
  F115W: { path: 'data/external/mophongo_primer_uds_cutouts/psf/UDS_NRCA1_F115W_DET_GRID1_OS4.fits', description: 'STPSF (WebbPSF 2.1.0) NRCA1 F115W, 4x oversampled, PRIMER-UDS OPD 2023-01-23, FOV 2.03"' },
  F444W: { path: 'data/external/mophongo_primer_uds_cutouts/psf/UDS_NRCA5_F444W_DET_GRID1_OS4.fits', description: 'STPSF (WebbPSF 2.1.0) NRCA5 F444W, 4x oversampled, PRIMER-UDS OPD 2023-01-23, FOV 4.09"' },
});

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export function realPsfPath(band: string): string | undefined {
  const e = REAL_PSF_FILES[band.toUpperCase()];
  if (!e) return undefined;
  const p = REPO_ROOT + e.path;
  return existsSync(p) ? p : undefined;
}

/** Half-size (in kernel samples) for a kernel radius in arcsec. */
function halfSize(radiusArcsec: number, pitch: number): number { return Math.ceil(radiusArcsec / pitch); }

export function modelKernel(band: string, pitch: number, radiusArcsec = 2.0, sub = 1): PsfKernel {
  const p = fitPsfModel(band);
  const h = halfSize(radiusArcsec, pitch);
  const size = 2 * h + 1;
  const data = new Float64Array(size * size);
  let sum = 0;
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      let s = 0;
      for (let b = 0; b < sub; b++) {
        const dy = (j - h - 0.5 + (b + 0.5) / sub) * pitch;
        for (let a = 0; a < sub; a++) {
          const dx = (i - h - 0.5 + (a + 0.5) / sub) * pitch;
          s += modelProfile(p, Math.hypot(dx, dy));
        }
      }
      data[j * size + i] = s;
      sum += s;
    }
  }
  for (let k = 0; k < data.length; k++) data[k] /= sum;
  return { band: p.band, data, size, pitch, source: 'model:gauss+moffat', evaluate: (dx, dy) => modelProfile(p, Math.hypot(dx, dy)), fwhm: p.fwhm,
    description: `Gaussian core + Moffat halo fitted to JDox FWHM ${p.fwhmTarget}" and ETCv2 encircled energy (σ=${p.sigma.toFixed(4)}", α=${p.alpha.toFixed(4)}", β=${p.beta.toFixed(3)}, w=${p.w.toFixed(3)}; EE rms ${p.eeRms.toFixed(3)})` };
}

/** Area-overlap rebinning matrix (out × in) for 1-D pixel grids given their edges. */
function overlap1d(nIn: number, pin: number, cIn: number, nOut: number, pout: number, cOut: number): Float64Array {
  const W = new Float64Array(nOut * nIn);
  for (let j = 0; j < nOut; j++) {
    const a0 = (j - cOut - 0.5) * pout, a1 = a0 + pout;
    const i0 = Math.max(0, Math.floor(a0 / pin + cIn + 0.5)), i1 = Math.min(nIn - 1, Math.floor(a1 / pin + cIn + 0.5));
    for (let i = i0; i <= i1; i++) {
      const b0 = (i - cIn - 0.5) * pin, b1 = b0 + pin;
      const ov = Math.min(a1, b1) - Math.max(a0, b0);
      if (ov > 0) W[j * nIn + i] = ov / pin;
    }
  }
  return W;
}

/** Rebin a PSF image (pitch pin) onto a kernel of pitch `pitch`, centred on the core centroid. */
export function rebinPsf(img: Float64Array | Float32Array, w: number, h: number, pin: number, pitch: number, radiusArcsec: number): { data: Float64Array; size: number; cx: number; cy: number } {
  // core centroid: Gaussian-windowed first moments iterated to convergence (like SExtractor's XWIN),
  // started at the peak; unbiased for symmetric cores whatever the window.
  let imax = 0;
  for (let k = 1; k < img.length; k++) if (img[k] > img[imax]) imax = k;
  let cx = imax % w, cy = Math.floor(imax / w);
  const sw = Math.max(1.5, 0.03 / pin);
  const r = Math.ceil(4 * sw);
  for (let it = 0; it < 30; it++) {
    let sx = 0, sy = 0, s = 0;
    const x0 = Math.round(cx), y0 = Math.round(cy);
    for (let y = Math.max(0, y0 - r); y <= Math.min(h - 1, y0 + r); y++) {
      for (let x = Math.max(0, x0 - r); x <= Math.min(w - 1, x0 + r); x++) {
        const v = img[y * w + x];
        const g = v * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * sw * sw));
        sx += g * (x - cx); sy += g * (y - cy); s += g;
      }
    }
    if (!(s > 0)) break;
    const dx = (2 * sx) / s, dy = (2 * sy) / s;
    cx += dx; cy += dy;
    if (Math.abs(dx) + Math.abs(dy) < 1e-6) break;
  }
  const hh = halfSize(Math.min(radiusArcsec, 0.5 * Math.min(w, h) * pin), pitch);
  const size = 2 * hh + 1;
  const Wx = overlap1d(w, pin, cx, size, pitch, hh);
  const Wy = overlap1d(h, pin, cy, size, pitch, hh);
  // tmp = img · Wxᵀ  (h × size), out = Wy · tmp (size × size)
  const tmp = new Float64Array(h * size);
  for (let y = 0; y < h; y++) {
    for (let j = 0; j < size; j++) {
      let acc = 0;
      const row = j * w;
      for (let x = 0; x < w; x++) { const wx = Wx[row + x]; if (wx !== 0) acc += wx * img[y * w + x]; }
      tmp[y * size + j] = acc;
    }
  }
  const data = new Float64Array(size * size);
  let sum = 0;
  for (let jy = 0; jy < size; jy++) {
    for (let y = 0; y < h; y++) {
      const wy = Wy[jy * h + y];
      if (wy === 0) continue;
      for (let j = 0; j < size; j++) data[jy * size + j] += wy * tmp[y * size + j];
    }
  }
  for (let k = 0; k < data.length; k++) { if (!(data[k] > 0)) data[k] = 0; sum += data[k]; }
  for (let k = 0; k < data.length; k++) data[k] /= sum;
  return { data, size, cx, cy };
}

/** Bilinear interpolation of a PSF image at offset (dx, dy) arcsec from its centroid (cx, cy). */
export function imageEvaluator(img: Float64Array | Float32Array, w: number, h: number, pin: number, cx: number, cy: number): (dx: number, dy: number) => number {
  return (dx, dy) => {
    const x = cx + dx / pin, y = cy + dy / pin;
    const x0 = Math.floor(x), y0 = Math.floor(y);
    if (x0 < 0 || y0 < 0 || x0 >= w - 1 || y0 >= h - 1) return 0;
    const fx = x - x0, fy = y - y0, i = y0 * w + x0;
    const v = (1 - fx) * (1 - fy) * img[i] + fx * (1 - fy) * img[i + 1] + (1 - fx) * fy * img[i + w] + fx * fy * img[i + w + 1];
    return v > 0 ? v : 0;
  };
}

/**
 * Read a PSF FITS file (first image with data; 3-D cubes use the first plane) and rebin it. Its pixel scale:
 * `pixelScaleArcsec` when given, else the header (PIXELSCL, FOV/NAXIS1, CD2_2/CDELT2: a 4× oversampled STPSF
 * file says so), else `fallbackScaleArcsec` (e.g. the field's pixel scale for a file without scale keywords).
 */
export function fileKernel(band: string, path: string, pitch: number, radiusArcsec = 2.0, pixelScaleArcsec?: number, fallbackScaleArcsec?: number): PsfKernel {
  const hdus = readFits(path);
  const hdu = hdus.find((x) => x.kind === 'image' && x.data && x.data.length > 0);
  if (!hdu || hdu.kind !== 'image' || !hdu.data) throw new Error(`${path}: no image data in PSF file`);
  const w = hdu.shape[0], h = hdu.shape[1];
  const plane = hdu.data.subarray(0, w * h);
  let pin = pixelScaleArcsec;
  if (pin === undefined) {
    const fov = hdu.header.getNumber('FOV');
    const pscl = hdu.header.getNumber('PIXELSCL');
    if (pscl !== undefined && pscl > 0) pin = pscl;
    else if (fov !== undefined && fov > 0) pin = fov / w;
    else {
      const cd = hdu.header.getNumber('CD2_2') ?? hdu.header.getNumber('CDELT2');
      if (cd !== undefined) pin = Math.abs(cd) * 3600;
      else pin = fallbackScaleArcsec;
    }
  }
  if (!(pin! > 0)) throw new Error(`${path}: cannot tell the PSF pixel scale (no PIXELSCL, FOV or CD keywords); pass it explicitly`);
  const { cx, cy } = rebinPsf(plane, w, h, pin!, pitch, radiusArcsec);
  const planeCopy = Float64Array.from(plane);
  const evaluate = imageEvaluator(planeCopy, w, h, pin!, cx, cy);
  // point-sample the (finer) PSF image at the kernel pitch within the file's field of view
  const hh = halfSize(Math.min(radiusArcsec, 0.5 * Math.min(w, h) * pin! - pin!), pitch);
  const size = 2 * hh + 1;
  const data = new Float64Array(size * size);
  let sum = 0;
  for (let j = 0; j < size; j++) for (let i = 0; i < size; i++) { const v = evaluate((i - hh) * pitch, (j - hh) * pitch); data[j * size + i] = v; sum += v; }
  for (let k = 0; k < data.length; k++) data[k] /= sum;
  const rel = path.startsWith(REPO_ROOT) ? path.slice(REPO_ROOT.length) : path;
  const known = REAL_PSF_FILES[band.toUpperCase()];
  return { band: band.toUpperCase(), data, size, pitch, source: `file:${rel}`, evaluate, fwhm: Math.max(kernelFwhm({ data, size, pitch }), 2 * pin!),
    description: known && known.path === rel ? known.description : `PSF image ${rel} (${w}x${h} at ${pin!.toFixed(5)}"/px), rebinned` };
}

/** PSF for a band: real file when available (and allowed), else the fitted model. */
export function psfKernel(band: string, pitch: number, opts: { prefer?: 'real' | 'model'; file?: string; radiusArcsec?: number } = {}): PsfKernel {
  const radius = opts.radiusArcsec ?? 2.0;
  if (opts.file) return fileKernel(band, opts.file, pitch, radius);
  if ((opts.prefer ?? 'real') === 'real') {
    const p = realPsfPath(band);
    if (p) return fileKernel(band, p, pitch, radius);
  }
  return modelKernel(band, pitch, radius);
}

/** FWHM (arcsec) of a sampled kernel from the area above half maximum: FWHM ≈ 2·sqrt(A/π). */
export function kernelFwhm(k: { data: Float64Array | Float32Array; size: number; pitch: number }): number {
  let max = 0;
  for (let i = 0; i < k.data.length; i++) max = Math.max(max, k.data[i]);
  let n = 0;
  for (let i = 0; i < k.data.length; i++) if (k.data[i] >= max / 2) n++;
  return 2 * Math.sqrt(n / Math.PI) * k.pitch;
}
