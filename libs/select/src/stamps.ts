// Postage stamps: one PNG per candidate, a column per band (sorted by wavelength), top row co-add,
// bottom row denoised when both are given; arcsinh stretch (Lupton et al. 2004 style) with ONE set of
// limits shared by every panel of the candidate, so band-to-band brightness is comparable.
import { MAD_TO_SIGMA, cutout, medianSorted, quantileSorted } from '@asteris/core';
import { PNG } from 'pngjs';
import { readImage, Wcs, nJyPerPixelScale } from '@asteris/fits';
import { SelectError } from './errors.ts';

export interface StampPanel { band: string; kind: 'coadd' | 'denoised'; data: Float32Array; width: number; height: number }

/** Robust σ from the median absolute deviation (1.4826·MAD) of finite pixels. */
function madSigma(v: Float32Array): number {
  const a = Array.from(v).filter(Number.isFinite).sort((x, y) => x - y);
  if (!a.length) return 1;
  const med = medianSorted(a, 'upper');
  const dev = a.map((x) => Math.abs(x - med)).sort((x, y) => x - y);
  return MAD_TO_SIGMA * medianSorted(dev, 'upper') || 1e-12;
}

/** Stamp stretch (not report's percentile `stretchLimits`): lo = −2σ, hi = max(99.5th percentile of all panels, lo + 10σ); soft = σ. */
export function stampStretch(panels: StampPanel[]): { lo: number; hi: number; soft: number } {
  const sig = panels.map((p) => madSigma(p.data)).sort((a, b) => a - b);
  const s = medianSorted(sig, 'upper') || 1e-12;
  const all: number[] = [];
  for (const p of panels) for (const v of p.data) if (Number.isFinite(v)) all.push(v);
  all.sort((a, b) => a - b);
  const p995 = all.length ? quantileSorted(all, 0.995) : 1;
  const lo = -2 * s;
  return { lo, hi: Math.max(p995, lo + 10 * s), soft: s };
}

/** asinh stretch to [0, 1]. */
export function asinhStretch(v: number, lo: number, hi: number, soft: number): number {
  if (!Number.isFinite(v)) return 0;
  const x = Math.asinh((v - lo) / soft) / Math.asinh((hi - lo) / soft);
  return Math.min(1, Math.max(0, x));
}

/** Render panels into one PNG (grey, `zoom`× nearest-neighbour, 4-px gaps). */
export function renderStamp(panels: StampPanel[], bandOrder: string[], zoom = 3): Buffer {
  if (!panels.length) throw new SelectError('renderStamp: no panels');
  const kinds = (['coadd', 'denoised'] as const).filter((k) => panels.some((p) => p.kind === k));
  const bands = bandOrder.filter((b) => panels.some((p) => p.band === b));
  const pw = Math.max(...panels.map((p) => p.width)), ph = Math.max(...panels.map((p) => p.height));
  const gap = 4;
  const W = bands.length * (pw * zoom + gap) + gap, H = kinds.length * (ph * zoom + gap) + gap;
  const png = new PNG({ width: W, height: H });
  png.data.fill(255);
  const { lo, hi, soft } = stampStretch(panels);
  kinds.forEach((k, row) => bands.forEach((b, col) => {
    const p = panels.find((q) => q.band === b && q.kind === k);
    const x0 = gap + col * (pw * zoom + gap), y0 = gap + row * (ph * zoom + gap);
    for (let y = 0; y < ph * zoom; y++) {
      for (let x = 0; x < pw * zoom; x++) {
        const o = ((y0 + y) * W + (x0 + x)) * 4;
        let g = 128; // panel missing → mid grey
        if (p) {
          const sx = Math.floor(x / zoom), sy = Math.floor(y / zoom);
          // FITS/row-major images have y up; flip so north is up in the PNG
          const v = sx < p.width && sy < p.height ? p.data[(p.height - 1 - sy) * p.width + sx] : NaN;
          g = Math.round(255 * (1 - asinhStretch(v, lo, hi, soft))); // sources dark on light
        }
        png.data[o] = png.data[o + 1] = png.data[o + 2] = g;
        png.data[o + 3] = 255;
      }
    }
  }));
  return PNG.sync.write(png);
}

export { cutout };

/** `--images` spec: "F200W=coadd.fits,F200W:denoised=den.fits,…" → list. */
export function parseImagesSpec(spec: string): { band: string; kind: 'coadd' | 'denoised'; path: string }[] {
  const out: { band: string; kind: 'coadd' | 'denoised'; path: string }[] = [];
  for (const item of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new SelectError(`--images: '${item}' is not BAND=path or BAND:denoised=path`);
    const key = item.slice(0, eq).trim(), path = item.slice(eq + 1).trim();
    const [band, kind = 'coadd'] = key.split(':');
    if (kind !== 'coadd' && kind !== 'denoised') throw new SelectError(`--images: kind '${kind}' in '${item}' must be coadd or denoised`);
    if (!path) throw new SelectError(`--images: empty path in '${item}'`);
    out.push({ band: band.toUpperCase(), kind, path });
  }
  return out;
}

export interface StampImage {
  band: string; kind: 'coadd' | 'denoised'; path: string;
  image: { width: number; height: number; data: Float32Array };
  wcs: { skyToPixel(ra: number, dec: number): [number, number]; pixelScaleArcsec(): number };
  scale: number;   // multiply data by this → nJy/pixel (1 when the unit is unknown)
}

/** Read the stamp images (SCI or first image HDU) with their TAN WCS and flux scale. */
export async function loadStampImages(spec: { band: string; kind: 'coadd' | 'denoised'; path: string }[]): Promise<StampImage[]> {
  return spec.map((s) => {
    const im = readImage(s.path);
    const wcs = Wcs.fromHeader(im.header, s.path);
    let scale = 1;
    try { scale = nJyPerPixelScale(im.header, s.path); } catch { scale = 1; } // unknown unit: raw values (same for all panels of a band)
    return { ...s, image: im, wcs, scale };
  });
}

/** Panels of one candidate at (ra, dec), `sizeArcsec` across (default 2″). */
export function candidatePanels(images: StampImage[], ra: number, dec: number, sizeArcsec = 2): StampPanel[] {
  return images.map((im) => {
    const [x, y] = im.wcs.skyToPixel(ra, dec);
    const size = Math.max(9, Math.round(sizeArcsec / im.wcs.pixelScaleArcsec()) | 1);
    const d = cutout(im.image.data, im.image.width, im.image.height, x, y, size);
    if (im.scale !== 1) for (let i = 0; i < d.length; i++) d[i] *= im.scale;
    return { band: im.band, kind: im.kind, data: d, width: size, height: size };
  });
}
