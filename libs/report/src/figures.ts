// Figure furniture for the report: scale bars, N/E compasses (from the WCS CD matrix), labelled
// postage-stamp grids and residual (denoised − co-add) panels. Overlays are inline SVG laid over the
// PNG, in the PNG's own pixel coordinates, so they scale with the image.
import { PNG } from 'pngjs';
import { imageToPng } from './png.ts';
import { MAD_TO_SIGMA, medianSorted } from '@asteris/core';

/** CD matrix [[CD1_1, CD1_2], [CD2_1, CD2_2]] in degrees per pixel (FITS WCS Paper II §2.1). */
export type CdMatrix = [[number, number], [number, number]];

/** Width and height of a PNG from its IHDR chunk (bytes 16–23). */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: v.getUint32(16), height: v.getUint32(20) };
}

/** Area in arcmin², rounded once for the whole report (3 significant figures). */
export function formatArea(a: number): string {
  if (!Number.isFinite(a)) return '—';
  return `${Number(a.toPrecision(3))} arcmin²`;
}

/** A "nice" scale-bar length (1, 2 or 5 × 10^k arcsec) not longer than `maxArcsec`. */
export function niceLength(maxArcsec: number): number {
  const k = Math.floor(Math.log10(maxArcsec));
  for (const m of [5, 2, 1]) if (m * 10 ** k <= maxArcsec) return m * 10 ** k;
  return 10 ** k;
}

function arcsecLabel(a: number): string {
  return a >= 60 && a % 60 === 0 ? `${a / 60}′` : `${Number(a.toPrecision(3))}″`;
}

/**
 * Display directions of north and east for an image shown north-up-flipped (row 0 at the bottom, as
 * imageToPng does): unit vectors in display coordinates (x right, y down). North is the pixel
 * direction along which η grows: CD⁻¹·(0, 1); east: CD⁻¹·(1, 0) (ξ grows towards east).
 */
export function compassDirections(cd: CdMatrix): { north: [number, number]; east: [number, number] } {
  const [[a, b], [c, d]] = cd;
  const det = a * d - b * c;
  if (!Number.isFinite(det) || det === 0) throw new Error('singular CD matrix');
  // inverse: [[d, -b], [-c, a]] / det
  const toDisplay = (xi: number, eta: number): [number, number] => {
    const px = (d * xi - b * eta) / det, py = (-c * xi + a * eta) / det;
    const n = Math.hypot(px, py);
    return [px / n, -py / n]; // FITS y up → display y down
  };
  return { north: toDisplay(0, 1), east: toDisplay(1, 0) };
}

const fmt = (v: number) => Number(v.toFixed(2)).toString();

/**
 * SVG overlay for an image `width`×`height` display units showing `arcsecPerUnit` arcsec per unit:
 * a scale bar (bottom left) and, with `cd`, an N/E compass (top right).
 */
export function overlaySvg(width: number, height: number, arcsecPerUnit: number, opts: { cd?: CdMatrix; colour?: string; cls?: string } = {}): string {
  const col = opts.colour ?? '#ffd400';
  const fs = Math.max(8, Math.round(Math.min(width, height) / 22));
  const len = niceLength((0.25 * width) * arcsecPerUnit);
  const L = len / arcsecPerUnit;
  const x0 = fs, y0 = height - fs;
  let s = `<svg class="overlay ${opts.cls ?? ''}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" preserveAspectRatio="none" aria-hidden="true">`;
  s += `<g class="scale-bar" stroke="${col}" fill="${col}" font-size="${fs}" font-family="sans-serif" paint-order="stroke">`;
  s += `<line x1="${fmt(x0)}" y1="${fmt(y0)}" x2="${fmt(x0 + L)}" y2="${fmt(y0)}" stroke-width="${fmt(fs / 5)}"/>`;
  s += `<text x="${fmt(x0 + L / 2)}" y="${fmt(y0 - fs * 0.4)}" text-anchor="middle" stroke="#000" stroke-width="${fmt(fs / 6)}">${arcsecLabel(len)}</text></g>`;
  if (opts.cd) {
    const { north, east } = compassDirections(opts.cd);
    const r = Math.min(width, height) * 0.1;
    const cx = width - r - fs * 1.5, cy = r + fs * 1.5;
    s += `<g class="compass" stroke="${col}" fill="${col}" font-size="${fs}" font-family="sans-serif" stroke-width="${fmt(fs / 6)}">`;
    for (const [lab, [dx, dy]] of [['N', north], ['E', east]] as const) {
      s += `<line x1="${fmt(cx)}" y1="${fmt(cy)}" x2="${fmt(cx + dx * r)}" y2="${fmt(cy + dy * r)}"/>`;
      s += `<text class="compass-${lab}" x="${fmt(cx + dx * (r + fs * 0.8))}" y="${fmt(cy + dy * (r + fs * 0.8) + fs * 0.35)}" text-anchor="middle" stroke="#000" stroke-width="${fmt(fs / 8)}" paint-order="stroke">${lab}</text>`;
    }
    s += '</g>';
  }
  return s + '</svg>';
}

/** How select's renderStamp lays out a candidate's PNG: a column per band, a row per image kind. */
export interface StampLayout {
  /** Column labels in order (band names). */
  bands: string[];
  /** Row labels in order, e.g. ['co-add', 'denoised']. */
  rows: string[];
  /** Arcsec per image pixel. */
  pixelScale: number;
  /** Display pixels per image pixel in the PNG (renderStamp default 3). */
  zoom?: number;
  /** Gap between panels in PNG pixels (renderStamp: 4). */
  gap?: number;
}

/**
 * A labelled stamp grid: band names over the columns, row labels at the left and a scale bar in the
 * first panel, around the candidate's stamp PNG (shown at `scale` of its size).
 */
export function stampFigure(png: Uint8Array, layout: StampLayout, alt: string, maxWidth = 480): string {
  const { width: W, height: H } = pngSize(png);
  const scale = Math.min(1, maxWidth / W);
  const gap = layout.gap ?? 4, zoom = layout.zoom ?? 3;
  const nb = Math.max(1, layout.bands.length), nr = Math.max(1, layout.rows.length);
  const cw = (W - gap) / nb - gap, ch = (H - gap) / nr - gap;
  const left = 58, top = 16;
  const dw = W * scale, dh = H * scale;
  const tw = left + dw, th = top + dh;
  const bandFont = Math.max(7, Math.min(11, (cw * scale) / 3.6));
  // Labels are positioned HTML (not SVG), so the candidate table's only SVG per row stays the P(z) plot.
  const pos = (x: number, y: number, extra: string) => `position:absolute;left:${fmt(x)}px;top:${fmt(y)}px;${extra}`;
  let labels = '';
  layout.bands.forEach((b, i) => {
    const x = left + (gap + i * (cw + gap) + cw / 2) * scale;
    labels += `<span class="stamp-band" style="${pos(x, 0, `transform:translateX(-50%);font-size:${fmt(bandFont)}px;line-height:${top}px;white-space:nowrap`)}">${escapeXml(b)}</span>`;
  });
  layout.rows.forEach((r, j) => {
    const y = top + (gap + j * (ch + gap) + ch / 2) * scale;
    labels += `<span class="stamp-row" style="${pos(0, y, `width:${left - 4}px;text-align:right;transform:translateY(-50%);font-size:11px;white-space:nowrap`)}">${escapeXml(r)}</span>`;
  });
  // scale bar inside the first panel (bottom left), in red on a light box
  const perDisplay = layout.pixelScale / (zoom * scale); // arcsec per display px
  const len = niceLength(0.45 * cw * scale * perDisplay);
  const L = len / perDisplay;
  const x0 = left + (gap + 3) * scale + 2, y0 = top + (gap + ch) * scale - 4;
  labels += `<span class="scale-bar" style="${pos(x0 - 2, y0 - 13, `width:${fmt(Math.max(L, 22) + 4)}px;height:15px;background:rgba(255,255,255,0.8)`)}">`
    + `<span class="scale-bar-label" style="${pos(0, 0, `width:${fmt(L + 4)}px;text-align:center;font-size:9px;line-height:11px;color:#d62728`)}">${arcsecLabel(len)}</span>`
    + `<span style="${pos(2, 12, `width:${fmt(L)}px;height:0;border-top:2px solid #d62728`)}"></span></span>`;
  const b64 = Buffer.from(png).toString('base64');
  return `<div class="stampfig" style="position:relative;width:${fmt(tw)}px;height:${fmt(th)}px;font-family:sans-serif;text-align:left">`
    + `<img alt="${escapeXml(alt)}" src="data:image/png;base64,${b64}" style="position:absolute;left:${left}px;top:${top}px;width:${fmt(dw)}px;height:${fmt(dh)}px;image-rendering:pixelated">`
    + `${labels}</div>`;
}

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * The residual panel denoised − co-add: a linear stretch symmetric about zero (±5 robust σ of the
 * residual, σ = 1.4826·MAD), so structure the denoiser added or removed shows as light or dark
 * against mid-grey. Returns the PNG and a description of the stretch.
 */
export function residualPng(coadd: ArrayLike<number>, denoised: ArrayLike<number>, width: number, height: number, opts: { zoom?: number; nSigma?: number } = {}): { png: Buffer; stretch: string; sigma: number } {
  const n = width * height;
  const r = new Float32Array(n);
  for (let i = 0; i < n; i++) r[i] = denoised[i]! - coadd[i]!;
  const step = Math.max(1, Math.floor(n / 200_000));
  const s: number[] = [];
  for (let i = 0; i < n; i += step) if (Number.isFinite(r[i]!)) s.push(r[i]!);
  s.sort((a, b) => a - b);
  const med = s.length ? medianSorted(s, 'upper') : 0;
  const dev = s.map((v) => Math.abs(v - med)).sort((a, b) => a - b);
  const sigma = (dev.length ? MAD_TO_SIGMA * medianSorted(dev, 'upper') : 0) || 1e-12;
  const k = opts.nSigma ?? 5;
  const png = imageToPng(r, width, height, { lo: -k * sigma, hi: k * sigma, kind: 'linear' }, { zoom: opts.zoom });
  return { png, stretch: `linear, ±${k} σ = ±${(k * sigma).toPrecision(3)} (σ = 1.4826·MAD of the residual); mid-grey = 0`, sigma };
}

/** Decodes a PNG (for tests). */
export function readPng(png: Uint8Array): PNG {
  return PNG.sync.read(Buffer.from(png));
}
