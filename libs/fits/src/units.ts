// Flux units → nJy per pixel.
// AB magnitudes (Oke & Gunn 1983) in the convention used by JDox and ASTERIS: m = 8.90 − 2.5 log10(f / Jy),
// i.e. m = 31.40 − 2.5 log10(f / nJy) (3631 Jy rounded to 10^(8.9/2.5) Jy, as in docs/astro-reference.md B.3).
// JWST images are in MJy/sr (BUNIT); multiplying by the pixel solid angle PIXAR_SR gives MJy/pixel
// (JDox "NIRCam Absolute Flux Calibration and Zeropoints"): f[nJy] = S[MJy/sr] × Ω × 10^15.
// Images with a zero-point keyword (ABMAG, ZP_AB, MAGZERO, PHOTZP): f[nJy] = data × 10^(−0.4 (ZP − 31.4)).

import { FitsError } from './errors.ts';
import { Header } from './header.ts';
import { Wcs } from './wcs.ts';

export const AB_ZP_NJY = 31.4;

/** Zero-point keywords recognised, in order of preference. */
export const ZERO_POINT_KEYS = ['ABMAG', 'ZP_AB', 'MAGZERO', 'PHOTZP'] as const;

/** AB zero point of an image in MJy/sr with pixels of `pixarSr` steradians: −6.10 − 2.5 log10(Ω) (27.4618 at 0.04″). */
export function abZeroPointMJySr(pixarSr: number): number {
  return 8.9 - 2.5 * Math.log10(1e6 * pixarSr);
}

/** Factor converting a zero point to nJy per data unit: 10^(−0.4 (ZP − 31.4)). */
export function nJyPerUnitFromZeroPoint(zp: number): number {
  return 10 ** (-0.4 * (zp - AB_ZP_NJY));
}

/** Pixel solid angle in sr: PIXAR_SR if present, else from the WCS (|det CD|). */
export function pixelAreaSr(header: Header, file?: string): number {
  const pix = header.getNumber('PIXAR_SR');
  if (pix !== undefined && pix > 0) return pix;
  return Wcs.fromHeader(header, file).pixelAreaSr();
}

// Flux-density units in nJy (case matters: MJy = mega, mJy = milli).
const FLUX_UNITS: Record<string, number> = {
  nJy: 1, nanoJansky: 1, njy: 1,
  uJy: 1e3, microJy: 1e3, microJansky: 1e3, 'µJy': 1e3, 'μJy': 1e3, ujy: 1e3,
  mJy: 1e6, milliJansky: 1e6,
  Jy: 1e9, Jansky: 1e9, jy: 1e9,
  MJy: 1e15, megaJansky: 1e15,
};

/**
 * Multiply the data by this to get nJy per pixel.
 * Understands BUNIT = MJy/sr (and other <flux>/sr, <flux>/arcsec2) using PIXAR_SR or the WCS
 * pixel area; flux-per-pixel units (nJy, uJy, Jy, with an optional numeric factor such as
 * '10.0*nanoJansky'); otherwise a zero-point keyword (ABMAG, ZP_AB, MAGZERO, PHOTZP).
 */
export function nJyPerPixelScale(header: Header, file?: string): number {
  const bunitRaw = (header.getString('BUNIT') ?? '').trim();
  const parsed = parseFluxUnit(bunitRaw);
  if (parsed) {
    if (parsed.per === 'pix') return parsed.factor;
    if (parsed.per === 'sr') return parsed.factor * pixelAreaSr(header, file);
    if (parsed.per === 'arcsec2') return (parsed.factor * pixelAreaSr(header, file)) / (Math.PI / 648000) ** 2;
  }
  for (const k of ZERO_POINT_KEYS) {
    const zp = header.getNumber(k);
    if (zp !== undefined && Number.isFinite(zp)) return nJyPerUnitFromZeroPoint(zp);
  }
  throw new FitsError(
    `cannot convert to nJy: BUNIT='${bunitRaw}' is not a flux unit and no zero-point keyword (${ZERO_POINT_KEYS.join(', ')}) is present`,
    { file },
  );
}

/** Parses '[factor*]<flux unit>[/sr|/pixel|/arcsec2]'; undefined if not a flux unit. */
export function parseFluxUnit(bunit: string): { factor: number; per: 'pix' | 'sr' | 'arcsec2' } | undefined {
  let s = bunit.replace(/\s+/g, '');
  if (!s) return undefined;
  let factor = 1;
  const m = /^([0-9.]+(?:[eE][+-]?\d+)?)\*?(.*)$/.exec(s);
  if (m && m[2]) {
    factor = Number(m[1]);
    s = m[2];
    if (!Number.isFinite(factor)) return undefined;
  }
  let per: 'pix' | 'sr' | 'arcsec2' = 'pix';
  const slash = s.indexOf('/');
  if (slash >= 0) {
    const den = s.slice(slash + 1).toLowerCase();
    s = s.slice(0, slash);
    if (den === 'sr' || den === 'steradian') per = 'sr';
    else if (den === 'pix' || den === 'pixel' || den === 'pixels') per = 'pix';
    else if (den === 'arcsec2' || den === 'arcsec**2' || den === 'arcsec^2') per = 'arcsec2';
    else return undefined;
  }
  const u = FLUX_UNITS[s];
  if (u === undefined) return undefined;
  return { factor: factor * u, per };
}

/**
 * Keys that give pixel values a physical flux meaning: units, photometric calibration and integer
 * scaling (FITS 4.0 §4.4.2.5 BUNIT, §5.3 BSCALE/BZERO/BLANK; JWST PHOTMJSR/PHOTUJA2/PIXAR_*; AB zero points).
 */
export const FLUX_UNIT_KEYS = [
  'BUNIT', 'BSCALE', 'BZERO', 'BLANK', 'PHOTMJSR', 'PHOTUJA2', 'PHOTFLAM', 'PHOTFNU', 'PHOTPLAM', 'PIXAR_SR', 'PIXAR_A2',
  ...ZERO_POINT_KEYS,
] as const;

/**
 * A header for a label image (segmentation map, mask, ids) derived from a science header: keeps the
 * WCS, FILTER, provenance and the rest, drops every key in FLUX_UNIT_KEYS so the labels are not
 * read as fluxes (e.g. BUNIT='10.0*nanoJansky' inherited by segmentation.fits). Returns a copy.
 */
export function labelImageHeader(science: Header, opts: { bunit?: string } = {}): Header {
  const h = science.clone();
  for (const k of FLUX_UNIT_KEYS) h.delete(k);
  if (opts.bunit !== undefined) h.set('BUNIT', opts.bunit, 'label image');
  return h;
}
