// Flux-conserving rendering of a source list into one band's noiseless scene.
// Sources are drawn on a grid `oversample` times finer than the pixels (Sérsic profiles are
// integrated with adaptive sub-sampling near the centre and renormalised to the catalogue flux),
// convolved with the PSF sampled at the same pitch (tiled overlap-save FFT, two real tiles per
// complex transform), then summed over os×os blocks, which is the exact pixel integration of
// (profile ⊗ PSF). Total flux is conserved except for light falling off the image edge.
import { fft2d, nextPow2 } from '@asteris/core';

export interface RenderSource {
  x: number; y: number;          // 0-based pixel coordinates of the centre
  flux: number;                  // total flux in this band, nJy
  point: boolean;                // point source (star/brown dwarf/PSF-like injection)
  n: number;                     // Sérsic index
  re: number;                    // half-light radius along the major axis, pixels
  q: number;                     // axis ratio b/a
  pa: number;                    // position angle, degrees counter-clockwise from +x
}

/** Sérsic b_n (Ciotti & Bertin 1999, asymptotic expansion, accurate for n ≳ 0.36). */
export function sersicB(n: number): number {
  return 2 * n - 1 / 3 + 4 / (405 * n) + 46 / (25515 * n * n) + 131 / (1148175 * n * n * n) - 2194697 / (30690717750 * n * n * n * n);
}

/** Truncation radius in units of r_e used for a Sérsic index (≥ 99 % of the flux inside). */
export function sersicTruncation(n: number): number {
  return n < 1.5 ? 5 : n < 2.5 ? 7 : 10;
}

/** Add a point source of `flux` at pixel (x, y) to an oversampled canvas (bilinear on the fine grid). */
export function addPoint(canvas: Float32Array, cw: number, ch: number, os: number, x: number, y: number, flux: number): void {
  const u = (x + 0.5) * os - 0.5, v = (y + 0.5) * os - 0.5;
  const i0 = Math.floor(u), j0 = Math.floor(v);
  const fu = u - i0, fv = v - j0;
  const put = (i: number, j: number, w: number) => {
    if (i >= 0 && j >= 0 && i < cw && j < ch && w !== 0) canvas[j * cw + i] += flux * w;
  };
  put(i0, j0, (1 - fu) * (1 - fv)); put(i0 + 1, j0, fu * (1 - fv));
  put(i0, j0 + 1, (1 - fu) * fv); put(i0 + 1, j0 + 1, fu * fv);
}

let stampBuf = new Float64Array(4096);

/** Add a Sérsic profile (normalised to `flux` over its truncated extent, before clipping by the canvas). */
export function addSersic(canvas: Float32Array, cw: number, ch: number, os: number, s: RenderSource, maxRadiusPx = 100): void {
  const re = Math.max(1e-3, s.re * os);            // fine-grid units
  const q = Math.min(1, Math.max(0.05, s.q));
  const n = Math.min(8, Math.max(0.3, s.n));
  const b = sersicB(n), invn = 1 / n;
  const R = Math.min(sersicTruncation(n) * re, maxRadiusPx * os);
  const cx = (s.x + 0.5) * os - 0.5, cy = (s.y + 0.5) * os - 0.5;
  const th = (s.pa * Math.PI) / 180, ct = Math.cos(th), st = Math.sin(th);
  const ix0 = Math.floor(cx - R), ix1 = Math.ceil(cx + R), iy0 = Math.floor(cy - R), iy1 = Math.ceil(cy + R);
  const sw = ix1 - ix0 + 1, sh = iy1 - iy0 + 1;
  if (stampBuf.length < sw * sh) stampBuf = new Float64Array(sw * sh * 2);
  const buf = stampBuf;
  const R2 = R * R;
  let total = 0;
  for (let j = 0; j < sh; j++) {
    const dy0 = iy0 + j - cy;
    for (let i = 0; i < sw; i++) {
      const dx0 = ix0 + i - cx;
      const rc = Math.hypot(dx0, dy0);
      let val = 0;
      if (rc <= R + 1) {
        // adaptive sub-sampling: fine near the (cuspy) centre, single sample in the outskirts
        const sub = rc < 2.5 ? 9 : rc < re && rc < 8 ? 3 : 1;
        let acc = 0, cnt = 0;
        for (let b2 = 0; b2 < sub; b2++) {
          const dy = dy0 - 0.5 + (b2 + 0.5) / sub;
          for (let a2 = 0; a2 < sub; a2++) {
            const dx = dx0 - 0.5 + (a2 + 0.5) / sub;
            const xp = dx * ct + dy * st, yp = (-dx * st + dy * ct) / q;
            const r2 = xp * xp + yp * yp;
            cnt++;
            if (r2 > R2) continue;
            const rr = Math.sqrt(r2) / re;
            acc += Math.exp(-b * ((invn === 1 ? rr : Math.pow(rr, invn)) - 1));
          }
        }
        val = acc / cnt;
      }
      buf[j * sw + i] = val;
      total += val;
    }
  }
  if (!(total > 0)) { addPoint(canvas, cw, ch, os, s.x, s.y, s.flux); return; }
  const scale = s.flux / total;
  for (let j = 0; j < sh; j++) {
    const yy = iy0 + j;
    if (yy < 0 || yy >= ch) continue;
    for (let i = 0; i < sw; i++) {
      const xx = ix0 + i;
      if (xx < 0 || xx >= cw) continue;
      const v = buf[j * sw + i];
      if (v !== 0) canvas[yy * cw + xx] += v * scale;
    }
  }
}

interface KernelFt { n: number; re: Float64Array; im: Float64Array; }
const ftCache = new WeakMap<Float64Array, Map<number, KernelFt>>();

function kernelFt(kernel: Float64Array, ksize: number, n: number): KernelFt {
  let m = ftCache.get(kernel);
  if (!m) { m = new Map(); ftCache.set(kernel, m); }
  const hit = m.get(n);
  if (hit) return hit;
  const re = new Float64Array(n * n), im = new Float64Array(n * n);
  const h = (ksize - 1) / 2;
  for (let j = 0; j < ksize; j++) {
    const yy = (j - h + n) % n;
    for (let i = 0; i < ksize; i++) re[yy * n + ((i - h + n) % n)] = kernel[j * ksize + i];
  }
  fft2d(re, im, n, n, false);
  const ft = { n, re, im };
  m.set(n, ft);
  return ft;
}

/** Choose the FFT tile size for a kernel of width k over an image w×h (minimises estimated work). */
export function chooseFftSize(k: number, w: number, h: number): number {
  let best = 0, bestCost = Infinity;
  for (let n = nextPow2(k + 16); n <= 4096; n *= 2) {
    const t = n - k + 1;
    const tiles = Math.ceil(w / t) * Math.ceil(h / t);
    const cost = (tiles / 2 + 0.5) * n * n * Math.log2(n);
    if (cost < bestCost) { bestCost = cost; best = n; }
    if (t >= w && t >= h) break;
  }
  return best;
}

/**
 * "Same"-size 2-D convolution of `src` (w×h) with an odd-sized centred kernel, zero outside the image.
 * Tiled overlap-save FFT, two tiles packed per complex transform.
 */
export function convolve2d(src: Float32Array, w: number, h: number, kernel: Float64Array, ksize: number, out?: Float32Array): Float32Array {
  const dst = out ?? new Float32Array(w * h);
  const n = chooseFftSize(ksize, w, h);
  const ft = kernelFt(kernel, ksize, n);
  const kh = (ksize - 1) / 2;
  const T = n - ksize + 1;
  const tiles: Array<[number, number]> = [];
  for (let y0 = 0; y0 < h; y0 += T) for (let x0 = 0; x0 < w; x0 += T) tiles.push([x0, y0]);
  const re = new Float64Array(n * n), im = new Float64Array(n * n);
  const load = (arr: Float64Array, x0: number, y0: number) => {
    for (let j = 0; j < n; j++) {
      const yy = y0 - kh + j;
      const row = j * n;
      if (yy < 0 || yy >= h || j >= T + ksize - 1) { arr.fill(0, row, row + n); continue; }
      for (let i = 0; i < n; i++) {
        const xx = x0 - kh + i;
        arr[row + i] = xx >= 0 && xx < w && i < T + ksize - 1 ? src[yy * w + xx] : 0;
      }
    }
  };
  const store = (arr: Float64Array, x0: number, y0: number) => {
    for (let j = 0; j < T; j++) {
      const yy = y0 + j;
      if (yy >= h) break;
      const row = (j + kh) * n + kh;
      for (let i = 0; i < T; i++) {
        const xx = x0 + i;
        if (xx >= w) break;
        dst[yy * w + xx] = arr[row + i];
      }
    }
  };
  for (let t = 0; t < tiles.length; t += 2) {
    const a = tiles[t], b = tiles[t + 1];
    load(re, a[0], a[1]);
    if (b) load(im, b[0], b[1]); else im.fill(0);
    fft2d(re, im, n, n, false);
    for (let k = 0; k < n * n; k++) {
      const xr = re[k], xi = im[k], kr = ft.re[k], ki = ft.im[k];
      re[k] = xr * kr - xi * ki;
      im[k] = xr * ki + xi * kr;
    }
    fft2d(re, im, n, n, true);
    store(re, a[0], a[1]);
    if (b) store(im, b[0], b[1]);
  }
  return dst;
}

/** Sum os×os blocks of a fine (w·os × h·os) canvas into a w×h image. */
export function blockSum(fine: Float32Array, w: number, h: number, os: number, out?: Float32Array): Float32Array {
  const dst = out ?? new Float32Array(w * h);
  const fw = w * os;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let b = 0; b < os; b++) {
        const row = (y * os + b) * fw + x * os;
        for (let a = 0; a < os; a++) s += fine[row + a];
      }
      dst[y * w + x] = s;
    }
  }
  return dst;
}

/**
 * Add a point source directly on the pixel grid: each pixel gets the PSF integrated over its area
 * (adaptive sub-sampling of the continuous PSF, finest in the core), the stamp (±radius) renormalised to
 * `flux`. Exact for any sub-pixel position and any PSF sampling (no interpolation blur).
 */
export function addPointExact(img: Float32Array, w: number, h: number, x: number, y: number, flux: number,
  psf: { evaluate: (dx: number, dy: number) => number; fwhm: number }, pixelScale: number, radiusArcsec: number): void {
  const R = Math.ceil(radiusArcsec / pixelScale) + 1;
  const xc = Math.round(x), yc = Math.round(y);
  const radPx = radiusArcsec / pixelScale; // truncation square centred on the exact position (symmetric)
  const n = 2 * R + 1;
  if (stampBuf.length < n * n) stampBuf = new Float64Array(n * n * 2);
  const buf = stampBuf;
  const fwPx = psf.fwhm / pixelScale;
  const sCore = Math.min(16, Math.max(6, Math.ceil(10 / fwPx)));
  let total = 0;
  for (let j = 0; j < n; j++) {
    const py = yc - R + j;
    for (let i = 0; i < n; i++) {
      const px = xc - R + i;
      const d = Math.hypot(px - x, py - y);
      const sub = d < 2 * fwPx + 1.5 ? sCore : d < 6 * fwPx + 2 ? 2 : 1;
      let acc = 0;
      // fraction of the pixel inside the truncation square (exact, so the truncation stays symmetric)
      const cov = Math.max(0, Math.min(px + 0.5, x + radPx) - Math.max(px - 0.5, x - radPx))
        * Math.max(0, Math.min(py + 0.5, y + radPx) - Math.max(py - 0.5, y - radPx));
      if (cov > 0) {
        for (let b = 0; b < sub; b++) {
          const dy = (py - y - 0.5 + (b + 0.5) / sub) * pixelScale;
          for (let a = 0; a < sub; a++) acc += psf.evaluate((px - x - 0.5 + (a + 0.5) / sub) * pixelScale, dy);
        }
      }
      const v = (cov * acc) / (sub * sub);
      buf[j * n + i] = v;
      total += v;
    }
  }
  if (!(total > 0)) return;
  const scale = flux / total;
  for (let j = 0; j < n; j++) {
    const py = yc - R + j;
    if (py < 0 || py >= h) continue;
    for (let i = 0; i < n; i++) {
      const px = xc - R + i;
      if (px < 0 || px >= w) continue;
      img[py * w + px] += buf[j * n + i] * scale;
    }
  }
}

/** Oversampling used for a band when the spec says 'auto': pitch ≤ FWHM/1.68 (1–4): SW bands F090W–F200W → 2, LW → 1 at 0.04″ (render.test.ts checks ≤ 3 % of peak against 6×). */
export function autoOversample(fwhmArcsec: number, pixelScale: number): number {
  return Math.min(4, Math.max(1, Math.ceil((1.68 * pixelScale) / fwhmArcsec - 1e-9)));
}

/**
 * Noiseless scene in nJy/pixel: sources rendered on the fine grid, PSF-convolved, pixel-integrated.
 * `psf` must be sampled at pitch pixelScale/os.
 */
export function renderScene(sources: readonly RenderSource[], width: number, height: number, os: number,
  psf: { data: Float64Array; size: number; pitch: number; evaluate?: (dx: number, dy: number) => number; fwhm?: number }): Float32Array {
  const cw = width * os, ch = height * os;
  const pixelScale = psf.pitch * os;
  const radius = ((psf.size - 1) / 2) * psf.pitch;
  const exactPoints = psf.evaluate !== undefined && psf.fwhm !== undefined;
  const points: RenderSource[] = [];
  let canvas: Float32Array | undefined;
  for (const s of sources) {
    if (!(s.flux !== 0) || !Number.isFinite(s.flux)) continue;
    const isPoint = s.point || !(s.re * os >= 0.05);
    if (isPoint && exactPoints) { points.push(s); continue; }
    canvas ??= new Float32Array(cw * ch);
    if (isPoint) addPoint(canvas, cw, ch, os, s.x, s.y, s.flux);
    else addSersic(canvas, cw, ch, os, s);
  }
  let img: Float32Array;
  if (canvas) {
    const conv = convolve2d(canvas, cw, ch, psf.data, psf.size);
    canvas = undefined;
    img = blockSum(conv, width, height, os);
  } else img = new Float32Array(width * height);
  for (const s of points) addPointExact(img, width, height, s.x, s.y, s.flux, { evaluate: psf.evaluate!, fwhm: psf.fwhm! }, pixelScale, radius);
  return img;
}
