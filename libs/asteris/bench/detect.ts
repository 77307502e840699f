// Detection for the depth benchmark. Uses @asteris/extract's extractSources when that library
// exports it (the pipeline's extractor, same settings on both images); otherwise a minimal
// matched-filter detector (documented fallback): global sigma-clipped background, Gaussian filter
// matched to the PSF, threshold at k × robust rms of the filtered image, 8-connected components of
// ≥ minArea pixels, filtered-flux-weighted centroid, aperture flux on the unfiltered image.
import type { Image } from '@asteris/fits';
import { medianInPlace } from '@asteris/stack';

export interface Detection { x: number; y: number; flux: number }
export interface Detector {
  name: string;
  /**
   * threshold: DETECT_THRESH in σ of the image's own background rms (default: the extractor's, 1.5);
   * psfFwhm: detect through a Gaussian filter of this FWHM (px) matched to the PSF instead of the
   * extractor's default 3×3 kernel.
   */
  detect(img: Image, threshold?: number, psfFwhm?: number, minArea?: number): Detection[];
}

function robustStats(a: Float32Array): { med: number; sig: number } {
  const step = Math.max(1, Math.floor(a.length / 100_000));
  const buf = new Float64Array(Math.ceil(a.length / step));
  let n = 0;
  for (let i = 0; i < a.length; i += step) if (Number.isFinite(a[i]!)) buf[n++] = a[i]!;
  const med = medianInPlace(buf.slice(0, n), n);
  for (let i = 0; i < n; i++) buf[i] = Math.abs(buf[i]! - med);
  return { med, sig: 1.4826 * medianInPlace(buf, n) };
}

export function gaussianFilter(img: Float32Array, w: number, h: number, sigma: number): Float32Array {
  const r = Math.ceil(3 * sigma);
  const k = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const ks = k.reduce((a, b) => a + b, 0);
  const tmp = new Float32Array(w * h), out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let s = 0;
    for (let i = -r; i <= r; i++) { const xx = Math.min(w - 1, Math.max(0, x + i)); s += k[i + r]! * img[y * w + xx]!; }
    tmp[y * w + x] = s / ks;
  }
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let s = 0;
    for (let i = -r; i <= r; i++) { const yy = Math.min(h - 1, Math.max(0, y + i)); s += k[i + r]! * tmp[yy * w + x]!; }
    out[y * w + x] = s / ks;
  }
  return out;
}

export function apertureSum(img: Float32Array, w: number, h: number, x: number, y: number, r: number, sub = 5): number {
  let s = 0;
  for (let j = Math.floor(y - r - 1); j <= Math.ceil(y + r + 1); j++) {
    if (j < 0 || j >= h) continue;
    for (let i = Math.floor(x - r - 1); i <= Math.ceil(x + r + 1); i++) {
      if (i < 0 || i >= w) continue;
      let frac = 0;
      for (let a = 0; a < sub; a++) for (let b = 0; b < sub; b++) {
        const dx = i - 0.5 + (a + 0.5) / sub - x, dy = j - 0.5 + (b + 0.5) / sub - y;
        if (dx * dx + dy * dy <= r * r) frac++;
      }
      if (frac) s += (frac / (sub * sub)) * img[j * w + i]!;
    }
  }
  return s;
}

export function fallbackDetector(opts: { thresh: number; minArea: number; psfSigma: number; apRadius: number; apCorr: number }): Detector {
  return {
    name: `fallback matched filter (thresh ${opts.thresh}σ, minarea ${opts.minArea})`,
    detect(img, threshold, psfFwhm) {
      const { width: w, height: h } = img;
      const { med } = robustStats(img.data);
      const sub = new Float32Array(img.data.length);
      for (let i = 0; i < sub.length; i++) sub[i] = Number.isFinite(img.data[i]!) ? img.data[i]! - med : 0;
      const f = gaussianFilter(sub, w, h, psfFwhm ? psfFwhm / 2.3548 : opts.psfSigma);
      const { med: fm, sig: fs } = robustStats(f);
      const thr = fm + (threshold ?? opts.thresh) * fs;
      const label = new Int32Array(w * h);
      const out: Detection[] = [];
      const stack: number[] = [];
      let next = 0;
      for (let p = 0; p < w * h; p++) {
        if (label[p] || f[p]! <= thr) continue;
        next++;
        label[p] = next;
        stack.push(p);
        let n = 0, sx = 0, sy = 0, sw = 0;
        while (stack.length) {
          const q = stack.pop()!;
          const qx = q % w, qy = (q - qx) / w;
          const v = f[q]! - fm;
          n++; sx += v * qx; sy += v * qy; sw += v;
          for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
            const nx = qx + dx, ny = qy + dy;
            if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
            const r = ny * w + nx;
            if (!label[r] && f[r]! > thr) { label[r] = next; stack.push(r); }
          }
        }
        if (n < opts.minArea) continue;
        const x = sx / sw, y = sy / sw;
        out.push({ x, y, flux: apertureSum(sub, w, h, x, y, opts.apRadius) / opts.apCorr });
      }
      return out;
    },
  };
}

/** The pipeline extractor when available (same settings for every image). */
export async function pipelineDetector(): Promise<Detector | null> {
  try {
    const ex = (await import('@asteris/extract')) as unknown as {
      extractSources?: (img: Image, opts?: Record<string, unknown>) => { sources: Array<{ x: number; y: number; fluxAuto: number }> };
      gaussianKernel?: (fwhm: number) => unknown;
    };
    if (typeof ex.extractSources !== 'function' || typeof ex.gaussianKernel !== 'function') return null;
    const fn = ex.extractSources, gk = ex.gaussianKernel;
    return {
      name: '@asteris/extract extractSources (default settings)',
      detect: (img, threshold, psfFwhm, minArea) => fn(img, {
        maps: false,
        ...(minArea ? { minArea } : {}),
        ...(threshold === undefined ? {} : { threshold }),
        // SExtractor FILTER_NAME gauss_*.conv: a normalised Gaussian of the PSF's FWHM (SExtractor manual §6.1)
        ...(psfFwhm ? { kernel: gk(psfFwhm) } : {}),
      }).sources.map((s) => ({ x: s.x, y: s.y, flux: s.fluxAuto })),
    };
  } catch {
    return null;
  }
}
