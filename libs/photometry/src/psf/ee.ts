// Encircled energy (EE) and aperture-to-total corrections.
//
// Two sources of EE(r), combined as documented in docs/photometry.md:
//  1. the curve of growth of the PSF stamp (exact circular-pixel overlap, @asteris/extract sumCircle);
//  2. the STScI ETC v2 NIRCam encircled-energy tables (data/external/galfind_nircam_ee), which reach
//     r = 3.5″ and therefore know about the light outside a finite stamp.
// With a stamp of side L (arcsec) and a table for the band: EE(r) = CoG_unit(r) · EE_table(L/√π), i.e.
// the stamp is normalised to unit sum and then scaled by the fraction of light the table puts inside the
// circle of the stamp's area (the stamp must not be zero-padded beyond the model's field of view).
// Without a stamp the table alone is linearly interpolated in r (coarse beyond 0.1″; see its README).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sumCircle, sumEllipse } from '@asteris/extract';
import { PhotometryError } from '../errors.ts';
import { normalisePsf, type Psf } from './psf.ts';

export interface EeTable {
  /** radii in arcsec, ascending */
  radius: Float64Array;
  /** EE per filter name (upper case) */
  ee: Map<string, Float64Array>;
}

/** Parse an ETC-style whitespace table: header `aper_radius F070W ...`, one row per radius. */
export function parseEeTable(text: string, file = 'EE table'): EeTable {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0 && !l.startsWith('#'));
  if (lines.length < 2) throw new PhotometryError('no rows', undefined, file);
  const head = lines[0].split(/\s+/);
  if (!/radius/i.test(head[0])) throw new PhotometryError(`first column must be the aperture radius (got '${head[0]}')`, undefined, file);
  const rows = lines.slice(1).map((l, i) => {
    const v = l.split(/\s+/).map(Number);
    if (v.length !== head.length || v.some((x) => !Number.isFinite(x))) {
      throw new PhotometryError(`row ${i + 2} has ${v.length} values or non-numeric entries (expected ${head.length})`, undefined, file);
    }
    return v;
  });
  const radius = Float64Array.from(rows, (r) => r[0]);
  for (let i = 1; i < radius.length; i++) if (!(radius[i] > radius[i - 1])) throw new PhotometryError('radii not ascending', undefined, file);
  const ee = new Map<string, Float64Array>();
  for (let c = 1; c < head.length; c++) ee.set(head[c].toUpperCase(), Float64Array.from(rows, (r) => r[c]));
  return { radius, ee };
}

/** The repository's ETC v2 tables (data/external/galfind_nircam_ee); 'LW' holds every filter F070W–F480M. */
export const EE_TABLE_PATHS = {
  LW: fileURLToPath(new URL('../../../../data/external/galfind_nircam_ee/Encircled_Energy_LW_ETCv2.txt', import.meta.url)),
  SW: fileURLToPath(new URL('../../../../data/external/galfind_nircam_ee/Encircled_Energy_SW_ETCv2.txt', import.meta.url)),
} as const;

/** Load an EE table from a path, or the bundled 'LW' / 'SW' table by name. */
export function loadEeTable(path: string): EeTable {
  if (path === 'LW' || path === 'SW') path = EE_TABLE_PATHS[path];
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new PhotometryError('cannot read encircled-energy table', undefined, path);
  }
  return parseEeTable(text, path);
}

/** Linear interpolation of the table EE at radius r (arcsec); r = 0 → 0; beyond the last radius → last value. */
export function eeFromTable(table: EeTable, band: string, rArcsec: number): number {
  const col = table.ee.get(band.toUpperCase());
  if (!col) throw new PhotometryError(`no encircled-energy column for this filter`, band);
  const R = table.radius;
  if (rArcsec <= 0) return 0;
  if (rArcsec <= R[0]) return (col[0] * rArcsec) / R[0];
  for (let i = 1; i < R.length; i++) {
    if (rArcsec <= R[i]) {
      const t = (rArcsec - R[i - 1]) / (R[i] - R[i - 1]);
      return col[i - 1] + t * (col[i] - col[i - 1]);
    }
  }
  return col[col.length - 1];
}

/** EE of a PSF stamp at the given radii (pixels), stamp normalised to unit sum, centred on the central pixel. */
export function curveOfGrowth(psf: Psf, radii: number[]): number[] {
  const p = normalisePsf(psf);
  const d = Float32Array.from(p.data);
  const c = (p.size - 1) / 2;
  return radii.map((r) => sumCircle(d, p.size, p.size, c, c, r).sum);
}

/** Radius (pixels) enclosing half the stamp's light (bisection on the exact curve of growth). */
export function halfLightRadius(psf: Psf): number {
  const p = normalisePsf(psf);
  const d = Float32Array.from(p.data);
  const c = (p.size - 1) / 2;
  let lo = 0, hi = c;
  for (let i = 0; i < 40; i++) {
    const m = 0.5 * (lo + hi);
    if (sumCircle(d, p.size, p.size, c, c, m).sum < 0.5) lo = m; else hi = m;
  }
  return 0.5 * (lo + hi);
}

/** The PSF light model used for aperture corrections of one (homogenised) band. */
export interface EeModel {
  /** fraction of total point-source flux inside a circle of radius r pixels */
  circle(rPix: number): number;
  /** fraction inside the ellipse with semi-axes r·a, r·b, angle theta (deg) */
  ellipse(a: number, b: number, theta: number, r: number): number;
  /** how it was built, for the catalogue metadata */
  describe: string;
}

/**
 * Build the EE model. `psf` (on the image grid) and/or `table` + `band` + `pixelScale` (arcsec/px).
 * Neither → identity (EE ≡ 1, no correction; recorded in `describe`).
 */
export function eeModel(opts: { psf?: Psf; table?: EeTable; band?: string; pixelScale?: number }): EeModel {
  const { psf, table, band, pixelScale } = opts;
  const hasTable = !!(table && band && pixelScale && table.ee.has(band.toUpperCase()));
  if (psf) {
    const p = normalisePsf(psf);
    const d = Float32Array.from(p.data);
    const c = (p.size - 1) / 2;
    const rEq = (p.size * (pixelScale ?? 0)) / Math.sqrt(Math.PI);
    const outside = hasTable ? eeFromTable(table!, band!, rEq) : 1;
    const cache = new Map<number, number>();
    return {
      circle(r) {
        const key = Math.round(r * 1e6);
        let v = cache.get(key);
        if (v === undefined) { v = sumCircle(d, p.size, p.size, c, c, r).sum * outside; cache.set(key, v); }
        return v;
      },
      ellipse(a, b, theta, r) {
        return sumEllipse(d, p.size, p.size, c, c, a, b, theta, r).sum * outside;
      },
      describe: hasTable
        ? `PSF curve of growth × ETC EE(${rEq.toFixed(3)}″) = ${outside.toFixed(4)} for ${band}`
        : 'PSF curve of growth (stamp normalised to unit total flux)',
    };
  }
  if (hasTable) {
    return {
      circle: (r) => eeFromTable(table!, band!, r * pixelScale!),
      ellipse: (a, b, _t, r) => eeFromTable(table!, band!, r * Math.sqrt(a * b) * pixelScale!),
      describe: `ETC EE table for ${band} (no PSF stamp; ellipses circularised)`,
    };
  }
  return { circle: () => 1, ellipse: () => 1, describe: 'none (no PSF and no EE table for this band)' };
}
