// Up-front validation of a field: every problem is collected and reported together, before any
// work starts (exposures that disagree in shape or WCS, bands without exposures, unknown units,
// fewer exposures than the denoiser needs, unreadable files).
import { readFits, selectImageHdu, Wcs, nJyPerPixelScale, type Header } from '@asteris/fits';

export class FieldValidationError extends Error {
  override name = 'FieldValidationError';
  constructor(readonly field: string, readonly problems: string[]) {
    super(`${field}: the field cannot be processed (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export interface BandFiles { name: string; exposures: string[] }

export interface ValidatedBand { name: string; width: number; height: number; nExposures: number; hasErr: boolean; nJyPerPixel: number }

const WCS_KEYS = ['CRPIX1', 'CRPIX2', 'CRVAL1', 'CRVAL2'] as const;

function wcsSignature(h: Header): number[] | null {
  const out: number[] = [];
  for (const k of WCS_KEYS) {
    const v = h.getNumber(k);
    if (v === undefined) return null;
    out.push(v);
  }
  return out;
}

/**
 * Checks the exposures of every band. `minExposures` is what the denoiser needs (T of the model).
 * Returns per-band facts; throws FieldValidationError listing every problem found.
 */
export function validateField(fieldName: string, bands: BandFiles[], opts: { minExposures: number; denoiser: string; problems?: string[] }): ValidatedBand[] {
  const problems: string[] = [...(opts.problems ?? [])];
  const out: ValidatedBand[] = [];
  if (bands.length === 0) problems.push('no bands with exposures were found');
  let gridRef: { file: string; w: number; h: number; wcs: number[] | null; scale: number | null } | null = null;
  for (const band of bands) {
    if (band.exposures.length === 0) {
      if (!problems.some((p) => p.includes(`band ${band.name} has no exposures`))) problems.push(`band ${band.name}: no exposures`);
      continue;
    }
    if (band.exposures.length < opts.minExposures) {
      problems.push(`band ${band.name}: ${band.exposures.length} exposure(s), but the ${opts.denoiser} denoiser needs at least ${opts.minExposures}`);
    }
    let info: ValidatedBand | null = null;
    for (const file of band.exposures) {
      let header: Header;
      let w: number;
      let h: number;
      let hasErr = false;
      try {
        const hdus = readFits(file);
        const sci = selectImageHdu(hdus, undefined, file);
        header = sci.header;
        [w, h] = sci.shape as [number, number];
        hasErr = hdus.some((x) => x.kind === 'image' && x.name.toUpperCase() === 'ERR');
      } catch (err) {
        problems.push((err as Error).message);
        continue;
      }
      let scale: number | null = null;
      try {
        scale = Wcs.fromHeader(header, file).pixelScaleArcsec();
      } catch (err) {
        problems.push((err as Error).message);
      }
      let conv = NaN;
      try {
        conv = nJyPerPixelScale(header, file);
        if (!Number.isFinite(conv) || conv <= 0) throw new Error(`${file}: unusable flux unit conversion`);
      } catch (err) {
        problems.push((err as Error).message);
      }
      const sig = wcsSignature(header);
      if (!gridRef) {
        gridRef = { file, w, h, wcs: sig, scale };
      } else {
        if (w !== gridRef.w || h !== gridRef.h) problems.push(`${file}: shape ${w}×${h} differs from ${gridRef.file} (${gridRef.w}×${gridRef.h}); all exposures must be on one pixel grid`);
        else if (sig && gridRef.wcs && sig.some((v, i) => Math.abs(v - gridRef!.wcs![i]!) > (i < 2 ? 1e-3 : 1e-7))) {
          problems.push(`${file}: WCS (CRPIX/CRVAL) differs from ${gridRef.file}; exposures must be aligned on one pixel grid`);
        } else if (scale && gridRef.scale && Math.abs(scale / gridRef.scale - 1) > 1e-5) {
          problems.push(`${file}: pixel scale ${scale.toFixed(5)}″ differs from ${gridRef.file} (${gridRef.scale.toFixed(5)}″)`);
        }
      }
      info ??= { name: band.name, width: w, height: h, nExposures: band.exposures.length, hasErr, nJyPerPixel: conv };
      if (!hasErr && info.hasErr) info.hasErr = false;
    }
    if (info) out.push(info);
  }
  if (problems.length) throw new FieldValidationError(fieldName, problems);
  return out;
}
