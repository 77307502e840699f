// Test helpers: the real PRIMER-UDS PSFs on the 0.04″ mosaic grid (data/external/mophongo_primer_uds_cutouts).
import { readFits, type ImageHdu } from '@asteris/fits';
import { fileURLToPath } from 'node:url';
import { resamplePsf, type Psf } from '../src/psf/psf.ts';

export const DATA = fileURLToPath(new URL('../../../data/external/', import.meta.url));
export const UDS = `${DATA}mophongo_primer_uds_cutouts/`;
export const EE_TABLE = `${DATA}galfind_nircam_ee/Encircled_Energy_LW_ETCv2.txt`;

function plane(path: string, k = 0): { data: Float32Array; w: number; h: number; hdu: ImageHdu } {
  const hdu = readFits(path).find((h) => h.kind === 'image' && h.data) as ImageHdu;
  const [w, h] = hdu.shape;
  const d = hdu.data!;
  return { data: Float32Array.from(d.subarray(k * w * h, (k + 1) * w * h)), w, h, hdu };
}

/** STPSF 4× oversampled model rebinned to 0.04″ (pixel scale = FOV / NAXIS1). */
export function stpsfAt004(band: 'F115W' | 'F444W', size = 101, dx = 0, dy = 0): Psf {
  const f = band === 'F115W' ? 'UDS_NRCA1_F115W_DET_GRID1_OS4.fits' : 'UDS_NRCA5_F444W_DET_GRID1_OS4.fits';
  const p = plane(`${UDS}psf/${f}`);
  const scale = (p.hdu.header.getNumber('FOV') as number) / p.w;
  return resamplePsf(p.data, p.w, p.h, scale, size, 0.04, dx, dy);
}

/** Plane k of the mosaic's empirical 0.04″ F444W PSF cube (101×101). */
export function mosaicF444wPsf(k = 0): Psf {
  const p = plane(`${UDS}uds-test-f444w_psf.fits`, k);
  return { data: Float64Array.from(p.data), size: p.w };
}
