// Semi-real stacks: turn a real drizzled mosaic (sci + inverse-variance weight) into N exposures whose
// mean reproduces the mosaic exactly and whose noise follows the weight map:
//   e_i = sci + δ_i,  δ_i = g_i − mean_j(g_j),  g_i ~ N(0, N σ_m²) (optionally convolved with a
//   correlation kernel normalised to Σk² = 1),  σ_m = 1/√wht.
// Then mean_i(e_i) = sci, and each exposure's noise about the true sky is σ_m² (mosaic) + (N−1)σ_m² = N σ_m²,
// i.e. exactly what N independent exposures averaging to the mosaic depth would have. ERR = √N σ_m.
// Pixels with wht ≤ 0 or non-finite get SCI = ERR = NaN and DQ = DO_NOT_USE (JWST convention).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { nJyPerPixelScale, pixelAreaSr, readImage, Wcs, writeFits } from '@asteris/fits';
import { FieldError, loadField, type Field } from '@asteris/field';
import { drizzleKernel, DQ, normaliseCorrelationKernel } from './noise.ts';
import { deriveSeed, Rng, writeFileAtomic } from '@asteris/core';
import { FIELD_FORMAT } from './simulate.ts';

export interface MosaicStackOptions {
  sci: string;
  weight: string;
  nexp?: number;               // default 8
  outDir: string;
  band?: string;               // default: FILTER keyword of the mosaic
  seed?: number;
  name?: string;
  /** 'drizzle' or an odd square kernel for correlated noise. */
  correlation?: 'drizzle' | number[][];
  /** Convert to MJy/sr (default true) or keep the mosaic's units. */
  toMJySr?: boolean;
  psf?: string;                // optional PSF file recorded in field.json (copied)
}

export function stackFromMosaic(opts: MosaicStackOptions): Field {
  const nexp = opts.nexp ?? 8;
  if (!(Number.isInteger(nexp) && nexp >= 2 && nexp <= 64)) throw new RangeError(`nexp must be an integer in 2–64, got ${nexp}`);
  const sci = readImage(opts.sci);
  const wht = readImage(opts.weight);
  if (sci.width !== wht.width || sci.height !== wht.height) throw new FieldError(`weight map is ${wht.width}×${wht.height} but the science image is ${sci.width}×${sci.height}`, opts.weight);
  const band = (opts.band ?? sci.header.getString('FILTER') ?? '').toUpperCase().trim();
  if (!/^F\d{3}[WMN]2?$/.test(band)) throw new FieldError(`cannot tell the band (FILTER='${sci.header.getString('FILTER') ?? ''}'); pass --band`, opts.sci);
  const W = sci.width, H = sci.height, npix = W * H;
  let scale = 1;
  const hdr = sci.header.clone();
  const toMJy = opts.toMJySr ?? true;
  let unit = hdr.getString('BUNIT') ?? '';
  // pixel area of the mosaic grid from its WCS (drizzled mosaics often keep the native detector PIXAR_SR)
  let pixarSr: number | undefined;
  try { pixarSr = Wcs.fromHeader(hdr, opts.sci).pixelAreaSr(); } catch { pixarSr = undefined; }
  if (pixarSr === undefined) { try { pixarSr = pixelAreaSr(hdr, opts.sci); } catch { pixarSr = undefined; } }
  if (toMJy) {
    if (pixarSr === undefined) throw new FieldError('cannot determine the pixel area (no PIXAR_SR or WCS) to convert to MJy/sr; use toMJySr: false', opts.sci);
    // native → nJy/pixel (per-pixel units need no area; per-sr units use the mosaic's own area), → MJy/sr
    const h2 = hdr.clone();
    if (h2.has('PIXAR_SR')) h2.set('PIXAR_SR', pixarSr);
    scale = nJyPerPixelScale(h2, opts.sci) / (pixarSr * 1e15);
    hdr.set('BUNIT', 'MJy/sr', 'physical units of the array values');
    hdr.set('PIXAR_SR', pixarSr, '[sr] nominal pixel area');
    unit = 'MJy/sr';
  }
  // weight is in (sci units)⁻²; σ_m in output units
  const sigma = new Float32Array(npix);
  for (let i = 0; i < npix; i++) {
    const w = wht.data[i];
    sigma[i] = w > 0 && Number.isFinite(w) && Number.isFinite(sci.data[i]) ? scale / Math.sqrt(w) : NaN;
  }
  const kern = opts.correlation ? normaliseCorrelationKernel(opts.correlation === 'drizzle' ? drizzleKernel() : opts.correlation) : undefined;
  const seed = opts.seed ?? 1;
  const g: Float32Array[] = [];
  for (let e = 0; e < nexp; e++) {
    const rng = new Rng(deriveSeed(seed, 'mosaic', band, e));
    let white: Float32Array = new Float32Array(npix);
    rng.fillNormal(white);
    if (kern) white = correlateClamp(white, W, H, kern);
    g.push(white);
  }
  const sqN = Math.sqrt(nexp);
  const mean = new Float32Array(npix);
  for (const a of g) for (let i = 0; i < npix; i++) mean[i] += a[i] / nexp;
  const out = resolve(opts.outDir);
  mkdirSync(join(out, band), { recursive: true });
  const exposures: string[] = [];
  const exptime = hdr.getNumber('XPOSURE') ?? hdr.getNumber('EXPTIME');
  for (let e = 0; e < nexp; e++) {
    const s = new Float32Array(npix), er = new Float32Array(npix), dq = new Int32Array(npix);
    const a = g[e];
    for (let i = 0; i < npix; i++) {
      const sg = sigma[i];
      if (Number.isNaN(sg)) { s[i] = NaN; er[i] = NaN; dq[i] = DQ.DO_NOT_USE; continue; }
      s[i] = sci.data[i] * scale + sqN * sg * (a[i] - mean[i]);
      er[i] = sqN * sg;
    }
    const h = hdr.clone();
    h.set('FILTER', band);
    if (!h.has('TELESCOP')) h.set('TELESCOP', 'JWST');
    if (!h.has('INSTRUME')) h.set('INSTRUME', 'NIRCAM');
    h.set('EXPOSURE', e + 1, 'exposure number (semi-real stack)');
    h.set('NEXPOSUR', nexp, 'number of exposures');
    if (exptime !== undefined) { h.set('XPOSURE', exptime / nexp, '[s] mosaic exposure / nexp'); h.set('EXPTIME', exptime / nexp, '[s]'); }
    h.addHistory(`asteris simulate --from-mosaic: exposure ${e + 1}/${nexp} of ${opts.sci} with noise from ${opts.weight} (seed ${seed})`);
    const rel = `${band}/${band.toLowerCase()}_exp${String(e + 1).padStart(2, '0')}.fits`;
    writeFits(join(out, rel), [{}, { name: 'SCI', header: h, data: s, shape: [W, H] }, { name: 'ERR', header: h.clone(), data: er, shape: [W, H] }, { name: 'DQ', data: dq, shape: [W, H] }]);
    exposures.push(rel);
  }
  // field.json: merge with an existing one (one call per band)
  const fj = join(out, 'field.json');
  let meta: Record<string, unknown> = {};
  if (existsSync(fj)) { try { meta = JSON.parse(readFileSync(fj, 'utf8')); } catch { meta = {}; } }
  const scaleArcsec = pixarSr !== undefined ? Math.sqrt(pixarSr) * (180 / Math.PI) * 3600 : 0.04;
  const bands = (Array.isArray(meta.bands) ? meta.bands : []).filter((b: { name?: string }) => b.name !== band);
  const zp = unit === 'MJy/sr' && pixarSr ? -6.10 - 2.5 * Math.log10(pixarSr) : undefined;
  bands.push({ name: band, unit, zeropoint: zp, exposures, ...(opts.psf ? { psf: opts.psf } : {}), mosaic: { sci: resolve(opts.sci), weight: resolve(opts.weight), seed, nexp, correlation: opts.correlation ?? null } });
  const field = { ...meta, format: FIELD_FORMAT, name: opts.name ?? meta.name ?? 'semi-real', pixelScale: meta.pixelScale ?? Number(scaleArcsec.toFixed(6)), width: W, height: H, simulated: false, semiReal: true, bands };
  writeFileAtomic(fj, JSON.stringify(field, null, 2) + '\n');
  return loadField(out);
}

function correlateClamp(src: Float32Array, w: number, h: number, k: { data: Float64Array; size: number }): Float32Array {
  const out = new Float32Array(w * h);
  const r = (k.size - 1) / 2;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let s = 0;
    for (let j = -r; j <= r; j++) {
      const yy = (y + j + h) % h;
      for (let i = -r; i <= r; i++) s += k.data[(j + r) * k.size + i + r] * src[yy * w + ((x + i + w) % w)];
    }
    out[y * w + x] = s;
  }
  return out;
}
