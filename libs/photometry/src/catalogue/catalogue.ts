// The multiband catalogue product: plain row objects + a column description (docs/catalogue-columns.md).
import { PhotometryError } from '../errors.ts';

export interface ColumnSpec {
  name: string;
  /** 'int' columns are written without a decimal point and as int32 in FITS */
  type: 'int' | 'float';
  unit: string;
  description: string;
}

export type CatalogueRow = Record<string, number>;

export interface Catalogue {
  bands: string[];
  columns: ColumnSpec[];
  rows: CatalogueRow[];
  /** provenance: options, noise calibration, aperture-correction model (not written to CSV) */
  meta?: Record<string, unknown>;
  /** forcedPhotometry only: circular-aperture fluxes per band, [radius][row] (not written to CSV/FITS) */
  apertures?: { radii: number[]; flux: Record<string, Float64Array[]>; fluxErr: Record<string, Float64Array[]>;
    kron: Record<string, Float64Array>; kronErr: Record<string, Float64Array> };
}

/** Photometry flag bits ORed into the detection FLAGS (SExtractor bits 1–128 are kept as they are). */
export const PHOT_FLAG_TRUNCATED = 256;      // an aperture is cut by the image edge in some band
export const PHOT_FLAG_MASKED = 512;         // an aperture contains masked/NaN pixels in some band (area-corrected)
export const PHOT_FLAG_UNMEASURED = 1024;    // an aperture is entirely masked/outside in some band (flux NaN)
export const PHOT_FLAG_KRON_CROWDED = 2048;  // > 10 % of the Kron ellipse belongs to other segments; PSF total correction used

const BAND_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function checkBandName(name: string): void {
  if (!BAND_RE.test(name)) {
    throw new PhotometryError(`band name '${name}' must be letters/digits (plus _ . -), e.g. F115W`);
  }
}

/** The contract's column list for the given bands, in order. */
export function catalogueColumns(bands: string[]): ColumnSpec[] {
  const cols: ColumnSpec[] = [
    { name: 'id', type: 'int', unit: '', description: 'detection id (segmentation label, 1..n)' },
    { name: 'x', type: 'float', unit: 'pix', description: 'x centroid, 0-based pixel on the detection grid' },
    { name: 'y', type: 'float', unit: 'pix', description: 'y centroid, 0-based pixel on the detection grid' },
    { name: 'ra', type: 'float', unit: 'deg', description: 'right ascension (ICRS) from the detection WCS; NaN without WCS' },
    { name: 'dec', type: 'float', unit: 'deg', description: 'declination (ICRS) from the detection WCS; NaN without WCS' },
    { name: 'a', type: 'float', unit: 'pix', description: 'semi-major axis RMS (second moments)' },
    { name: 'b', type: 'float', unit: 'pix', description: 'semi-minor axis RMS (second moments)' },
    { name: 'theta', type: 'float', unit: 'deg', description: 'position angle, counter-clockwise from +x' },
    { name: 'kron_radius', type: 'float', unit: '', description: 'Kron radius in units of a, b (SExtractor KRON_RADIUS)' },
    { name: 'flags', type: 'int', unit: '', description: 'SExtractor FLAGS (bits 1–128) | photometry flags (256–2048)' },
    { name: 'snr_det', type: 'float', unit: '', description: 'S/N in the detection image' },
  ];
  const seen = new Set<string>();
  for (const b of bands) {
    checkBandName(b);
    if (seen.has(b.toUpperCase())) throw new PhotometryError(`band ${b} given twice`);
    seen.add(b.toUpperCase());
    cols.push(
      { name: `flux_${b}`, type: 'float', unit: 'nJy', description: `total flux in ${b} (measured value, also for non-detections)` },
      { name: `fluxerr_${b}`, type: 'float', unit: 'nJy', description: `1σ error of flux_${b}, empty-aperture calibrated` },
      { name: `mag_${b}`, type: 'float', unit: 'mag', description: `AB magnitude 31.4 − 2.5 log10(flux_${b}); 99 when flux ≤ 0` },
      { name: `magerr_${b}`, type: 'float', unit: 'mag', description: `1.0857 fluxerr/flux; 99 when flux ≤ 0` },
    );
  }
  return cols;
}

/** AB magnitude from nJy; flux ≤ 0 → 99 (SExtractor convention); NaN → NaN. */
export function magAB(flux: number): number {
  if (Number.isNaN(flux)) return NaN;
  return flux > 0 ? 31.4 - 2.5 * Math.log10(flux) : 99;
}

/** Magnitude error 2.5/ln10 · σ/F; flux ≤ 0 → 99; NaN → NaN. */
export function magErrAB(flux: number, err: number): number {
  if (Number.isNaN(flux) || Number.isNaN(err)) return NaN;
  return flux > 0 ? (2.5 / Math.LN10) * (err / flux) : 99;
}

/** Band names present in a column list (from the flux_<BAND> columns, in order). */
export function bandsFromColumns(names: string[]): string[] {
  return names.filter((n) => n.startsWith('flux_')).map((n) => n.slice(5));
}
